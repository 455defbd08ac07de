// SPDX-License-Identifier: Apache-2.0
/*
 * SQLite ingest through the library (store::write_readings) against a bare sqlite3 C-API loop
 * written here as the reference: plain INSERTs into one B-tree row per reading, the energy_readings
 * table of the library's schema versions 1 to 4 (reference_tables.hpp; version 5 moved the
 * library's readings into per-(sensor, span) chunks and dropped the table, so the bench creates it
 * itself), same pragmas (WAL, synchronous=FULL, same page cache), same batch = transaction size,
 * measured in the same run. The library does more per row (exact insert/unchanged/replaced
 * outcome, dirty-hour marks in the same transaction, sensor id check) and stores the readings in
 * its own chunk layout (a chunk read, merged and written back per sensor and span); the ratio says
 * what all that costs or saves against the row-per-reading loop, and bytes_per_row compares the
 * two layouts on disk.
 *
 * Layout: 50 buildings x 1000 sensors, 15-minute interval energy, `days` of data (default 1 day =
 * 4.8 M rows), in batches of 10 000 rows. Two arrival orders: time-major (every sensor's reading
 * for one instant, then the next instant: meters reporting live) and sensor-major (a day file per
 * sensor). ENERGY_BENCH_SMOKE=1: 2 x 5 sensors, 8 intervals (a CTest smoke run, no timing claims).
 * ENERGY_BENCH_SQLITE_DAYS=<n> scales the full run; ENERGY_BENCH_SQLITE_DIR picks the directory.
 *
 * Output: rows/s per variant, bytes per row on disk, peak RSS of each variant (VmHWM, reset
 * between variants), and the library/bare ratio per order, printed after the table.
 */
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <energy/storage/sqlite.hpp>

#include "reference_tables.hpp"

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

struct layout {
  int buildings;
  int sensors_per_building;
  int intervals;
  std::size_t batch_rows;
  [[nodiscard]] std::size_t rows() const {
    return static_cast<std::size_t>(buildings) * static_cast<std::size_t>(sensors_per_building) *
           static_cast<std::size_t>(intervals);
  }
};

bool smoke() {
  return std::getenv("ENERGY_BENCH_SMOKE") != nullptr;
}

layout bench_layout() {
  if (smoke()) return {2, 5, 8, 25};
  int days = 1;
  if (const char* d = std::getenv("ENERGY_BENCH_SQLITE_DAYS")) days = std::max(1, std::atoi(d));
  return {50, 1000, 96 * days, 10'000};
}

fs::path bench_dir() {
  const char* d = std::getenv("ENERGY_BENCH_SQLITE_DIR");
  fs::path p =
      d ? fs::path(d)
        : fs::temp_directory_path() / ("energy-sqlite-bench-" + std::to_string(::getpid()));
  fs::create_directories(p);
  return p;
}

enum class order { time_major, sensor_major };

constexpr energy::epoch_seconds start_ts = 1719792000;  // 2024-07-01T00:00:00Z

/// The generated data set: ids fixed up front; rows produced batch by batch (never all in memory).
class data_set {
 public:
  explicit data_set(layout l) : layout_(l) {
    for (int b = 0; b < l.buildings; ++b) {
      energy::building bd;
      bd.id = energy::uuid::v7();
      bd.tenant_id = tenant_.id;
      bd.name = "Building " + std::to_string(b);
      bd.time_zone = b % 2 ? "America/New_York" : "Europe/Berlin";
      buildings_.push_back(bd);
      for (int s = 0; s < l.sensors_per_building; ++s) {
        energy::sensor sn;
        sn.id = energy::uuid::v7();
        sn.building_id = bd.id;
        sensors_.push_back(sn);
      }
    }
  }

  void put_metadata(energy::storage::store& st) const {
    st.put_tenant(tenant_);
    for (const auto& b : buildings_)
      st.put_building(b);
    for (const auto& s : sensors_)
      st.put_sensor(s);
  }

  /// Fills `out` with the rows [first, first + count) of the data set in the given order.
  void rows(order o, std::size_t first, std::size_t count, energy::reading_rows& out) const {
    out.clear();
    const std::size_t n_sensors = sensors_.size();
    const auto n_intervals = static_cast<std::size_t>(layout_.intervals);
    for (std::size_t k = first; k < first + count; ++k) {
      const std::size_t sensor = o == order::time_major ? k % n_sensors : k / n_intervals;
      const std::size_t interval = o == order::time_major ? k / n_sensors : k % n_intervals;
      // A deterministic, varied load: 0 .. 2.5 kWh per quarter hour, exact to the Wh.
      const auto value = static_cast<energy::milli>((sensor * 7919 + interval * 104729) % 2500);
      out.push_back(sensors_[sensor].id,
                    start_ts + static_cast<energy::epoch_seconds>(interval) * 900, value);
    }
  }

  [[nodiscard]] const layout& shape() const { return layout_; }

 private:
  layout layout_;
  energy::tenant tenant_{energy::uuid::v7(), "Bench tenant", energy::from_epoch(start_ts)};
  std::vector<energy::building> buildings_;
  std::vector<energy::sensor> sensors_;
};

const data_set& data() {
  static const data_set d{bench_layout()};
  return d;
}

// --- measurement helpers ------------------------------------------------------------------------

/// Resets the process's peak RSS (VmHWM) so each variant reports its own peak (Linux >= 4.0).
void reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
}

