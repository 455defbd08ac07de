// SPDX-License-Identifier: Apache-2.0
/*
 * The measurement behind issue #18's layout decision, not a store: the bare sqlite3 import of a
 * readings CSV (bare_csv_import.cpp) with the readings kept either one B-tree row per reading
 * (SPAN 0: energy_readings as the library's schema versions 1 to 4 had it, created here when
 * missing and kept as the reference, see reference_tables.hpp) or one row per (sensor, UTC span
 * of SPAN seconds) holding the span's readings as a compact blob, in a bench-only table:
 *
 *     bench_reading_chunks (sensor_id BLOB(16), span_start INTEGER, readings INTEGER, data BLOB,
 *                           PRIMARY KEY (sensor_id, span_start)) WITHOUT ROWID
 *
 * A chunk's data is a format byte (1) and then, per reading in ascending time order,
 * varint((offset delta << 1) | has_flag), zigzag varint(value delta), [varint(flag)], where the
 * offset delta is to the previous reading's offset in the span (the first counts from -1, so every
 * delta is >= 1) and the value delta to the previous reading's value (the first from 0, wrapping in
 * 64 bits): 4 bytes for a 15-min kWh reading in Wh.
 *
 * The library adopted this encoding in schema version 5: its energy_reading_chunks also records
 * each chunk's span_end and takes the span from the sensor's interval. The bench table has its own
 * name and one fixed SPAN per database, so the two never mix: a database the library created holds
 * the library's table too (empty unless `energy import` ran on it), which only `scan` and `verify`
 * read, as the `library` layout.
 *
 * Both layouts get the same durability as the bare loop: WAL, synchronous=FULL, the library's page
 * cache, one commit per 500,000 input rows. The file is read in blocks of 100,000 rows (BLOCK_ROWS;
 * a commit ends only after a whole block); the row
 * layout upserts every row (in file order, or with the block stably sorted by key); the chunked
 * layout groups the block's rows per (sensor, span) — in order of first appearance (`file`) or in
 * key order (`sorted`) — and for each group reads the stored chunk if any, merges last-write-wins
 * (a later row of one key wins, inside the block too), counts each reading's outcome against the
 * stored one (inserted / unchanged / replaced; rows superseded inside the block are counted apart)
 * and writes the chunk back only when something changed.
 *
 *     energy_bare_sqlite_chunked import DB CSV file|sorted SPAN [ROWS_PER_COMMIT [BLOCK_ROWS]]
 *     energy_bare_sqlite_chunked scan   DB LAYOUT           every reading decoded: count, sum
 *     energy_bare_sqlite_chunked range  DB SPAN READS       READS single-sensor 24-hour reads
 *     energy_bare_sqlite_chunked live   DB SPAN SENSORS BATCH
 *         the live-ingest pattern after the data: a day of 96 quarter-hours, one reading per sensor
 *         per quarter-hour, for the first SENSORS sensors, BATCH readings per transaction
 * (time-major: every sensor's reading of a quarter-hour before the next quarter-hour's)
 *     energy_bare_sqlite_chunked verify DB1 LAYOUT1 DB2 LAYOUT2
 *         every reading's sensor, time and value equal, in key order
 *
 * A LAYOUT is a SPAN (0: the row table, otherwise the bench chunks of that span) or `library`: the
 * library's own energy_reading_chunks, as `energy import` wrote them (read only, decoded by the
 * bench's decoder; range, live and import take a SPAN only).
 *
 * DB must be a database the library created (its sensors table; import and live create the
 * bench's table when missing). Each command prints one line of `key value` pairs on standard
 * output (seconds are wall, cpu is the process's user+system, written is the bytes the process
 * passed to write(2), from /proc/self/io).
 */
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <sqlite3.h>

#include <energy/storage/sqlite.hpp>
#include <energy/uuid.hpp>

#include "bare_csv.hpp"
#include "reference_tables.hpp"

