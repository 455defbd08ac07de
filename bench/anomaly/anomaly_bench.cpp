// SPDX-License-Identifier: Apache-2.0
// All anomaly detectors over one year of 15-minute data for one building (35,040 rows), against a
// reference measured in the same run: one pass of a 96-interval rolling mean over the same series.
// The series is a deterministic synthetic office load (weekday 07:00-19:00 occupied, noise, a few
// anomalies) so the benchmark needs no data files. ENERGY_BENCH_SMOKE=1: two weeks only.
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

#include <benchmark/benchmark.h>

#include <energy/anomaly/detector.hpp>

namespace {

using namespace energy;

struct fixture {
  std::vector<epoch_seconds> ts;
  std::vector<milli> value;
  energy::baseline::prediction expected;  // kWh, as a baseline model predicts
  const time_zone zone = find_zone("America/New_York");
  anomaly::meter_series series;

  fixture() {
    const bool smoke = std::getenv("ENERGY_BENCH_SMOKE") != nullptr;
    const std::size_t n = smoke ? 14 * 96 : 365 * 96;
    const epoch_seconds start = 1704085200;  // 2024-01-01T00:00 America/New_York
    std::mt19937_64 g(42);
    std::normal_distribution<double> noise(0.0, 0.05);
    auto how = [&](epoch_seconds t) {
      return anomaly::hour_of_week(std::span<const epoch_seconds>(&t, 1), zone)[0];
    };
    ts.resize(n);
    value.resize(n);
    expected.expected.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      ts[i] = start + static_cast<epoch_seconds>(i) * 900;
      const int h = how(ts[i]);
      const bool occ = h < 5 * 24 && h % 24 >= 7 && h % 24 < 19;
      const double kwh = (occ ? 25.0 : 8.0) * (1.0 + noise(g));
      expected.expected[i] = occ ? 25.0 : 8.0;
      value[i] = static_cast<milli>(std::llround(kwh * 1000.0));
    }
    for (std::size_t i = n / 3; i < n / 3 + 200; ++i)
      value[i] *= 2;                     // a level shift
    if (n > 5000) value[5000] = 400000;  // a spike
    series.building_id = uuid::parse("00000000-0000-7000-8000-000000000002");
    series.interval_seconds = 900;
    series.ts = ts;
    series.value = value;
  }
};

fixture& data() {
  static fixture f;
  return f;
}

/// The four detectors, in the order of BM_one_detector's argument.
std::vector<anomaly::any_detector> all_detectors() {
  alert_config cfg;
  cfg.threshold = 400000;
  cfg.window = alert_window::hour;
  return {anomaly::threshold_detector{cfg}, anomaly::deviation_detector{},
          anomaly::data_quality_detector{}, anomaly::after_hours_detector{}};
}

void BM_reference_rolling_mean(benchmark::State& state) {
  auto& f = data();
  std::vector<double> out(f.value.size());
  for (auto _ : state) {
    double sum = 0.0;
    for (std::size_t i = 0; i < f.value.size(); ++i) {
      sum += static_cast<double>(f.value[i]);
      if (i >= 96) sum -= static_cast<double>(f.value[i - 96]);
      out[i] = sum / static_cast<double>(std::min<std::size_t>(i + 1, 96));
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.value.size()));
}
BENCHMARK(BM_reference_rolling_mean)->Unit(benchmark::kMicrosecond);

void BM_all_detectors(benchmark::State& state) {
  auto& f = data();
  const auto detectors = all_detectors();
  const anomaly::detection_input in{f.series, f.zone, &f.expected};
  std::size_t found = 0;
  for (auto _ : state) {
    auto a = anomaly::detect_all(in, detectors);
    found = a.size();
    benchmark::DoNotOptimize(a.data());
  }
  state.counters["anomalies"] = static_cast<double>(found);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * f.value.size()));
}
BENCHMARK(BM_all_detectors)->Unit(benchmark::kMillisecond);

/// Each detector alone (argument: 0 threshold, 1 deviation, 2 data quality, 3 after hours).
void BM_one_detector(benchmark::State& state) {
  auto& f = data();
  const auto all = all_detectors();
  const auto& d = all[static_cast<std::size_t>(state.range(0))];
  state.SetLabel(std::string(d.name()));
  const anomaly::detection_input in{f.series, f.zone, &f.expected};
  for (auto _ : state) {
    auto a = d.detect(in);
    benchmark::DoNotOptimize(a.data());
  }
}
BENCHMARK(BM_one_detector)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
