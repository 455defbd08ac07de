// SPDX-License-Identifier: Apache-2.0
// Private to energy::sqlite: readings kept as one energy_reading_chunks row per sensor and UTC
// span — the per-reading duplicate policy applied to decoded chunks held in memory, written back
// once per chunk, and the reads that decode them.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory_resource>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include <energy/storage/types.hpp>
#include <energy/uuid.hpp>

#include "adapters/sqlite/chunk_arena.hpp"
#include "adapters/sqlite/reading_chunk.hpp"
#include "adapters/sqlite/sqlite_calls.hpp"

namespace energy::sqlite_detail {

/**
 * The adapter's readings. Writes go through apply(): the chunk holding the reading is read and
 * decoded once, changed in memory, and written back by flush() (one upsert per changed chunk, in
 * key order). Between apply() and flush() the database does not yet hold those readings: the
 * adapter flushes before anything reads readings, at the end of every write call outside a bulk
 * group, at a bulk group's commit, and whenever the held chunks pass a bound (memory stays
 * O(bound)).
 *
 * Chunks of a sensor never overlap. Each is an aligned span of chunk_spans (nested or disjoint),
 * so the span a write uses (from the sensor's interval) either lies inside a stored chunk, which
 * it then uses as it is, or holds stored chunks of a shorter span, which it merges into one —
 * the layout follows a sensor whose interval changed, without a rewrite of its history.
 *
 * Not thread-safe (one per connection, like the adapter); every call runs inside the caller's
 * transaction. SQLite failures surface as SQLite::Exception; a chunk that does not decode as
 * storage_error naming the sensor and span.
 */
class chunk_store {
 public:
  chunk_store(SQLite::Database& db, std::string where);
  chunk_store(const chunk_store&) = delete;
  chunk_store& operator=(const chunk_store&) = delete;

  /// The duplicate policy for one reading of `sensor`, chunked as `layout`: a new time is
  /// inserted; a known one is replaced (flags | quality::corrected) only when the value or a flag
  /// other than `corrected` differs, else left unchanged.
  storage::write_outcome apply(const uuid& sensor, const chunk_layout& layout, epoch_seconds ts,
                               milli value, std::uint32_t flags);

  /// Reading slots held in memory since the last flush: the capacity of the decoded chunks,
  /// changed or not (24 bytes each).
  [[nodiscard]] std::size_t held_slots() const noexcept { return held_slots_; }
  [[nodiscard]] bool empty() const noexcept { return chunks_.empty(); }

  /// Writes every changed chunk (and deletes the shorter chunks merged into one) and forgets
  /// them all. On failure the database may hold part of the writes (the caller's transaction or
  /// group decides), and the memory is forgotten all the same.
  void flush();
  /// Forgets what is held without writing it (its transaction was rolled back).
  void discard() noexcept;

  /// Calls `f` with the stored readings of `sensor` in [start, end), chunk by chunk in time order
  /// (each call a non-empty ascending run); stops when `f` returns false and then returns false.
  /// Reads the database only: flush first.
  bool for_each_run(const uuid& sensor, epoch_seconds start, epoch_seconds end,
                    const std::function<bool(std::span<const chunk_reading>)>& f);

  /// for_each_run over every sensor of `building`, in sensor id order, in one query: calls
  /// `f(sensor, run)`. @throws storage_error if SQLite returns a sensor's chunks out of time order.
  bool for_each_building_run(
      const uuid& building, epoch_seconds start, epoch_seconds end,
      const std::function<bool(const uuid&, std::span<const chunk_reading>)>& f);

  /// The number of stored readings.
  [[nodiscard]] std::int64_t count();

 private:
  struct chunk {
    uuid sensor;
    epoch_seconds start = 0, end = 0;
    std::pmr::vector<chunk_reading> readings;  // ascending ts, in arena_
    bool changed = false;
    std::vector<epoch_seconds> merged;  // starts of stored shorter chunks this one replaces
  };
  struct key {
    uuid sensor;
    epoch_seconds start;
    friend bool operator==(const key&, const key&) = default;
  };
  struct key_hash {
    std::size_t operator()(const key& k) const noexcept {
      return std::hash<uuid>{}(k.sensor) ^
             (static_cast<std::size_t>(k.start) * std::size_t{0x9E3779B97F4A7C15ULL});
    }
  };

  /// The chunk that holds `ts` for a write chunked as `layout`, loading it on first use.
  chunk& chunk_for(const uuid& sensor, const chunk_layout& layout, epoch_seconds ts);
  /// Decodes the chunk in the current row of `st` (for_each_run's columns) and calls `f` with its
  /// readings in [start, end) unless there are none; returns what `f` returned, or true.
  bool emit_run(sqlite3_stmt* st, const uuid& sensor, epoch_seconds start, epoch_seconds end,
                const std::function<bool(std::span<const chunk_reading>)>& f);
  /// Appends the readings of the chunk in the current row of `st` (columns span_start, span_end,
  /// readings, data) to `out`.
  /// @throws storage_error naming the sensor and span when the bytes are not a valid chunk.
  void decode_row(sqlite3_stmt* st, const uuid& sensor, std::vector<chunk_reading>& out) const;

  std::string where_;
  chunk_arena arena_;  // before chunks_: outlives them
  std::deque<chunk> chunks_;
  std::unordered_map<key, chunk*, key_hash> by_start_;   // (sensor, chunk start)
  std::unordered_map<key, chunk*, key_hash> by_window_;  // (sensor, start of the write's span)
  chunk* last_ = nullptr;                                // the chunk of the previous apply()
  std::size_t held_slots_ = 0;
  std::string encoded_;                 // flush()'s buffer
  std::vector<chunk_reading> decoded_;  // what chunk_for() and for_each_run() decode

  raw_statement overlapping_;
  raw_statement read_range_;
  raw_statement read_building_;
  raw_statement upsert_;
  raw_statement delete_;
  raw_statement count_;
};

}  // namespace energy::sqlite_detail