namespace {

using sensor_key = std::array<std::uint8_t, 16>;

using bare_csv::check;
using bare_csv::exec;
using bare_csv::read_csv;
using bare_csv::row_values;

/// A prepared statement, finalized on scope exit.
struct statement {
  sqlite3* db;
  sqlite3_stmt* st = nullptr;
  statement(sqlite3* d, const char* sql) : db(d) {
    check(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), db, sql);
  }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement() { sqlite3_finalize(st); }
  bool step() {
    const int rc = sqlite3_step(st);
    check(rc, db, sqlite3_sql(st));
    return rc == SQLITE_ROW;
  }
  void reset() {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
};

sqlite3* open_db(const char* path) {
  sqlite3* db = nullptr;
  check(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr), db,
        "open");
  exec(db, "PRAGMA journal_mode = WAL");
  exec(db, "PRAGMA synchronous = FULL");
  exec(db,
       "PRAGMA cache_size = " + std::to_string(-energy::storage::sqlite_options{}.cache_size_kib));
  return db;
}

/// The table of SPAN's layout, created when missing: the row reference (SPAN 0) or the bench
/// chunks.
void ensure_table(sqlite3* db, std::int64_t span) {
  if (span == 0) return exec(db, reference_tables::row_table_sql());
  exec(db,
       "CREATE TABLE IF NOT EXISTS bench_reading_chunks (sensor_id BLOB NOT NULL,"
       " span_start INTEGER NOT NULL, readings INTEGER NOT NULL, data BLOB NOT NULL,"
       " PRIMARY KEY (sensor_id, span_start)) WITHOUT ROWID");
}

/// Process CPU seconds (user + system).
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// Bytes this process passed to write(2) and friends so far (`wchar` of /proc/self/io).
long long written_bytes() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long long v = 0;
  while (io >> key >> v)
    if (key == "wchar:") return v;
  return -1;
}

/// Wall, CPU and written bytes since construction.
struct meter {
  std::chrono::steady_clock::time_point wall0 = std::chrono::steady_clock::now();
  double cpu0 = cpu_seconds();
  long long w0 = written_bytes();
  std::string report() const {
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    char out[160];
    std::snprintf(out, sizeof out, "seconds %.3f cpu %.3f written %lld", wall, cpu_seconds() - cpu0,
                  written_bytes() - w0);
    return out;
  }
};

// ---- the chunk encoding (decoded by reference_tables::decode_chunk) ----

struct entry {
  std::int64_t offset;  // seconds since the span's start
  std::int64_t value;   // milli-units
  std::int64_t flag;
};

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

/// Entries sorted by offset, unique, to a chunk blob.
void encode(const std::vector<entry>& entries, std::string& out) {
  out.clear();
  out.push_back(static_cast<char>(reference_tables::chunk_format));
  std::int64_t prev_offset = -1, prev_value = 0;
  for (const entry& e : entries) {
    const auto d = static_cast<std::uint64_t>(e.offset - prev_offset);
    put_varint(out, (d << 1) | (e.flag != 0 ? 1u : 0u));
    // In unsigned arithmetic: the difference of any two int64 values wraps, never overflows.
    put_varint(out, zigzag(static_cast<std::int64_t>(static_cast<std::uint64_t>(e.value) -
                                                     static_cast<std::uint64_t>(prev_value))));
    if (e.flag != 0) put_varint(out, static_cast<std::uint64_t>(e.flag));
    prev_offset = e.offset;
    prev_value = e.value;
  }
}

/// Calls f(offset, value, flag) for every reading of a bench chunk of `span` seconds holding
/// `expected` readings, in ascending offset; throws for a blob that is not a valid chunk.
template <class F>
void decode(const void* blob, int size, std::int64_t span, std::int64_t expected, F&& f) {
  reference_tables::decode_chunk(
      blob, size, 0, span, expected,
      [&](std::int64_t offset, std::int64_t value, std::int64_t flag) { f(offset, value, flag); });
}

std::int64_t floor_to(std::int64_t t, std::int64_t span) {
  return t - (((t % span) + span) % span);
}

struct outcomes {
  std::size_t inserted = 0, unchanged = 0, replaced = 0, superseded = 0, chunk_writes = 0;
};

/// Writes readings into the chunked table, one merge per (sensor, span).
class chunk_writer {
 public:
  chunk_writer(sqlite3* db, std::int64_t span)
      : span_(span),
        select_(db,
                "SELECT readings, data FROM bench_reading_chunks"
                " WHERE sensor_id = ?1 AND span_start = ?2"),
        upsert_(db,
                "INSERT INTO bench_reading_chunks (sensor_id, span_start, readings, data)"
                " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (sensor_id, span_start) DO UPDATE"
                " SET readings = excluded.readings, data = excluded.data") {}

