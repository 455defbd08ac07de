// SPDX-License-Identifier: Apache-2.0
// Aggregation benchmark: generated 15-minute readings of 50 buildings in 8 zones (US, European and
// Australian DST changes inside the window, half-hour offsets) aggregated into hourly + daily
// local-time building summaries in memory, against a reference measured in the same run: a plain
// loop that looks each reading's sensor up and sums into a flat array by UTC hour (no zones, no
// peaks, no costs).
//
// Sizes: 50 buildings × S sensors × 1000 quarter-hours (S = 20 -> 10^6, S = 200 -> 10^7 readings).
// ENERGY_BENCH_SMOKE=1 shrinks everything to a few thousand readings (CTest smoke run).
//
//   build/release/bench/aggregate/energy_bench_aggregate
//   --benchmark_filter='(reference|local).*/200/'
//   build/release/bench/aggregate/energy_bench_aggregate --benchmark_filter='streamed/20/1/'   #
//   RSS, 10^6 build/release/bench/aggregate/energy_bench_aggregate
//   --benchmark_filter='streamed/200/1/'  # RSS, 10^7, 10x sensors
//   build/release/bench/aggregate/energy_bench_aggregate --benchmark_filter='streamed/20/10/'  #
//   RSS, 10^7, same buckets
// (each streamed run in its own process: the other benchmarks keep their input in memory).
#include <energy/aggregate/aggregator.hpp>

#include <benchmark/benchmark.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <thread>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using namespace energy;

constexpr int buildings_n = 50;
constexpr const char* zones[] = {"America/New_York",   "America/Chicago",    "America/Los_Angeles",
                                 "Europe/London",      "Europe/Berlin",      "Asia/Kolkata",
                                 "Australia/Adelaide", "Australia/Lord_Howe"};
// 2024-10-26 00:00Z + 1000 quarter-hours: Europe falls back on Oct 27, the US on Nov 3.
constexpr epoch_seconds t0 = 1729900800;

bool smoke() {
  static const bool on = std::getenv("ENERGY_BENCH_SMOKE") != nullptr;
  return on;
}
int intervals() {
  return smoke() ? 50 : 1000;
}

/// The reference's sensor -> building lookup: linear-probing table on the id's two 64-bit words
/// plus a "same sensor as last row / the sensor that followed it last time" guess — the techniques
/// the aggregator uses — so the ratio isolates the local-time work, not the id lookup.
class id_table {
 public:
  explicit id_table(const std::vector<std::pair<uuid, std::uint32_t>>& entries) {
    std::size_t cap = 16;
    while (cap < 2 * entries.size())
      cap *= 2;
    keys_.assign(cap, {0, 0});
    values_.assign(cap, empty);
    successor_.assign(cap, 0);
    mask_ = cap - 1;
    for (const auto& [id, v] : entries) {
      const auto k = words(id);
      std::size_t i = slot_of(k);
      while (values_[i] != empty)
        i = (i + 1) & mask_;
      keys_[i] = k;
      values_[i] = v;
    }
  }
  /// The value of `id`, which must be present.
  [[nodiscard]] std::uint32_t at(const uuid& id) {
    const auto k = words(id);
    if (k == keys_[last_]) return values_[last_];
    const std::size_t guess = successor_[last_];
    if (k == keys_[guess]) return values_[last_ = guess];
    std::size_t i = slot_of(k);
    while (keys_[i] != k)
      i = (i + 1) & mask_;
    successor_[last_] = i;
    last_ = i;
    return values_[i];
  }

 private:
  static constexpr std::uint32_t empty = ~0u;
  static std::pair<std::uint64_t, std::uint64_t> words(const uuid& id) {
    std::pair<std::uint64_t, std::uint64_t> k;
    std::memcpy(&k.first, id.bytes().data(), 8);
    std::memcpy(&k.second, id.bytes().data() + 8, 8);
    return k;
  }
  [[nodiscard]] std::size_t slot_of(const std::pair<std::uint64_t, std::uint64_t>& k) const {
    return static_cast<std::size_t>((k.second ^ k.first) * 0x9E3779B97F4A7C15ULL >> 20) & mask_;
  }
  std::vector<std::pair<std::uint64_t, std::uint64_t>> keys_;
  std::vector<std::uint32_t> values_;
  std::vector<std::size_t> successor_;
  std::size_t mask_ = 0;
  std::size_t last_ = 0;
};

