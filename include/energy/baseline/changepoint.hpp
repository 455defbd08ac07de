// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * Daily change-point models of the CalTRACK 2.0 family, on daily data or billing periods:
 *
 *   usage per day = base + heating_slope * HDD(bh) + cooling_slope * CDD(bc)
 *
 * HDD(b) of a period is the mean over its local days of max(0, b - T_day), CDD(b) the mean of
 * max(0, T_day - b), with T_day the mean of the temperature samples in that local day (a day
 * needs `min_samples_per_day` samples, else it has no temperature; a period needs
 * `min_day_coverage` of its days with temperature, else it is excluded from the fit and its
 * prediction is NaN). Each period is weighted by its length in days (weighted least squares,
 * so a 31-day bill counts 31 times a day, as CalTRACK's use-per-day weighting).
 *
 * Candidates: intercept-only; heating-only and cooling-only for every balance point of the
 * grid; heating+cooling for every grid pair bh <= bc. A candidate qualifies when its slopes are
 * positive with two-sided p-value < `max_p_value` (Student t, n - p degrees of freedom) and its
 * degree days are sufficient (>= `min_days_with_degree_days` days with non-zero degree days and
 * >= `min_total_degree_days` degree days in total). The qualifying candidate with the highest
 * adjusted R^2 wins (ties keep the earlier candidate); intercept-only always qualifies. The
 * candidate families, the balance points and the sufficiency thresholds are all options, so a
 * peer's candidate list can be reproduced; `fit_changepoint_candidates` reports every
 * candidate's statistics.
 *
 * Temperature input (`changepoint_options::temperatures`):
 * - `samples`: instantaneous readings (hourly weather); a day's temperature is their mean and
 *   needs `min_samples_per_day` samples;
 * - `daily_means`: one value per day, already averaged; its timestamp names the day;
 * - `period_means`: one value per usage period (the overloads taking a span): degree days of a
 *   period are then max(0, b - T_period), not the mean of daily degree days.
 * Days are the building's local days by default; `day_pairing::utc` pairs on UTC days instead
 * (the convention of tools that index daily data at 00:00 UTC).
 *
 * Units: temperatures and balance points are in the unit of the temperature series. The default
 * grid is CalTRACK's 30..90 °F step 1; use `changepoint_options::celsius()` for -1..32 °C.
 */

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <energy/baseline/series.hpp>
#include <energy/enum_names.hpp>
#include <energy/time.hpp>

namespace energy::baseline {

/// Energy used in the half-open period [start, end) (UTC), kWh. NaN usage: excluded from fits.
struct usage_period {
  epoch_seconds start = 0;
  epoch_seconds end = 0;
  double kwh = 0;
};

/**
 * Sums interval load into local calendar days of `zone`: one period [local midnight, next local
 * midnight) per day whose every interval is present with a finite value (a 23- or 25-hour day
 * needs 23 or 25 hours of intervals). Incomplete days are left out rather than under-counted.
 * `load.ts` must be ascending. @throws std::invalid_argument for a bad interval.
 */
[[nodiscard]] std::vector<usage_period> local_day_totals(const load_series& load,
                                                         const time_zone& zone);

enum class changepoint_kind { intercept_only, heating_only, cooling_only, heating_cooling };

/// What one value of the temperature input stands for (see the file comment).
enum class temperature_input { samples, daily_means, period_means };

/**
 * Which calendar day a temperature value and the days of a usage period belong to.
 * `local`: the building's day in `zone` (a daily mean must be stamped inside its local day, e.g.
 * at local midnight; stamps at 00:00 UTC that fall on the previous local day are refused).
 * `utc`: the UTC day [00:00, 24:00) UTC containing the timestamp, for both temperatures and
 * usage periods (period length in days = (end - start) / 86400).
 */
enum class day_pairing { local, utc };

/// The enumerator's name; parse with `parse<changepoint_kind>`, ... (energy/enum_names.hpp).
[[nodiscard]] std::string_view to_string(changepoint_kind k) noexcept;
[[nodiscard]] std::string_view to_string(temperature_input t) noexcept;
[[nodiscard]] std::string_view to_string(day_pairing p) noexcept;

/// The zone has no default (a wrong zone gives a plausible, wrong model): build the options with
/// designated initializers, `changepoint_options{.zone = time_zone{"America/New_York"}, ...}`,
/// or with `changepoint_options::celsius(zone)`.
struct changepoint_options {
  time_zone zone;           ///< the building's zone (required: days are local days)
  double balance_min = 30;  ///< grid of balance points, temperature unit of the series
  double balance_max = 90;
  double balance_step = 1;
  double max_p_value = 0.1;
  std::size_t min_days_with_degree_days = 10;
  double min_total_degree_days = 20;
  std::size_t min_samples_per_day = 12;  ///< temperature samples needed for a day's mean
  double min_day_coverage = 0.9;         ///< share of a period's days that need a temperature
  double interval_level = 0.90;          ///< normal-approximation prediction interval coverage
  temperature_input temperatures = temperature_input::samples;
  day_pairing pairing = day_pairing::local;
  /// Explicit heating / cooling balance points to try instead of the grid (empty: the grid).
  std::vector<double> heating_balance_points;
  std::vector<double> cooling_balance_points;
  /// Candidate families tried. Without intercept_only, a fit where nothing qualifies throws.
  std::vector<changepoint_kind> kinds = {
      changepoint_kind::intercept_only, changepoint_kind::heating_only,
      changepoint_kind::cooling_only, changepoint_kind::heating_cooling};

  /// CalTRACK's grid in °C (-1..32 step 0.5) and degree-day sufficiency scaled by 5/9.
  [[nodiscard]] static changepoint_options celsius(time_zone zone);
};

/// A fitted change-point model. NaN balance point / zero slope for terms the kind lacks.
struct changepoint_model {
  changepoint_kind kind = changepoint_kind::intercept_only;
  std::string zone;                  ///< IANA name (a model is serialized; predict() looks it up)
  double base_load = 0;              ///< kWh per day
  double heating_slope = 0;          ///< kWh per day per heating degree
  double heating_balance_point = 0;  ///< NaN when kind has no heating term
  double cooling_slope = 0;
  double cooling_balance_point = 0;  ///< NaN when kind has no cooling term
  double heating_p_value = 0;        ///< NaN when absent
  double cooling_p_value = 0;        ///< NaN when absent
  double r_squared = 0;              ///< weighted, on use per day
  double adj_r_squared = 0;
  double residual_sd =
      0;  ///< sigma of one day's use (kWh/day): weighted residual variance / (n - p)
  double interval_level = 0.90;
  std::size_t min_samples_per_day = 12;
  double min_day_coverage = 0.9;
  temperature_input temperatures = temperature_input::samples;  ///< what predict() expects
  day_pairing pairing = day_pairing::local;
  std::size_t observations = 0;  ///< periods used
  std::size_t parameters = 1;    ///< 1, 2 or 3
};

/// The balance points of the options' grid: balance_min, + step, ... <= balance_max.
/// @throws std::invalid_argument for a non-positive step or max < min.
[[nodiscard]] std::vector<double> balance_point_grid(const changepoint_options& options);

/// One candidate's fit. NaN balance point / p-value and zero slope for terms the kind lacks; all
/// statistics NaN when the weighted least squares was singular.
struct changepoint_candidate {
  changepoint_kind kind = changepoint_kind::intercept_only;
  double heating_balance_point = 0;
  double cooling_balance_point = 0;
  double base_load = 0;
  double heating_slope = 0;
  double cooling_slope = 0;
  double heating_p_value = 0;
  double cooling_p_value = 0;
  double r_squared = 0;
  double adj_r_squared = 0;
  double residual_sd = 0;
  std::size_t parameters = 1;
  bool sufficient = true;  ///< degree-day sufficiency met for every term
  bool qualifies = false;  ///< sufficient, fitted, and every slope positive and significant
  std::string reason;      ///< why it does not qualify (empty when it does)
};

/// The selected model and every candidate tried, in the order they were tried.
struct changepoint_fit {
  changepoint_model model;
  std::vector<changepoint_candidate> candidates;
  std::size_t selected = 0;  ///< index of the model's candidate in `candidates`
};

/**
 * Fits the CalTRACK candidates to `periods` with outdoor `temps` and selects one.
 * @throws std::invalid_argument for a period with end <= start, a bad grid or
 * options, more candidates than can be reported (over 10,000 balance points or 250,000 pairs),
 * `temperatures == period_means` (use the span overload), two daily means for one day, daily
 * means stamped at 00:00 UTC that fall on the previous local day, fewer than 2 usable periods
 * (the message counts why), or no qualifying candidate when intercept-only is not tried.
 */
[[nodiscard]] changepoint_model fit_changepoint(std::span<const usage_period> periods,
                                                const temperature_series& temps,
                                                const changepoint_options& options);

/// Same with one mean temperature per period (`period_temperature[i]` for `periods[i]`, NaN =
/// missing: the period is excluded). `options.temperatures` must be `period_means`.
[[nodiscard]] changepoint_model fit_changepoint(std::span<const usage_period> periods,
                                                std::span<const double> period_temperature,
                                                const changepoint_options& options);

/// fit_changepoint, also returning every candidate's statistics.
[[nodiscard]] changepoint_fit fit_changepoint_candidates(std::span<const usage_period> periods,
                                                         const temperature_series& temps,
                                                         const changepoint_options& options);
[[nodiscard]] changepoint_fit fit_changepoint_candidates(std::span<const usage_period> periods,
                                                         std::span<const double> period_temperature,
                                                         const changepoint_options& options);

/**
 * A model given by its parameters (from a report, a peer tool or a contract) rather than fitted.
 * A term is present when its balance point is finite (its slope must then be finite too); an
 * unknown residual_sd (NaN) gives NaN prediction intervals, never a zero-width one.
 */
struct changepoint_parameters {
  time_zone zone;  ///< required, as for fits
  double base_load = 0;
  double heating_slope = 0;
  double heating_balance_point = std::numeric_limits<double>::quiet_NaN();
  double cooling_slope = 0;
  double cooling_balance_point = std::numeric_limits<double>::quiet_NaN();
  double residual_sd = std::numeric_limits<double>::quiet_NaN();
  double interval_level = 0.90;
  temperature_input temperatures = temperature_input::samples;
  day_pairing pairing = day_pairing::local;
  std::size_t min_samples_per_day = 12;
  double min_day_coverage = 0.9;
};

/// @throws std::invalid_argument for a non-finite base load or slope,
/// heating balance point > cooling balance point, or options out of range.
[[nodiscard]] changepoint_model make_changepoint_model(const changepoint_parameters& p);

/**
 * Predicted usage (kWh) of each period (its `kwh` is ignored): days * (base + slopes * degree
 * days), interval days*mu +- z * residual_sd * sqrt(days) (normal approximation, independent
 * days; NaN when residual_sd is unknown). NaN for a period without enough temperature days.
 * Temperatures are read as the model was fitted (`model.temperatures`, `model.pairing`).
 * @throws std::invalid_argument for a model fitted on period means (use the span overload).
 */
[[nodiscard]] prediction predict(const changepoint_model& model,
                                 std::span<const usage_period> periods,
                                 const temperature_series& temps);

/// Same for a model with `temperatures == period_means`, one mean temperature per period.
[[nodiscard]] prediction predict(const changepoint_model& model,
                                 std::span<const usage_period> periods,
                                 std::span<const double> period_temperature);

}  // namespace energy::baseline

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::baseline::changepoint_kind>;
extern template struct energy::detail::enum_names<energy::baseline::temperature_input>;
extern template struct energy::detail::enum_names<energy::baseline::day_pairing>;

ENERGY_API_END
