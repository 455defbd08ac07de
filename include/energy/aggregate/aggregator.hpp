// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <energy/aggregate/calendar.hpp>
#include <energy/aggregate/cost.hpp>
#include <energy/model.hpp>
#include <energy/readings.hpp>
#include <energy/summary.hpp>

namespace energy::aggregate {

struct aggregator_options {
  bool sensor_scope = true;  ///< produce per-sensor summaries
  bool building_scope =
      true;  ///< produce per-building summaries (one per building and sensor type)
  /// Prices each hour bucket; nullptr means `flat_rate_cost` (the building's flat rate).
  /// Must outlive the aggregator.
  const cost_model* costs = nullptr;
  /// Threads folding the grid in `hourly`/`finish`/`bucket_count` (buildings split between
  /// them; the result does not depend on it): 1 = the calling thread only; more use one extra
  /// thread for large grids.
  unsigned threads = 1;
};

/// Summaries of one aggregation, each vector ordered by (scope, subject_id, type, period.start).
struct aggregation_result {
  std::vector<summary_row> hourly;
  std::vector<summary_row> daily;
  std::vector<summary_row> monthly;
};

/**
 * Streaming aggregation of raw readings into local-time summaries, last write wins.
 *
 * Rules (docs/aggregation.md has the worked examples):
 * - **Duplicates:** rows for the same (sensor, ts) count once, with the value of the row added
 *   last (a later row is a correction or a re-send, as in the store, which keeps the latest
 *   write). Raw feeds with re-sent and corrected rows therefore give the store's answer.
 *   `reading_count` counts distinct (sensor, ts); `superseded()` counts the rows replaced.
 * - Buckets are the building's local hours, days and months (see `local_calendar`).
 * - A reading covers `[ts, ts + sensor.interval_seconds)` and is counted, whole, in the hour
 *   bucket containing `ts`: meters report on aligned intervals, and splitting would make
 *   integer Wh inexact. Days and months are sums of their hour buckets, so
 *   sum(hourly) = daily = monthly exactly, in integer milli-units.
 * - Building scope adds the building's sensors of one `sensor_type`.
 * - Sensors of type `temperature` or kind `instantaneous_value` are not aggregated in either
 *   scope (a sum of temperatures is not a quantity); their rows are counted in `skipped()`.
 * - Peak demand (milli-units per hour: W for electricity) is the highest 15-minute average
 *   rate: data at 15 minutes or finer is summed per UTC quarter-hour (aligned to :00/:15/:30/:45)
 *   and multiplied by 4; coarser data contributes its interval average
 *   `round(value × 3600 / interval)` to every quarter-hour of the bucket its interval covers.
 *   Building peaks are taken from the building's summed quarter-hours (peaks do not add).
 *   Days and months take the maximum of their hours.
 * - Cost: `cost_model::cost` per hour bucket, summed into days and months.
 *
 * How: `add` writes each row into a dense grid of interval slots (one 4-byte store, no per-row
 * hashing). The grid is laid out in tiles of 64 slots × 8 sensors (a building's sensors of one
 * interval, side by side in the order given), so rows that arrive one timestamp at a time for
 * every sensor fill a tile's slot row in order and rows that arrive one series at a time walk a
 * lane: either way the writes stream through memory. `hourly`/`finish` fold the grid into the
 * hour buckets through a table of each zone's local hours, one bucket lookup per quarter-hour.
 * Memory is the grid, about 4 bytes per sensor and interval slot of each tile touched (a fifth of
 * the 20-byte columns it came from when a building's sensors report together; up to 8 times
 * that for a lone sensor among 8 of its group), plus the buckets; rows re-sent for the same
 * slots take no more. Rows whose ts is not a multiple of their sensor's interval, and values of
 * 2^30 milli-units or more in magnitude (a GWh per interval), are kept apart at about 60
 * bytes each. Rows may be added in any order and any chunking with the same result. The grid's
 * 2 MiB blocks outlive the aggregator: the process keeps up to 64 MiB of them for the next
 * aggregation (see docs/aggregation.md).
 *
 * Thread-safety: not thread-safe, const members included (they fold and cache); use one
 * aggregator per thread and `merge`. With `aggregator_options::threads` > 1 the fold of a
 * large grid starts one thread of its own and joins it before returning.
 *
 * **Example**:
 * ```cpp
 * energy::aggregate::aggregator agg(buildings, sensors);
 * for (const auto& chunk : chunks) agg.add(chunk);
 * auto result = agg.finish();   // result.daily: building and sensor days in local time
 * ```
 */
class aggregator {
 public:
  /**
   * `buildings` and `sensors`: metadata of every sensor whose readings will be added (copied).
   * @throws std::invalid_argument when a sensor's building is missing or a zone is unknown.
   */
  aggregator(std::span<const building> buildings, std::span<const sensor> sensors,
             aggregator_options options = {});
  ~aggregator();
  aggregator(aggregator&&) noexcept;
  aggregator& operator=(aggregator&&) noexcept;
  aggregator(const aggregator&) = delete;
  aggregator& operator=(const aggregator&) = delete;