struct layout {
  std::vector<building> buildings;
  std::vector<sensor> sensors;
};

layout make_layout(int sensors_per_building) {
  layout l;
  for (int b = 0; b < buildings_n; ++b) {
    building x;
    x.id = uuid::v7();
    x.name = "building ";
    x.name += std::to_string(b);
    x.time_zone = zones[b % std::size(zones)];
    x.flat_rate_per_kwh = money::parse("0.1355");
    l.buildings.push_back(x);
    for (int s = 0; s < sensors_per_building; ++s) {
      sensor y;
      y.id = uuid::v7();
      y.building_id = x.id;
      y.interval_seconds = 900;
      l.sensors.push_back(y);
    }
  }
  return l;
}

/// Readings in ingest order: one timestamp at a time, every sensor (what a batch import writes).
/// `chunk` limits how many rows are produced per call (the streamed variant); 0 = all at once.
struct generator {
  const layout* l;
  std::mt19937_64 rng{42};
  std::uniform_int_distribution<milli> value{0, 5'000};
  std::size_t next = 0;
  [[nodiscard]] std::size_t total() const {
    return l->sensors.size() * static_cast<std::size_t>(intervals());
  }
  /// Raw feed: 5 % of readings are first sent with a wrong value and corrected right after, 2 %
  /// are re-sent unchanged (10^7 distinct readings come as about 1.07 × 10^7 rows).
  bool with_duplicates = false;
  std::uniform_int_distribution<int> percent{0, 99};
  std::size_t rows_made = 0;
  bool fill(reading_rows& rows, std::size_t chunk) {
    rows.clear();
    const std::size_t n = l->sensors.size();
    for (std::size_t k = 0; k < chunk && next < total(); ++k, ++next) {
      const uuid& id = l->sensors[next % n].id;
      const epoch_seconds ts = t0 + static_cast<epoch_seconds>(next / n) * 900;
      const milli v = value(rng);
      const int roll = with_duplicates ? percent(rng) : 99;
      if (roll < 5) rows.push_back(id, ts, v + 1'000);  // later corrected
      rows.push_back(id, ts, v);
      if (roll >= 5 && roll < 7) rows.push_back(id, ts, v);  // re-sent
    }
    rows_made += rows.size();
    return !rows.empty();
  }
};

struct dataset {
  layout l;
  reading_rows rows;  ///< raw: with corrected and re-sent duplicates
  /// The same rows as columns, the sensor by position (what a dataframe's codes give).
  std::vector<std::uint32_t> position;
  std::size_t distinct = 0;
};

const dataset& data_for(int sensors_per_building) {
  static std::map<int, dataset> cache;
  auto it = cache.find(sensors_per_building);
  if (it == cache.end()) {
    dataset d{make_layout(sensors_per_building), {}, {}, 0};
    generator g{&d.l};
    g.with_duplicates = true;
    d.distinct = g.total();
    g.fill(d.rows, std::numeric_limits<std::size_t>::max());
    std::unordered_map<uuid, std::uint32_t> position_of;
    for (std::size_t p = 0; p < d.l.sensors.size(); ++p)
      position_of.emplace(d.l.sensors[p].id, static_cast<std::uint32_t>(p));
    d.position.resize(d.rows.size());
    for (std::size_t i = 0; i < d.rows.size(); ++i)
      d.position[i] = position_of.at(d.rows.sensor_id[i]);
    it = cache.emplace(sensors_per_building, std::move(d)).first;
  }
  return it->second;
}

/// The same raw rows in sensor-major order (one sensor's series after another, each in the
/// original order, so that the later of two rows of a reading stays later): what a store read
/// ordered by (sensor, ts), or per-meter files concatenated, gives.
const dataset& sensor_major_for(int sensors_per_building) {
  static std::map<int, dataset> cache;
  auto it = cache.find(sensors_per_building);
  if (it == cache.end()) {
    const dataset& t = data_for(sensors_per_building);
    std::vector<std::size_t> order(t.rows.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return t.position[a] < t.position[b]; });
    dataset d{t.l, {}, {}, t.distinct};
    d.position.reserve(order.size());
    for (const std::size_t i : order) {
      d.rows.push_back(t.rows.sensor_id[i], t.rows.ts[i], t.rows.value[i]);
      d.position.push_back(t.position[i]);
    }
    it = cache.emplace(sensors_per_building, std::move(d)).first;
  }
  return it->second;
}

void count_rows(benchmark::State& state, const dataset& d) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(d.rows.size()));
  state.counters["rows"] = static_cast<double>(d.rows.size());
  state.counters["distinct"] = static_cast<double>(d.distinct);
}