  /// One (sensor, span)'s new readings, in arrival order (the later of one offset wins).
  void write(const sensor_key& sensor, std::int64_t span_start, std::vector<entry>& fresh,
             outcomes& out) {
    std::stable_sort(fresh.begin(), fresh.end(),
                     [](const entry& a, const entry& b) { return a.offset < b.offset; });
    // Last-write-wins inside the batch: keep the last of each offset.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < fresh.size(); ++i) {
      if (i + 1 < fresh.size() && fresh[i + 1].offset == fresh[i].offset) {
        ++out.superseded;
        continue;
      }
      fresh[kept++] = fresh[i];
    }
    fresh.resize(kept);
    stored_.clear();
    sqlite3_bind_blob(select_.st, 1, sensor.data(), 16, SQLITE_STATIC);
    sqlite3_bind_int64(select_.st, 2, span_start);
    if (select_.step())
      decode(sqlite3_column_blob(select_.st, 1), sqlite3_column_bytes(select_.st, 1), span_,
             sqlite3_column_int64(select_.st, 0),
             [&](std::int64_t o, std::int64_t v, std::int64_t f) {
               stored_.push_back({o, v, f});
             });
    select_.reset();
    merged_.clear();
    bool changed = false;
    std::size_t i = 0, j = 0;
    while (i < stored_.size() || j < fresh.size()) {
      if (j == fresh.size() || (i < stored_.size() && stored_[i].offset < fresh[j].offset)) {
        merged_.push_back(stored_[i++]);
      } else if (i == stored_.size() || fresh[j].offset < stored_[i].offset) {
        merged_.push_back(fresh[j++]);
        ++out.inserted;
        changed = true;
      } else {
        if (stored_[i].value == fresh[j].value && stored_[i].flag == fresh[j].flag) {
          ++out.unchanged;
        } else {
          ++out.replaced;
          changed = true;
        }
        merged_.push_back(fresh[j++]);
        ++i;
      }
    }
    if (!changed) return;
    encode(merged_, blob_);
    sqlite3_bind_blob(upsert_.st, 1, sensor.data(), 16, SQLITE_STATIC);
    sqlite3_bind_int64(upsert_.st, 2, span_start);
    sqlite3_bind_int64(upsert_.st, 3, static_cast<std::int64_t>(merged_.size()));
    sqlite3_bind_blob(upsert_.st, 4, blob_.data(), static_cast<int>(blob_.size()), SQLITE_STATIC);
    upsert_.step();
    upsert_.reset();
    ++out.chunk_writes;
  }

  std::int64_t span() const { return span_; }

 private:
  std::int64_t span_;
  statement select_, upsert_;
  std::vector<entry> stored_, merged_;
  std::string blob_;
};

/// The row layout's last-write-wins upsert (as bare_csv_import.cpp).
struct row_writer {
  statement upsert;
  explicit row_writer(sqlite3* db)
      : upsert(db,
               "INSERT INTO energy_readings (sensor_id, timestamp, value, quality_flag)"
               " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (sensor_id, timestamp) DO UPDATE"
               " SET value = excluded.value WHERE value <> excluded.value") {}
  void write(const sensor_key& sensor, std::int64_t ts, std::int64_t value) {
    sqlite3_bind_blob(upsert.st, 1, sensor.data(), 16, SQLITE_STATIC);
    sqlite3_bind_int64(upsert.st, 2, ts);
    sqlite3_bind_int64(upsert.st, 3, value);
    sqlite3_bind_int64(upsert.st, 4, 0);
    upsert.step();
    sqlite3_reset(upsert.st);
  }
};

struct chunk_id {
  sensor_key sensor;
  std::int64_t span_start;
  bool operator==(const chunk_id&) const = default;
};
struct chunk_id_hash {
  std::size_t operator()(const chunk_id& k) const {
    std::uint64_t h = 1469598103934665603ull;
    for (std::uint8_t b : k.sensor)
      h = (h ^ b) * 1099511628211ull;
    return static_cast<std::size_t>(h ^ static_cast<std::uint64_t>(k.span_start) *
                                            0x9e3779b97f4a7c15ull);
  }
};

