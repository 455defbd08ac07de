// SPDX-License-Identifier: Apache-2.0
#include "args.hpp"

#include <algorithm>

namespace energy::cli {

args::args(int argc, char** argv, std::vector<std::string> flags) : flags_(std::move(flags)) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-" || !a.starts_with("--")) {
      positionals_.emplace_back(a);
      continue;
    }
    std::string name(a.substr(2));
    std::string value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (std::find(flags_.begin(), flags_.end(), name) != flags_.end()) {
      value = "1";
    } else {
      if (i + 1 >= argc) throw usage_error("option --" + name + " needs a value");
      value = argv[++i];
    }
    options_[name] = value;
  }
}

std::optional<std::string> args::get(std::string_view name) const {
  auto it = options_.find(name);
  if (it == options_.end()) return std::nullopt;
  return it->second;
}

std::string args::require(std::string_view name) const {
  if (auto v = get(name)) return *v;
  throw usage_error("missing required option --" + std::string(name));
}

std::string args::get_or(std::string_view name, std::string fallback) const {
  return get(name).value_or(std::move(fallback));
}

bool args::flag(std::string_view name) const {
  return options_.contains(name);
}

void args::check_known(const std::vector<std::string>& known) const {
  for (const auto& [name, value] : options_)
    if (std::find(known.begin(), known.end(), name) == known.end())
      throw usage_error("unknown option --" + name);
}

}  // namespace energy::cli