/// CPU time of the calling thread (user + system), in milliseconds.
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double max_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

/// Local-time building summaries of the raw rows (last write wins): hourly + daily (and monthly,
/// which is cheap) with peaks and costs.
void local_time(benchmark::State& state) {
  const dataset& d = data_for(static_cast<int>(state.range(0)));
  std::size_t buckets = 0, bytes = 0, days = 0;
  for (auto _ : state) {
    aggregate::aggregator agg(d.l.buildings, d.l.sensors, {false, true, nullptr});
    agg.add(d.rows);
    const auto r = agg.finish();
    benchmark::DoNotOptimize(r.daily.data());
    buckets = agg.bucket_count();
    bytes = agg.memory_bytes();
    days = r.daily.size();
  }
  count_rows(state, d);
  state.counters["hour_buckets"] = static_cast<double>(buckets);
  state.counters["day_buckets"] = static_cast<double>(days);
  state.counters["aggregator_KiB"] = static_cast<double>(bytes) / 1024.0;
}

/// The same aggregation with rows given by sensor position (the column path the Python binding
/// uses): positions are computed once, outside the timed loop, as a dataframe's codes would be;
/// the row count is given as a hint (`reserve`), as the binding gives it.
void local_time_columns(benchmark::State& state) {
  const auto sensors_per_building = static_cast<int>(state.range(0));
  const bool sensor_major = state.range(1) != 0;
  const dataset& d =
      sensor_major ? sensor_major_for(sensors_per_building) : data_for(sensors_per_building);
  double add_ms = 0, finish_ms = 0, faults = 0, sys_ms = 0;
  for (auto _ : state) {
    rusage before{};
    getrusage(RUSAGE_THREAD, &before);
    const double t0_ms = thread_cpu_ms();
    aggregate::aggregator agg(d.l.buildings, d.l.sensors, {false, true, nullptr});
    agg.reserve(d.rows.size());
    agg.add(d.position, d.rows.ts, d.rows.value);
    const double t1_ms = thread_cpu_ms();
    const auto r = agg.finish();
    benchmark::DoNotOptimize(r.daily.data());
    add_ms += t1_ms - t0_ms;
    finish_ms += thread_cpu_ms() - t1_ms;
    rusage after{};
    getrusage(RUSAGE_THREAD, &after);
    faults += static_cast<double>(after.ru_minflt - before.ru_minflt);
    sys_ms += static_cast<double>(after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1e3 +
              static_cast<double>(after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e3;
  }
  count_rows(state, d);
  // Thread CPU time of each phase per iteration: construction + add (the grid), and the fold.
  state.counters["add_cpu_ms"] = add_ms / static_cast<double>(state.iterations());
  state.counters["finish_cpu_ms"] = finish_ms / static_cast<double>(state.iterations());
  state.counters["page_faults"] = faults / static_cast<double>(state.iterations());
  state.counters["sys_cpu_ms"] = sys_ms / static_cast<double>(state.iterations());
}

/// The column path on `threads` threads: consecutive shares of the rows, one aggregator each,
/// merged in order (what the Python binding does). Wall time is the measure (UseRealTime).
void local_time_columns_threads(benchmark::State& state) {
  const dataset& d = data_for(static_cast<int>(state.range(0)));
  const auto threads = static_cast<std::size_t>(state.range(1));
  const std::size_t n = d.rows.size();
  for (auto _ : state) {
    std::vector<aggregate::aggregator> parts;
    for (std::size_t w = 0; w < threads; ++w)
      parts.emplace_back(d.l.buildings, d.l.sensors,
                         aggregate::aggregator_options{.sensor_scope = false,
                                                       .building_scope = true,
                                                       .costs = nullptr,
                                                       .threads = static_cast<unsigned>(threads)});
    const auto share = [&](std::size_t w) {
      const std::size_t from = n * w / threads, to = n * (w + 1) / threads;
      parts[w].reserve(to - from);
      parts[w].add(std::span(d.position).subspan(from, to - from),
                   std::span(d.rows.ts).subspan(from, to - from),
                   std::span(d.rows.value).subspan(from, to - from));
    };
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < threads; ++w)
      pool.emplace_back(share, w);
    share(0);
    for (auto& t : pool)
      t.join();
    for (std::size_t w = 1; w < threads; ++w)
      parts[0].merge(std::move(parts[w]));
    const auto r = parts[0].finish();
    benchmark::DoNotOptimize(r.daily.data());
  }
  count_rows(state, d);
}

/// Each zone's local hour bucket of every quarter-hour of the range, and the local day of every
/// bucket: the tables both C folds precompute.
struct zone_tables {
  std::size_t nq = 0;
  std::vector<std::uint32_t> bucket_of;  ///< [zone][quarter]
  std::vector<std::uint32_t> day_of;     ///< [zone][bucket]
  std::vector<std::uint32_t> buckets;    ///< per zone
  explicit zone_tables(std::size_t quarters) : nq(quarters) {
    const std::size_t nz = std::size(zones);
    bucket_of.assign(nz * nq, 0);
    day_of.assign(nz * (nq + 8), 0);
    buckets.assign(nz, 0);
    for (std::size_t z = 0; z < nz; ++z) {
      aggregate::local_calendar cal(find_zone(zones[z]));
      epoch_seconds start = 0, end = 0, day_end = 0;
      std::uint32_t b = 0, day = 0;
      cal.hour_span(t0, start, end);
      day_end = to_epoch(cal.bucket_of(resolution::day, from_epoch(start)).period.end);
      for (std::size_t q = 0; q < nq; ++q) {
        const epoch_seconds t = t0 + static_cast<epoch_seconds>(q) * 900;
        if (t >= end) {
          cal.hour_span(t, start, end);
          ++b;
          if (start >= day_end) {
            day_end = to_epoch(cal.bucket_of(resolution::day, from_epoch(start)).period.end);
            ++day;
          }
          day_of[z * (nq + 8) + b] = day;
        }
        bucket_of[z * nq + q] = b;
      }
      buckets[z] = b + 1;
    }
  }
};

/**
 * The memory-bandwidth floor: one pass that reads the three raw columns (sensor position, ts,
 * value: 20 bytes a row) and sums them, nothing else. No aggregation of these columns can take
 * less than reading them once; reported as GB/s of input.
 */
void reference_read_columns(benchmark::State& state) {
  const dataset& d = data_for(static_cast<int>(state.range(0)));
  const std::size_t n = d.rows.size();
  const std::uint32_t* pos = d.position.data();
  const epoch_seconds* ts = d.rows.ts.data();
  const milli* value = d.rows.value.data();
  for (auto _ : state) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i)
      sum += static_cast<std::int64_t>(pos[i]) + ts[i] + value[i];
    benchmark::DoNotOptimize(sum);
  }
  count_rows(state, d);
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(
                              n * (sizeof(std::uint32_t) + sizeof(epoch_seconds) + sizeof(milli))));
}

