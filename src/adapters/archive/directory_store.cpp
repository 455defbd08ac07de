// SPDX-License-Identifier: Apache-2.0
#include <energy/archive/object_store.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

namespace energy::archive {
namespace fs = std::filesystem;

namespace detail {
void check_key(std::string_view key) {
  if (key.empty() || key.front() == '/' || key.find("..") != std::string_view::npos ||
      key.find('\\') != std::string_view::npos)
    throw std::invalid_argument("object key '" + std::string(key) +
                                "': must be relative, without '..' or '\\'");
}
}  // namespace detail
using detail::check_key;

namespace {

class directory_store final : public object_store {
 public:
  explicit directory_store(fs::path root) : root_(std::move(root)) {
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec) throw storage_error("archive directory " + root_.string() + ": " + ec.message(), false);
  }

  void put(std::string_view key, std::string_view bytes) override {
    check_key(key);
    const fs::path target = root_ / fs::path(std::string(key));
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw storage_error("archive put " + target.string() + ": " + ec.message(), false);
    const fs::path tmp = target.string() + ".part";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      out.flush();
      if (!out) throw storage_error("archive put " + tmp.string() + ": write failed", false);
    }
    fs::rename(tmp, target, ec);  // atomic within one file system
    if (ec) throw storage_error("archive put " + target.string() + ": " + ec.message(), false);
  }

  std::optional<std::string> get(std::string_view key) override {
    check_key(key);
    std::ifstream in(root_ / fs::path(std::string(key)), std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return std::move(ss).str();
  }

  std::vector<std::string> list(std::string_view prefix) override {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::string key = fs::relative(it->path(), root_).generic_string();
      if (key.size() >= 5 && key.ends_with(".part")) continue;
      if (key.starts_with(prefix)) out.push_back(std::move(key));
    }
    if (ec) throw storage_error("archive list " + root_.string() + ": " + ec.message(), false);
    std::sort(out.begin(), out.end());
    return out;
  }

  void remove(std::string_view key) override {
    check_key(key);
    std::error_code ec;
    fs::remove(root_ / fs::path(std::string(key)), ec);
    if (ec) throw storage_error("archive remove " + std::string(key) + ": " + ec.message(), false);
  }

 private:
  fs::path root_;
};

}  // namespace

std::unique_ptr<object_store> open_directory_store(const fs::path& root) {
  return std::make_unique<directory_store>(root);
}

}  // namespace energy::archive
