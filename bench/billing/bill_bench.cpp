// SPDX-License-Identifier: Apache-2.0
// Bill calculation for one year of 15-minute data (35,040 intervals) under a TOU + demand tariff
// (the SCE GS-2 TOU B structure: 5 TOU energy periods, 3 TOU demand periods, flat demand, fixed
// charge), America/Los_Angeles, against a reference loop over the same intervals in the same run.
// ENERGY_BENCH_SMOKE=1 (CTest) shrinks the data to one day.
#include <benchmark/benchmark.h>

#include <energy/billing/bill.hpp>

#include <cstdlib>

using namespace energy;
using namespace energy::billing;

namespace {

bool smoke() {
  return std::getenv("ENERGY_BENCH_SMOKE") != nullptr;
}

time_zone zone() {
  return find_zone("America/Los_Angeles");
}

rate_period one(const char* price) {
  return rate_period{{rate_tier{std::nullopt, *money::parse(price), money{}}}};
}

tariff gs2_like() {
  tariff t;
  t.name = "SCE GS-2 TOU B structure";
  t.fixed_charge = *money::parse("259.2");
  t.energy_periods = {one("0.0712"), one("0.09368"), one("0.066"), one("0.08888"), one("0.1355")};
  t.demand_periods = {one("0"), one("5.3"), one("18.11")};
  t.flat_demand_periods = {one("13.2")};
  for (std::size_t m = 0; m < 12; ++m) {
    const bool summer = m >= 5 && m <= 8;
    for (std::size_t h = 0; h < 24; ++h) {
      const bool day = h >= 8 && h <= 20;
      const bool peak = h >= 12 && h < 18;
      const bool mid = h >= 8 && h < 23 && !peak;
      t.energy_weekday[m][h] = summer ? (peak ? 4 : mid ? 3 : 2) : (day ? 1 : 0);
      t.energy_weekend[m][h] = summer ? 2 : 0;
      t.demand_weekday[m][h] = summer ? (peak ? 2 : mid ? 1 : 0) : 0;
    }
  }
  return t;
}

struct fixture {
  interval_series data;
  time_range year;
  tariff t = gs2_like();
  fixture() {
    const auto z = zone();
    const auto start = z.first_instant(std::chrono::local_days{std::chrono::year{2023} / 1 / 1});
    const auto end =
        smoke() ? start + std::chrono::hours{24}
                : z.first_instant(std::chrono::local_days{std::chrono::year{2024} / 1 / 1});
    year = {start, end};
    data.interval_seconds = 900;
    std::uint64_t x = 88172645463325252ULL;  // xorshift: deterministic, load-like noise
    for (auto t0 = start; t0 < end; t0 += std::chrono::seconds{900}) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      const auto hour = ((to_epoch(t0) - 8 * 3600) / 3600) % 24;
      const milli base = (hour >= 7 && hour < 19) ? 250'000 : 80'000;  // Wh per 15 min
      data.start.push_back(to_epoch(t0));
      data.energy.push_back(base + static_cast<milli>(x % 40'000));
    }
  }
};

const fixture& fx() {
  static const fixture f;
  return f;
}

void bill_one_year(benchmark::State& state) {
  const auto& f = fx();
  const auto z = zone();
  for (auto _ : state) {
    auto b = compute_bill(f.data, f.t, z, f.year);
    benchmark::DoNotOptimize(b.total);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(f.data.size()));
  state.counters["intervals"] = static_cast<double>(f.data.size());
}
BENCHMARK(bill_one_year)->Unit(benchmark::kMicrosecond);

void bill_twelve_months(benchmark::State& state) {
  const auto& f = fx();
  const auto z = zone();
  std::vector<time_range> months;
  if (smoke()) {
    months.push_back(f.year);
  } else {
    for (unsigned m = 1; m <= 12; ++m) {
      const auto a = z.first_instant(
          std::chrono::local_days{std::chrono::year{2023} / std::chrono::month{m} / 1});
      const auto b = z.first_instant(std::chrono::local_days{
          (std::chrono::year{2023} / std::chrono::month{m} / 1) + std::chrono::months{1}});
      months.push_back({a, b});
    }
  }
  for (auto _ : state) {
    money sum;
    for (const auto& p : months)
      sum += compute_bill(f.data, f.t, z, p).total;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(f.data.size()));
}
BENCHMARK(bill_twelve_months)->Unit(benchmark::kMicrosecond);

/// Reference: the same intervals × one rate in a plain loop (the floor any bill calculation pays).
void reference_sum_times_rate(benchmark::State& state) {
  const auto& f = fx();
  const std::int64_t rate_micros = 93'680;
  for (auto _ : state) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < f.data.size(); ++i)
      sum += f.data.energy[i] * rate_micros;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(f.data.size()));
}
BENCHMARK(reference_sum_times_rate)->Unit(benchmark::kMicrosecond);

/// Reference 2: the plain loop with a local-time TOU lookup per interval through date-tz
/// (time_zone::offset_at, a tz database search, per interval): what a naive implementation pays.
void reference_naive_tou_lookup(benchmark::State& state) {
  const auto& f = fx();
  const auto z = zone();
  std::array<std::int64_t, 5> price{};
  for (std::size_t p = 0; p < 5; ++p)
    price[p] = f.t.energy_periods[p].tiers[0].price().micros();
  for (auto _ : state) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < f.data.size(); ++i) {
      const auto t = from_epoch(f.data.start[i]);
      const auto local = t + z.offset_at(t);
      const auto day = std::chrono::floor<std::chrono::days>(local);
      const std::chrono::year_month_day ymd{day};
      const std::chrono::weekday wd{day};
      const auto hour = static_cast<std::size_t>((local - day).count() / 3600);
      const auto m = static_cast<unsigned>(ymd.month()) - 1;
      const auto& s = (wd == std::chrono::Saturday || wd == std::chrono::Sunday)
                          ? f.t.energy_weekend
                          : f.t.energy_weekday;
      sum += f.data.energy[i] * price[s[m][hour]];
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(f.data.size()));
}
BENCHMARK(reference_naive_tou_lookup)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