/**
 * Layout probe, not a reference: how much of the aggregator's add the grid's layout costs on its
 * own. The raw columns are written, last write wins, into 4-byte cells (2v + 1, as the
 * aggregator's) with no id lookup, no group-change path and no data-dependent branch, in one of
 * two layouts:
 * - layout 0, the aggregator's: tiles of 8 sensors × 64 quarter-hours ([slot][lane], 2,112 bytes
 *   apart, as `sizeof(tile)`), in a 2 MiB-aligned huge-page mapping, in the order the rows first
 *   touch them, the next cache line prefetched as the aggregator does;
 * - layout 1, the C fold's: one row of every sensor's cell per quarter-hour ([quarter][sensor]).
 * Argument 2 is the input order: 0 time-major (the data set), 1 sensor-major. The cells are
 * cleared inside the timed loop in both layouts (the aggregator clears reused tiles too); the tile
 * order table is built outside it.
 */
void layout_probe(benchmark::State& state) {
  const auto sensors_per_building = static_cast<int>(state.range(0));
  const bool tiles = state.range(1) == 0;
  const bool sensor_major = state.range(2) != 0;
  const dataset& d =
      sensor_major ? sensor_major_for(sensors_per_building) : data_for(sensors_per_building);
  constexpr std::size_t lanes = 8, slots = 64, tile_cells = lanes * slots;
  constexpr std::size_t tile_stride = tile_cells + 16;  // cells: 2,048 + 64 bytes
  const auto nq = static_cast<std::size_t>(intervals());
  const std::size_t ns = d.l.sensors.size(), n = d.rows.size();
  const std::size_t groups = (ns + lanes - 1) / lanes, windows = (nq + slots - 1) / slots;
  // Tile (group, window) -> its place in allocation order (first touch by the rows).
  std::vector<std::size_t> tile_at(groups * windows, ~std::size_t{0});
  std::size_t allocated = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto q = static_cast<std::size_t>((d.rows.ts[i] - t0) / 900);
    std::size_t& at = tile_at[(d.position[i] / lanes) * windows + q / slots];
    if (at == ~std::size_t{0}) at = (allocated++) * tile_stride;
  }
  const std::size_t cells = tiles ? allocated * tile_stride : ns * nq;
  const std::size_t bytes =
      (cells * sizeof(std::int32_t) + (std::size_t{2} << 20) - 1) & ~((std::size_t{2} << 20) - 1);
  void* raw = mmap(nullptr, bytes + (std::size_t{2} << 20), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) {
    state.SkipWithError("mmap failed");
    return;
  }
  auto* grid = reinterpret_cast<std::int32_t*>(
      (reinterpret_cast<std::uintptr_t>(raw) + (std::size_t{2} << 20) - 1) &
      ~((std::size_t{2} << 20) - 1));
  (void)madvise(grid, bytes, MADV_HUGEPAGE);
  std::memset(grid, 0, bytes);  // faulted in outside the timed loop
  const std::uint32_t* pos = d.position.data();
  const epoch_seconds* ts = d.rows.ts.data();
  const milli* value = d.rows.value.data();
  std::int64_t superseded = 0;
  for (auto _ : state) {
    std::memset(grid, 0, cells * sizeof(std::int32_t));
    if (tiles) {
      for (std::size_t i = 0; i < n; ++i) {
        const auto q = static_cast<std::size_t>((ts[i] - t0) / 900);
        std::int32_t* row =
            grid + tile_at[(pos[i] / lanes) * windows + q / slots] + (q % slots) * lanes;
        __builtin_prefetch(row + 2 * lanes, 1);
        std::int32_t& cell = row[pos[i] % lanes];
        superseded += cell != 0;
        cell = static_cast<std::int32_t>(value[i] * 2 + 1);
      }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        std::int32_t& cell = grid[static_cast<std::size_t>((ts[i] - t0) / 900) * ns + pos[i]];
        superseded += cell != 0;
        cell = static_cast<std::int32_t>(value[i] * 2 + 1);
      }
    }
    benchmark::DoNotOptimize(grid);
    benchmark::ClobberMemory();
  }
  (void)munmap(raw, bytes + (std::size_t{2} << 20));
  count_rows(state, d);
  state.counters["superseded"] =
      static_cast<double>(superseded) / static_cast<double>(state.iterations());
}

