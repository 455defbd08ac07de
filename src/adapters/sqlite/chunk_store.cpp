// SPDX-License-Identifier: Apache-2.0
#include "adapters/sqlite/chunk_store.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <utility>

#include <energy/error.hpp>
#include <energy/quality.hpp>

namespace energy::sqlite_detail {
namespace {

constexpr const char* chunk_columns = "span_start, span_end, readings, data";

/// The first possible chunk start for readings from `ts`: chunks never cross midnight UTC, so a
/// chunk holding `ts` starts on or after ts's UTC day. Extreme bounds (all time) pass unchanged.
epoch_seconds first_chunk_start(epoch_seconds ts) {
  return ts <= INT64_MIN / 2 ? INT64_MIN : span_floor(ts, 86400);
}

}  // namespace

chunk_store::chunk_store(SQLite::Database& db, std::string where)
    : where_(std::move(where)),
      overlapping_(db, (std::string("SELECT ") + chunk_columns +
                        " FROM energy_reading_chunks WHERE sensor_id = ?1 AND span_start >= ?2"
                        " AND span_start < ?3 AND span_end > ?4 ORDER BY span_start")
                           .c_str()),
      read_range_(db, (std::string("SELECT ") + chunk_columns +
                       " FROM energy_reading_chunks WHERE sensor_id = ?1 AND span_start >= ?2"
                       " AND span_start < ?3 ORDER BY span_start")
                          .c_str()),
      read_building_(db,
                     (std::string("SELECT c.span_start, c.span_end, c.readings, c.data, s.id"
                                  " FROM sensors s JOIN energy_reading_chunks c"
                                  " ON c.sensor_id = s.id WHERE s.building_id = ?1"
                                  " AND c.span_start >= ?2 AND c.span_start < ?3 ORDER BY s.id"))
                         .c_str()),
      upsert_(db,
              "INSERT INTO energy_reading_chunks (sensor_id, span_start, span_end, readings, data)"
              " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sensor_id, span_start) DO UPDATE"
              " SET span_end = excluded.span_end, readings = excluded.readings,"
              " data = excluded.data"),
      delete_(db, "DELETE FROM energy_reading_chunks WHERE sensor_id = ?1 AND span_start = ?2"),
      count_(db, "SELECT coalesce(sum(readings), 0) FROM energy_reading_chunks") {}

storage::write_outcome chunk_store::apply(const uuid& sensor, const chunk_layout& layout,
                                          epoch_seconds ts, milli value, std::uint32_t flags) {
  chunk& c = chunk_for(sensor, layout, ts);
  auto& v = c.readings;
  // Ingest writes a sensor's readings in time order: most land after the chunk's last one.
  auto it =
      !v.empty() && v.back().ts < ts
          ? v.end()
          : std::lower_bound(v.begin(), v.end(), ts,
                             [](const chunk_reading& r, epoch_seconds t) { return r.ts < t; });
  if (it == v.end() || it->ts != ts) {
    const std::size_t capacity = v.capacity();
    v.insert(it, chunk_reading{ts, value, flags});
    held_slots_ += v.capacity() - capacity;
    c.changed = true;
    return storage::write_outcome::inserted;
  }
  if (it->value == value && (it->flags | quality::corrected) == (flags | quality::corrected))
    return storage::write_outcome::unchanged;
  it->value = value;
  it->flags = flags | quality::corrected;
  c.changed = true;
  return storage::write_outcome::replaced;
}

chunk_store::chunk& chunk_store::chunk_for(const uuid& sensor, const chunk_layout& layout,
                                           epoch_seconds ts) {
  const std::int64_t span = layout.span;
  if (last_ != nullptr && last_->sensor == sensor && ts >= last_->start && ts < last_->end)
    return *last_;
  const epoch_seconds window = span_floor(ts, span);
  if (const auto found = by_window_.find(key{sensor, window}); found != by_window_.end())
    return *(last_ = found->second);

  // The stored chunks overlapping the span, decoded one after another into decoded_: they are
  // disjoint and come in time order, so decoded_ is ascending.
  struct stored {
    epoch_seconds start, end;
  };
  std::vector<stored> rows;
  decoded_.clear();
  {
    sqlite3_stmt* st = overlapping_.get();
    const raw_statement::use in_use(overlapping_);
    sqlite3_bind_blob(st, 1, sensor.bytes().data(), 16, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, span_floor(window, 86400));
    sqlite3_bind_int64(st, 3, window + span);
    sqlite3_bind_int64(st, 4, window);
    while (overlapping_.step()) {
      rows.push_back({sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)});
      decode_row(st, sensor, decoded_);
    }
  }
  chunk* c = nullptr;
  if (rows.size() == 1 && rows[0].start <= window && rows[0].end >= window + span) {
    // The span lies inside a stored chunk (the same span, or a longer one of an earlier interval).
    if (const auto cached = by_start_.find(key{sensor, rows[0].start}); cached != by_start_.end()) {
      c = cached->second;
    } else {
      c = &chunks_.emplace_back(chunk{
          sensor, rows[0].start, rows[0].end, std::pmr::vector<chunk_reading>(&arena_), false, {}});
      c->readings.reserve(decoded_.size() + 1);
      c->readings.assign(decoded_.begin(), decoded_.end());
      held_slots_ += c->readings.capacity();
      by_start_.emplace(key{sensor, c->start}, c);
    }
  } else {
    // Nothing stored yet, or shorter chunks of an earlier interval: one chunk of this span
    // replaces them when it is written. A shorter chunk already held (its interval changed within
    // this batch of writes) is written first, so the merge reads it back.
    const bool held = std::any_of(rows.begin(), rows.end(), [&](const stored& r) {
      return by_start_.contains(key{sensor, r.start});
    });
    if (held) {
      flush();
      return chunk_for(sensor, layout, ts);
    }
    c = &chunks_.emplace_back(
        chunk{sensor, window, window + span, std::pmr::vector<chunk_reading>(&arena_), false, {}});
    // Room for the span at the sensor's interval: a chunk filled reading by reading (an import)
    // then allocates once instead of once per doubling.
    c->readings.reserve(std::max(layout.readings, decoded_.size()));
    c->readings.assign(decoded_.begin(), decoded_.end());
    for (const stored& r : rows)
      c->merged.push_back(r.start);
    held_slots_ += c->readings.capacity();
    by_start_.emplace(key{sensor, c->start}, c);
  }
  by_window_.emplace(key{sensor, window}, c);
  return *(last_ = c);
}

