// SPDX-License-Identifier: Apache-2.0
/*
 * The reference for `energy import` of a readings CSV (issue #18: "the bare sqlite3 loop with the
 * same durability settings"): one thread, the sqlite3 C API, the file read in 1 MiB blocks and
 * parsed by hand (sensor UUID, `YYYY-MM-DDTHH:MM:SSZ`, decimal kWh to exact Wh), every row one
 * last-write-wins upsert into a one-row-per-reading table, one commit per 500,000 rows as
 * `energy import` does, WAL and synchronous=FULL and the library's page cache. Two orders:
 * the file's (`file`), and each block of 100,000 rows sorted by key (`sorted`), which turns a
 * time-major file's scattered inserts into runs along the B-tree, as the library's validation
 * does (it groups a chunk's rows by sensor).
 *
 * What it leaves out, and the library does: validation (units, ranges, sensors known, future
 * timestamps), the outcome of every row (inserted / unchanged / replaced), de-duplication inside
 * the input before writing, dirty marks for the aggregation, rejections with their line. It is a
 * floor for the SQLite part, not a competitor.
 *
 *     energy_bare_sqlite_import DB CSV file|sorted [ROWS_PER_COMMIT]
 *
 * The table is energy_readings as the library's schema versions 1 to 4 had it
 * (reference_tables.hpp), the layout this reference was defined on: version 5 moved the library's
 * readings into per-(sensor, span) chunks and dropped the table, so the program creates it when
 * missing and keeps it as the reference (chunked_csv_import.cpp measures the chunk layout the same
 * way).
 *
 * DB must be an existing database, normally a copy of the one `energy import` is measured on (the
 * same metadata in the file); the readings go into its reference table, the library's own
 * energy_reading_chunks is not touched. Prints `rows <n> seconds <wall>` on standard output.
 */
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <sqlite3.h>

#include <energy/storage/sqlite.hpp>
#include <energy/uuid.hpp>

#include "bare_csv.hpp"
#include "reference_tables.hpp"

namespace {

using bare_csv::check;
using bare_csv::exec;
using bare_csv::row_values;

/// Rows sorted in one block (the `sorted` order).
constexpr std::size_t sort_block_rows = 100'000;

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 4 || (std::strcmp(argv[3], "file") != 0 && std::strcmp(argv[3], "sorted") != 0)) {
    std::fprintf(stderr, "usage: %s DB CSV file|sorted [ROWS_PER_COMMIT]\n", argv[0]);
    return 2;
  }
  const bool sorted = std::strcmp(argv[3], "sorted") == 0;
  const std::size_t per_commit = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 500'000;
  const auto started = std::chrono::steady_clock::now();
  sqlite3* db = nullptr;
  check(sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr), db,
        "open");
  exec(db, "PRAGMA journal_mode = WAL");
  exec(db, "PRAGMA synchronous = FULL");
  exec(db,
       "PRAGMA cache_size = " + std::to_string(-energy::storage::sqlite_options{}.cache_size_kib));
  // The reference's row table, created on first use (a library database no longer has it); one
  // statement inside the wall time, as energy import's open and schema check are inside its own.
  exec(db, reference_tables::row_table_sql());
  sqlite3_stmt* upsert = nullptr;
  check(sqlite3_prepare_v2(db,
                           "INSERT INTO energy_readings (sensor_id, timestamp, value, quality_flag)"
                           " VALUES (?1, ?2, ?3, 0) ON CONFLICT (sensor_id, timestamp) DO UPDATE"
                           " SET value = excluded.value WHERE value <> excluded.value",
                           -1, &upsert, nullptr),
        db, "prepare");
  std::size_t rows = 0, in_transaction = 0;
  exec(db, "BEGIN IMMEDIATE");
  const auto write = [&](const row_values& r) {
    sqlite3_bind_blob(upsert, 1, r.sensor.data(), 16, SQLITE_STATIC);
    sqlite3_bind_int64(upsert, 2, r.ts);
    sqlite3_bind_int64(upsert, 3, r.value);
    check(sqlite3_step(upsert), db, "upsert");
    sqlite3_reset(upsert);
    ++rows;
    if (++in_transaction == per_commit) {
      exec(db, "COMMIT");
      exec(db, "BEGIN IMMEDIATE");
      in_transaction = 0;
    }
  };
  std::vector<row_values> block_rows;
  // A stable sort: the later of two rows with one key is written later and wins, as in the file.
  const auto flush = [&] {
    std::stable_sort(block_rows.begin(), block_rows.end(),
                     [](const row_values& a, const row_values& b) {
                       return std::tie(a.sensor, a.ts) < std::tie(b.sensor, b.ts);
                     });
    for (const row_values& r : block_rows)
      write(r);
    block_rows.clear();
  };
  bare_csv::read_csv(argv[2], [&](const row_values& r) {
    if (!sorted) return write(r);
    block_rows.push_back(r);
    if (block_rows.size() == sort_block_rows) flush();
  });
  flush();
  exec(db, "COMMIT");
  sqlite3_finalize(upsert);
  check(sqlite3_close(db), db, "close");
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("rows %zu seconds %.3f\n", rows, s);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "energy_bare_sqlite_import: %s\n", e.what());
  return 1;
}
