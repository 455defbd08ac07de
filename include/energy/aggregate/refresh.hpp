// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>

#include <energy/aggregate/cost.hpp>
#include <energy/storage/store.hpp>

namespace energy::aggregate {

struct refresh_options {
  /// Dirty (sensor, UTC hour) marks taken per transaction; a larger backlog takes several rounds.
  std::size_t max_marks_per_commit = 50'000;
  /// Stop after this many rounds even if marks remain (they stay marked for the next run).
  std::size_t max_rounds = 1'000'000;
  /// Prices hour buckets; nullptr means `flat_rate_cost`. Must be the same model across runs,
  /// or re-priced buckets and untouched ones will disagree.
  const cost_model* costs = nullptr;
  /**
   * Also keep per-sensor summaries (hour, day and month of every aggregated sensor) besides the
   * per-building ones, which are always kept (the seed's daily_summaries and its API are per
   * building). Off by default because of what they cost at scale: three summary rows per sensor
   * and dirty hour — 150,000 rows an hour for 50,000 sensors, which takes the PostgreSQL job from
   * 0.6 s to 2 s (docs/benchmarks/postgres.md) — and, kept for the summaries' 5-year retention,
   * far more storage than the raw readings (docs/scaling.md). Turn on for sub-meter reports; raw
   * readings give per-sensor detail over the raw retention window either way. Keep the setting
   * the same across runs: summaries of the other kind are left as they are.
   */
  bool sensor_scope = false;
};

/// What one `refresh_summaries` run did.
struct refresh_report {
  std::size_t rounds = 0;         ///< commit_summaries calls (transactions)
  std::size_t marks_claimed = 0;  ///< dirty (sensor, UTC hour) marks taken and cleared
  std::size_t marks_skipped =
      0;  ///< of which belong to sensors that are not aggregated (temperature)
  /// Raw rows read back to recompute hour buckets. A bucket whose marks were split between rounds
  /// (more marks than `max_marks_per_commit`) is read, and recomputed, once per round.
  std::size_t readings_read = 0;
  std::size_t hour_buckets = 0;   ///< hour summaries written (sensor + building scope)
  std::size_t day_buckets = 0;    ///< day summaries written
  std::size_t month_buckets = 0;  ///< month summaries written
  [[nodiscard]] std::size_t buckets() const noexcept {
    return hour_buckets + day_buckets + month_buckets;
  }
  friend bool operator==(const refresh_report&, const refresh_report&) = default;
};

/**
 * Incremental aggregation over a store: brings the stored summaries up to date with the stored
 * readings by recomputing only what changed.
 *
 * Each round claims dirty (sensor, UTC hour) marks (`store::claim_dirty`), then per building:
 * 1. recomputes the local hour buckets that overlap a dirty UTC hour — per dirty sensor, and per
 *    building for that sensor's type — from the raw rows of those buckets
 *    (`read_building_readings`);
 * 2. recomputes the local days containing those hours by re-summing hour summaries (the stored
 *    ones, overlaid with the new ones), and the months containing those days from day summaries,
 *    so sum(hourly) = daily = monthly stays exact;
 * 3. writes all of it and clears the claim in one `commit_summaries` call (one transaction).
 *
 * Idempotent: with nothing dirty it reads and writes nothing; after late readings it rewrites
 * exactly the buckets containing them. Marks made while a round computes survive its commit
 * (see `dirty_claim`) and are picked up by the next round.
 *
 * Assumes stored summaries were produced by this function with the same cost model; after a change
 * of sensor or building metadata (interval, type, zone, flat rate) summaries are stale until the
 * affected readings are rewritten.
 *
 * @throws storage_error from the store (the failed round's marks stay dirty: re-run later), or
 *         when a dirty mark names a sensor the store does not know.
 * @throws std::invalid_argument when a building's time zone is unknown or
 *         `options.max_marks_per_commit` is 0.
 *
 * **Example**:
 * ```cpp
 * store->write_readings(rows);                        // marks hours dirty
 * auto report = energy::aggregate::refresh_summaries(*store);
 * auto days = store->read_summaries({energy::summary_scope::building, building_id,
 *                                    energy::sensor_type::electricity, energy::resolution::day,
 * range});
 * ```
 */
refresh_report refresh_summaries(storage::store& store, const refresh_options& options = {});

}  // namespace energy::aggregate
