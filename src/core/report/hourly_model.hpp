// SPDX-License-Identifier: Apache-2.0
// The hourly baseline a report uses: TOWT when outdoor temperatures exist, else the weather-free
// seasonal model; plus the spread of its daily totals (the band drawn around daily consumption).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <energy/baseline/metrics.hpp>
#include <energy/baseline/seasonal.hpp>
#include <energy/baseline/series.hpp>
#include <energy/baseline/towt.hpp>
#include <energy/model.hpp>
#include <energy/report/report.hpp>
#include <energy/summary.hpp>

namespace energy::report::detail {

/// Building-scope hour summaries as model input. `kwh` is NaN for an hour with missing readings
/// (an incomplete hour would look like a dip); `wh` keeps the exact stored value.
struct hourly_series {
  std::vector<epoch_seconds> ts;
  std::vector<double> kwh;
  std::vector<milli> wh;
  std::vector<std::chrono::local_seconds> local_start;
};

[[nodiscard]] hourly_series hourly_from(const std::map<epoch_seconds, summary_row>& hours,
                                        const std::vector<sensor>& sensors);

struct hourly_model {
  std::string name;  ///< "towt" or "seasonal"
  bool weather = false;
  baseline::towt_model towt;
  baseline::seasonal_model seasonal;
  time_range fit_range;
  std::size_t fit_hours = 0;
  baseline::fit_metrics metrics;
  bool passes_guideline14 = false;
  double level = 0.90;
  /// Quantiles ((1-level)/2, (1+level)/2) and standard deviation of the fit days' daily
  /// residuals (actual - expected, kWh), over complete days; NaN with fewer than 7 such days.
  double day_q_lo = 0;
  double day_q_hi = 0;
  double day_sd = 0;
  std::size_t residual_days = 0;

  /// Hourly expected kWh at `ts` with temperatures `temps` (ignored by the seasonal model).
  [[nodiscard]] baseline::prediction predict(std::span<const epoch_seconds> ts,
                                             std::span<const double> temps) const;
};

/**
 * Fits on the rows of `h` in `fit` (finite kWh; TOWT also needs a temperature under the gap
 * rule). `complete_days` are the local days in `fit` whose every reading is present: they give
 * the daily residual spread. std::nullopt with `why` when fewer than min_fit_hours rows remain.
 */
[[nodiscard]] std::optional<hourly_model> fit_hourly(const hourly_series& h,
                                                     const baseline::temperature_series* temps,
                                                     time_range fit, const time_zone& zone,
                                                     std::span<const time_range> complete_days,
                                                     std::string& why);

/// Hour starts of the local days [first, end) (one-hour steps from each local midnight).
[[nodiscard]] std::vector<epoch_seconds> hour_grid(std::chrono::local_days first,
                                                   std::chrono::local_days end,
                                                   const time_zone& zone);

}  // namespace energy::report::detail

namespace energy::report::detail {

/// The report's local days of `w` from stored day summaries (zero where none is stored).
[[nodiscard]] std::vector<day_point> daily_points(const period_window& w,
                                                  const std::map<epoch_seconds, summary_row>& days,
                                                  const std::vector<sensor>& sensors,
                                                  const time_zone& zone);

/// The stored days in `range` whose every expected reading is present.
[[nodiscard]] std::vector<time_range> complete_days_in(
    const std::map<epoch_seconds, summary_row>& days, const std::vector<sensor>& sensors,
    time_range range);

/// Temperatures at `ts` under the gap rule; where the record has none, the same hour 52 weeks
/// earlier (typical weather for a forecast). `fallbacks` counts the substituted hours. All zero
/// (ignored by the seasonal model) when `temps` is empty.
[[nodiscard]] std::vector<double> temperatures_at(std::span<const epoch_seconds> ts,
                                                  const baseline::temperature_series& temps,
                                                  std::size_t& fallbacks);

/// Expected kWh per local day of `days` from hourly predictions on `grid` (unset if any hour of
/// the day lacks a prediction), with the model's daily band.
void attach_expected(std::vector<day_point>& days, std::span<const epoch_seconds> grid,
                     const baseline::prediction& p, const hourly_model& m);

}  // namespace energy::report::detail