  /// Adds stored rows (any order). @throws std::invalid_argument naming the row and sensor when a
  /// row's sensor was not given to the constructor (nothing of that call after it is added).
  void add(const reading_rows& rows);
  /// Adds one row. @throws std::invalid_argument for an unknown sensor.
  void add(const uuid& sensor_id, epoch_seconds ts, milli value);
  /**
   * Adds rows given as columns, the sensor of each row named by its position in the `sensors`
   * span given to the constructor: the path for numpy / dataframe columns, which know sensors
   * by code and would otherwise have to build a UUID per row (as fast as `add(reading_rows)` on
   * time-major rows, whose id lookup is mostly a cache hit; faster on rows in random order).
   * All three spans have the same length. Dense time-major columns (most sensors report each
   * timestamp, rows grouped by timestamp), added before anything else, go to a grid laid out by
   * time (`grid_layout::time_rows`), about twice as fast to fill as the default one, which it
   * turns into before any other kind of add, a merge or a read; results do not depend on it.
   * @throws std::invalid_argument naming the first row whose position is out of range (the rows
   *         before it are added, it and the rows after it are not), or when the spans' lengths
   *         differ (nothing is added).
   */
  void add(std::span<const std::uint32_t> sensor_position, std::span<const epoch_seconds> ts,
           std::span<const milli> value);
  /// A hint, like std::vector::reserve: about `rows` more rows will be added (in calls of any
  /// size). Sizes the tile directory once and takes grid memory in 2 MiB blocks from the start
  /// instead of growing to them; results do not depend on it. Memory: at most about rows / 8
  /// bytes of directory (a 16-byte slot per 512 rows, kept under half full). An aggregator that
  /// will `merge` others best reserves for their rows too: its directory is then sized while they
  /// work, not rebuilt by the merge.
  void reserve(std::size_t rows);

  /**
   * Adds everything `other` holds, as if its rows had been added here after this one's: where
   * both hold a reading for the same (sensor, ts), `other`'s wins. Aggregators fed consecutive
   * parts of one data set in parallel, then merged in order, give the same result as one fed
   * everything (any parts, when no (sensor, ts) repeats). O(other's grid), no re-aggregation.
   * @throws std::invalid_argument unless `other` was constructed from the same buildings and
   * sensors (in the same order) with the same options.
   */
  void merge(const aggregator& other);
  /// As `merge(const aggregator&)`, taking `other`'s grid where this one has none for the same
  /// sensors and slots instead of copying it (the parallel path: parts of time-ordered rows hold
  /// disjoint tiles). `other` is left empty (no readings) but usable.
  void merge(aggregator&& other);

  /// Where the readings added so far are kept (a diagnostic; results do not depend on it).
  enum class grid_layout {
    tiles,      ///< by sensor group: each group's intervals side by side (the general grid)
    time_rows,  ///< by time: every sensor's cell of an interval side by side (see `add`)
  };
  [[nodiscard]] grid_layout layout() const noexcept;

  /// Hour-bucket summaries so far (does not reset the aggregator).
  [[nodiscard]] std::vector<summary_row> hourly() const;
  /// Hourly summaries and their day and month roll-ups (does not reset the aggregator).
  [[nodiscard]] aggregation_result finish() const;

  /// Rows added so far for aggregated sensors (superseded ones included) / skipped (temperature
  /// and other state sensors).
  [[nodiscard]] std::int64_t added() const noexcept;
  [[nodiscard]] std::int64_t skipped() const noexcept;
  /// Added rows replaced by a later row for the same (sensor, ts): `added() - superseded()`
  /// distinct readings are aggregated.
  [[nodiscard]] std::int64_t superseded() const noexcept;
  /// Number of (subject, hour bucket) summaries (folds the grid if rows were added since).
  [[nodiscard]] std::size_t bucket_count() const;
  /// Bytes held by the aggregator's own containers (capacity, not size): the grid (one slot per
  /// distinct (sensor, interval slot), not per row) plus the folded buckets.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/**
 * Rolls summaries up to a coarser resolution in one zone's calendar: consumption, cost and
 * reading_count are summed, peak_demand is the maximum. Input rows may be in any order and may
 * mix subjects (scope, subject_id, type); each must be finer than `target` and belong to a
 * building in `calendar`'s zone. Output is ordered by (scope, subject_id, type, period.start).
 * @throws std::invalid_argument when an input row is not finer than `target`.
 */
[[nodiscard]] std::vector<summary_row> roll_up(std::span<const summary_row> finer,
                                               resolution target, local_calendar& calendar);

/// Orders summaries by (scope, subject_id, type, resolution, period.start): the store's key order.
[[nodiscard]] bool summary_key_less(const summary_row& a, const summary_row& b) noexcept;

}  // namespace energy::aggregate

ENERGY_API_END
