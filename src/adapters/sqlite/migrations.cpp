// SPDX-License-Identifier: Apache-2.0
#include "adapters/sqlite/migrations.hpp"

#include <array>
#include <chrono>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

#include <energy/error.hpp>

namespace energy::sqlite_detail {
namespace {

// Version 1: the seed's tables (tenants, buildings, sensors, energy_readings, alert_configs and
// its daily/hourly summaries as views), with the columns the model adds. Conventions:
// - ids are 16-byte BLOBs (RFC 9562 byte order): half the size of the 36-character text in every
//   index and row of energy_readings; byte order equals the library's uuid order.
// - timestamps are INTEGER UTC epoch seconds; quantities INTEGER milli-units (Wh for kWh);
//   money INTEGER micro-units. Nothing that must be exact is ever a REAL.
// - readings, dirty marks and summaries are WITHOUT ROWID tables clustered on their key, so a
//   sensor's readings are contiguous and a range read is one B-tree walk.
// - energy_readings has no foreign key: the adapter checks sensor ids before it writes (sensors
//   are never deleted), which keeps the per-row cost of ingest to one B-tree insert.
constexpr std::string_view schema_v1 = R"sql(
CREATE TABLE tenants (
  id          BLOB PRIMARY KEY CHECK (length(id) = 16),
  name        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE TABLE buildings (
  id                 BLOB PRIMARY KEY CHECK (length(id) = 16),
  tenant_id          BLOB NOT NULL REFERENCES tenants(id),
  name               TEXT NOT NULL,
  address            TEXT NOT NULL DEFAULT '',
  square_footage     INTEGER,
  primary_use        TEXT NOT NULL DEFAULT '',
  time_zone          TEXT NOT NULL,
  flat_rate_micros   INTEGER,
  created_at         INTEGER NOT NULL
);
CREATE INDEX buildings_by_tenant ON buildings (tenant_id);
CREATE TABLE sensors (
  id                BLOB PRIMARY KEY CHECK (length(id) = 16),
  building_id       BLOB NOT NULL REFERENCES buildings(id),
  sensor_type       TEXT NOT NULL,
  reading_kind      TEXT NOT NULL,
  unit              TEXT NOT NULL,
  location          TEXT NOT NULL DEFAULT '',
  interval_seconds  INTEGER NOT NULL,
  max_value         REAL,
  register_max      REAL,
  is_active         INTEGER NOT NULL DEFAULT 1,
  created_at        INTEGER NOT NULL
);
CREATE INDEX sensors_by_building ON sensors (building_id, id);
CREATE TABLE energy_readings (
  sensor_id     BLOB NOT NULL,
  timestamp     INTEGER NOT NULL,
  value         INTEGER NOT NULL,
  quality_flag  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sensor_id, timestamp)
) WITHOUT ROWID;
CREATE TABLE sample_states (
  sensor_id  BLOB PRIMARY KEY REFERENCES sensors(id),
  timestamp  INTEGER NOT NULL,
  raw_value  REAL NOT NULL
);
CREATE TABLE dirty_hours (
  hour       INTEGER NOT NULL,
  sensor_id  BLOB NOT NULL,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (hour, sensor_id)
) WITHOUT ROWID;
CREATE TABLE store_counters (
  name   TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
);
INSERT INTO store_counters (name, value) VALUES ('dirty_sequence', 0);
CREATE TABLE summaries (
  scope          TEXT NOT NULL,
  subject_id     BLOB NOT NULL,
  sensor_type    TEXT NOT NULL,
  resolution     TEXT NOT NULL,
  period_start   INTEGER NOT NULL,
  period_end     INTEGER NOT NULL,
  local_start    INTEGER NOT NULL,
  consumption    INTEGER NOT NULL,
  peak_demand    INTEGER NOT NULL,
  cost_micros    INTEGER NOT NULL,
  reading_count  INTEGER NOT NULL,
  PRIMARY KEY (scope, subject_id, sensor_type, resolution, period_start)
) WITHOUT ROWID;
CREATE TABLE alert_configs (
  id                  BLOB PRIMARY KEY CHECK (length(id) = 16),
  building_id         BLOB NOT NULL REFERENCES buildings(id),
  threshold           INTEGER NOT NULL,
  alert_window        TEXT NOT NULL,
  notification_email  TEXT NOT NULL DEFAULT '',
  is_enabled          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX alert_configs_by_building ON alert_configs (building_id);
CREATE VIEW daily_summaries AS
  SELECT subject_id AS building_id, date(local_start, 'unixepoch') AS date, sensor_type,
         period_start, period_end, consumption AS total_consumption_milli,
         peak_demand AS peak_demand_milli, cost_micros AS cost_estimate_micros, reading_count
  FROM summaries WHERE scope = 'building' AND resolution = 'day';
CREATE VIEW hourly_summaries AS
  SELECT subject_id AS building_id, datetime(local_start, 'unixepoch') AS local_hour, sensor_type,
         period_start, period_end, consumption AS total_consumption_milli,
         peak_demand AS peak_demand_milli, cost_micros AS cost_estimate_micros, reading_count
  FROM summaries WHERE scope = 'building' AND resolution = 'hour';
)sql";

// Version 2: how summaries are computed (per-sensor scope, cost model), kept with the data so
// every refresh run of the database agrees. Absent names mean the defaults.
constexpr std::string_view schema_v2 = R"sql(
CREATE TABLE summary_settings (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
)sql";

// Version 3: a building's tariff versions (storage::tariff_port). Append-only: a later upload
// with the same effective date gets the next revision and supersedes, nothing is overwritten.
// `effective` is the local date as 'YYYY-MM-DD' text, which sorts as the dates do.
constexpr std::string_view schema_v3 = R"sql(
CREATE TABLE tariff_versions (
  building_id   BLOB NOT NULL REFERENCES buildings(id),
  revision      INTEGER NOT NULL CHECK (revision > 0),
  effective     TEXT NOT NULL CHECK (length(effective) = 10),
  recorded_at   INTEGER NOT NULL,
  source        TEXT NOT NULL DEFAULT '',
  json_pointer  TEXT NOT NULL DEFAULT '',
  urdb_json     TEXT NOT NULL,
  PRIMARY KEY (building_id, revision)
) WITHOUT ROWID;
)sql";

constexpr std::array<migration, 3> builtin{{
    {1, "seed tables, readings and summaries", schema_v1},
    {2, "summary settings", schema_v2},
    {3, "tariff versions", schema_v3},
}};

std::int64_t now_epoch() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::span<const migration> builtin_migrations() noexcept {
  return builtin;
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
    const bool ours = v >= 1 && v <= known && steps[static_cast<std::size_t>(v - 1)].name == name;
    if (!ours)
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
