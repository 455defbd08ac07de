// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the report builders (private to energy::core).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <chrono>

#include <energy/baseline/series.hpp>
#include <energy/report/report.hpp>
#include <energy/storage/store.hpp>
#include <energy/summary.hpp>

namespace energy::report::detail {

/// A day's data is "complete" at this coverage; comparisons need this much of both periods.
inline constexpr double complete_coverage = 0.999;
inline constexpr double min_comparable_coverage = 0.9;
/// History a baseline needs before the period (28 days of hourly data).
inline constexpr std::size_t min_fit_hours = 28 * 24;

/// UTC instant of local midnight starting `day` (the first instant after a skipped midnight).
[[nodiscard]] utc_seconds local_midnight(std::chrono::local_days day, const time_zone& zone);
/// The local date of instant `t`.
[[nodiscard]] std::chrono::local_days local_day_of(utc_seconds t, const time_zone& zone);
/// `end` moved by `n` report periods (n < 0: back). Month arithmetic clamps to the month's end.
[[nodiscard]] std::chrono::local_days shift(std::chrono::local_days end, period_length length,
                                            int n);
[[nodiscard]] std::string format_day(std::chrono::local_days d);

/// The building's sensors a report reads.
struct building_sensors {
  std::vector<sensor> electricity;            ///< active electricity sensors
  std::optional<sensor> outdoor_temperature;  ///< first active temperature sensor
};
[[nodiscard]] building_sensors sensors_of(storage::store& db, const uuid& building_id);

/// Readings the electricity sensors should have delivered in `range` (interval grid, from
/// each sensor's installation).
[[nodiscard]] std::int64_t expected_readings(const std::vector<sensor>& sensors, time_range range);

/// Building-scope electricity summaries of one resolution, keyed by UTC period start.
[[nodiscard]] std::map<epoch_seconds, summary_row> read_summaries(storage::store& db,
                                                                  const uuid& building_id,
                                                                  resolution res, time_range range);

/// Totals over `window` from day summaries.
struct window_totals {
  milli consumption = 0;
  std::int64_t readings = 0;
  std::int64_t expected = 0;
  [[nodiscard]] double coverage() const noexcept {
    return expected > 0 ? static_cast<double>(readings) / static_cast<double>(expected) : 0.0;
  }
};
[[nodiscard]] window_totals totals(const std::map<epoch_seconds, summary_row>& days,
                                   const std::vector<sensor>& sensors, time_range range);

/// Change of `current` against `reference` (with the comparability rule stated in the reason).
[[nodiscard]] change compare(const window_totals& current, const window_totals& reference,
                             const period_window& reference_window);

/// The bills of `range` under `tariffs`: one per local calendar month, split where a tariff
/// starts; monthly charges pro-rated for parts of months. Appends to `notes` what it could not
/// price. Returns nothing when no tariff is given.
[[nodiscard]] std::vector<bill_part> compute_bills(const billing::interval_series& data,
                                                   const std::vector<tariff_assignment>& tariffs,
                                                   time_range range, const time_zone& zone,
                                                   std::vector<std::string>& notes, bool& covered);

/// The building's electricity interval data (sensors summed per interval start) in `range`.
/// std::nullopt (with a note) when sensors report at different intervals.
[[nodiscard]] std::optional<billing::interval_series> building_intervals(
    const reading_rows& rows, const std::vector<sensor>& sensors, std::vector<std::string>& notes);

/// The comparison report (tenant portfolio).
[[nodiscard]] report build_comparison(storage::store& db, const report_request& req);
/// The efficiency and forecast reports (one building).
[[nodiscard]] report build_building_report(storage::store& db, const report_request& req);

}  // namespace energy::report::detail