/// Groups a block's rows per chunk (first-appearance or key order) and writes each group.
void write_block_chunked(chunk_writer& w, std::vector<row_values>& rows, bool sorted,
                         outcomes& out) {
  const std::int64_t span = w.span();
  std::vector<entry> group;
  if (sorted) {
    std::stable_sort(rows.begin(), rows.end(), [](const row_values& a, const row_values& b) {
      return std::tie(a.sensor, a.ts) < std::tie(b.sensor, b.ts);
    });
    for (std::size_t i = 0; i < rows.size();) {
      const std::int64_t start = floor_to(rows[i].ts, span);
      group.clear();
      std::size_t j = i;
      for (; j < rows.size() && rows[j].sensor == rows[i].sensor &&
             floor_to(rows[j].ts, span) == start;
           ++j)
        group.push_back({rows[j].ts - start, rows[j].value, 0});
      w.write(rows[i].sensor, start, group, out);
      i = j;
    }
    return;
  }
  std::unordered_map<chunk_id, std::size_t, chunk_id_hash> index;
  std::vector<chunk_id> ids;
  std::vector<std::vector<entry>> groups;
  for (const row_values& r : rows) {
    const chunk_id k{r.sensor, floor_to(r.ts, span)};
    auto [it, fresh] = index.try_emplace(k, groups.size());
    if (fresh) {
      ids.push_back(k);
      groups.emplace_back();
    }
    groups[it->second].push_back({r.ts - k.span_start, r.value, 0});
  }
  for (std::size_t g = 0; g < groups.size(); ++g)
    w.write(ids[g].sensor, ids[g].span_start, groups[g], out);
}

int cmd_import(const char* path, const char* csv, bool sorted, std::int64_t span,
               std::size_t per_commit, std::size_t block_rows) {
  const meter m;
  sqlite3* db = open_db(path);
  ensure_table(db, span);
  {
    std::unique_ptr<row_writer> rows_out;
    std::unique_ptr<chunk_writer> chunks_out;
    if (span > 0)
      chunks_out = std::make_unique<chunk_writer>(db, span);
    else
      rows_out = std::make_unique<row_writer>(db);
    outcomes out;
    std::vector<row_values> block;
    std::size_t total = 0, in_transaction = 0;
    exec(db, "BEGIN IMMEDIATE");
    const auto flush = [&] {
      if (span > 0) {
        write_block_chunked(*chunks_out, block, sorted, out);
      } else {
        if (sorted)
          std::stable_sort(block.begin(), block.end(),
                           [](const row_values& a, const row_values& b) {
                             return std::tie(a.sensor, a.ts) < std::tie(b.sensor, b.ts);
                           });
        for (const row_values& r : block)
          rows_out->write(r.sensor, r.ts, r.value);
      }
      total += block.size();
      in_transaction += block.size();
      block.clear();
      if (in_transaction >= per_commit) {
        exec(db, "COMMIT");
        exec(db, "BEGIN IMMEDIATE");
        in_transaction = 0;
      }
    };
    read_csv(csv, [&](const row_values& r) {
      block.push_back(r);
      if (block.size() == block_rows) flush();
    });
    flush();
    exec(db, "COMMIT");
    std::printf("rows %zu %s", total, m.report().c_str());
    if (span > 0)
      std::printf(" inserted %zu unchanged %zu replaced %zu superseded %zu chunk_writes %zu",
                  out.inserted, out.unchanged, out.replaced, out.superseded, out.chunk_writes);
    std::printf("\n");
  }
  check(sqlite3_close(db), db, "close");
  return 0;
}

/// Where a command reads the readings: a SPAN of the bench (0: the row reference table, otherwise
/// bench_reading_chunks of that span), or the library's energy_reading_chunks.
struct layout {
  bool library = false;
  std::int64_t span = 0;
};

