// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <cstdint>
#include <optional>

#include <energy/aggregate/cost.hpp>
#include <energy/storage/store.hpp>

namespace energy::aggregate {

struct refresh_options {
  /// Dirty (sensor, UTC hour) marks taken per transaction; a larger backlog takes several rounds.
  std::size_t max_marks_per_commit = 50'000;
  /// Stop after this many rounds even if marks remain (they stay marked for the next run).
  std::size_t max_rounds = 1'000'000;
  /**
   * Prices hour buckets; nullptr means `flat_rate_cost`. Its `identity()` must equal the store's
   * `summary_settings::cost_model` (`store::set_summary_settings` changes it and re-marks every
   * building), so two callers can never price one database's buckets differently.
   */
  const cost_model* costs = nullptr;
  /**
   * Per-sensor summaries are a store setting (`summary_settings::sensor_scope`). Unset: the
   * store's setting. Set: a check — a value that disagrees with the store is refused instead of
   * leaving summaries of the other kind half-maintained.
   */
  std::optional<bool> sensor_scope;
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
 * Each round claims dirty (sensor, UTC hour) marks (`adapter::claim_dirty`, through
 * `store::backend()`), then per building:
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
 * Settings come from the store (`store::get_summary_settings`): whether per-sensor summaries are
 * kept and which cost model prices them. Metadata changes that affect summaries (zone, flat rate,
 * sensor type, kind, unit, interval, building) and settings changes invalidate the affected
 * buckets in the store (`store::invalidate_summaries`), so the next run makes them right.
 *
 * @throws storage_error from the store (the failed round's marks stay dirty: re-run later), or
 *         when a dirty mark names a sensor the store does not know.
 * @throws std::invalid_argument when a building's time zone is unknown,
 *         `options.max_marks_per_commit` is 0, the cost model's identity is not the store's
 *         `summary_settings::cost_model`, or `options.sensor_scope` disagrees with the store.
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

/**
 * Rebuilds a building's summaries over `range` (UTC, half-open): `store.invalidate_summaries`
 * (deletes the buckets over the building's readings in range and marks their hours dirty, in one
 * transaction), then `refresh_summaries`, which also brings every other dirty bucket up to date.
 * Use it after restoring archived readings or to repair summaries written by another program;
 * metadata changes made through the store invalidate by themselves.
 * @throws std::invalid_argument when the building does not exist, and as refresh_summaries.
 */
refresh_report rebuild_summaries(storage::store& store, const uuid& building_id, time_range range,
                                 const refresh_options& options = {});

}  // namespace energy::aggregate

ENERGY_API_END
