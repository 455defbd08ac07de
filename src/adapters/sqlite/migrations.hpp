// SPDX-License-Identifier: Apache-2.0
// Private to energy::sqlite (and its tests): versioned schema migrations recorded in the database.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "adapters/schema_migrations.hpp"

namespace SQLite {
class Database;
}

namespace energy::sqlite_detail {

/// One schema step (the same record as energy::postgres's; see share/migrations/README.md).
using migration = storage::detail::schema_migration;

/// The migrations this library ships, in order: share/migrations/sqlite/NNNN_name.sql.
[[nodiscard]] std::span<const migration> builtin_migrations() noexcept;

/// The highest version recorded in `schema_migrations`, 0 for a database without that table.
[[nodiscard]] int recorded_version(SQLite::Database& db);

/**
 * Brings `db` to the last version of `steps`, in one IMMEDIATE transaction: creates
 * `schema_migrations` when missing, applies every step newer than the recorded version and records
 * each (version, name, applied_at). Either all pending steps land or none.
 * @throws storage_error (not retryable) when the database records a version newer than the last
 *         step, or a recorded step's name differs from ours (a different schema history);
 *         `where` names the database in the message.
 * @throws SQLite::Exception for SQLite failures (the caller maps them).
 */
void migrate(SQLite::Database& db, std::span<const migration> steps, const std::string& where);

}  // namespace energy::sqlite_detail
