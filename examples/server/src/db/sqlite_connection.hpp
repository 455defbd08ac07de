// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>

#include "db/sql.hpp"

namespace energy::server::db {

/// A SQLite connection in WAL mode with synchronous=FULL (the library store's durability).
[[nodiscard]] std::unique_ptr<connection> open_sqlite(const std::string& path);
/// A PostgreSQL connection (libpq) for a postgresql:// URI.
[[nodiscard]] std::unique_ptr<connection> open_postgres(const std::string& uri);

}  // namespace energy::server::db
