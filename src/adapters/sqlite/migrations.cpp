// SPDX-License-Identifier: Apache-2.0
#include "adapters/sqlite/migrations.hpp"

#include <chrono>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include <SQLiteCpp/SQLiteCpp.h>

#include <energy/error.hpp>

namespace energy::sqlite_detail {
namespace {

// Before the steps became files (share/migrations/sqlite), databases recorded these names for
// versions 1..3; they are the same steps.
constexpr std::string_view legacy_names[] = {"seed tables, readings and summaries",
                                             "summary settings", "tariff versions"};

/// Whether a recorded (version, name) is `steps`'s step of that version.
bool is_ours(std::span<const migration> steps, int version, const std::string& name) {
  if (version < 1 || static_cast<std::size_t>(version) > steps.size()) return false;
  const auto& step = steps[static_cast<std::size_t>(version - 1)];
  if (step.name == name) return true;
  const bool builtin = steps.data() == storage::detail::sqlite_migrations().data();
  return builtin && static_cast<std::size_t>(version) <= std::size(legacy_names) &&
         legacy_names[version - 1] == name;
}

std::int64_t now_epoch() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::span<const migration> builtin_migrations() noexcept {
  return storage::detail::sqlite_migrations();
}

int recorded_version(SQLite::Database& db) {
  if (!db.tableExists("schema_migrations")) return 0;
  return db.execAndGet("SELECT coalesce(max(version), 0) FROM schema_migrations").getInt();
}

namespace {

/// The recorded version, after checking that every recorded migration is one of `steps`.
/// @throws storage_error (not retryable) for a newer or a foreign schema history.
int checked_version(SQLite::Database& db, std::span<const migration> steps,
                    const std::string& where) {
  const int known = steps.empty() ? 0 : steps.back().version;
  const int current = recorded_version(db);
  if (current > known)
    throw storage_error("sqlite database " + where + " has schema version " +
                            std::to_string(current) + ", newer than version " +
                            std::to_string(known) +
                            " known to this library: open it with a newer energy library",
                        false);
  SQLite::Statement recorded(db, "SELECT version, name FROM schema_migrations ORDER BY version");
  while (recorded.executeStep()) {
    const int v = recorded.getColumn(0).getInt();
    const std::string name = recorded.getColumn(1).getString();
    if (!is_ours(steps, v, name))
      throw storage_error("sqlite database " + where + " records schema migration " +
                              std::to_string(v) + " '" + name +
                              "', which is not this library's: a different schema history",
                          false);
  }
  return current;
}

}  // namespace

void migrate(SQLite::Database& db, std::span<const migration> steps, const std::string& where) {
  const int known = steps.empty() ? 0 : steps.back().version;
  {
    // Read-only first: a current schema is the common case, and checking it under a read snapshot
    // means opening a store never waits for (or fails on) another connection's long write.
    SQLite::Transaction snapshot(db, SQLite::TransactionBehavior::DEFERRED);
    if (db.tableExists("schema_migrations") && checked_version(db, steps, where) == known) {
      snapshot.commit();
      return;
    }
  }
  // IMMEDIATE: two processes opening a new file at once serialise here instead of both migrating.
  SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  const int current = checked_version(db, steps, where);
  SQLite::Statement record(
      db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const auto& step : steps) {
    if (step.version <= current) continue;
    db.exec(std::string(step.sql));
    record.bind(1, step.version);
    record.bind(2, std::string(step.name));
    record.bind(3, static_cast<std::int64_t>(now_epoch()));
    record.exec();
    record.reset();
  }
  tx.commit();
}

}  // namespace energy::sqlite_detail