double peak_rss_mib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  return 0.0;
}

std::uintmax_t database_bytes(const fs::path& db) {
  std::uintmax_t total = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    const auto n = fs::file_size(fs::path(db.string() + suffix), ec);
    if (!ec) total += n;
  }
  return total;
}

void remove_database(const fs::path& db) {
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(fs::path(db.string() + suffix));
}

/// rows/s of every run, by variant, in run order (bare and library runs alternate).
std::map<std::string, std::vector<double>>& rates() {
  static std::map<std::string, std::vector<double>> r;
  return r;
}

/// CPU time of the whole process (both cores), seconds: with wall time it separates the work the
/// library adds from waiting for the disk, which on a shared machine is the noisy part.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Wall and CPU time of the measured sections.
struct stopwatch {
  double wall = 0;
  double cpu = 0;
  template <class F>
  void time(F&& f) {
    const auto t = clock_type::now();
    const double c = process_cpu_seconds();
    f();
    cpu += process_cpu_seconds() - c;
    wall += std::chrono::duration<double>(clock_type::now() - t).count();
  }
};

void report(benchmark::State& state, const std::string& name, std::size_t rows, const stopwatch& sw,
            const fs::path& db) {
  const double seconds = sw.wall;
  const double rate = static_cast<double>(rows) / seconds;
  rates()[name].push_back(rate);
  state.SetIterationTime(seconds);
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["rows_per_s"] = rate;
  state.counters["bytes_per_row"] =
      static_cast<double>(database_bytes(db)) / static_cast<double>(rows);
  state.counters["peak_rss_MiB"] = peak_rss_mib();
  state.counters["cpu_us_per_row"] = sw.cpu * 1e6 / static_cast<double>(rows);
}

// --- the reference: a bare sqlite3 loop ---------------------------------------------------------

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

void exec(sqlite3* db, const std::string& sql) {
  check(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), db, sql.c_str());
}

enum class id_format { blob, text };

void bare_loop(benchmark::State& state, order o, id_format ids) {
  const data_set& d = data();
  const fs::path dir = bench_dir();
  // The row reference table; the text variant has the same table with ids as 36-character text.
  const std::string table =
      reference_tables::row_table_sql(ids == id_format::text ? "TEXT" : "BLOB");
  energy::reading_rows batch;
  std::vector<std::string> text_ids;
  for (auto _ : state) {
    const fs::path path = dir / "bare.db";
    remove_database(path);
    reset_peak_rss();
    sqlite3* db = nullptr;
    check(
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr),
        db, "open");
    sqlite3_busy_timeout(db, 5000);
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = FULL");
    exec(db, "PRAGMA foreign_keys = ON");
    exec(db, "PRAGMA cache_size = " +
                 std::to_string(-energy::storage::sqlite_options{}.cache_size_kib));
    exec(db, table);
    sqlite3_stmt* insert = nullptr;
    check(sqlite3_prepare_v2(db,
                             "INSERT INTO energy_readings (sensor_id, timestamp, value, "
                             "quality_flag) VALUES (?1, ?2, ?3, ?4)",
                             -1, &insert, nullptr),
          db, "prepare insert");
    stopwatch sw;
    const std::size_t total = d.shape().rows();
    for (std::size_t first = 0; first < total; first += d.shape().batch_rows) {
      d.rows(o, first, std::min(d.shape().batch_rows, total - first), batch);
      if (ids == id_format::text) {
        text_ids.clear();
        for (const auto& u : batch.sensor_id)
          text_ids.push_back(u.to_string());
      }
      sw.time([&] {
        exec(db, "BEGIN IMMEDIATE");
        for (std::size_t i = 0; i < batch.size(); ++i) {
          if (ids == id_format::blob)
            sqlite3_bind_blob(insert, 1, batch.sensor_id[i].bytes().data(), 16, SQLITE_STATIC);
          else
            sqlite3_bind_text(insert, 1, text_ids[i].data(), static_cast<int>(text_ids[i].size()),
                              SQLITE_STATIC);
          sqlite3_bind_int64(insert, 2, batch.ts[i]);
          sqlite3_bind_int64(insert, 3, batch.value[i]);
          sqlite3_bind_int64(insert, 4, batch.quality[i]);
          check(sqlite3_step(insert), db, "insert");
          sqlite3_reset(insert);
        }
        exec(db, "COMMIT");
      });
    }
    sqlite3_finalize(insert);
    sqlite3_close(db);
    const std::string name = std::string("bare_") + (ids == id_format::text ? "text_ids_" : "") +
                             (o == order::time_major ? "time_major" : "sensor_major");
    report(state, name, total, sw, path);
    remove_database(path);
  }
}

