// SPDX-License-Identifier: Apache-2.0
/*
 * Refresh from a SQLite store (aggregate::refresh_summaries over every reading) against a bare
 * ordered scan of the same readings with the sqlite3 C API, measured in the same run on the same
 * file. Target (issue #10): the refresh costs at most 2x the bare scan.
 *
 * The bare scan reads the readings where the library keeps them: since schema version 5 that is
 * energy_reading_chunks, one row per (sensor, UTC span) whose blob it decodes here with the
 * bench's own decoder (reference_tables.hpp), every reading's time, value and flags. Up to version
 * 4 it was one energy_readings row per reading, which the earlier numbers of this bench scanned;
 * a chunk scan is the cheaper floor (fewer B-tree rows), so the ratio is the stricter one.
 *
 * Also measured, to show where the time goes: the store's streamed read of every building
 * (store::scan_building_readings, no aggregation).
 *
 * Layout: 20 buildings x 50 sensors (4 zones), 15-minute interval energy; ENERGY_BENCH_READINGS
 * readings in all (default 10^7 = 10,000 intervals per sensor, 104 days). The database is built
 * once under ENERGY_BENCH_SQLITE_DIR (default: the temp directory) and reused while its reading
 * count matches. Before each refresh every building is invalidated over all time (untimed), so
 * every run recomputes every bucket. ENERGY_BENCH_MARKS_PER_COMMIT sets
 * refresh_options::max_marks_per_commit (default: the library's). ENERGY_BENCH_SMOKE=1: a tiny
 * layout, no timing claims.
 *
 * Output: per variant the best and median of `runs` runs, CPU time of the process (the machine
 * may be loaded: CPU time is the measure) and wall time, and the ratios refresh / bare scan.
 */
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sqlite3.h>
#include <time.h>

#include <energy/aggregate/refresh.hpp>
#include <energy/storage/sqlite.hpp>

#include "reference_tables.hpp"

namespace {

namespace fs = std::filesystem;
using energy::epoch_seconds;

struct layout {
  int buildings;
  int sensors_per_building;
  int intervals;
  [[nodiscard]] std::int64_t readings() const {
    return std::int64_t{buildings} * sensors_per_building * intervals;
  }
};

bool smoke() {
  return std::getenv("ENERGY_BENCH_SMOKE") != nullptr;
}

layout bench_layout() {
  if (smoke()) return {2, 3, 200};
  std::int64_t readings = 10'000'000;
  if (const char* v = std::getenv("ENERGY_BENCH_READINGS")) readings = std::stoll(v);
  const int sensors = 20 * 50;
  return {20, 50, static_cast<int>(std::max<std::int64_t>(1, readings / sensors))};
}

energy::uuid id_of(std::uint8_t kind, int n) {
  std::array<std::uint8_t, 16> b{};
  b[0] = kind;
  b[1] = static_cast<std::uint8_t>(n >> 16);
  b[2] = static_cast<std::uint8_t>(n >> 8);
  b[3] = static_cast<std::uint8_t>(n);
  b[6] = 0x70;
  b[8] = 0x80;
  return energy::uuid{b};
}

constexpr epoch_seconds first_ts = 1'704'067'200;  // 2024-01-01T00:00:00Z
constexpr epoch_seconds quarter = 900;

/// Builds the database: metadata, then readings time-major in batches (as meters report).
void build(const fs::path& path, const layout& l) {
  fs::remove(path);
  fs::remove(fs::path(path.string() + "-wal"));
  fs::remove(fs::path(path.string() + "-shm"));
  energy::storage::sqlite_options fast;
  fast.durability = energy::storage::sqlite_durability::normal;
  auto db = energy::storage::open_sqlite_store(path, fast);
  const energy::tenant t{id_of(1, 0), "bench", energy::from_epoch(first_ts)};
  db->put_tenant(t);
  const char* zones[] = {"America/New_York", "Europe/Berlin", "Asia/Kolkata", "UTC"};
  std::vector<energy::uuid> sensors;
  for (int b = 0; b < l.buildings; ++b) {
    energy::building x;
    x.id = id_of(2, b);
    x.tenant_id = t.id;
    x.name = "building " + std::to_string(b);
    x.time_zone = zones[b % 4];
    x.flat_rate_per_kwh = energy::money::from_micros(135'530);
    db->put_building(x);
    for (int s = 0; s < l.sensors_per_building; ++s) {
      energy::sensor y;
      y.id = id_of(3, b * l.sensors_per_building + s);
      y.building_id = x.id;
      y.location = "meter " + std::to_string(s);
      y.interval_seconds = 900;
      db->put_sensor(y);
      sensors.push_back(y.id);
    }
  }
  energy::reading_rows batch;
  constexpr std::size_t batch_rows = 250'000;
  for (int i = 0; i < l.intervals; ++i) {
    for (std::size_t s = 0; s < sensors.size(); ++s)
      batch.push_back(sensors[s], first_ts + i * quarter,
                      static_cast<energy::milli>(1000 + (i * 7 + static_cast<int>(s) * 13) % 900));
    if (batch.size() >= batch_rows || i + 1 == l.intervals) {
      db->write_readings(batch);
      batch.clear();
    }
  }
  energy::aggregate::refresh_summaries(*db);
}

std::int64_t count_rows(const fs::path& path) {
  if (!fs::exists(path)) return -1;
  try {
    return energy::storage::open_sqlite_store(path)->count_readings();
  } catch (const std::exception&) {
    return -1;
  }
}

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct timing {
  double cpu = 0, wall = 0;
};

timing measure(const std::function<void()>& run) {
  const double c0 = cpu_seconds();
  const auto w0 = std::chrono::steady_clock::now();
  run();
  return {cpu_seconds() - c0,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count()};
}

/// What the bare scan read: readings, and a checksum of every column so none is skipped.
struct scan_result {
  std::int64_t readings = 0;
  std::int64_t checksum = 0;
};

/// The reference: every reading in key order through the sqlite3 C API, each chunk row's columns
/// read and its blob decoded (the chunks of a sensor never overlap, so span order is time order).
scan_result bare_scan(const fs::path& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path.string());
  }
  sqlite3_exec(db, "PRAGMA cache_size = -65536", nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT sensor_id, span_start, span_end, readings, data"
                         " FROM energy_reading_chunks ORDER BY sensor_id, span_start",
                         -1, &st, nullptr) != SQLITE_OK) {
    const std::string why = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("bare scan: " + why);
  }
  scan_result r;
  std::uint8_t id[16];
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    std::memcpy(id, sqlite3_column_blob(st, 0), sizeof id);
    r.readings += reference_tables::decode_chunk(
        sqlite3_column_blob(st, 4), sqlite3_column_bytes(st, 4), sqlite3_column_int64(st, 1),
        sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
        [&](std::int64_t ts, std::int64_t value, std::int64_t flags) {
          r.checksum += ts + value + flags + id[15];
        });
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  if (rc != SQLITE_DONE) throw std::runtime_error("bare scan: step failed");
  return r;
}