/**
 * The hardware reference: a one-core C fold of the same raw columns into the same buckets, written
 * for this data set alone (one interval, one known range, sensor positions grouped by building):
 * - each zone's local hour bucket of every quarter-hour of the range, precomputed (a table);
 * - last write wins by a dense grid laid out as the rows arrive (quarter-hour major, sensors
 *   contiguous): the writes stream through memory instead of striding by a sensor's series;
 * - the fold reads the grid in the same order: per (quarter-hour, building) the sum of its
 *   sensors' present values (branch-free), added to the building's local hour bucket by table
 *   lookup; 15-minute demand is that sum × 4, its maximum per hour the peak; days from hours.
 * No ids, no costs, no summary rows, no generality: what the aggregator does, minus everything a
 * library needs to be safe on any input. The grid is allocated once, outside the timed loop (its
 * best case: no page faults; the presence bytes are cleared each iteration), values left
 * uninitialised (read only where present).
 */
void reference_c_fold(benchmark::State& state) {
  const dataset& d = data_for(static_cast<int>(state.range(0)));
  const auto per_building = static_cast<std::size_t>(state.range(0));
  const auto nq = static_cast<std::size_t>(intervals());
  const std::size_t nb = d.l.buildings.size(), ns = d.l.sensors.size(), n = d.rows.size();
  auto grid = std::make_unique_for_overwrite<milli[]>(ns * nq);
  std::vector<std::uint8_t> seen(ns * nq, 1);  // touched once here: no page faults when timed
  for (std::size_t i = 0; i < ns * nq; i += 512)
    grid[i] = 0;
  for (auto _ : state) {
    const zone_tables tables(nq);
    const std::size_t nz = std::size(zones);
    // Last write wins: a dense grid, [quarter][sensor].
    std::fill(seen.begin(), seen.end(), std::uint8_t{0});
    const std::uint32_t* pos = d.position.data();
    const epoch_seconds* ts = d.rows.ts.data();
    const milli* value = d.rows.value.data();
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t cell = static_cast<std::size_t>((ts[i] - t0) / 900) * ns + pos[i];
      grid[cell] = value[i];
      seen[cell] = 1;
    }
    // The fold, in grid order.
    const std::size_t hb = nq / 4 + 8;
    std::vector<milli> energy(nb * hb, 0), peak(nb * hb, 0);
    std::vector<std::int64_t> count(nb * hb, 0);
    for (std::size_t q = 0; q < nq; ++q) {
      const milli* row = grid.get() + q * ns;
      const std::uint8_t* present = seen.data() + q * ns;
      for (std::size_t b = 0; b < nb; ++b) {
        milli sum = 0;
        std::int64_t k = 0;
        for (std::size_t s = b * per_building; s < (b + 1) * per_building; ++s) {
          sum += present[s] != 0 ? row[s] : 0;
          k += present[s];
        }
        const std::size_t o = b * hb + tables.bucket_of[(b % nz) * nq + q];
        energy[o] += sum;
        count[o] += k;
        peak[o] = std::max(peak[o], sum * 4);
      }
    }
    std::vector<milli> days(nb * hb, 0);
    for (std::size_t b = 0; b < nb; ++b) {
      const std::size_t z = b % nz;
      for (std::size_t h = 0; h < tables.buckets[z]; ++h)
        days[b * hb + tables.day_of[z * (nq + 8) + h]] += energy[b * hb + h];
    }
    benchmark::DoNotOptimize(days.data());
    benchmark::DoNotOptimize(peak.data());
    benchmark::DoNotOptimize(count.data());
  }
  count_rows(state, d);
}

