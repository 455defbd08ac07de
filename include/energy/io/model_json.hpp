// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * JSON for fitted baseline models (energy::io target; no JSON library in this header).
 *
 * Every double is written with the shortest representation that parses back to the same bits
 * (round-trip precision), and NaN as `null`, so a model loaded back predicts bit-identically.
 * Documents carry `"type"` ("towt", "seasonal", "changepoint", "towt_billing") and `"version": 1`.
 *
 * Loading throws energy::parse_error naming the offending field (e.g. "towt model: field
 * 'knots[2]' is not a number") for malformed JSON, a wrong type/version, missing fields or
 * wrong vector sizes. Thread-safe: pure functions.
 */

#include <string>
#include <string_view>

#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/seasonal.hpp>
#include <energy/baseline/towt.hpp>
#include <energy/baseline/towt_billing.hpp>

namespace energy::io {

[[nodiscard]] std::string to_json(const baseline::towt_model& model);
[[nodiscard]] std::string to_json(const baseline::seasonal_model& model);
[[nodiscard]] std::string to_json(const baseline::changepoint_model& model);
/// `"type": "towt_billing"`: the hourly model as a nested "towt" document, plus the bill fit's
/// statistics and what predict() needs (coverage, gap rule).
[[nodiscard]] std::string to_json(const baseline::towt_billing_model& model);

[[nodiscard]] baseline::towt_model towt_model_from_json(std::string_view json);
[[nodiscard]] baseline::seasonal_model seasonal_model_from_json(std::string_view json);
[[nodiscard]] baseline::changepoint_model changepoint_model_from_json(std::string_view json);
[[nodiscard]] baseline::towt_billing_model towt_billing_model_from_json(std::string_view json);

}  // namespace energy::io

ENERGY_API_END
