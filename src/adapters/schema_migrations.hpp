// SPDX-License-Identifier: Apache-2.0
// Private to the SQL storage adapters: their schema steps, embedded at build time from
// share/migrations/<dialect>/NNNN_name.sql (cmake/EmbedMigrations.cmake; the scheme is in
// share/migrations/README.md). Each adapter defines only its own dialect's function.
#pragma once

#include <span>
#include <string_view>

namespace energy::storage::detail {

/// One schema step. `version`s are 1, 2, 3, ... without gaps; `name` is the file name the
/// database records in schema_migrations; `sql` may hold several statements.
struct schema_migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

/// The steps of share/migrations/sqlite, in version order (defined in energy::sqlite).
[[nodiscard]] std::span<const schema_migration> sqlite_migrations() noexcept;
/// The steps of share/migrations/postgres, in version order (defined in energy::postgres).
[[nodiscard]] std::span<const schema_migration> postgres_migrations() noexcept;

}  // namespace energy::storage::detail