void chunk_store::flush() {
  std::vector<chunk*> changed;
  for (chunk& c : chunks_)
    if (c.changed) changed.push_back(&c);
  // Key order: the writes walk the table's B-tree forwards.
  std::sort(changed.begin(), changed.end(), [](const chunk* a, const chunk* b) {
    return a->sensor != b->sensor ? a->sensor < b->sensor : a->start < b->start;
  });
  try {
    for (const chunk* c : changed) {
      for (const epoch_seconds start : c->merged) {
        sqlite3_stmt* st = delete_.get();
        const raw_statement::use in_use(delete_);
        sqlite3_bind_blob(st, 1, c->sensor.bytes().data(), 16, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, start);
        delete_.step();
      }
      encoded_.clear();
      encode_chunk(c->readings, c->start, encoded_);
      sqlite3_stmt* st = upsert_.get();
      const raw_statement::use in_use(upsert_);
      sqlite3_bind_blob(st, 1, c->sensor.bytes().data(), 16, SQLITE_STATIC);
      sqlite3_bind_int64(st, 2, c->start);
      sqlite3_bind_int64(st, 3, c->end);
      sqlite3_bind_int64(st, 4, static_cast<std::int64_t>(c->readings.size()));
      sqlite3_bind_blob(st, 5, encoded_.data(), static_cast<int>(encoded_.size()), SQLITE_STATIC);
      upsert_.step();
    }
  } catch (...) {
    discard();
    throw;
  }
  discard();
}