/// Every reading of the store in key order: f(sensor blob, ts, value, flag).
template <class F>
void for_each_reading(sqlite3* db, layout where, F&& f) {
  if (where.library) {
    // The library's chunks of a sensor never overlap, so span order is time order; each row
    // records its span's end and its count, which the decoder checks.
    statement st(db,
                 "SELECT sensor_id, span_start, span_end, readings, data"
                 " FROM energy_reading_chunks ORDER BY sensor_id, span_start");
    while (st.step()) {
      const void* sensor = sqlite3_column_blob(st.st, 0);
      reference_tables::decode_chunk(
          sqlite3_column_blob(st.st, 4), sqlite3_column_bytes(st.st, 4),
          sqlite3_column_int64(st.st, 1), sqlite3_column_int64(st.st, 2),
          sqlite3_column_int64(st.st, 3),
          [&](std::int64_t ts, std::int64_t v, std::int64_t fl) { f(sensor, ts, v, fl); });
    }
    return;
  }
  if (where.span == 0) {
    statement st(db,
                 "SELECT sensor_id, timestamp, value, quality_flag FROM energy_readings"
                 " ORDER BY sensor_id, timestamp");
    while (st.step())
      f(sqlite3_column_blob(st.st, 0), sqlite3_column_int64(st.st, 1),
        sqlite3_column_int64(st.st, 2), sqlite3_column_int64(st.st, 3));
    return;
  }
  statement st(db,
               "SELECT sensor_id, span_start, readings, data FROM bench_reading_chunks"
               " ORDER BY sensor_id, span_start");
  while (st.step()) {
    const void* sensor = sqlite3_column_blob(st.st, 0);
    const std::int64_t start = sqlite3_column_int64(st.st, 1);
    decode(sqlite3_column_blob(st.st, 3), sqlite3_column_bytes(st.st, 3), where.span,
           sqlite3_column_int64(st.st, 2),
           [&](std::int64_t o, std::int64_t v, std::int64_t fl) { f(sensor, start + o, v, fl); });
  }
}

int cmd_scan(const char* path, layout where) {
  const meter m;
  sqlite3* db = open_db(path);
  std::size_t n = 0, sensors = 0;
  std::int64_t sum = 0;
  sensor_key last{};
  for_each_reading(db, where, [&](const void* s, std::int64_t, std::int64_t v, std::int64_t) {
    if (n == 0 || std::memcmp(s, last.data(), 16) != 0) {
      std::memcpy(last.data(), s, 16);
      ++sensors;
    }
    ++n;
    sum += v;
  });
  std::printf("readings %zu sum %lld sensors %zu %s\n", n, static_cast<long long>(sum), sensors,
              m.report().c_str());
  check(sqlite3_close(db), db, "close");
  return 0;
}

std::vector<sensor_key> sensors_of(sqlite3* db) {
  std::vector<sensor_key> out;
  statement st(db, "SELECT id FROM sensors ORDER BY id");
  while (st.step()) {
    sensor_key k{};
    std::memcpy(k.data(), sqlite3_column_blob(st.st, 0), 16);
    out.push_back(k);
  }
  return out;
}

/// The first reading's UTC day start and the last reading's timestamp, of either layout.
std::pair<std::int64_t, std::int64_t> time_range(sqlite3* db, std::int64_t span) {
  if (span == 0) {
    statement st(db, "SELECT min(timestamp), max(timestamp) FROM energy_readings");
    st.step();
    return {floor_to(sqlite3_column_int64(st.st, 0), 86400), sqlite3_column_int64(st.st, 1)};
  }
  statement st(db, "SELECT min(span_start), max(span_start) FROM bench_reading_chunks");
  st.step();
  const std::int64_t first = sqlite3_column_int64(st.st, 0),
                     last_start = sqlite3_column_int64(st.st, 1);
  std::int64_t last = last_start;
  statement q(db, "SELECT readings, data FROM bench_reading_chunks WHERE span_start = ?1");
  sqlite3_bind_int64(q.st, 1, last_start);
  while (q.step())
    decode(sqlite3_column_blob(q.st, 1), sqlite3_column_bytes(q.st, 1), span,
           sqlite3_column_int64(q.st, 0), [&](std::int64_t o, std::int64_t, std::int64_t) {
             last = std::max(last, last_start + o);
           });
  return {floor_to(first, 86400), last};
}

