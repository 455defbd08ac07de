// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * Models serialized by the CalTRACK reference implementation, eemeter (energy::io target; no JSON
 * library in this header), so that a model fitted there is evaluated here with the same
 * predictions. Field names are eemeter's (openeemeter/eemeter, Apache-2.0):
 *
 * - Hourly: `CalTRACKHourlyModelResults.json()` / `CalTRACKHourlyModel.json()` of
 *   `eemeter/caltrack/hourly.py` (eemeter 2.x-3.x) and `eemeter/eemeter/models/hourly/model.py`
 *   (eemeter 4.0.x, the legacy hourly model): `model.segment_models[]` with `segment_name`,
 *   `formula` and `model_params`; `occupancy_lookup`, `occupied_temperature_bins`,
 *   `unoccupied_temperature_bins` (or eemeter 2.x's single `temperature_bins` with
 *   `bin_<k>:C(occupancy)` terms) as pandas `to_json(orient="split")` strings; `segment_type`
 *   ("three_month_weighted" or "single"; absent in 2.x files, which are always three-month
 *   weighted). Parameter names: `C(hour_of_week)[<h>]`, `bin_<k>_occupied`,
 *   `bin_<k>_unoccupied`, 2.x's `bin_<k>:C(occupancy)[True|False]` and `bin_<k>`.
 * - Daily / billing: `CalTRACKUsagePerDayModelResults.json()` or the candidate's `json()` of
 *   `eemeter/caltrack/usage_per_day.py` (eemeter 2.x-3.x): `model_type` (intercept_only,
 *   hdd_only, cdd_only, cdd_hdd) and `model_params` (intercept, beta_hdd, heating_balance_point,
 *   beta_cdd, cooling_balance_point).
 *
 * The files carry neither the building's zone nor the temperature unit (eemeter takes both from
 * its pandas inputs), so the caller names them. Unknown model types, formula terms and parameter
 * names, missing fields and malformed tables throw energy::parse_error naming the field
 * (e.g. "eemeter hourly model: field 'model.segment_models[3].formula' has an unknown term
 * 'bin_0:hdd'"). Thread-safe: pure functions.
 */

#include <string>
#include <string_view>

#include <energy/baseline/caltrack_hourly.hpp>
#include <energy/baseline/changepoint.hpp>
#include <energy/time.hpp>

namespace energy::io {

/// eemeter's `CalTRACKHourlyModelResults.json()` for `model` (eemeter 4.0.x field set), NaN
/// coefficients left out of `model_params` as eemeter leaves out slots without data.
[[nodiscard]] std::string to_eemeter_json(const baseline::caltrack_hourly_model& model);

/**
 * An eemeter CalTRACK hourly model, for a building in `zone` whose temperatures will be given in
 * `unit` (eemeter's coefficients are per °F; celsius input is converted as eemeter's degc does).
 * A month whose segment model is absent or has no parameters predicts NaN, as in eemeter.
 * @throws energy::parse_error naming the field; std::invalid_argument for an unspecified unit.
 */
[[nodiscard]] baseline::caltrack_hourly_model caltrack_hourly_model_from_eemeter_json(
    std::string_view json, const time_zone& zone, baseline::temperature_unit unit);

/**
 * An eemeter CalTRACK usage-per-day (daily or billing change-point) model as a
 * `changepoint_model` for `zone` (balance points in the unit eemeter was given, °F by default).
 * Days read hourly temperature samples as eemeter does: a day needs more than half of its 24
 * hours (min_samples_per_day = 13). residual_sd is unknown (NaN), so prediction intervals are NaN.
 * @throws energy::parse_error naming the field (unknown model_type, missing or unknown
 * parameter, parameters that make no model such as a heating balance point above the cooling
 * one, a results document without a model).
 */
[[nodiscard]] baseline::changepoint_model changepoint_model_from_eemeter_json(
    std::string_view json, const time_zone& zone);

}  // namespace energy::io

ENERGY_API_END
