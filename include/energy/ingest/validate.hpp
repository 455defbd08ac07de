// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include <energy/ingest/reason.hpp>
#include <energy/ingest/sensor_directory.hpp>
#include <energy/readings.hpp>
#include <energy/time.hpp>

namespace energy::ingest {

struct validation_options {
  /// "Now" for the future-timestamp check. Unset: the system clock at the start of the call.
  /// Tests and replays inject a fixed instant so results do not depend on when they run.
  std::optional<utc_seconds> now;
  /// A reading later than `now + max_future_skew` is rejected (`future_timestamp`): meter clocks
  /// drift, so a few minutes are tolerated.
  std::chrono::seconds max_future_skew{std::chrono::minutes{5}};
  /// Register and power samples further apart than this many nominal intervals
  /// (`sensor::interval_seconds`) derive no energy (`gap_too_long`): a row means
  /// `[ts, ts + interval)`, and piling hours of consumption into one interval would fake a peak.
  std::int32_t max_gap_intervals = 3;
};

/// The stored last sample of a register/power sensor (typically `store::get_sample_state`), or
/// std::nullopt when the sensor has none yet.
using state_lookup = std::function<std::optional<sample_state>(const uuid& sensor_id)>;

/**
 * Outcome of validating one batch.
 * Accounting: `received == accepted + rejected + duplicates + superseded` where `received` is the
 * batch size.
 * `rows.size()` may differ from `accepted`: n register or power samples derive n-1 intervals
 * (the first one is only a baseline), and notices (`register_reset`, `gap_too_long`) keep a sample
 * without deriving a row.
 */
struct validation_result {
  /// Rows to store: grouped by sensor, ascending ts within a sensor, (sensor, ts) distinct,
  /// values exact in milli-units of the sensor's canonical unit.
  reading_rows rows;
  /// New last samples of register/power sensors whose series advanced; write them in the same
  /// transaction as the rows (store::write_readings does).
  std::vector<sample_state> states;
  /// Rejections and notices, ordered by batch index.
  std::vector<rejection> rejections;
  std::size_t accepted = 0;  ///< batch rows used (stored, derived from, or an exact re-send)
  std::size_t rejected = 0;  ///< batch rows dropped (entries in `rejections` with
                             ///< drops_reading(), except superseded ones)
  std::size_t duplicates =
      0;  ///< identical (sensor, ts, value, flags) repeats inside the batch, collapsed silently
  /// Rows superseded by a later row for the same (sensor, ts) in the batch, with another value or
  /// flags: a correction, not an error. Each has a `duplicate_in_batch` entry in `rejections`
  /// naming the row that won, and none is counted in `rejected`.
  std::size_t superseded = 0;
};

/**
 * Validates and normalises a batch. Never throws for bad data: every row ends up accepted,
 * rejected with a reason, or collapsed as an identical duplicate.
 *
 * Rules, per row (first failing check wins): sensor known → active → unit supported → quality flags
 * within quality::known_mask → value finite → within range → timestamp ≤ now + skew → timestamp ≥
 * sensor.created_at → sign and `max_value` per kind. Then per sensor, in timestamp order:
 * - duplicates of (sensor, ts) inside the batch: the row latest in the batch wins (a later line
 *   is a correction, as in the store); earlier rows with a different value or flags are
 *   `superseded` (listed as `duplicate_in_batch`, not counted as rejected), identical ones are
 *   counted in `duplicates`;
 * - interval energy: stored as sent, converted to the canonical unit;
 * - instantaneous value (temperature): stored as sent, converted (°F → °C), negative allowed;
 * - cumulative register: each sample closes the interval from the previous one (the stored
 *   state, then the batch); the row is stamped at the previous sample's ts, value = difference,
 *   flags `derived` | the closing sample's flags. A decrease is a rollover (`rollover` flag,
 *   difference taken modulo `register_max`) when `register_max` is set and the wrapped difference
 *   is at most half of it, otherwise a reset: no row, a `register_reset` notice, the new value
 *   becomes the baseline. A difference above `max_value` rejects the closing sample;
 * - instantaneous power: each sample closes the interval from the previous one; energy by the
 *   trapezoid rule ((p0 + p1) / 2 × Δt), stamped at the previous sample's ts, flags `derived` |
 *   the closing sample's flags;
 * - register/power samples at or before the stored state's ts: an exact re-send of the state
 *   sample is accepted as a no-op, anything else is `stale_sample` (the raw history is not kept,
 *   so late samples cannot be re-differenced).
 *
 * `lookup` may be empty when the batch has no register/power sensors (or to start from scratch).
 * Complexity: O(n) plus a sort of each sensor's rows that arrive out of order.
 */
/**
 * Checks a sensor's metadata before a store accepts it (every adapter's `put_sensor` calls this),
 * so metadata that would make every reading fail is refused up front, in the words validation
 * would use for its readings: a unit with no conversion to the canonical unit (including a
 * register or power kind on a temperature sensor), a NaN or infinite `max_value` or one at or
 * below zero for a quantity (energy, power, register step; temperatures may have any finite
 * bound), a NaN, infinite or non-positive `register_max`.
 * @throws std::invalid_argument naming the sensor, the field and the value.
 */
void check_sensor_metadata(const sensor& s);

[[nodiscard]] validation_result validate_batch(const reading_batch& batch,
                                               const sensor_directory& directory,
                                               const validation_options& options = {},
                                               const state_lookup& lookup = {});

}  // namespace energy::ingest

ENERGY_API_END