/// READS reads of one random sensor's 24 hours from 05:00 UTC of the first day (a US local day,
/// not aligned to a UTC day).
int cmd_range(const char* path, std::int64_t span, std::size_t reads) {
  sqlite3* db = open_db(path);
  const std::vector<sensor_key> sensors = sensors_of(db);
  const std::int64_t t0 = time_range(db, span).first + 5 * 3600, t1 = t0 + 86400;
  std::mt19937_64 rng(18);
  std::vector<std::size_t> picks(reads);
  for (auto& p : picks)
    p = rng() % sensors.size();
  const meter m;
  std::size_t n = 0;
  std::int64_t sum = 0;
  if (span == 0) {
    statement st(db,
                 "SELECT timestamp, value, quality_flag FROM energy_readings"
                 " WHERE sensor_id = ?1 AND timestamp >= ?2 AND timestamp < ?3"
                 " ORDER BY timestamp");
    for (std::size_t p : picks) {
      sqlite3_bind_blob(st.st, 1, sensors[p].data(), 16, SQLITE_STATIC);
      sqlite3_bind_int64(st.st, 2, t0);
      sqlite3_bind_int64(st.st, 3, t1);
      while (st.step()) {
        ++n;
        sum += sqlite3_column_int64(st.st, 1);
      }
      st.reset();
    }
  } else {
    statement st(db,
                 "SELECT span_start, readings, data FROM bench_reading_chunks"
                 " WHERE sensor_id = ?1 AND span_start > ?2 AND span_start < ?3"
                 " ORDER BY span_start");
    for (std::size_t p : picks) {
      sqlite3_bind_blob(st.st, 1, sensors[p].data(), 16, SQLITE_STATIC);
      sqlite3_bind_int64(st.st, 2, t0 - span);
      sqlite3_bind_int64(st.st, 3, t1);
      while (st.step()) {
        const std::int64_t start = sqlite3_column_int64(st.st, 0);
        decode(sqlite3_column_blob(st.st, 2), sqlite3_column_bytes(st.st, 2), span,
               sqlite3_column_int64(st.st, 1), [&](std::int64_t o, std::int64_t v, std::int64_t) {
                 if (start + o >= t0 && start + o < t1) {
                   ++n;
                   sum += v;
                 }
               });
      }
      st.reset();
    }
  }
  std::printf("reads %zu readings %zu sum %lld %s\n", reads, n, static_cast<long long>(sum),
              m.report().c_str());
  check(sqlite3_close(db), db, "close");
  return 0;
}

/// A day of live readings after the data: 96 quarter-hours x the first SENSORS sensors, BATCH
/// readings per transaction, time-major.
int cmd_live(const char* path, std::int64_t span, std::size_t sensor_count, std::size_t batch) {
  sqlite3* db = open_db(path);
  ensure_table(db, span);
  std::vector<sensor_key> sensors = sensors_of(db);
  sensors.resize(std::min(sensors.size(), sensor_count));
  const std::int64_t start = floor_to(time_range(db, span).second, 86400) + 86400;
  const meter m;
  std::size_t n = 0, transactions = 0, in_transaction = 0;
  {
    std::unique_ptr<row_writer> rows_out;
    std::unique_ptr<chunk_writer> chunks_out;
    if (span > 0)
      chunks_out = std::make_unique<chunk_writer>(db, span);
    else
      rows_out = std::make_unique<row_writer>(db);
    outcomes out;
    std::vector<entry> one(1);
    for (std::int64_t q = 0; q < 96; ++q) {
      for (std::size_t s = 0; s < sensors.size(); ++s) {
        if (in_transaction == 0) exec(db, "BEGIN IMMEDIATE");
        const std::int64_t ts = start + q * 900;
        const auto value =
            static_cast<std::int64_t>(1000 + (q * 37 + static_cast<std::int64_t>(s) * 11) % 997);
        if (span == 0) {
          rows_out->write(sensors[s], ts, value);
        } else {
          const std::int64_t cs = floor_to(ts, span);
          one.assign(1, entry{ts - cs, value, 0});
          chunks_out->write(sensors[s], cs, one, out);
        }
        ++n;
        if (++in_transaction == batch) {
          exec(db, "COMMIT");
          ++transactions;
          in_transaction = 0;
        }
      }
    }
    if (in_transaction > 0) {
      exec(db, "COMMIT");
      ++transactions;
    }
  }
  std::printf("readings %zu transactions %zu %s\n", n, transactions, m.report().c_str());
  check(sqlite3_close(db), db, "close");
  return 0;
}

