// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * CalTRACK 2.0 hourly (caltrack.org, methods section 3), as its reference implementation eemeter
 * computes it (`eemeter/caltrack/hourly.py`, `features.py`, `segmentation.py`; eemeter 2.x-4.x):
 *
 *   load(t) = alpha_seg[tow(t)] + sum_j beta_seg,mode[j] * bin_j(T(t)),  seg = local month of t
 *
 * - Segmentation (`three_month_weighted`, the default): twelve models, one per calendar month m,
 *   each fitted by weighted least squares on month m at weight 1 and months m-1 and m+1 at weight
 *   `neighbour_month_weight` (0.5); a row is predicted by the model of its own month.
 *   `single`: one model on every row at weight 1.
 * - Occupancy per segment: fit `load ~ 1 + CDD(65 °F) + HDD(50 °F)` (hourly degrees, weighted),
 *   a time-of-week slot is occupied when more than `occupancy_threshold` (0.65) of its residuals
 *   in the segment's rows (weight > 0) are positive.
 * - Temperature bins per segment and mode: candidate endpoints {30, 45, 55, 65, 75, 90} °F,
 *   bins (e_{k-1}, e_k] right-closed; while a bin has fewer than `min_bin_count` (20) of the mode's
 *   temperatures: drop the inner endpoint of a sparse first bin and of a sparse last bin; only
 *   when neither outer bin is sparse, drop the right endpoint of every sparse middle bin; repeat.
 *   bin_0 = min(T, e_1), bin_j = clamp(T - e_j, 0, e_{j+1} - e_j), last = max(T - e_k, 0), so the
 *   bins sum to T (no endpoint left: one bin, T itself).
 * - The fit per segment: alpha per slot (no global intercept), one slope per bin of each mode
 *   (a row's other mode's bins are zero); WLS with the segment weights.
 *
 * Time of week and months are local to `zone` (hourly slots, Monday 00:00 = 0). Temperatures:
 * the reference's constants are °F and eemeter converts °C input to °F (T * 1.8 + 32) before
 * building features; this library does the same, so `temperature_unit` is required (no default:
 * °C data read as °F would give a plausible, wrong model). Balance points and bin endpoints are
 * always °F. Loads are kWh per hour.
 *
 * Differences from the reference (documented in docs/baselines.md): a slot without rows in a
 * segment has alpha NaN (predictions NaN) where statsmodels' pseudo-inverse gives 0 when the slot
 * occurs elsewhere in the baseline; intervals are not defined by CalTRACK hourly, so
 * `prediction::lower/upper` are NaN.
 */

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <energy/baseline/series.hpp>
#include <energy/enum_names.hpp>
#include <energy/time.hpp>

