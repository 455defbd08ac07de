// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * TOWT on billing periods: the hourly time-of-week-and-temperature model (energy/baseline/towt.hpp)
 * summed over each bill's hours and fitted to the bills.
 *
 *   kWh(bill) = sum over the bill's hours h of [ a_{mode(h)} + sum_j b_{mode(h), j} * c_j(T_h) ]
 *
 * - The hours of a bill [start, end) (UTC, half-open) are start, start + 1 h, ...; `end - start`
 *   must be whole hours. T_h is the outdoor temperature at the hour's start (align_temperature's
 *   gap rule), c_j the TOWT temperature components (quantile or fixed knots).
 * - What a bill cannot tell apart is not estimated: every bill holds about the same mix of the
 *   168 hours of the week, so the 168 time-of-week intercepts of hourly TOWT collapse into one
 *   intercept per occupancy mode (kWh per hour). Occupancy cannot be detected from bills either;
 *   pass the building's occupied hours (`occupied_slots`, 168 flags as nmecr's occupancy_info),
 *   or leave it empty for one mode.
 * - Fit: weighted least squares on use per hour (kWh / hours of the bill) against the bill's
 *   per-hour means of the columns, each bill weighted by its hours (CalTRACK's use-per-day
 *   weighting of bills of different lengths, per hour). Hours without temperature are left out
 *   of the means; a bill needs `min_hour_coverage` of its hours with temperature, else it is
 *   excluded from the fit and predicted as NaN.
 * - Refused rather than guessed: fewer bills than parameters + `min_residual_degrees_of_freedom`,
 *   or bills whose columns are collinear (the message says to use fewer segments). There is no
 *   minimum-norm fallback here: a bill model with an unidentified slope predicts plausible,
 *   wrong numbers.
 *
 * The result carries an ordinary hourly `towt_model` (`hourly`): predict() with it gives the
 * hourly load the bills imply (without intervals), and predict(towt_billing_model, ...) gives
 * bill totals with a normal-approximation interval.
 *
 * Peers: nmecr and the LBNL code fit TOWT to hourly and daily data only and refuse monthly data;
 * eemeter bills use the daily change-point model. This model is the library's own; its
 * cross-check is an independent numpy least-squares fit (bindings/python/tests).
 */

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/series.hpp>
#include <energy/baseline/towt.hpp>
#include <energy/time.hpp>

namespace energy::baseline {

/// The zone has no default (time of week is local): build the options with designated
/// initializers, `towt_billing_options{.zone = time_zone{"America/Chicago"}}`.
struct towt_billing_options {
  time_zone zone;  ///< the building's zone (required)
  int temperature_segments =
      3;  ///< S (1..12); 3 = heating, mild, cooling. Bills are few: keep S small
  /// Fixed knots (ascending, the temperatures' unit) instead of the k/S quantiles of the bills'
  /// hourly temperatures; outer knots with fewer than `min_hours_beyond_outer_knot` hours beyond
  /// them are dropped, as in fit_towt.
  std::vector<double> fixed_knots;
  std::size_t min_hours_beyond_outer_knot = 20;
  /// 168 flags (1 = occupied, slot 0 = Monday 00:00 local), or empty: one mode for every hour.
  std::vector<std::uint8_t> occupied_slots;
  double min_hour_coverage = 0.9;  ///< share of a bill's hours that need a temperature
  std::size_t min_residual_degrees_of_freedom = 2;  ///< bills needed beyond the parameters
  double interval_level = 0.90;  ///< normal-approximation coverage of bill predictions
  gap_rule gaps;                 ///< temperature alignment to each hour's start
};

/// A TOWT model fitted to bills. Plain data, thread-safe to read.
struct towt_billing_model {
  /// The hourly model the bills imply: one alpha per mode (kWh per hour) repeated over its
  /// slots, the slopes per mode (a mode without hours has zero slopes), NaN residual quantiles.
  towt_model hourly;
  double residual_sd = 0;  ///< sigma of one hour's use (kWh): weighted residual variance / (n - p)
  double r_squared = 0;    ///< weighted, on use per hour
  double adj_r_squared = 0;
  double interval_level = 0.90;
  double min_hour_coverage = 0.9;  ///< what predict() requires of a bill
  gap_rule gaps;                   ///< how predict() aligns temperatures
  std::size_t observations = 0;    ///< bills used
  std::size_t parameters = 0;      ///< intercepts + slopes estimated (Guideline 14's p)
};

/**
 * Fits TOWT to `bills` (their `kwh`; NaN = excluded) with outdoor temperature samples `temps`.
 * @throws std::invalid_argument for a bill with end <= start or not whole hours (naming it),
 * unsorted temperatures, a bad option (occupied_slots not 0 or 168 flags, segments out of
 * 1..12, knots not ascending, coverage or level outside (0, 1]), too few usable bills for the
 * parameters (the message counts bills without usage and without temperature coverage), or
 * collinear columns.
 */
[[nodiscard]] towt_billing_model fit_towt_billing(std::span<const usage_period> bills,
                                                  const temperature_series& temps,
                                                  const towt_billing_options& options);

/**
 * Predicted kWh of each period (its `kwh` is ignored): the hourly model summed over the period's
 * hours; hours without temperature are filled with the mean of the period's other hours, and a
 * period with less than `model.min_hour_coverage` of its hours covered is NaN. Interval:
 * expected +- z * residual_sd * sqrt(hours) (independent hours at the bill level; NaN when
 * residual_sd is NaN).
 * @throws std::invalid_argument for a period with end <= start or not whole hours.
 */
[[nodiscard]] prediction predict(const towt_billing_model& model,
                                 std::span<const usage_period> periods,
                                 const temperature_series& temps);

}  // namespace energy::baseline

ENERGY_API_END
