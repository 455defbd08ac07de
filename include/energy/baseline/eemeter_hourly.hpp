// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * The non-legacy hourly model of eemeter 4 / OpenDSM (`opendsm.eemeter.HourlyModel`, the
 * temperature-only configuration), evaluated as the reference evaluates it, so that a model
 * fitted there predicts the same here. Read one with `energy::io::eemeter_hourly_model_from_json`
 * (energy/io/eemeter_hourly_json.hpp); fitting (temporal clustering, ElasticNet) is not provided.
 *
 * The model predicts a whole local day at once: one linear model per hour of the day (24 outputs)
 * over one feature vector per day. For each local day d of the model's zone:
 * - every hour's temperature T (°F) is scaled: t = (T - temperature_mean) / temperature_scale;
 * - the hour's temperature bin b is the i with bin_edges[i] < T <= bin_edges[i + 1];
 * - the day's temporal cluster c is day_cluster[month][weekday] (fitted in eemeter by clustering
 *   the baseline's load shapes);
 * - per hour, the time-series features are t if the day is in cluster j (one per cluster), t if
 *   the hour is in bin i (one per bin), and, with edge bins, for the first and last bin n:
 *   u = t_a * t + t_b and A * exp(+-u / k) - A in that bin (0 elsewhere);
 * - the day's categorical features: the cluster's one-hot and the one-hot of the bin of the day's
 *   first hour;
 * - the feature vector is each time-series feature's 24 hourly values, features in eemeter's
 *   order (names sorted as strings: temporal_cluster_*, then temp_bin_*), then the categorical
 *   features in the same order; output hour h is
 *   observed_mean + observed_scale * (intercept[h] + sum_j coefficients[h][j] * x[j]).
 * Days of 23 or 25 hours (daylight saving) are brought to 24 slots as eemeter does (the missing
 * slot the mean of its neighbours' features; the repeated hour's two values averaged) and back
 * (the repeated hour's second occurrence predicts the mean of the slots around it). Details and
 * sources: docs/baselines.md ("eemeter 4 hourly models").
 *
 * Units and zone: temperatures in the model's `unit` (celsius converted to °F as 32 + T * 1.8);
 * predictions are use per hour in the unit of the meter data the model was fitted on (kWh for
 * electricity). Days, hours, months and weekdays are local to `zone`.
 *
 * Missing data: every hour of a day depends on all of the day's temperatures, so a day with a
 * missing hour or a NaN temperature predicts NaN for all of its hours (eemeter's
 * HourlyReportingData interpolates missing temperatures first; do so beforehand to match it). A
 * day whose (month, weekday) has no temporal cluster predicts NaN (eemeter assigns one from the
 * reporting data's observed loads or neighbouring days; not reproduced). No prediction interval
 * (eemeter's hourly model has none): lower and upper are NaN.
 *
 * Thread-safety: models are values; the functions are pure (concurrent calls are safe).
 */

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include <energy/baseline/caltrack_hourly.hpp>  // temperature_unit
#include <energy/baseline/series.hpp>
#include <energy/time.hpp>

namespace energy::baseline {

/// The coefficients of one edge bin's exponential features (eemeter's
/// temperature_edge_bin_coefficients: t_a, t_b, k, a).
struct eemeter_hourly_edge_bin {
  double t_a = 0;
  double t_b = 0;
  double k = 1;
  double a = 0;
};

/// No temporal cluster for that (month, weekday).
inline constexpr int eemeter_no_cluster = -1;

struct eemeter_hourly_model {
  std::string zone;  ///< IANA name of the building's zone (the model's local days and hours)
  temperature_unit unit = temperature_unit::unspecified;  ///< of the temperatures predict() takes
  double temperature_mean = 0;                            ///< feature scaler's location (°F)
  double temperature_scale = 1;                           ///< feature scaler's scale (°F)
  double observed_mean = 0;   ///< target scaler's location (use per hour)
  double observed_scale = 1;  ///< target scaler's scale (use per hour)
  /// Temperature bin edges in °F, ascending, first -inf and last +inf (bins = size - 1).
  std::vector<double> bin_edges;
  bool edge_bins = false;  ///< exponential features in the first and last bin
  eemeter_hourly_edge_bin first_edge;
  eemeter_hourly_edge_bin last_edge;
  std::size_t cluster_count = 0;
  /// Cluster of each month (January = 0) and weekday (Monday = 0), or eemeter_no_cluster.
  std::array<std::array<int, 7>, 12> day_cluster{};
  /// 24 rows (hour of the day) of eemeter_hourly_feature_names(model).size() coefficients each,
  /// row-major, in the scaled space.
  std::vector<double> coefficients;
  std::array<double, 24> intercept{};
  /// "standardscaler" or "robustscaler" (informative: both scale as (x - location) / scale).
  std::string scaling_method = "standardscaler";
  /// eemeter's disqualification names (info.disqualification[].qualified_name): eemeter refuses
  /// to predict with such a model unless told to ignore them; this library predicts and reports.
  std::vector<std::string> disqualification;
};

/**
 * The names of the features, in the order of a coefficient row: each time-series feature (its
 * name, e.g. "temp_bin_0_ts", stands for 24 columns, hours 0 to 23), then each categorical one
 * ("temporal_cluster_0", "temp_bin_3"), as eemeter orders them. `time_series_count` receives the
 * number of time-series features (each row has 24 * time_series_count + the rest coefficients).
 */
[[nodiscard]] std::vector<std::string> eemeter_hourly_feature_names(
    const eemeter_hourly_model& model, std::size_t* time_series_count = nullptr);

/// Number of coefficients per hour row: 24 per time-series feature plus one per categorical one.
[[nodiscard]] std::size_t eemeter_hourly_coefficient_count(const eemeter_hourly_model& model);

/**
 * Checks a model built by hand. @throws std::invalid_argument for an unknown zone, an unspecified
 * unit, fewer than two bin edges, edges not ascending or not from -inf to +inf, edge bins with
 * fewer than two bins or a zero or non-finite edge-bin k, no cluster, a cluster number outside
 * [0, cluster_count), a non-finite or zero scale, non-finite coefficients, or a coefficient count
 * other than 24 * eemeter_hourly_coefficient_count(model).
 */
void validate(const eemeter_hourly_model& model);

/**
 * Predicted use of each hour of `hourly` (`ts[i]` UTC, the start of a local hour of the model's
 * zone, strictly ascending; `value[i]` the hour's temperature in `model.unit`). One prediction per
 * entry, in order; NaN for every hour of a local day that is not complete (all of its 23, 24 or 25
 * hours given with a finite temperature) or has no temporal cluster.
 * @throws std::invalid_argument for a model validate() refuses, ts / value of different sizes,
 * timestamps not strictly ascending or not at the start of a local hour.
 */
[[nodiscard]] prediction predict(const eemeter_hourly_model& model,
                                 const temperature_series& hourly);

}  // namespace energy::baseline

ENERGY_API_END