/// *Weaker reference, kept labelled:* the same C fold with the grid laid out sensor-major
/// ([sensor][quarter]) while the rows arrive time-major, so every write lands a series-length
/// stride away from the previous one (a cache and TLB miss a row). This is what the C fold looked
/// like before issue #18's follow-up; it is 10-30x slower than `reference_c_fold`.
void reference_c_fold_sensor_major(benchmark::State& state) {
  const dataset& d = data_for(static_cast<int>(state.range(0)));
  const auto per_building = static_cast<std::size_t>(state.range(0));
  const auto nq = static_cast<std::size_t>(intervals());
  const std::size_t nb = d.l.buildings.size(), ns = d.l.sensors.size(), n = d.rows.size();
  std::vector<milli> grid(ns * nq);
  std::vector<std::uint8_t> seen(ns * nq, 1);  // allocated once, as in `reference_c_fold`
  for (auto _ : state) {
    const zone_tables tables(nq);
    const std::size_t nz = std::size(zones);
    std::fill(seen.begin(), seen.end(), std::uint8_t{0});
    const std::uint32_t* pos = d.position.data();
    const epoch_seconds* ts = d.rows.ts.data();
    const milli* value = d.rows.value.data();
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t cell = pos[i] * nq + static_cast<std::size_t>((ts[i] - t0) / 900);
      grid[cell] = value[i];
      seen[cell] = 1;
    }
    const std::size_t hb = nq / 4 + 8;
    std::vector<milli> energy(nb * hb, 0), quarter(nb * nq, 0), peak(nb * hb, 0);
    std::vector<std::int64_t> count(nb * hb, 0);
    for (std::size_t s = 0; s < ns; ++s) {
      const std::size_t b = s / per_building, z = b % nz;
      const std::uint32_t* table = tables.bucket_of.data() + z * nq;
      for (std::size_t q = 0; q < nq; ++q) {
        if (seen[s * nq + q] == 0) continue;
        const milli v = grid[s * nq + q];
        energy[b * hb + table[q]] += v;
        ++count[b * hb + table[q]];
        quarter[b * nq + q] += v;
      }
    }
    std::vector<milli> days(nb * hb, 0);
    for (std::size_t b = 0; b < nb; ++b) {
      const std::size_t z = b % nz;
      for (std::size_t q = 0; q < nq; ++q) {
        milli& p = peak[b * hb + tables.bucket_of[z * nq + q]];
        p = std::max(p, quarter[b * nq + q] * 4);
      }
      for (std::size_t h = 0; h < tables.buckets[z]; ++h)
        days[b * hb + tables.day_of[z * (nq + 8) + h]] += energy[b * hb + h];
    }
    benchmark::DoNotOptimize(days.data());
    benchmark::DoNotOptimize(peak.data());
    benchmark::DoNotOptimize(count.data());
  }
  count_rows(state, d);
}

