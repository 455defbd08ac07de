// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * Weather-free seasonal baseline for buildings without a temperature feed:
 *
 *   load(t) = profile[tow(t)] + month_offset[month(t)]
 *
 * Fitted in two documented steps (not a joint least-squares fit): `profile` is the mean load of
 * each of the 168 local hourly time-of-week slots, then `month_offset` is the mean of the
 * remaining residual in each local calendar month. Months absent from the fit get offset 0 (the
 * plain weekly profile). Prediction intervals are per-slot residual quantiles, as in TOWT.
 */

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <energy/baseline/series.hpp>
#include <energy/time.hpp>

namespace energy::baseline {

/// The zone has no default (a wrong zone gives a plausible, wrong model): build the options with
/// designated initializers, `seasonal_options{.zone = time_zone{"America/New_York"}}`.
struct seasonal_options {
  time_zone zone;                ///< the building's zone (required: never assumed)
  double interval_level = 0.90;  ///< nominal coverage of prediction intervals
  std::size_t min_slot_residuals = 20;
};

struct seasonal_model {
  std::string zone;  ///< IANA name (a model is serialized; predict() looks it up)
  std::int64_t interval_seconds = 3600;
  std::vector<double> profile;           ///< 168 slot means (kWh per interval); NaN: no data
  std::vector<double> month_offsets;     ///< 12 (January first), kWh per interval
  std::vector<std::uint8_t> month_seen;  ///< 12 flags: month had fit data
  double interval_level = 0.90;
  std::vector<double> residual_lower;  ///< 168
  std::vector<double> residual_upper;  ///< 168
  std::size_t observations = 0;
  std::size_t parameters = 0;  ///< slots with data + months with data - 1
};

/// Non-finite loads are skipped. @throws std::invalid_argument for a bad
/// interval (must divide 3600), bad options or no usable row.
[[nodiscard]] seasonal_model fit_seasonal(const load_series& load, const seasonal_options& options);

/// @throws std::invalid_argument for a malformed model (including an unknown zone name).
[[nodiscard]] prediction predict(const seasonal_model& model, std::span<const epoch_seconds> ts);

}  // namespace energy::baseline

ENERGY_API_END
