// SPDX-License-Identifier: Apache-2.0
#include <energy/storage/memory.hpp>
#include <energy/storage/sqlite.hpp>

#include <stdexcept>
#include <string>

namespace energy::storage {

std::unique_ptr<store> open_store(std::string_view uri) {
  constexpr std::string_view memory_scheme = "memory:";
  constexpr std::string_view sqlite_scheme = "sqlite:";
  if (uri == memory_scheme) return open_memory_store();
  if (uri.starts_with(sqlite_scheme)) {
    const std::string_view path = uri.substr(sqlite_scheme.size());
    if (path.empty())
      throw std::invalid_argument("store URI '" + std::string(uri) +
                                  "': sqlite: needs a file path");
    return open_sqlite_store(std::filesystem::path(std::string(path)));
  }
  throw std::invalid_argument(
      "store URI '" + std::string(uri) +
      "': unknown scheme; accepted: memory:, sqlite:<path>, sqlite::memory:");
}

}  // namespace energy::storage
