// SPDX-License-Identifier: Apache-2.0
// The alert evaluation rules: pure functions from one config and one building's recent data to
// "does each condition hold now?". No I/O, so the rules are tested on hand-made data; the
// evaluation job (alert_job.cpp) loads the data and applies the findings.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/anomaly/anomaly.hpp>
#include <energy/model.hpp>
#include <energy/readings.hpp>
#include <energy/summary.hpp>

#include "jobs/alert_rules.hpp"

namespace energy::server::jobs {

/// One building's recent data, as the evaluation job loads it.
struct building_data {
  building b;
  time_zone zone;
  std::vector<sensor> sensors;  ///< active sensors of the building
  /// Raw rows of those sensors with ts in [now − raw_lookback, now), ordered by (sensor, ts).
  reading_rows rows;
  /// Building-scope electricity hour summaries, period.start in [now − hourly_lookback, now).
  std::vector<summary_row> hourly;
};

/// Whether one condition of a config holds at `now`.
struct finding {
  condition what = condition::threshold;
  bool holds = false;
  anomaly::severity severity = anomaly::severity::warning;
  std::string summary;  ///< one sentence with the numbers, for the alert and its notifications
  nlohmann::json details = nlohmann::json::object();  ///< the numbers, machine-readable
  /// Set when the condition cannot be judged from this data (e.g. a 15-minute threshold over
  /// hourly meters, or too little history for a baseline). The alert state is then left as it
  /// is: neither opened nor resolved on a guess.
  std::optional<std::string> error;
};

/// Seconds of raw readings before `now` that `rule` needs (the largest over its conditions).
[[nodiscard]] std::int64_t raw_lookback_seconds(const alert_rule& rule);
/// Seconds of hourly summaries before `now` that `rule` needs (0 without a baseline condition).
[[nodiscard]] std::int64_t hourly_lookback_seconds(const alert_rule& rule);

/**
 * Evaluates every condition of `rule` (see alert_rule::conditions) at `now` (UTC):
 * - threshold: the building's electricity total in the previous complete local window or the
 *   current one (already over: consumption only grows) exceeds the threshold
 *   (anomaly::detect_threshold, windows cut in the building's zone);
 * - peak_demand: an interval of the building's electricity total in that same span has an average
 *   demand above the limit (exact integer comparison, W);
 * - data_gap: a sensor has a run of missing intervals reaching the last complete interval before
 *   `now` and lasting at least gap_seconds (anomaly::detect_data_quality, expected range from
 *   the sensor's creation or the lookback start);
 * - flatline: a sensor's flatline run reaches its latest reading (still flat);
 * - baseline_deviation: a seasonal weekly baseline fitted on the hourly summaries before the last
 *   7 days shows a sustained deviation (anomaly::detect_baseline_deviation) that reaches the
 *   latest summarised hour; needs 14 days of history before those 7.
 */
[[nodiscard]] std::vector<finding> evaluate(const alert_rule& rule, const building_data& data,
                                            utc_seconds now);

}  // namespace energy::server::jobs
