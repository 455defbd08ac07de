// SPDX-License-Identifier: Apache-2.0
// Baseline benchmarks (docs/benchmarks/baselines.md):
//  - BM_towt_fit_one_year: one TOWT fit on the IL baseline year (8,784 hourly rows, real
//    temperatures), the C++ side of the scikit-learn comparison
//    (bench/baselines/sklearn_compare.py);
//  - BM_caltrack_hourly_fit_one_year: one CalTRACK hourly fit (twelve three-month-weighted
//    segments) on the IL year 2016-01-01 -> 2016-12-31 (365 days, CalTRACK's maximum); its
//    reference is BM_towt_fit_one_year in the same run;
//  - BM_portfolio_fit_forecast/threads: 1,000 buildings x one year hourly fitted and forecast
//    4 weeks ahead, with 1 thread (the reference) and all threads.
// ENERGY_BENCH_SMOKE=1 shrinks the portfolio to 4 buildings (CTest smoke run).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <thread>
#include <vector>

#include <energy/baseline/caltrack_hourly.hpp>
#include <energy/baseline/parallel.hpp>
#include <energy/baseline/towt.hpp>

#include "sample_data.hpp"
#include "synthetic.hpp"

using namespace energy::baseline;
using energy::epoch_seconds;
namespace s = energy::baseline::sample;

namespace {

bool smoke() {
  return std::getenv("ENERGY_BENCH_SMOKE") != nullptr;
}

struct il_data {
  load_series base;
  std::vector<double> base_temp;
  temperature_series temps;
};

const il_data& il() {
  static const il_data d = [] {
    il_data x;
    const std::string dir = s::data_dir() + "/eemeter";
    const auto load = s::read_offset_csv(dir + "/il-electricity-cdd-only-hourly.csv");
    x.temps = s::to_temperature(s::read_offset_csv(dir + "/il-electricity-cdd-hdd-tempF.csv"));
    x.base = s::to_load(
        s::window(load, s::utc("2015-12-26T00:00:00-06:00"), s::utc("2016-12-26T00:00:00-06:00")),
        3600);
    x.base_temp = align_temperature(x.base.ts, x.temps);
    return x;
  }();
  return d;
}

void BM_towt_fit_one_year(benchmark::State& state) {
  const il_data& d = il();
  const towt_options o{.zone = energy::time_zone{"America/Chicago"}};
  for (auto _ : state) {
    towt_model m = fit_towt(d.base, d.base_temp, o);
    benchmark::DoNotOptimize(m.tow_coefficients.data());
  }
  state.counters["rows"] = static_cast<double>(d.base.size());
}
BENCHMARK(BM_towt_fit_one_year)->Unit(benchmark::kMillisecond);

void BM_caltrack_hourly_fit_one_year(benchmark::State& state) {
  static const std::pair<load_series, std::vector<double>> year = [] {
    const std::string dir = s::data_dir() + "/eemeter";
    load_series l = s::to_load(
        s::window(s::read_offset_csv(dir + "/il-electricity-cdd-only-hourly.csv"),
                  s::utc("2016-01-01T00:00:00-06:00"), s::utc("2016-12-31T00:00:00-06:00")),
        3600);
    std::vector<double> t = align_temperature(l.ts, il().temps);
    return std::pair{std::move(l), std::move(t)};
  }();
  const caltrack_hourly_options o{.zone = energy::time_zone{"America/Chicago"},
                                  .unit = temperature_unit::fahrenheit};
  for (auto _ : state) {
    caltrack_hourly_model m = fit_caltrack_hourly(year.first, year.second, o);
    benchmark::DoNotOptimize(m.segments.data());
  }
  state.counters["rows"] = static_cast<double>(year.first.size());
}
BENCHMARK(BM_caltrack_hourly_fit_one_year)->Unit(benchmark::kMillisecond);

/// A portfolio: every building gets the real IL temperatures of one year and a synthetic load
/// with its own schedule scale, slopes and noise seed; the forecast horizon is the 4 weeks after.
struct portfolio {
  std::vector<towt_job> jobs;
  std::vector<epoch_seconds> horizon_ts;
  std::vector<double> horizon_temp;
};

const portfolio& make_portfolio() {
  static const portfolio p = [] {
    portfolio x;
    const il_data& d = il();
    const std::size_t buildings = smoke() ? 4 : 1000;
    const energy::time_zone chicago{"America/Chicago"};
    const std::vector<std::uint8_t> tow = time_of_week(d.base.ts, chicago);
    for (std::size_t b = 0; b < buildings; ++b) {
      auto truth = synthetic::make_truth();
      const double scale = 0.5 + static_cast<double>(b % 17) / 10.0;
      truth.occupied_slope = 0.3 + 0.05 * static_cast<double>(b % 11);
      std::mt19937_64 rng(b);
      std::normal_distribution<double> eps(0.0, 4.0);
      towt_job j{.options = {.zone = chicago}};
      j.load.interval_seconds = 3600;
      j.load.ts = d.base.ts;
      j.temperature = d.base_temp;
      j.load.kwh.resize(d.base.size());
      for (std::size_t i = 0; i < d.base.size(); ++i) {
        const double slope =
            synthetic::scheduled(tow[i]) ? truth.occupied_slope : truth.unoccupied_slope;
        j.load.kwh[i] = scale * truth.alpha[tow[i]] + slope * d.base_temp[i] + eps(rng);
      }
      x.jobs.push_back(std::move(j));
    }
    const epoch_seconds h0 = d.base.ts.back() + 3600;
    for (epoch_seconds t = h0; t < h0 + 28 * 86400; t += 3600)
      x.horizon_ts.push_back(t);
    x.horizon_temp = align_temperature(x.horizon_ts, d.temps);
    return x;
  }();
  return p;
}

void BM_portfolio_fit_forecast(benchmark::State& state) {
  const portfolio& p = make_portfolio();
  const auto threads = static_cast<unsigned>(state.range(0));
  std::vector<double> total(p.jobs.size());
  for (auto _ : state) {
    parallel_for(
        p.jobs.size(),
        [&](std::size_t i) {
          const towt_model m = fit_towt(p.jobs[i].load, p.jobs[i].temperature, p.jobs[i].options);
          const prediction f = predict(m, p.horizon_ts, p.horizon_temp);
          double sum = 0;
          for (double v : f.expected)
            sum += v;
          total[i] = sum;
        },
        threads);
    benchmark::DoNotOptimize(total.data());
  }
  state.counters["buildings"] = static_cast<double>(p.jobs.size());
  state.counters["threads"] = threads == 0 ? std::thread::hardware_concurrency() : threads;
}
BENCHMARK(BM_portfolio_fit_forecast)
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Repetitions(3);

}  // namespace

BENCHMARK_MAIN();
