// SPDX-License-Identifier: Apache-2.0
/*
 * The reference for `energy import` of a readings CSV (issue #18: "the bare sqlite3 loop with the
 * same durability settings"): one thread, the sqlite3 C API, the file read in 1 MiB blocks and
 * parsed by hand (sensor UUID, `YYYY-MM-DDTHH:MM:SSZ`, decimal kWh to exact Wh), every row one
 * last-write-wins upsert into the library's own energy_readings table, one commit per 500,000
 * rows as `energy import` does, WAL and synchronous=FULL and the library's page cache. Two orders:
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
 * DB must be a database the library created (it holds the schema); the readings go into it.
 * Prints `rows <n> seconds <wall>` on standard output.
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

namespace {

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

void exec(sqlite3* db, const std::string& sql) {
  check(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), db, sql.c_str());
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned digits(std::string_view s, std::size_t at, std::size_t n) {
  unsigned v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') throw std::runtime_error("bad digit in '" + std::string(s) + "'");
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return v;
}

/// `YYYY-MM-DDTHH:MM:SSZ` to epoch seconds (the only form the benchmark's file holds).
std::int64_t parse_ts(std::string_view s) {
  if (s.size() != 20 || s[19] != 'Z')
    throw std::runtime_error("bad timestamp '" + std::string(s) + "'");
  return days_from_civil(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2)) * 86400 +
         digits(s, 11, 2) * 3600 + digits(s, 14, 2) * 60 + digits(s, 17, 2);
}

/// A non-negative decimal kWh with at most three decimals to exact Wh.
std::int64_t parse_milli(std::string_view s) {
  std::int64_t whole = 0, frac = 0;
  int frac_digits = 0;
  bool point = false;
  for (char c : s) {
    if (c == '.') {
      point = true;
    } else if (c >= '0' && c <= '9') {
      if (!point) {
        whole = whole * 10 + (c - '0');
      } else if (frac_digits < 3) {
        frac = frac * 10 + (c - '0');
        ++frac_digits;
      }
    } else if (c != '\r') {
      throw std::runtime_error("bad value '" + std::string(s) + "'");
    }
  }
  for (; frac_digits < 3; ++frac_digits)
    frac *= 10;
  return whole * 1000 + frac;
}

struct row_values {
  std::array<std::uint8_t, 16> sensor;
  std::int64_t ts;
  std::int64_t value;
};

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
  sqlite3_stmt* upsert = nullptr;
  check(sqlite3_prepare_v2(db,
                           "INSERT INTO energy_readings (sensor_id, timestamp, value, quality_flag)"
                           " VALUES (?1, ?2, ?3, 0) ON CONFLICT (sensor_id, timestamp) DO UPDATE"
                           " SET value = excluded.value WHERE value <> excluded.value",
                           -1, &upsert, nullptr),
        db, "prepare");
  std::FILE* in = std::fopen(argv[2], "rb");
  if (!in) throw std::runtime_error(std::string("cannot open ") + argv[2]);
  std::string buffer, carry;
  buffer.resize(1 << 20);
  std::size_t rows = 0, in_transaction = 0;
  bool header = true;
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
  const auto row = [&](std::string_view line) {
    if (header) {
      header = false;
      return;
    }
    if (line.empty()) return;
    const std::size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
    if (c1 == std::string_view::npos || c2 == std::string_view::npos)
      throw std::runtime_error("bad line '" + std::string(line) + "'");
    const auto id = energy::uuid::try_parse(line.substr(0, c1));
    if (!id) throw std::runtime_error("bad sensor id in '" + std::string(line) + "'");
    row_values r{};
    std::memcpy(r.sensor.data(), id->bytes().data(), 16);
    r.ts = parse_ts(line.substr(c1 + 1, c2 - c1 - 1));
    r.value = parse_milli(line.substr(c2 + 1));
    if (!sorted) return write(r);
    block_rows.push_back(r);
    if (block_rows.size() == sort_block_rows) flush();
  };
  for (;;) {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), in);
    if (n == 0) break;
    std::string_view block(buffer.data(), n);
    std::size_t start = 0;
    for (std::size_t nl = block.find('\n'); nl != std::string_view::npos;
         nl = block.find('\n', start)) {
      if (!carry.empty()) {
        carry.append(block.substr(start, nl - start));
        row(carry);
        carry.clear();
      } else {
        row(block.substr(start, nl - start));
      }
      start = nl + 1;
    }
    carry.append(block.substr(start));
  }
  if (!carry.empty()) row(carry);
  flush();
  std::fclose(in);
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
