// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * Series types shared by the baseline models (TOWT, change-point, seasonal) and by their
 * consumers (anomaly detection reads `prediction`). Plain std::vector columns: no Eigen here.
 *
 * Statistics begin here: loads are doubles (kWh per interval), converted from the exact
 * `energy::milli` readings by the caller (`energy::from_milli`).
 */

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <energy/readings.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

namespace energy::baseline {

/// Number of hourly time-of-week slots: Monday 00:00 local is slot 0, Sunday 23:00 is slot 167.
inline constexpr std::size_t hours_per_week = 168;

/**
 * Interval load: row i is the energy consumed in `[ts[i], ts[i] + interval_seconds)`, kWh.
 * `ts` is UTC (epoch seconds), ascending. NaN marks a missing value (excluded from fits).
 * `interval_seconds` must divide one hour (900, 1800, 3600) for the hourly models.
 */
struct load_series {
  std::vector<epoch_seconds> ts;
  std::vector<double> kwh;
  std::int64_t interval_seconds = 3600;

  [[nodiscard]] std::size_t size() const noexcept { return ts.size(); }
};

/// Instantaneous outdoor temperature samples (any unit, used consistently), UTC ascending.
/// NaN values are treated as missing samples.
struct temperature_series {
  std::vector<epoch_seconds> ts;
  std::vector<double> value;

  [[nodiscard]] std::size_t size() const noexcept { return ts.size(); }
};

/**
 * The rows of `sensor` from stored readings (exact milli-units) as model input: kWh for an
 * energy sensor (Wh / 1000), sorted by timestamp; a timestamp present twice keeps its last row.
 * Statistics begin here, so the values become doubles.
 */
[[nodiscard]] load_series load_from_readings(const reading_rows& rows, const uuid& sensor,
                                             std::int64_t interval_seconds);

/// Same for a temperature sensor (°C, from m°C): the outdoor-temperature feed of the models.
[[nodiscard]] temperature_series temperature_from_readings(const reading_rows& rows,
                                                           const uuid& sensor);

/**
 * The gap rule, applied when a temperature series is aligned to load timestamps:
 * - a sample at exactly the load timestamp is used as is;
 * - otherwise the two nearest valid samples around it are linearly interpolated, but only
 *   when they are at most `max_gap_seconds` apart (default 6 h: one missing hourly sample up to
 *   five consecutive ones are bridged);
 * - otherwise the temperature is missing (NaN): fits exclude that load row and predictions for
 *   it are NaN. No extrapolation beyond the first/last sample.
 */
struct gap_rule {
  std::int64_t max_gap_seconds = 6 * 3600;
};

/**
 * The temperature at each of `at` (UTC) per the gap rule; NaN where the rule gives none.
 * `temps.ts` must be ascending (std::invalid_argument otherwise, naming the first offending index).
 * O(n + m) when `at` is ascending too; any order works.
 */
[[nodiscard]] std::vector<double> align_temperature(std::span<const epoch_seconds> at,
                                                    const temperature_series& temps,
                                                    const gap_rule& rule = {});

/**
 * The hourly time-of-week slot (0..167, Monday 00:00 local = 0) of each instant in `zone`
 * (local wall clock, so a fall-back hour maps twice to the same slot and a spring-forward hour
 * never occurs).
 */
[[nodiscard]] std::vector<std::uint8_t> time_of_week(std::span<const epoch_seconds> ts,
                                                     const time_zone& zone);

/**
 * Model output for a set of timestamps / periods. `expected` is the model's estimate of the
 * load (kWh per row); `[lower, upper]` the prediction interval at the model's `interval_level`
 * (see each model for how it is built). All three are NaN for rows the model cannot predict
 * (missing temperature beyond the gap rule, a time-of-week slot with no fit data).
 */
struct prediction {
  std::vector<double> expected;
  std::vector<double> lower;
  std::vector<double> upper;

  [[nodiscard]] std::size_t size() const noexcept { return expected.size(); }
};

}  // namespace energy::baseline

ENERGY_API_END
