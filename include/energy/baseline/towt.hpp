// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * Time-of-week-and-temperature (TOWT) regression, after Mathieu, Price, Kiliccote & Piette,
 * "Quantifying Changes in Building Electricity Use, With Application to Demand Response",
 * IEEE Trans. Smart Grid 2(3), 2011 (the LBNL model behind most M&V tools).
 *
 *   load(t) = alpha[tow(t)] + sum_j beta_{mode(tow), j} * c_j(T(t))
 *
 * - tow(t): one of 168 hourly time-of-week slots in the building's local zone (15- and 30-minute
 *   data map each interval to the hour-of-week it starts in; alpha is then kWh per interval).
 *   Daily data (interval_seconds = 86400, each row starting at its local midnight) uses the
 *   seven day-of-week slots 0, 24, ..., 144 (the slot of the day's first hour): alpha is kWh per
 *   day and the temperature is the day's mean;
 * - c_j(T): piecewise-linear temperature components with knots B_1 < ... < B_{S-1}:
 *   c_1 = min(T, B_1), c_j = clamp(T - B_{j-1}, 0, B_j - B_{j-1}), c_S = max(T - B_{S-1}, 0);
 *   the knots are the k/S quantiles (linear interpolation) of the fit temperatures, so no
 *   segment is empty; duplicate knots are merged (or fixed knots, `towt_options::fixed_knots`);
 * - mode(tow): occupied or unoccupied, detected from the data: fit a temperature regression by
 *   least squares on all rows; a slot is occupied when more than `occupied_threshold` (0.65) of
 *   its residuals are positive. Each mode has its own slopes. The regression is
 *   `occupancy_rule::single_line` (load ~ a + b*T, the default) or
 *   `occupancy_rule::fixed_hinges`, the reference LBNL code's rule: load ~ a + b1*min(T - h1, 0)
 *   + b2*max(T - h2, 0) with hinges h1 < h2 (50 and 65 °F in the reference), and fewer than three
 *   occupied slots then count as none occupied, as the reference does.
 *
 * The normal equations are accumulated directly from the one-hot structure (no n x 180 design
 * matrix); the diagonal time-of-week block is eliminated analytically and the small
 * temperature block (Schur complement) is solved with Eigen's LDLT, falling back to a
 * complete orthogonal decomposition (minimum-norm solution) when it is rank deficient.
 */

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <energy/baseline/series.hpp>
#include <energy/enum_names.hpp>
#include <energy/time.hpp>

namespace energy::baseline {

/// How occupied slots are decided: by the residuals of a regression (see the file comment), or
/// `given` by the caller (`towt_options::occupied_slots`, as nmecr's `occupancy_info`).
enum class occupancy_rule { single_line, fixed_hinges, given };

[[nodiscard]] std::string_view to_string(occupancy_rule r) noexcept;

/// The zone has no default (a wrong zone gives a plausible, wrong model): build the options with
/// designated initializers, `towt_options{.zone = time_zone{"America/New_York"}, ...}`.
struct towt_options {
  time_zone zone;                    ///< the building's zone (required: time-of-week is local)
  int temperature_segments = 6;      ///< S: number of piecewise-linear segments (1..12)
  double occupied_threshold = 0.65;  ///< share of positive residuals that marks a slot occupied
  double interval_level = 0.90;      ///< nominal coverage of prediction intervals (0, 1)
  /// Slots with fewer fit residuals than this use the pooled residual quantiles of their mode.
  std::size_t min_slot_residuals = 20;
  occupancy_rule occupancy = occupancy_rule::single_line;
  /// The two hinges of `fixed_hinges`, ascending, in the unit of the temperatures: {50, 65} for
  /// °F as the reference, {10, 18.333} for °C. Required with that rule (no unit is assumed).
  std::vector<double> occupancy_hinges;
  /// Fixed temperature knots (ascending, in the data's unit) instead of the quantile knots; the
  /// reference code uses {40, 55, 65, 80, 90} °F. As there, an outer knot with fewer than
  /// `min_rows_beyond_outer_knot` fit rows beyond it is dropped (highest first, then lowest; one
  /// knot always stays). Empty: the k/S quantiles; with fixed knots temperature_segments is unused.
  std::vector<double> fixed_knots;
  std::size_t min_rows_beyond_outer_knot = 20;
  /// 168 flags (1 = occupied) for `occupancy_rule::given`; for daily rows the weekday slots
  /// 0, 24, ..., 144 are the ones read.
  std::vector<std::uint8_t> occupied_slots;
};

/**
 * A fitted TOWT model: plain data, serialisable (energy/io/model_json.hpp), thread-safe to read.
 * Coefficients are in kWh per interval (`interval_seconds`) and the temperature unit of the
 * fit data (°F or °C: the model does not convert).
 */
struct towt_model {
  std::string zone;  ///< IANA name (a model is serialized; predict() looks it up)
  std::int64_t interval_seconds = 3600;
  std::vector<double> knots;              ///< S-1 ascending temperature knots
  std::vector<std::uint8_t> occupied;     ///< 168 flags, 1 = occupied slot
  std::vector<double> tow_coefficients;   ///< 168 alphas; NaN for slots without fit data
  std::vector<double> occupied_slopes;    ///< S betas for occupied slots (kWh per degree)
  std::vector<double> unoccupied_slopes;  ///< S betas for unoccupied slots
  double interval_level = 0.90;
  std::vector<double> residual_lower;  ///< 168 per-slot residual quantiles (1-level)/2
  std::vector<double> residual_upper;  ///< 168 per-slot residual quantiles (1+level)/2
  std::size_t observations = 0;        ///< rows used in the fit
  std::size_t parameters = 0;          ///< estimable coefficients (for Guideline 14's p)
  bool rank_deficient = false;         ///< true when the fallback solver was used

  [[nodiscard]] std::size_t segments() const noexcept { return knots.size() + 1; }
};

/**
 * Fits TOWT on `load` with `temperature[i]` the outdoor temperature for load row i (see
 * align_temperature). Rows whose load or temperature is not finite are excluded.
 * @throws std::invalid_argument when sizes differ, the zone is unknown, interval_seconds neither
 * divides 3600 nor is 86400 (a daily row must start at a local midnight: the error names the first
 * one that does not), options are out of range, or no usable row remains.
 */
[[nodiscard]] towt_model fit_towt(const load_series& load, std::span<const double> temperature,
                                  const towt_options& options);

/**
 * Predicts the load of intervals starting at `ts` (UTC) at temperatures `temperature`, with the
 * model's per-slot residual-quantile interval: [expected + residual_lower[slot],
 * expected + residual_upper[slot]]. NaN rows: see `prediction`. Extrapolation beyond the fit's
 * temperature range continues the outer segments linearly.
 * @throws std::invalid_argument when the sizes differ, the model is malformed, or (daily model)
 * a row does not start at a local midnight.
 */
[[nodiscard]] prediction predict(const towt_model& model, std::span<const epoch_seconds> ts,
                                 std::span<const double> temperature);

/**
 * A TOWT model given by its coefficients (a report, a peer tool) rather than fitted. The
 * residual quantiles are unknown (NaN), so predictions carry NaN intervals; `observations` is 0
 * and `parameters` counts the finite time-of-week coefficients plus the slopes of each mode
 * that has a slot.
 */
struct towt_parameters {
  time_zone zone;                         ///< required: the building's zone
  std::int64_t interval_seconds = 3600;   ///< divides 3600, or 86400 for daily rows
  std::vector<double> knots;              ///< S-1 ascending knots (0..11 of them)
  std::vector<std::uint8_t> occupied;     ///< 168 flags
  std::vector<double> tow_coefficients;   ///< 168 alphas, NaN for slots the model does not cover
  std::vector<double> occupied_slopes;    ///< S
  std::vector<double> unoccupied_slopes;  ///< S
};

/// @throws std::invalid_argument naming the first field with a wrong size or value.
[[nodiscard]] towt_model make_towt_model(const towt_parameters& p);

/// The S piecewise-linear components c_j(T) for `knots` (S-1 of them), written to `out` (size S).
void temperature_components(double t, std::span<const double> knots, std::span<double> out);

}  // namespace energy::baseline

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::baseline::occupancy_rule>;

ENERGY_API_END