void chunk_store::discard() noexcept {
  chunks_.clear();
  arena_.rewind();
  by_start_.clear();
  by_window_.clear();
  last_ = nullptr;
  held_slots_ = 0;
}

bool chunk_store::for_each_run(const uuid& sensor, epoch_seconds start, epoch_seconds end,
                               const std::function<bool(std::span<const chunk_reading>)>& f) {
  if (end <= start) return true;
  sqlite3_stmt* st = read_range_.get();
  const raw_statement::use in_use(read_range_);
  sqlite3_bind_blob(st, 1, sensor.bytes().data(), 16, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, first_chunk_start(start));
  sqlite3_bind_int64(st, 3, end);
  while (read_range_.step())
    if (!emit_run(st, sensor, start, end, f)) return false;
  return true;
}

bool chunk_store::for_each_building_run(
    const uuid& building, epoch_seconds start, epoch_seconds end,
    const std::function<bool(const uuid&, std::span<const chunk_reading>)>& f) {
  if (end <= start) return true;
  sqlite3_stmt* st = read_building_.get();
  const raw_statement::use in_use(read_building_);
  sqlite3_bind_blob(st, 1, building.bytes().data(), 16, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, first_chunk_start(start));
  sqlite3_bind_int64(st, 3, end);
  uuid sensor;
  epoch_seconds previous = 0;
  bool first = true;
  const auto with_sensor = [&](std::span<const chunk_reading> run) { return f(sensor, run); };
  while (read_building_.step()) {
    if (sqlite3_column_bytes(st, 4) != 16)
      throw storage_error("sqlite " + where_ + ": sensors holds an id that is not 16 bytes", false);
    std::array<std::uint8_t, 16> id{};
    std::memcpy(id.data(), sqlite3_column_blob(st, 4), 16);
    const epoch_seconds span_start = sqlite3_column_int64(st, 0);
    if (first || uuid{id} != sensor) {
      sensor = uuid{id};
      first = false;
    } else if (span_start <= previous) {
      // The join walks each sensor's primary key in order; a plan that did not would reorder
      // readings, so it is refused rather than trusted.
      throw storage_error("sqlite " + where_ + ": a building's chunks came out of time order",
                          false);
    }
    previous = span_start;
    if (!emit_run(st, sensor, start, end, with_sensor)) return false;
  }
  return true;
}

bool chunk_store::emit_run(sqlite3_stmt* st, const uuid& sensor, epoch_seconds start,
                           epoch_seconds end,
                           const std::function<bool(std::span<const chunk_reading>)>& f) {
  const epoch_seconds span_start = sqlite3_column_int64(st, 0);
  const epoch_seconds span_end = sqlite3_column_int64(st, 1);
  if (span_end <= start) return true;
  decoded_.clear();
  decode_row(st, sensor, decoded_);
  const auto before = [](const chunk_reading& r, epoch_seconds t) { return r.ts < t; };
  auto first = decoded_.begin(), last = decoded_.end();
  if (span_start < start) first = std::lower_bound(first, last, start, before);
  if (span_end > end) last = std::lower_bound(first, last, end, before);
  return first == last || f({first, last});
}

void chunk_store::decode_row(sqlite3_stmt* st, const uuid& sensor,
                             std::vector<chunk_reading>& out) const {
  const epoch_seconds start = sqlite3_column_int64(st, 0);
  const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 3));
  const auto bytes = static_cast<std::size_t>(std::max(sqlite3_column_bytes(st, 3), 0));
  const std::string_view why = decode_chunk({blob, bytes}, start, sqlite3_column_int64(st, 1),
                                            sqlite3_column_int64(st, 2), out);
  if (!why.empty())
    throw storage_error("sqlite " + where_ + ": the energy_reading_chunks row of sensor " +
                            sensor.to_string() + " at span_start " + std::to_string(start) +
                            " is damaged: " + std::string(why),
                        false);
}

std::int64_t chunk_store::count() {
  const raw_statement::use in_use(count_);
  return count_.step() ? sqlite3_column_int64(count_.get(), 0) : 0;
}

}  // namespace energy::sqlite_detail
