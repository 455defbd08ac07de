// SPDX-License-Identifier: Apache-2.0
#include "adapters/sqlite/sqlite_rows.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include <sqlite3.h>

#include <energy/error.hpp>

namespace energy::sqlite_detail {

void bind_id(SQLite::Statement& st, int index, const uuid& id) {
  // SQLITE_STATIC: the uuid outlives the step (the caller keeps it until reset()).
  st.bindNoCopy(index, id.bytes().data(), 16);
}

uuid column_id(const SQLite::Column& c) {
  if (c.getBytes() != 16 || c.getType() != SQLITE_BLOB)
    throw storage_error(
        std::string("sqlite: column ") + c.getName() + " does not hold a 16-byte id", false);
  std::array<std::uint8_t, 16> b{};
  std::memcpy(b.data(), c.getBlob(), 16);
  return uuid{b};
}

void bind_text(SQLite::Statement& st, int index, std::string_view s) {
  // Not bind(const void*, int): that binds a BLOB, which never equals a TEXT value in SQLite.
  st.bind(index, std::string(s));
}

std::optional<std::int64_t> column_optional_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

std::optional<double> column_optional_double(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getDouble();
}

/// Floor of `ts` to its UTC hour (also for instants before 1970).
epoch_seconds utc_hour(epoch_seconds ts) noexcept {
  return ts - (((ts % 3600) + 3600) % 3600);
}

epoch_seconds utc_day(epoch_seconds ts) noexcept {
  return ts - (((ts % 86400) + 86400) % 86400);
}

std::string select_from(const char* columns, const char* table, const char* where) {
  return std::string("SELECT ") + columns + " FROM " + table + " " + where;
}

/// "INSERT INTO table (c1, ..., cn) VALUES (?1, ..., ?n) ON CONFLICT (first key_count columns)
/// DO UPDATE SET (every other column) = excluded.(column)": an upsert by key that updates rows in
/// place, so rows that reference them (foreign keys) are never deleted.
std::string upsert_sql(std::string_view table, std::string_view columns, std::size_t key_count) {
  std::vector<std::string_view> names;
  for (std::size_t at = 0; at <= columns.size();) {
    const std::size_t comma = std::min(columns.find(',', at), columns.size());
    std::string_view name = columns.substr(at, comma - at);
    while (!name.empty() && name.front() == ' ')
      name.remove_prefix(1);
    names.push_back(name);
    at = comma + 1;
  }
  std::string sql = "INSERT INTO ";
  sql += table;
  sql += " (";
  sql += columns;
  sql += ") VALUES (";
  for (std::size_t i = 0; i < names.size(); ++i) {
    sql += i ? ", ?" : "?";
    sql += std::to_string(i + 1);
  }
  sql += ") ON CONFLICT (";
  for (std::size_t i = 0; i < key_count; ++i) {
    if (i) sql += ", ";
    sql += names[i];
  }
  sql += ") DO UPDATE SET ";
  for (std::size_t i = key_count; i < names.size(); ++i) {
    if (i > key_count) sql += ", ";
    sql += names[i];
    sql += " = excluded.";
    sql += names[i];
  }
  return sql;
}

tenant read_tenant(const SQLite::Statement& st) {
  return tenant{column_id(st.getColumn(0)), st.getColumn(1).getString(),
                from_epoch(st.getColumn(2).getInt64())};
}

building read_building(const SQLite::Statement& st) {
  building b;
  b.id = column_id(st.getColumn(0));
  b.tenant_id = column_id(st.getColumn(1));
  b.name = st.getColumn(2).getString();
  b.address = st.getColumn(3).getString();
  b.square_footage = column_optional_int(st.getColumn(4));
  b.primary_use = st.getColumn(5).getString();
  b.time_zone = st.getColumn(6).getString();
  if (auto micros = column_optional_int(st.getColumn(7)))
    b.flat_rate_per_kwh = money::from_micros(*micros);
  b.created_at = from_epoch(st.getColumn(8).getInt64());
  return b;
}

sensor read_sensor(const SQLite::Statement& st) {
  sensor s;
  s.id = column_id(st.getColumn(0));
  s.building_id = column_id(st.getColumn(1));
  s.type = stored_enum<sensor_type>(st.getColumn(2).getString(), "sensors");
  s.kind = stored_enum<reading_kind>(st.getColumn(3).getString(), "sensors");
  s.unit = st.getColumn(4).getString();
  s.location = st.getColumn(5).getString();
  s.interval_seconds = st.getColumn(6).getInt();
  s.max_value = column_optional_double(st.getColumn(7));
  s.register_max = column_optional_double(st.getColumn(8));
  s.is_active = st.getColumn(9).getInt() != 0;
  s.created_at = from_epoch(st.getColumn(10).getInt64());
  return s;
}

alert_config read_alert(const SQLite::Statement& st) {
  alert_config a;
  a.id = column_id(st.getColumn(0));
  a.building_id = column_id(st.getColumn(1));
  a.threshold = st.getColumn(2).getInt64();
  a.window = stored_enum<alert_window>(st.getColumn(3).getString(), "alert_configs");
  a.notification_email = st.getColumn(4).getString();
  a.is_enabled = st.getColumn(5).getInt() != 0;
  return a;
}

summary_row read_summary(const SQLite::Statement& st) {
  summary_row r;
  r.scope = stored_enum<summary_scope>(st.getColumn(0).getString(), "summaries");
  r.subject_id = column_id(st.getColumn(1));
  r.type = stored_enum<sensor_type>(st.getColumn(2).getString(), "summaries");
  r.res = stored_enum<resolution>(st.getColumn(3).getString(), "summaries");
  r.period =
      time_range{from_epoch(st.getColumn(4).getInt64()), from_epoch(st.getColumn(5).getInt64())};
  r.local_start = std::chrono::local_seconds{std::chrono::seconds{st.getColumn(6).getInt64()}};
  r.consumption = st.getColumn(7).getInt64();
  r.peak_demand = st.getColumn(8).getInt64();
  r.cost = money::from_micros(st.getColumn(9).getInt64());
  r.reading_count = st.getColumn(10).getInt64();
  return r;
}

}  // namespace energy::sqlite_detail
