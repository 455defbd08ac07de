// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include <energy/error.hpp>
#include <energy/readings.hpp>
#include <energy/time.hpp>

namespace energy::storage {

/**
 * What a set of readings looks like to the retention job's drop check: the row count and two sums
 * that any insert, deletion, value change or flag change moves (the store marks a correction with
 * `quality::corrected`; values are compared modulo a prime, so the sums cannot overflow). The same
 * function of the same rows, computed by the job in C++ and by the adapter in SQL.
 */
struct day_fingerprint {
  static constexpr std::int64_t modulus = 1'000'003;
  std::int64_t rows = 0;
  std::int64_t value_mod_sum = 0;  ///< sum of (value % modulus), C++/SQL truncating remainder
  std::int64_t quality_sum = 0;
  void add(const reading_rows& r) noexcept {
    rows += static_cast<std::int64_t>(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) {
      value_mod_sum += r.value[i] % modulus;
      quality_sum += r.quality[i];
    }
  }
  friend bool operator==(const day_fingerprint&, const day_fingerprint&) = default;
};

/**
 * What the retention job (energy/archive/retention.hpp) needs from a database, beside the store
 * port: a separate, small interface so store.hpp's contract stays unchanged. Implemented by the
 * PostgreSQL adapter (whole partitions dropped) — see open_postgres_retention().
 *
 * Ranges are whole UTC days `[00:00Z, 24:00Z)`. Thread-safety: one object per thread.
 */
class retention_port {
 public:
  virtual ~retention_port() = default;
  retention_port(const retention_port&) = delete;
  retention_port& operator=(const retention_port&) = delete;

  /// A job-wide exclusive lock (PostgreSQL: a session advisory lock). Released when destroyed.
  class lock {
   public:
    virtual ~lock() = default;
  };
  /// Takes the lock without waiting; nullptr when another process holds it.
  [[nodiscard]] virtual std::unique_ptr<lock> try_lock() = 0;

  /// UTC days that end at or before `cutoff` and may hold raw readings (oldest first).
  [[nodiscard]] virtual std::vector<time_range> days_before(utc_seconds cutoff) = 0;
  /// The buildings whose sensors have readings with ts in `day`, in id order.
  [[nodiscard]] virtual std::vector<uuid> buildings_in_day(time_range day) = 0;
  /// The readings of one building's sensors with ts in `day`, ordered by (sensor_id, ts). The job
  /// archives a day one building at a time, so its memory is bounded by the largest building-day,
  /// not by the whole day (10 million readings a day at a 10,000-sensor scale).
  [[nodiscard]] virtual reading_rows read_day(time_range day, const uuid& building_id) = 0;
  /// Dirty marks (hours not yet summarised) within `day`: raw data must not go before its
  /// summaries.
  [[nodiscard]] virtual std::int64_t pending_dirty_hours(time_range day) = 0;
  /**
   * Removes every reading of `day` (PostgreSQL: drops the day's partition) — but only if the
   * day's readings still have the `expected` fingerprint (what the job archived) and the day has
   * no dirty marks, checked atomically with the removal while writers wait. Returns false,
   * removing nothing, when late readings or corrections arrived after the job read the day (the
   * next run archives them). Idempotent: a day already gone counts as removed.
   */
  [[nodiscard]] virtual bool drop_day(time_range day, const day_fingerprint& expected) = 0;
  /// Deletes summaries whose period starts before `cutoff`; returns how many.
  virtual std::int64_t delete_summaries_before(utc_seconds cutoff) = 0;

 protected:
  retention_port() = default;
};

}  // namespace energy::storage

ENERGY_API_END
