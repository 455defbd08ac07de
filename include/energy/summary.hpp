// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <cstdint>
#include <string_view>

#include <energy/decimal.hpp>
#include <energy/enum_names.hpp>
#include <energy/model.hpp>
#include <energy/money.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

namespace energy {

enum class resolution : std::uint8_t { hour, day, month };
enum class summary_scope : std::uint8_t { sensor, building };

/// "hour", "day", "month"; parse with `parse<resolution>` (energy/enum_names.hpp).
[[nodiscard]] std::string_view to_string(resolution r) noexcept;
/// "sensor", "building" (the `scope` column of stored summaries).
[[nodiscard]] std::string_view to_string(summary_scope s) noexcept;

/**
 * One aggregated bucket: hourly/daily summaries, generalised to sensor or building scope
 * and to months. Buckets are cut in the building's local time: `period` is the UTC half-open range
 * of the local hour/day/month (a local day spans 23, 24 or 25 hours; the repeated fall-back hour
 * is two distinct hour buckets). `local_start` is the local wall-clock start (for labels and the
 * `date` column of the daily_summaries view).
 *
 * Building-scope summaries add up the building's sensors of one `type` (kWh are never added to m³).
 */
struct summary_row {
  summary_scope scope = summary_scope::building;
  uuid subject_id;  ///< building id or sensor id, per `scope`
  sensor_type type = sensor_type::electricity;
  resolution res = resolution::hour;
  time_range period;
  std::chrono::local_seconds local_start{};
  milli consumption = 0;  ///< exact sum of interval readings, milli-units (Wh)
  milli peak_demand = 0;  ///< highest 15-minute average demand in the bucket, milli-kW (W)
  money cost;             ///< cost estimate (building tariff or flat rate)
  std::int64_t reading_count = 0;
  friend bool operator==(const summary_row&, const summary_row&) = default;
};

}  // namespace energy

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::resolution>;
extern template struct energy::detail::enum_names<energy::summary_scope>;

ENERGY_API_END
