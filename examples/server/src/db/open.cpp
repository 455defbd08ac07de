// SPDX-License-Identifier: Apache-2.0
#include <stdexcept>
#include <string>

#include "db/sqlite_connection.hpp"

namespace energy::server::db {

bool is_postgres_uri(std::string_view uri) noexcept {
  return uri.starts_with("postgresql://") || uri.starts_with("postgres://");
}

std::unique_ptr<connection> open(std::string_view uri) {
  if (is_postgres_uri(uri)) return open_postgres(std::string(uri));
  if (uri == "memory:" || uri == "sqlite::memory:") return open_sqlite(":memory:");
  if (uri.starts_with("sqlite:")) uri.remove_prefix(7);
  if (uri.empty())
    throw std::invalid_argument("database URI is empty (use sqlite:PATH or postgresql://...)");
  if (uri.find("://") != std::string_view::npos) {
    throw std::invalid_argument("unsupported database URI scheme in '" + std::string(uri) +
                                "' (use sqlite:PATH, a file path, or postgresql://...)");
  }
  return open_sqlite(std::string(uri));
}

}  // namespace energy::server::db