timing best(std::vector<timing> v) {
  return *std::min_element(v.begin(), v.end(),
                           [](const timing& a, const timing& b) { return a.cpu < b.cpu; });
}

timing median(std::vector<timing> v) {
  std::sort(v.begin(), v.end(), [](const timing& a, const timing& b) { return a.cpu < b.cpu; });
  return v[v.size() / 2];
}

}  // namespace

int main() {
  const layout l = bench_layout();
  const fs::path dir = std::getenv("ENERGY_BENCH_SQLITE_DIR")
                           ? std::getenv("ENERGY_BENCH_SQLITE_DIR")
                           : fs::temp_directory_path().string();
  const fs::path path = dir / ("energy-refresh-bench-" + std::to_string(l.readings()) + ".db");
  if (count_rows(path) != l.readings()) {
    std::printf("building %s (%lld readings)...\n", path.c_str(),
                static_cast<long long>(l.readings()));
    const timing t = measure([&] { build(path, l); });
    std::printf("built in %.1f s wall\n", t.wall);
  }
  const int runs = smoke() ? 1 : 3;
  energy::aggregate::refresh_options options;
  if (const char* v = std::getenv("ENERGY_BENCH_MARKS_PER_COMMIT"))
    options.max_marks_per_commit = static_cast<std::size_t>(std::stoull(v));
  std::vector<timing> scan, stream, refresh;
  std::int64_t scanned = 0, streamed = 0;
  std::size_t read_back = 0;
  for (int r = 0; r < runs; ++r) {
    scan_result bare;
    scan.push_back(measure([&] { bare = bare_scan(path); }));
    scanned = bare.readings;

    auto db = energy::storage::open_sqlite_store(path);
    std::vector<energy::building> buildings = db->list_buildings(id_of(1, 0));
    stream.push_back(measure([&] {
      streamed = 0;
      for (const auto& b : buildings)
        db->scan_building_readings(b.id, energy::storage::all_time(),
                                   [&](const energy::reading_rows& chunk) {
                                     streamed += static_cast<std::int64_t>(chunk.size());
                                     return true;
                                   });
    }));

    for (const auto& b : buildings)
      db->invalidate_summaries(b.id, energy::storage::all_time());
    refresh.push_back(measure(
        [&] { read_back = energy::aggregate::refresh_summaries(*db, options).readings_read; }));
  }
  // A bucket whose marks a round boundary splits is read once per round: the refresh reads at
  // least every reading.
  if (scanned != l.readings() || streamed != l.readings() ||
      static_cast<std::int64_t>(read_back) < l.readings()) {
    std::fprintf(stderr,
                 "expected %lld readings, bare scan %lld, streamed %lld, refresh read %zu\n",
                 static_cast<long long>(l.readings()), static_cast<long long>(scanned),
                 static_cast<long long>(streamed), read_back);
    return 1;
  }
  std::printf(
      "%lld readings, %d buildings x %d sensors, %d runs (best / median, CPU s | wall s);"
      " the refresh read %zu rows, %zu marks per commit\n",
      static_cast<long long>(l.readings()), l.buildings, l.sensors_per_building, runs, read_back,
      options.max_marks_per_commit);
  auto row = [](const char* name, const std::vector<timing>& v) {
    std::printf("  %-44s %7.3f / %7.3f | %7.3f / %7.3f\n", name, best(v).cpu, median(v).cpu,
                best(v).wall, median(v).wall);
  };
  row("bare ordered scan, chunks decoded (sqlite3)", scan);
  row("store::scan_building_readings, all buildings", stream);
  row("aggregate::refresh_summaries, everything dirty", refresh);
  std::printf("refresh / bare scan: %.2fx CPU (median %.2fx), %.2fx wall\n",
              best(refresh).cpu / best(scan).cpu, median(refresh).cpu / median(scan).cpu,
              best(refresh).wall / best(scan).wall);
  std::printf("streamed read / bare scan: %.2fx CPU\n", best(stream).cpu / best(scan).cpu);
  return 0;
}
