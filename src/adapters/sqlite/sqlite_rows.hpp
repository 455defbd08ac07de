// SPDX-License-Identifier: Apache-2.0
// Private to energy::sqlite: model values <-> SQLite columns, the column lists and SQL text of the
// store's tables, and the readers that turn a result row into a model value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <SQLiteCpp/SQLiteCpp.h>

#include <energy/enum_names.hpp>
#include <energy/error.hpp>
#include <energy/model.hpp>
#include <energy/storage/types.hpp>
#include <energy/summary.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

namespace energy::sqlite_detail {

// Conversions between model values and SQLite columns.

void bind_id(SQLite::Statement& st, int index, const uuid& id);
/// @throws storage_error when the column does not hold a 16-byte id.
[[nodiscard]] uuid column_id(const SQLite::Column& c);
/// The value a TEXT column of `table` names (to_string of an enum: energy/enum_names.hpp).
/// @throws storage_error (not retryable) for any other text: the row was not written by this
/// library, and reading it again will not help.
template <named_enum E>
[[nodiscard]] E stored_enum(std::string_view text, std::string_view table) {
  try {
    return parse<E>(text);
  } catch (const parse_error& e) {
    throw storage_error("sqlite: " + std::string(e.what()) + " in table " + std::string(table),
                        false);
  }
}
void bind_text(SQLite::Statement& st, int index, std::string_view s);
[[nodiscard]] std::optional<std::int64_t> column_optional_int(const SQLite::Column& c);
[[nodiscard]] std::optional<double> column_optional_double(const SQLite::Column& c);
/// Floor of `ts` to its UTC hour (also for instants before 1970).
[[nodiscard]] epoch_seconds utc_hour(epoch_seconds ts) noexcept;
/// Floor of `ts` to its UTC day: the key of the dirty_days row that marks its hour.
[[nodiscard]] epoch_seconds utc_day(epoch_seconds ts) noexcept;

/// Calls `f(hour)` for each bit set in a dirty_days mask (bit h: [day + h*3600, +3600)), in order.
template <class F>
void for_each_hour(epoch_seconds day, std::int64_t mask, F&& f) {
  for (int h = 0; h < 24; ++h)
    if ((mask >> h) & 1) f(day + h * 3600);
}

template <class T>
void bind_optional(SQLite::Statement& st, int index, const std::optional<T>& v) {
  if (v)
    st.bind(index, *v);
  else
    st.bind(index);
}

// Column lists and SQL text.

inline constexpr const char* tenant_columns = "id, name, created_at";
inline constexpr const char* building_columns =
    "id, tenant_id, name, address, square_footage, primary_use, time_zone, flat_rate_micros, "
    "created_at";
inline constexpr const char* sensor_columns =
    "id, building_id, sensor_type, reading_kind, unit, location, interval_seconds, max_value, "
    "register_max, "
    "is_active, created_at";
inline constexpr const char* alert_columns =
    "id, building_id, threshold, alert_window, notification_email, is_enabled";
inline constexpr const char* summary_columns =
    "scope, subject_id, sensor_type, resolution, period_start, period_end, local_start, "
    "consumption, peak_demand, "
    "cost_micros, reading_count";

/// The summaries of building ?1: its own (building scope) and its sensors' (sensor scope).
inline constexpr const char* building_subjects_sql =
    " ((scope = 'building' AND subject_id = ?1) OR (scope = 'sensor' AND subject_id"
    " IN (SELECT id FROM sensors WHERE building_id = ?1)))";

[[nodiscard]] std::string select_from(const char* columns, const char* table, const char* where);
/// "INSERT INTO table (c1, ..., cn) VALUES (?1, ..., ?n) ON CONFLICT (first key_count columns)
/// DO UPDATE SET (every other column) = excluded.(column)": an upsert by key that updates rows in
/// place, so rows that reference them (foreign keys) are never deleted.
[[nodiscard]] std::string upsert_sql(std::string_view table, std::string_view columns,
                                     std::size_t key_count);

// Result rows (in the order of the column lists above) -> model values.

[[nodiscard]] tenant read_tenant(const SQLite::Statement& st);
[[nodiscard]] building read_building(const SQLite::Statement& st);
[[nodiscard]] sensor read_sensor(const SQLite::Statement& st);
[[nodiscard]] alert_config read_alert(const SQLite::Statement& st);
[[nodiscard]] summary_row read_summary(const SQLite::Statement& st);

}  // namespace energy::sqlite_detail
