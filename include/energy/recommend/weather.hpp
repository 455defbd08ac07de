// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/series.hpp>
#include <energy/recommend/recommend.hpp>

#include <span>
#include <string_view>

namespace energy::recommend {

/// The temperature unit a change-point model was fitted in (the unit of its temperature series).
enum class temperature_unit { fahrenheit, celsius };
/// "fahrenheit", "celsius"; parse with `parse<temperature_unit>` (energy/enum_names.hpp).
[[nodiscard]] std::string_view to_string(temperature_unit u) noexcept;

/**
 * The `weather` input of `recommend` from a fitted daily change-point model and the building's
 * outdoor temperatures, so that nobody copies numbers between the two by hand:
 * - base load, slopes and balance points from the model, converted to °F units when the model was
 *   fitted in °C (slopes per °C-day × 5/9, balance points × 9/5 + 32);
 * - annual heating/cooling degree-days and days beyond each balance point from the mean
 *   temperature of each local day of `temps` in the model's zone (days with at least
 *   `model.min_samples_per_day` finite samples), scaled from the days observed to 365.25.
 *   A year of temperatures gives a typical year; less gives a proportional estimate.
 * A model without a heating (cooling) term leaves those fields empty and their degree-days zero.
 *
 * @throws std::invalid_argument when `temps` has different ts and value sizes, no local day with
 *         enough samples, or the model's zone is unknown.
 */
[[nodiscard]] weather_sensitivity weather_from(
    const baseline::changepoint_model& model, const baseline::temperature_series& temps,
    temperature_unit unit = temperature_unit::fahrenheit);

/**
 * As above, and checks the fit against the building's own usage `periods` (the ones it was
 * fitted on, e.g. `local_day_totals`): `fit` names the rules and whether they pass —
 * a weather term (not intercept-only) with positive slopes at p < 0.1 (CalTRACK), at least 329
 * days of use with temperature (CalTRACK data sufficiency, 90 % of a year), and ASHRAE
 * Guideline 14 on daily use (CV(RMSE) ≤ 30 %, |NMBE| ≤ 10 %), and R² ≥ 0.5 on daily use (U.S.
 * DOE EnPI Lite's valid-model rule: a significant but tiny weather term is no weather
 * dependence). The weather rules of `recommend` run only on a fit that passes. Throws as above.
 */
[[nodiscard]] weather_sensitivity weather_from(
    const baseline::changepoint_model& model, std::span<const baseline::usage_period> periods,
    const baseline::temperature_series& temps,
    temperature_unit unit = temperature_unit::fahrenheit);

}  // namespace energy::recommend

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::recommend::temperature_unit>;

ENERGY_API_END