/// Reference: sensor -> building lookup (same id cache + hash map as the aggregator), then a flat
/// array indexed by (building, UTC hour); UTC days summed from it. No zones, no peaks, no costs.
void reference_utc(benchmark::State& state) {
  const dataset& d = data_for(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    std::unordered_map<uuid, std::uint32_t> bindex;
    for (std::size_t b = 0; b < d.l.buildings.size(); ++b)
      bindex.emplace(d.l.buildings[b].id, static_cast<std::uint32_t>(b));
    std::vector<std::pair<uuid, std::uint32_t>> entries;
    for (const auto& s : d.l.sensors)
      entries.emplace_back(s.id, bindex.at(s.building_id));
    id_table building_of(entries);
    const std::size_t hours = static_cast<std::size_t>(intervals()) / 4 + 1;
    std::vector<milli> sums(d.l.buildings.size() * hours, 0);
    const std::size_t n = d.rows.size();
    for (std::size_t i = 0; i < n; ++i) {  // no de-duplication: a weaker reference
      const std::uint32_t b = building_of.at(d.rows.sensor_id[i]);
      sums[b * hours + static_cast<std::size_t>((d.rows.ts[i] - t0) / 3600)] += d.rows.value[i];
    }
    std::vector<milli> days(d.l.buildings.size() * (hours / 24 + 1), 0);
    for (std::size_t b = 0; b < d.l.buildings.size(); ++b)
      for (std::size_t h = 0; h < hours; ++h)
        days[b * (hours / 24 + 1) + h / 24] += sums[b * hours + h];
    benchmark::DoNotOptimize(days.data());
  }
  count_rows(state, d);
}

