// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * eemeter 4 / OpenDSM non-legacy hourly models (`HourlyModel.to_json()` of
 * `opendsm/eemeter/models/hourly/model.py`, openeemeter/eemeter, Apache-2.0) read as
 * `energy::baseline::eemeter_hourly_model` (energy/baseline/eemeter_hourly.hpp), so that a model
 * fitted there predicts the same here (energy::io target; no JSON library in this header). The
 * legacy CalTRACK 2.0 hourly model has its own reader (caltrack_hourly_model_from_eemeter_json).
 *
 * Layout read (pydantic `SerializeModel.model_dump()` written with json.dumps):
 * - `settings`: `train_features` (["temperature"]), `scaling_method` ("standardscaler" or
 *   "robustscaler"), `temperature_bin` {method, n_bins, bin_width, include_edge_bins,
 *   edge_bin_rate, edge_bin_percent, edge_bin_temperature_range_offset} (only include_edge_bins
 *   matters for prediction), `supplemental_time_series_columns` and
 *   `supplemental_categorical_columns` (null or empty), and the fitting-only keys
 *   (cvrmse_threshold, pnrmse_threshold, min_daily_training_hours, temporal_cluster, elasticnet,
 *   settings.seed), not used; keys compared lower-cased, as eemeter does;
 * - `temporal_clusters`: [[month 1-12, weekday 0 = Monday, cluster], ...];
 * - `temperature_bin_edges`: °F, -Infinity ... Infinity;
 * - `temperature_edge_bin_coefficients`: {"0": {t_a, t_b, k, a}, "<last bin>": {...}} (null
 *   without edge bins);
 * - `ts_features` (["temperature"]), `categorical_features` (temporal_cluster_<j> and
 *   temp_bin_<i>: the cluster count is the number of temporal_cluster_ names, as in eemeter);
 * - `feature_scaler` {"temperature": [location, scale]}, `y_scaler` [location, scale],
 *   `catagorical_scaler` (null);
 * - `coefficients` (24 rows) and `intercept` (24 values) of the ElasticNet;
 * - `baseline_metrics` (not used) and `info` {baseline_timezone, disqualification[].qualified_name,
 *   warnings, error, version}.
 * Python's bare NaN / Infinity / -Infinity tokens are accepted.
 *
 * The file names the baseline's zone (`info.baseline_timezone`); the caller still names the
 * building's zone, and a file whose zone is a known IANA name resolving to another zone is
 * refused (eemeter refuses to predict across zones). Temperatures given to predict() are in
 * `unit` (eemeter's model is fitted on °F; celsius is converted).
 *
 * Refused with energy::parse_error naming the field: invalid JSON, an unknown top-level, settings
 * or temperature_bin key, a missing or mistyped field, GHI (the solar model: `ghi` in
 * train_features or ts_features; this library has no irradiance input) or any feature other than
 * temperature, supplemental columns, an unknown scaling_method, temperature_bin null, edge bin
 * coefficients inconsistent with include_edge_bins or not keyed by the first and last bin, a
 * categorical feature other than eemeter's, a temporal cluster row out of range or repeated,
 * coefficient rows of the wrong count or length, a zone mismatch, and the early eemeter 4.0
 * development layout (upper-case SETTINGS / COEFFICIENTS keys). std::invalid_argument for an
 * unspecified unit. Thread-safe: a pure function.
 */

#include <string_view>

#include <energy/baseline/eemeter_hourly.hpp>
#include <energy/time.hpp>

namespace energy::io {

[[nodiscard]] baseline::eemeter_hourly_model eemeter_hourly_model_from_json(
    std::string_view json, const time_zone& zone, baseline::temperature_unit unit);

}  // namespace energy::io

ENERGY_API_END
