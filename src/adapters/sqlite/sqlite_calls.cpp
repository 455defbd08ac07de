// SPDX-License-Identifier: Apache-2.0
#include "adapters/sqlite/sqlite_calls.hpp"

#include <sqlite3.h>

#include <energy/error.hpp>

namespace energy::sqlite_detail {

/// "'path'", for messages. Built by appending: g++ 12 -O3 reports a false -Wrestrict on
/// `"'" + path.string()`.
std::string quoted(const std::filesystem::path& path) {
  std::string out = "'";
  out += path.string();
  out += '\'';
  return out;
}

[[noreturn]] void throw_storage(const SQLite::Exception& e, std::string_view operation,
                                const std::string& where) {
  const int primary = e.getErrorCode() & 0xff;
  const bool retryable = primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
  throw storage_error("sqlite " + where + ": " + std::string(operation) + " failed: " + e.what() +
                          (retryable ? " (database busy or locked: retry later)" : ""),
                      retryable);
}

}  // namespace energy::sqlite_detail