// --- the library --------------------------------------------------------------------------------

void library_ingest(benchmark::State& state, order o, energy::storage::sqlite_durability durability,
                    bool resend) {
  const data_set& d = data();
  const fs::path dir = bench_dir();
  energy::reading_rows batch;
  for (auto _ : state) {
    const fs::path path = dir / "library.db";
    remove_database(path);
    reset_peak_rss();
    {
      // Setup, not measured: 50 000 put_sensor calls are 50 000 transactions; without fsyncs
      // they take seconds instead of minutes.
      energy::storage::sqlite_options setup;
      setup.durability = energy::storage::sqlite_durability::normal;
      d.put_metadata(*energy::storage::open_sqlite_store(path, setup));
    }
    energy::storage::sqlite_options options;
    options.durability = durability;
    auto store = energy::storage::open_sqlite_store(path, options);
    const std::size_t total = d.shape().rows();
    stopwatch sw;
    energy::storage::write_result sum;
    for (int pass = 0; pass < (resend ? 2 : 1); ++pass) {
      for (std::size_t first = 0; first < total; first += d.shape().batch_rows) {
        d.rows(o, first, std::min(d.shape().batch_rows, total - first), batch);
        energy::storage::write_result r;
        if (pass == (resend ? 1 : 0))
          sw.time([&] { r = store->write_readings(batch); });
        else
          r = store->write_readings(batch);
        sum.inserted += r.inserted;
        sum.unchanged += r.unchanged;
      }
    }
    if (sum.inserted != total || sum.unchanged != (resend ? total : 0))
      throw std::runtime_error("library ingest lost or duplicated rows");
    store.reset();
    std::string name =
        std::string("library_") + (o == order::time_major ? "time_major" : "sensor_major");
    if (durability == energy::storage::sqlite_durability::normal) name += "_sync_normal";
    if (resend) name += "_resend";
    report(state, name, total, sw, path);
    remove_database(path);
  }
}

/// Rounds of the sensor-major bare/library pair (ENERGY_BENCH_SQLITE_ROUNDS, default 3): each
/// round runs the two back to back, so a change in the machine's load hits both alike.
int rounds() {
  if (smoke()) return 1;
  const char* r = std::getenv("ENERGY_BENCH_SQLITE_ROUNDS");
  return r ? std::max(1, std::atoi(r)) : 3;
}

void register_all() {
  auto opts = [](benchmark::internal::Benchmark* b) {
    b->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
  };
  using energy::storage::sqlite_durability;
  opts(benchmark::RegisterBenchmark("bare_sqlite3/time_major", bare_loop, order::time_major,
                                    id_format::blob));
  opts(benchmark::RegisterBenchmark("library/time_major", library_ingest, order::time_major,
                                    sqlite_durability::full, false));
  for (int round = 0; round < rounds(); ++round) {
    opts(benchmark::RegisterBenchmark("bare_sqlite3/sensor_major", bare_loop, order::sensor_major,
                                      id_format::blob));
    opts(benchmark::RegisterBenchmark("library/sensor_major", library_ingest, order::sensor_major,
                                      sqlite_durability::full, false));
  }
  opts(benchmark::RegisterBenchmark("library/sensor_major_resend", library_ingest,
                                    order::sensor_major, sqlite_durability::full, true));
  opts(benchmark::RegisterBenchmark("library/sensor_major_sync_normal", library_ingest,
                                    order::sensor_major, sqlite_durability::normal, false));
  opts(benchmark::RegisterBenchmark("bare_sqlite3_text_ids/sensor_major", bare_loop,
                                    order::sensor_major, id_format::text));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const layout l = bench_layout();
  std::printf(
      "layout: %d buildings x %d sensors x %d intervals = %zu rows, batches of %zu rows%s\n",
      l.buildings, l.sensors_per_building, l.intervals, l.rows(), l.batch_rows,
      smoke() ? " (smoke)" : "");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  const auto& r = rates();
  for (const char* o : {"time_major", "sensor_major"}) {
    const auto lib = r.find(std::string("library_") + o);
    const auto bare = r.find(std::string("bare_") + o);
    if (lib == r.end() || bare == r.end() || lib->second.size() != bare->second.size()) continue;
    std::vector<double> ratios;
    for (std::size_t i = 0; i < lib->second.size(); ++i) {
      ratios.push_back(lib->second[i] / bare->second[i]);
      std::printf("ratio library/bare (%s, round %zu): %.3f  (%.0f vs %.0f rows/s)\n", o, i + 1,
                  ratios.back(), lib->second[i], bare->second[i]);
    }
    std::printf("ratio library/bare (%s): median %.3f over %zu round(s)\n", o, median(ratios),
                ratios.size());
  }
  std::error_code ec;
  if (!std::getenv("ENERGY_BENCH_SQLITE_DIR")) fs::remove_all(bench_dir(), ec);
  return 0;
}
