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
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <unordered_map>
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
  bool fill(reading_rows& rows, std::size_t chunk) {
    rows.clear();
    const std::size_t n = l->sensors.size();
    for (std::size_t k = 0; k < chunk && next < total(); ++k, ++next)
      rows.push_back(l->sensors[next % n].id, t0 + static_cast<epoch_seconds>(next / n) * 900,
                     value(rng));
    return !rows.empty();
  }
};

struct dataset {
  layout l;
  reading_rows rows;
};

const dataset& data_for(int sensors_per_building) {
  static std::map<int, dataset> cache;
  auto it = cache.find(sensors_per_building);
  if (it == cache.end()) {
    dataset d{make_layout(sensors_per_building), {}};
    generator g{&d.l};
    g.fill(d.rows, g.total());
    it = cache.emplace(sensors_per_building, std::move(d)).first;
  }
  return it->second;
}

double max_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

/// Local-time building summaries: hourly + daily (and monthly, which is cheap) with peaks and
/// costs.
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
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(d.rows.size()));
  state.counters["readings"] = static_cast<double>(d.rows.size());
  state.counters["hour_buckets"] = static_cast<double>(buckets);
  state.counters["day_buckets"] = static_cast<double>(days);
  state.counters["aggregator_KiB"] = static_cast<double>(bytes) / 1024.0;
}

/// The same aggregation with rows given by sensor position (the column path the Python binding
/// uses): positions are computed once, outside the timed loop, as a dataframe's codes would be.
void local_time_columns(benchmark::State& state) {
  const dataset& d = data_for(static_cast<int>(state.range(0)));
  std::unordered_map<uuid, std::uint32_t> position_of;
  for (std::size_t p = 0; p < d.l.sensors.size(); ++p)
    position_of.emplace(d.l.sensors[p].id, static_cast<std::uint32_t>(p));
  std::vector<std::uint32_t> positions(d.rows.size());
  for (std::size_t i = 0; i < d.rows.size(); ++i)
    positions[i] = position_of.at(d.rows.sensor_id[i]);
  for (auto _ : state) {
    aggregate::aggregator agg(d.l.buildings, d.l.sensors, {false, true, nullptr});
    agg.add(positions, d.rows.ts, d.rows.value);
    const auto r = agg.finish();
    benchmark::DoNotOptimize(r.daily.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(d.rows.size()));
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
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t b = building_of.at(d.rows.sensor_id[i]);
      sums[b * hours + static_cast<std::size_t>((d.rows.ts[i] - t0) / 3600)] += d.rows.value[i];
    }
    std::vector<milli> days(d.l.buildings.size() * (hours / 24 + 1), 0);
    for (std::size_t b = 0; b < d.l.buildings.size(); ++b)
      for (std::size_t h = 0; h < hours; ++h)
        days[b * (hours / 24 + 1) + h / 24] += sums[b * hours + h];
    benchmark::DoNotOptimize(days.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(d.rows.size()));
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
        ->Arg(s)
        ->Unit(benchmark::kMillisecond)
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
