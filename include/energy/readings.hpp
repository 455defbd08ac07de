// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <energy/decimal.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

namespace energy {

/**
 * Readings as they arrive from a transport (JSON batch, CSV, MQTT, numpy), before validation:
 * struct-of-arrays, one row per index, all columns the same length. Values are in the unit the
 * sensor sends and may be anything (NaN, negative, absurd): validation decides.
 * `source_row` is where each row came from (file line, JSON array index), for error reports.
 */
struct reading_batch {
  std::vector<uuid> sensor_id;
  std::vector<epoch_seconds> ts;  ///< UTC seconds since epoch
  std::vector<double> value;
  std::vector<std::uint32_t> quality;  ///< flags sent by the source (e.g. quality::estimated)
  std::vector<std::int64_t> source_row;

  [[nodiscard]] std::size_t size() const noexcept { return ts.size(); }
  [[nodiscard]] bool empty() const noexcept { return ts.empty(); }
  void reserve(std::size_t n);
  void clear() noexcept;
  void push_back(const uuid& sensor, epoch_seconds t, double v, std::uint32_t q = 0,
                 std::int64_t row = -1);
};

/**
 * Validated, normalised readings as stored: struct-of-arrays. `value` is exact, in milli-units of
 * the sensor's canonical unit (Wh for electricity: see decimal.hpp). For energy sensors a row is
 * the quantity consumed in `[ts, ts + sensor.interval_seconds)`; for temperature, the state at ts.
 */
struct reading_rows {
  std::vector<uuid> sensor_id;
  std::vector<epoch_seconds> ts;
  std::vector<milli> value;
  std::vector<std::uint32_t> quality;

  [[nodiscard]] std::size_t size() const noexcept { return ts.size(); }
  [[nodiscard]] bool empty() const noexcept { return ts.empty(); }
  void reserve(std::size_t n);
  void clear() noexcept;
  void push_back(const uuid& sensor, epoch_seconds t, milli v, std::uint32_t q = 0);
};

/**
 * The last raw sample of a sensor whose readings are differences of samples (cumulative registers,
 * power samples): kept by the store, written in the same transaction as the readings derived
 * from it, so the next batch continues exactly where the previous one ended.
 */
struct sample_state {
  uuid sensor_id;
  epoch_seconds ts = 0;
  double raw_value = 0.0;  ///< the register or power value as sent, in the sensor's unit
  /// Optimistic concurrency guard. When `guarded`, store::write_readings applies this state (and
  /// the whole call) only if the stored state is still the one the rows were derived from:
  /// `previous` (std::nullopt: no state stored yet); otherwise it writes nothing and throws
  /// `state_conflict`. Unguarded states are written unconditionally.
  bool guarded = false;
  struct point {
    epoch_seconds ts = 0;
    double raw_value = 0.0;
    friend bool operator==(const point&, const point&) = default;
  };
  std::optional<point> previous;
  friend bool operator==(const sample_state&, const sample_state&) = default;
};

/**
 * For store adapters, inside their write transaction: does nothing when `next` is unguarded or
 * `stored` (the state currently stored for next.sensor_id) is the one it was derived from.
 * @throws state_conflict (energy/error.hpp) naming the sensor and both states otherwise.
 */
void check_state_guard(const sample_state& next, const std::optional<sample_state::point>& stored);

}  // namespace energy

ENERGY_API_END