int cmd_verify(const char* left_path, layout left_layout, const char* right_path,
               layout right_layout) {
  sqlite3* a = open_db(left_path);
  sqlite3* b = open_db(right_path);
  struct reading {
    sensor_key sensor;
    std::int64_t ts, value, flag;
  };
  std::vector<reading> left, right;
  const auto into = [](std::vector<reading>& v) {
    return [&v](const void* s, std::int64_t ts, std::int64_t value, std::int64_t flag) {
      reading r{};
      std::memcpy(r.sensor.data(), s, 16);
      r.ts = ts;
      r.value = value;
      r.flag = flag;
      v.push_back(r);
    };
  };
  for_each_reading(a, left_layout, into(left));
  for_each_reading(b, right_layout, into(right));
  // Sensor, time and value must be equal; quality flags are counted apart (energy import sets the
  // `corrected` bit on a replaced reading, the bare loops store 0).
  std::int64_t sum = 0;
  std::size_t flags_differ = 0;
  bool equal = left.size() == right.size();
  for (std::size_t i = 0; equal && i < left.size(); ++i) {
    equal = left[i].sensor == right[i].sensor && left[i].ts == right[i].ts &&
            left[i].value == right[i].value;
    flags_differ += left[i].flag != right[i].flag;
    sum += left[i].value;
  }
  std::printf("equal %d readings %zu other_readings %zu sum %lld flags_differ %zu\n", equal ? 1 : 0,
              left.size(), right.size(), static_cast<long long>(sum), flags_differ);
  sqlite3_close(a);
  sqlite3_close(b);
  return equal ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string cmd = argc > 1 ? argv[1] : "";
  const auto span_arg = [](const char* s) {
    const long long v = std::strtoll(s, nullptr, 10);
    if (v < 0 || (v > 0 && 86400 % v != 0))
      throw std::runtime_error("SPAN must be 0 or divide 86400");
    return static_cast<std::int64_t>(v);
  };
  const auto layout_arg = [&](const char* s) {
    return std::strcmp(s, "library") == 0 ? layout{true, 0} : layout{false, span_arg(s)};
  };
  if (cmd == "import" && argc >= 6 &&
      (std::strcmp(argv[4], "file") == 0 || std::strcmp(argv[4], "sorted") == 0))
    return cmd_import(argv[2], argv[3], std::strcmp(argv[4], "sorted") == 0, span_arg(argv[5]),
                      argc > 6 ? std::strtoull(argv[6], nullptr, 10) : 500'000,
                      argc > 7 ? std::strtoull(argv[7], nullptr, 10) : 100'000);
  if (cmd == "scan" && argc == 4) return cmd_scan(argv[2], layout_arg(argv[3]));
  if (cmd == "range" && argc == 5)
    return cmd_range(argv[2], span_arg(argv[3]), std::strtoull(argv[4], nullptr, 10));
  if (cmd == "live" && argc == 6)
    return cmd_live(argv[2], span_arg(argv[3]), std::strtoull(argv[4], nullptr, 10),
                    std::strtoull(argv[5], nullptr, 10));
  if (cmd == "verify" && argc == 6)
    return cmd_verify(argv[2], layout_arg(argv[3]), argv[4], layout_arg(argv[5]));
  std::fprintf(stderr,
               "usage: %s import DB CSV file|sorted SPAN [ROWS_PER_COMMIT [BLOCK_ROWS]]\n"
               "       %s scan DB LAYOUT | range DB SPAN READS | live DB SPAN SENSORS BATCH\n"
               "       %s verify DB1 LAYOUT1 DB2 LAYOUT2   (LAYOUT: a SPAN or `library`)\n",
               argv[0], argv[0], argv[0]);
  return 2;
} catch (const std::exception& e) {
  std::fprintf(stderr, "energy_bare_sqlite_chunked: %s\n", e.what());
  return 1;
}