namespace energy::baseline {

/// The unit of the temperatures given to fits and predictions.
enum class temperature_unit { unspecified, fahrenheit, celsius };
enum class caltrack_segmentation { three_month_weighted, single };

/// The enumerator's name; parse with `parse<temperature_unit>`, `parse<caltrack_segmentation>`
/// (energy/enum_names.hpp).
[[nodiscard]] std::string_view to_string(temperature_unit u) noexcept;
[[nodiscard]] std::string_view to_string(caltrack_segmentation s) noexcept;

/// Options; every default is the reference's (constants in °F whatever the input unit). The zone
/// has no default (a wrong zone gives a plausible, wrong model): build them with designated
/// initializers, `caltrack_hourly_options{.zone = time_zone{"America/New_York"}, .unit = ...}`.
struct caltrack_hourly_options {
  time_zone zone;                                         ///< required: time of week is local
  temperature_unit unit = temperature_unit::unspecified;  ///< required
  caltrack_segmentation segmentation = caltrack_segmentation::three_month_weighted;
  double neighbour_month_weight = 0.5;          ///< weight of months m-1 and m+1 in segment m
  double occupancy_cooling_balance_point = 65;  ///< °F, CDD of the occupancy regression
  double occupancy_heating_balance_point = 50;  ///< °F, HDD of the occupancy regression
  double occupancy_threshold = 0.65;            ///< share of positive residuals marking occupied
  std::vector<double> bin_endpoints = {30, 45, 55, 65, 75, 90};  ///< °F candidate endpoints
  std::size_t min_bin_count = 20;  ///< temperatures a bin needs to keep its endpoints
  /// Data sufficiency (CalTRACK 2.2.1; eemeter's get_baseline_data(max_days=365) and
  /// caltrack_sufficiency_criteria(min_days=365)): the baseline, first row to the end of the
  /// last, spans at most `max_baseline_days` and at least `min_baseline_days` (0 = no limit) ...
  double max_baseline_days = 365;
  double min_baseline_days = 365;
  /// ... and every calendar month has at least this share of its hours in the baseline span
  /// with a finite load and temperature (a month outside the span has 0). 0 = no check.
  double min_month_coverage = 0.9;
};

/// One segment's model (for `three_month_weighted`, segment m is centred on local month m).
struct caltrack_hourly_segment {
  std::string name;  ///< the reference's name: "dec-jan-feb-weighted", ..., or "all"
  std::vector<std::uint8_t> occupied;            ///< 168 flags, 1 = occupied slot
  std::vector<double> occupied_bin_endpoints;    ///< kept endpoints, °F, ascending
  std::vector<double> unoccupied_bin_endpoints;  ///< kept endpoints, °F, ascending
  std::vector<double> tow_coefficients;          ///< 168 alphas (kWh/h); NaN = cannot predict
  std::vector<double> occupied_slopes;           ///< endpoints + 1 slopes (kWh/h per °F)
  std::vector<double> unoccupied_slopes;         ///< endpoints + 1 slopes
  std::size_t observations = 0;  ///< rows with weight > 0 in the fit (0 when imported)
  std::size_t parameters = 0;    ///< estimable coefficients (slots with rows + slope rank)
  bool rank_deficient = false;
};

/// A fitted or imported CalTRACK hourly model: plain data, thread-safe to read.
struct caltrack_hourly_model {
  std::string zone;  ///< IANA name (a model is serialized; predict() looks it up)
  temperature_unit unit = temperature_unit::fahrenheit;  ///< unit predict() expects
  caltrack_segmentation segmentation = caltrack_segmentation::three_month_weighted;
  std::vector<double> candidate_bin_endpoints;    ///< °F; the serialized bin tables' index
  std::vector<caltrack_hourly_segment> segments;  ///< 12 (Jan..Dec centres) or 1 (single)
};

/**
 * Fits CalTRACK hourly on hourly `load` (interval_seconds = 3600) with `temperature[i]` the
 * outdoor temperature of row i (see align_temperature). Rows without a finite load and
 * temperature are left out (the reference drops them too).
 * @throws std::invalid_argument for an unspecified unit, sizes that differ, a non-hourly
 * interval, options out of range, or insufficient data: one message names every shortfall
 * (the baseline length, each month short of `min_month_coverage` with its coverage).
 */
[[nodiscard]] caltrack_hourly_model fit_caltrack_hourly(const load_series& load,
                                                        std::span<const double> temperature,
                                                        const caltrack_hourly_options& options);

/**
 * Predicts the hour starting at each `ts` (UTC) at `temperature` (in `model.unit`): the model of
 * the row's local month (or the single model). expected NaN when the temperature is not finite,
 * the slot has no coefficient or the month's segment has no model; lower/upper are always NaN.
 * @throws std::invalid_argument when the sizes differ or the model is malformed.
 */
[[nodiscard]] prediction predict(const caltrack_hourly_model& model,
                                 std::span<const epoch_seconds> ts,
                                 std::span<const double> temperature);

// Building blocks, public so that peers' intermediate results can be checked one by one.

/// The reference's segment names, "dec-jan-feb-weighted" (month 0 = January) ...
/// "nov-dec-jan-weighted".
[[nodiscard]] std::string caltrack_segment_name(int month);

/// Weight of a row in local month `row_month` (0..11) for the segment centred on `segment_month`:
/// 1 for the same month, `neighbour_weight` for the months before and after (cyclic), else 0.
[[nodiscard]] double caltrack_segment_weight(int segment_month, int row_month,
                                             double neighbour_weight = 0.5) noexcept;

/// The kept bin endpoints for `temperatures` (°F, NaN ignored) by the merge rule above.
[[nodiscard]] std::vector<double> caltrack_bin_endpoints(std::span<const double> temperatures,
                                                         std::vector<double> candidates,
                                                         std::size_t min_count);

/// The bin features bin_0..bin_k of `t` for kept `endpoints` (k = endpoints.size()), to `out`.
void caltrack_bin_features(double t, std::span<const double> endpoints, std::span<double> out);

/**
 * Occupancy of the 168 slots from rows (load kWh, temperature °F, slot, weight > 0): WLS of
 * load on [1, max(T - cooling_bp, 0), max(heating_bp - T, 0)] (minimum-norm when a column is
 * empty); a slot is occupied when more than `threshold` of its rows have a positive residual.
 * Slots without rows are 0.
 */
[[nodiscard]] std::vector<std::uint8_t> caltrack_occupancy(
    std::span<const double> kwh, std::span<const double> temperature_f,
    std::span<const std::uint8_t> slot, std::span<const double> weight,
    double cooling_balance_point, double heating_balance_point, double threshold);

}  // namespace energy::baseline

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::baseline::temperature_unit>;
extern template struct energy::detail::enum_names<energy::baseline::caltrack_segmentation>;

ENERGY_API_END
