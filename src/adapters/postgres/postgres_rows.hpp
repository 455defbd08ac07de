// SPDX-License-Identifier: Apache-2.0
// Internal: conversions between PostgreSQL text, rows and arrays and the library's types, shared
// by the files of the PostgreSQL store.
#pragma once

#include "pool.hpp"

#include <energy/enum_names.hpp>
#include <energy/error.hpp>
#include <energy/quality.hpp>
#include <energy/aggregate/aggregator.hpp>
#include <energy/ingest/validate.hpp>
#include <energy/storage/bulk_readings.hpp>
#include <energy/storage/bulk_summaries.hpp>
#include <energy/storage/postgres.hpp>
#include <energy/storage/tariffs.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include <pqxx/pqxx>

namespace energy::storage::postgres_detail {

// --- conversions -------------------------------------------------------------------------------

/// The value a column names (to_string of an enum: energy/enum_names.hpp).
/// @throws storage_error (not retryable) for any other text: the row was not written by this
/// library, and reading it again will not help.
template <named_enum E>
inline E stored_enum(std::string_view text) {
  try {
    return parse<E>(text);
  } catch (const parse_error& e) {
    throw storage_error(std::string("postgres: ") + e.what() + " in the database", false);
  }
}

inline uuid to_uuid(const pqxx::field& f) {
  return uuid::parse(f.c_str());
}
inline utc_seconds to_time(const pqxx::field& f) {
  return from_epoch(f.as<std::int64_t>());
}

template <class T>
inline std::optional<T> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

// Quality flags are a uint32 bitmask stored in an int4 column: bit-preserving casts both ways.
inline std::int32_t to_db_quality(std::uint32_t q) noexcept {
  return static_cast<std::int32_t>(q);
}
inline std::uint32_t from_db_quality(std::int32_t q) noexcept {
  return static_cast<std::uint32_t>(q);
}

inline std::int64_t epoch_day(epoch_seconds t) noexcept {
  return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

// Internal signal: a row fell outside every native partition (another process dropped one the
// pool remembered). write_readings re-creates partitions and retries once.
struct partition_missing : energy::error {
  using energy::error::error;
};

// A query bound as epoch seconds within all_time() (years 0000-9999). timestamptz stops at
// 294276 AD and to_timestamp() fails beyond it, while callers say "no bound" with extreme
// instants; every stored instant lies inside all_time(), so clamping changes no answer.
inline epoch_seconds query_bound(utc_seconds t) noexcept {
  const auto all = all_time();
  return to_epoch(std::clamp(t, all.start, all.end));
}

// Shared advisory lock that writers hold while they mark hours dirty; claim_dirty takes it
// exclusively, so every sequence number it reports as claimed belongs to a committed mark.
inline std::string dirty_lock_key(pqxx::transaction_base& t, const std::string& schema) {
  return "hashtext(" + t.quote("energy.dirty." + schema) + ")";
}

inline std::string uuid_array(const std::vector<uuid>& ids) {
  std::string s = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) s += ',';
    s += ids[i].to_string();
  }
  return s + "}";
}

// --- rows --------------------------------------------------------------------------------------

/// A summary from columns `base` .. `base + 10` in read_summaries' order.
inline summary_row summary_from(const pqxx::row& r, int base) {
  summary_row s;
  s.scope = stored_enum<summary_scope>(r[base + 0].as<std::string>());
  s.subject_id = to_uuid(r[base + 1]);
  s.type = stored_enum<sensor_type>(r[base + 2].as<std::string>());
  s.res = stored_enum<resolution>(r[base + 3].as<std::string>());
  s.period = time_range{to_time(r[base + 4]), to_time(r[base + 5])};
  s.local_start = std::chrono::local_seconds{std::chrono::seconds{r[base + 6].as<std::int64_t>()}};
  s.consumption = r[base + 7].as<std::int64_t>();
  s.peak_demand = r[base + 8].as<std::int64_t>();
  s.cost = money::from_micros(r[base + 9].as<std::int64_t>());
  s.reading_count = r[base + 10].as<std::int64_t>();
  return s;
}

inline tenant tenant_from(const pqxx::row& r) {
  return tenant{to_uuid(r[0]), r[1].as<std::string>(), to_time(r[2])};
}

inline building building_from(const pqxx::row& r) {
  building b;
  b.id = to_uuid(r[0]);
  b.tenant_id = to_uuid(r[1]);
  b.name = r[2].as<std::string>();
  b.address = r[3].as<std::string>();
  b.square_footage = opt<std::int64_t>(r[4]);
  b.primary_use = r[5].as<std::string>();
  b.time_zone = r[6].as<std::string>();
  if (!r[7].is_null()) b.flat_rate_per_kwh = money::from_micros(r[7].as<std::int64_t>());
  b.created_at = to_time(r[8]);
  return b;
}

inline sensor sensor_from(const pqxx::row& r) {
  sensor s;
  s.id = to_uuid(r[0]);
  s.building_id = to_uuid(r[1]);
  s.type = stored_enum<sensor_type>(r[2].as<std::string>());
  s.kind = stored_enum<reading_kind>(r[3].as<std::string>());
  s.unit = r[4].as<std::string>();
  s.location = r[5].as<std::string>();
  s.interval_seconds = r[6].as<std::int32_t>();
  s.max_value = opt<double>(r[7]);
  s.register_max = opt<double>(r[8]);
  s.is_active = r[9].as<bool>();
  s.created_at = to_time(r[10]);
  return s;
}

/// (sensor, UTC hour) marks as the dirty_days table holds them: one (sensor, day, 24-bit mask)
/// per distinct sensor and UTC day, as three PostgreSQL array literals.
struct day_marks {
  std::string ids = "{", days = "{", hours = "{";
};

inline day_marks to_day_marks(std::vector<dirty_hour> marks) {
  std::sort(marks.begin(), marks.end());
  day_marks out;
  bool first = true;
  for (std::size_t i = 0; i < marks.size();) {
    const uuid& id = marks[i].sensor_id;
    const epoch_seconds h0 = marks[i].hour;
    const epoch_seconds day = h0 - (((h0 % 86400) + 86400) % 86400);
    std::uint32_t mask = 0;
    for (; i < marks.size() && marks[i].sensor_id == id && marks[i].hour < day + 86400; ++i)
      mask |= 1u << static_cast<unsigned>((marks[i].hour - day) / 3600);
    const char* sep = first ? "" : ",";
    first = false;
    out.ids += sep + id.to_string();
    out.days += sep + std::to_string(day);
    out.hours += sep + std::to_string(static_cast<std::int32_t>(mask));
  }
  out.ids += '}';
  out.days += '}';
  out.hours += '}';
  return out;
}

/// Indexes of `rows` in key order, keeping only the last row of each key (the one that wins).
inline std::vector<std::size_t> last_row_per_key(std::span<const summary_row> rows) {
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return aggregate::summary_key_less(rows[a], rows[b]);
  });
  std::vector<std::size_t> out;
  out.reserve(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const bool superseded =
        k + 1 < order.size() && !aggregate::summary_key_less(rows[order[k]], rows[order[k + 1]]);
    if (!superseded) out.push_back(order[k]);
  }
  return out;
}

/// Appends the reading in columns first .. first + 3 of `r` (sensor_id, epoch ts, value, quality).
inline void push_reading(reading_rows& out, const pqxx::row& r, int first = 0) {
  out.push_back(to_uuid(r[first]), r[first + 1].as<std::int64_t>(), r[first + 2].as<std::int64_t>(),
                from_db_quality(r[first + 3].as<std::int32_t>()));
}

}  // namespace energy::storage::postgres_detail
