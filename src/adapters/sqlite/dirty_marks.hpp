// SPDX-License-Identifier: Apache-2.0
// Private to energy::sqlite: the dirty marks of written readings, gathered in memory before they
// become dirty_days rows.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include <energy/time.hpp>
#include <energy/uuid.hpp>

namespace energy::sqlite_detail {

/**
 * The (sensor, UTC hour) marks of readings written but not yet recorded in dirty_days, folded
 * into one 24-bit hour mask per (sensor, UTC day) — a dirty_days row.
 *
 * Rows of one sensor and day in a row (as ingest writes them: grouped by sensor, in time order)
 * fold with one comparison each; only a new (sensor, day) costs a hash lookup. No sort of the
 * rows' marks is needed, and a bulk group (group_commit::begin_bulk_group) records its marks
 * once per (sensor, day) at commit instead of once per call: an import of 10^6 time-major rows
 * makes 25,000 dirty_days upserts instead of 65,000 (which took 0.13 s), one per (sensor, day)
 * and 500,000-row group instead of one per (sensor, day) and 50,000-row call.
 *
 * Memory: one entry per distinct (sensor, day) since the last take().
 */
class dirty_marks {
 public:
  struct day_mark {
    std::int64_t day = 0;    ///< UTC epoch seconds of the day's 00:00
    uuid sensor;             ///< the sensor
    std::int64_t hours = 0;  ///< bit h: the hour [day + h*3600, day + (h+1)*3600) is dirty
  };

  /// Marks the UTC hour holding `ts` of `sensor` dirty.
  void add(const uuid& sensor, epoch_seconds ts);
  [[nodiscard]] bool empty() const noexcept { return !has_run_ && marks_.empty(); }
  /// Every mark, ordered by (day, sensor) — dirty_days' key order, so the upserts walk its
  /// B-tree in order — and forgets them.
  [[nodiscard]] std::vector<day_mark> take();
  /// Forgets every mark (their writes were rolled back).
  void clear() noexcept;

 private:
  struct key {
    std::int64_t day;
    uuid sensor;
    friend bool operator==(const key&, const key&) = default;
  };
  struct key_hash {
    std::size_t operator()(const key& k) const noexcept {
      return std::hash<uuid>{}(k.sensor) ^
             (static_cast<std::size_t>(k.day) * std::size_t{0x9E3779B97F4A7C15ULL});
    }
  };
  /// Moves the current run into marks_.
  void settle();

  std::unordered_map<key, std::int64_t, key_hash> marks_;
  // The run being folded: the last (sensor, day) added and its hours so far.
  bool has_run_ = false;
  key run_{};
  std::int64_t run_hours_ = 0;
};

}  // namespace energy::sqlite_detail