/// Streamed: readings generated in 64 Ki-row chunks and aggregated as they come, so the process's
/// peak RSS shows the aggregator's memory (run 10^6 and 10^7 in separate processes to compare).
/// Second argument: passes over the same readings (the same sensors and buckets, `passes` times the
/// readings), which isolates the number of readings from the number of sensors and buckets.
void streamed(benchmark::State& state) {
  const layout l = make_layout(static_cast<int>(state.range(0)));
  const auto passes = static_cast<std::size_t>(state.range(1));
  std::size_t bytes = 0, readings = 0;
  for (auto _ : state) {
    aggregate::aggregator agg(l.buildings, l.sensors, {false, true, nullptr});
    reading_rows chunk;
    chunk.reserve(1 << 16);
    readings = 0;
    for (std::size_t pass = 0; pass < passes; ++pass) {
      generator g{&l};
      while (g.fill(chunk, 1 << 16))
        agg.add(chunk);
      readings += g.total();
    }
    const auto r = agg.finish();
    benchmark::DoNotOptimize(r.daily.data());
    bytes = agg.memory_bytes();
  }
  state.counters["readings"] = static_cast<double>(readings);
  state.counters["aggregator_KiB"] = static_cast<double>(bytes) / 1024.0;
  state.counters["max_rss_MiB"] = max_rss_mb();
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const std::vector<int> sizes = smoke() ? std::vector<int>{2} : std::vector<int>{20, 200};
  for (const int s : sizes) {
    benchmark::RegisterBenchmark("reference_utc_flat_array", reference_utc)
        ->Arg(s)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(smoke() ? 1 : 5);
    benchmark::RegisterBenchmark("local_time_building_hourly_daily", local_time)
        ->Arg(s)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(smoke() ? 1 : 5);
    benchmark::RegisterBenchmark("local_time_by_sensor_position", local_time_columns)
        ->Args({s, 0})
        ->Unit(benchmark::kMillisecond)
        ->Iterations(smoke() ? 1 : 5);
    benchmark::RegisterBenchmark("local_time_by_sensor_position_sensor_major", local_time_columns)
        ->Args({s, 1})
        ->Unit(benchmark::kMillisecond)
        ->Iterations(smoke() ? 1 : 5);
    benchmark::RegisterBenchmark("reference_c_fold", reference_c_fold)
        ->Arg(s)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(smoke() ? 1 : 5);
    benchmark::RegisterBenchmark("reference_read_columns", reference_read_columns)
        ->Arg(s)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(smoke() ? 1 : 5);
    benchmark::RegisterBenchmark("reference_c_fold_sensor_major", reference_c_fold_sensor_major)
        ->Arg(s)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(smoke() ? 1 : 5);
    for (const int layout : {0, 1})
      for (const int order : {0, 1})
        benchmark::RegisterBenchmark("layout_probe", layout_probe)
            ->Args({s, layout, order})
            ->Unit(benchmark::kMillisecond)
            ->Iterations(smoke() ? 1 : 5);
    for (const int threads : {1, 2})
      benchmark::RegisterBenchmark("local_time_by_sensor_position_threads",
                                   local_time_columns_threads)
          ->Args({s, threads})
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->Iterations(smoke() ? 1 : 5);
  }
  for (const int s : sizes)
    benchmark::RegisterBenchmark("streamed", streamed)
        ->Args({s, 1})
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1);
  benchmark::RegisterBenchmark("streamed", streamed)
      ->Args({sizes.front(), 10})
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
