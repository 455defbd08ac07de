// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <energy/baseline/metrics.hpp>
#include <energy/baseline/parallel.hpp>
#include <energy/baseline/towt.hpp>

#include "sample_data.hpp"
#include "synthetic.hpp"

using namespace energy::baseline;
using energy::epoch_seconds;
namespace s = energy::baseline::sample;
namespace syn = energy::baseline::synthetic;

namespace {
constexpr const char* zone = "America/Chicago";
const epoch_seconds start = s::utc("2023-01-02T00:00:00-06:00");

towt_options opts() {
  towt_options o{.zone = energy::time_zone{zone}};
  return o;
}
}  // namespace

TEST_CASE("Piecewise temperature components sum to the temperature and respect the knots",
          "[baseline][towt]") {
  const std::vector<double> knots{40, 50, 70};
  std::vector<double> c(4);
  for (double t : {-10.0, 40.0, 45.0, 60.0, 95.0}) {
    temperature_components(t, knots, c);
    CHECK(c[0] + c[1] + c[2] + c[3] == Approx(t));
  }
  temperature_components(60, knots, c);
  CHECK(c == std::vector<double>{40, 10, 10, 0});
  temperature_components(95, knots, c);
  CHECK(c == std::vector<double>{40, 10, 20, 25});
}

TEST_CASE(
    "TOWT recovers the time-of-week coefficients, slopes and schedule of noiseless hourly data",
    "[baseline][towt]") {
  const auto truth = syn::make_truth();
  std::vector<double> temp;
  const load_series l = syn::make_load(truth, start, 365 * 24, 3600, zone, 0.0, temp);
  const towt_model m = fit_towt(l, temp, opts());
  REQUIRE(m.knots.size() == 5);
  CHECK_FALSE(m.rank_deficient);
  CHECK(m.observations == l.size());
  CHECK(m.parameters == 168 + 12);
  for (std::size_t s = 0; s < 168; ++s) {
    CHECK(m.occupied[s] == (syn::scheduled(s) ? 1 : 0));
    CHECK(m.tow_coefficients[s] == Approx(truth.alpha[s]).epsilon(1e-9));
  }
  for (double b : m.occupied_slopes)
    CHECK(b == Approx(truth.occupied_slope).epsilon(1e-9));
  for (double b : m.unoccupied_slopes)
    CHECK(b == Approx(truth.unoccupied_slope).epsilon(1e-9));
  const prediction p = predict(m, l.ts, temp);
  for (std::size_t i = 0; i < l.size(); i += 97)
    CHECK(p.expected[i] == Approx(l.kwh[i]).epsilon(1e-9));
}

TEST_CASE("TOWT on 15-minute data gives coefficients per 15-minute interval", "[baseline][towt]") {
  const auto truth = syn::make_truth();
  std::vector<double> temp;
  const load_series l = syn::make_load(truth, start, 120 * 24 * 4, 900, zone, 0.0, temp);
  const towt_model m = fit_towt(l, temp, opts());
  CHECK(m.interval_seconds == 900);
  for (std::size_t s = 0; s < 168; s += 7)
    CHECK(m.tow_coefficients[s] == Approx(truth.alpha[s] / 4).epsilon(1e-9));
  CHECK(m.occupied_slopes.front() == Approx(truth.occupied_slope / 4).epsilon(1e-9));
  const prediction p = predict(m, l.ts, temp);
  for (std::size_t i = 0; i < l.size(); i += 101)
    CHECK(p.expected[i] == Approx(l.kwh[i]).epsilon(1e-9));
}

TEST_CASE("TOWT passes Guideline 14 hourly on a building-like series with realistic noise",
          "[baseline][towt]") {
  const auto truth = syn::make_truth();
  std::vector<double> temp;
  const load_series l = syn::make_load(truth, start, 365 * 24, 3600, zone, 8.0, temp);
  const towt_model m = fit_towt(l, temp, opts());
  const fit_metrics fm = compute_metrics(l.kwh, predict(m, l.ts, temp).expected, m.parameters);
  CHECK(passes_guideline14(fm, data_resolution::hourly));
  CHECK(fm.r_squared > 0.9);
}

TEST_CASE("Rows with missing temperature are left out of the fit and predicted as NaN",
          "[baseline][towt][gaps]") {
  const auto truth = syn::make_truth();
  std::vector<double> temp;
  load_series l = syn::make_load(truth, start, 60 * 24, 3600, zone, 0.0, temp);
  for (std::size_t i = 100; i < 110; ++i) {
    temp[i] = std::nan("");
    l.kwh[i] = 1e6;  // would wreck the fit if it were used
  }
  l.kwh[200] = std::nan("");
  const towt_model m = fit_towt(l, temp, opts());
  CHECK(m.observations == l.size() - 11);
  const prediction p = predict(m, l.ts, temp);
  CHECK(std::isnan(p.expected[105]));
  CHECK(std::isnan(p.lower[105]));
  CHECK(std::isnan(p.upper[105]));
  CHECK(p.expected[120] ==
        Approx(truth.alpha[time_of_week(std::vector<epoch_seconds>{l.ts[120]},
                                        energy::time_zone{zone})[0]] +
               (syn::scheduled(
                    time_of_week(std::vector<epoch_seconds>{l.ts[120]}, energy::time_zone{zone})[0])
                    ? truth.occupied_slope
                    : truth.unoccupied_slope) *
                   temp[120])
            .epsilon(1e-9));
}

TEST_CASE("Time-of-week slots without data get NaN coefficients and NaN predictions",
          "[baseline][towt]") {
  const auto truth = syn::make_truth();
  std::vector<double> temp;
  load_series l = syn::make_load(truth, start, 90 * 24, 3600, zone, 0.0, temp);
  const auto tow = time_of_week(l.ts, energy::time_zone{zone});
  for (std::size_t i = 0; i < l.size(); ++i)
    if (tow[i] == 30) l.kwh[i] = std::nan("");
  const towt_model m = fit_towt(l, temp, opts());
  CHECK(std::isnan(m.tow_coefficients[30]));
  CHECK(m.parameters == 167 + 12);
  const prediction p = predict(m, l.ts, temp);
  for (std::size_t i = 0; i < l.size(); ++i)
    if (tow[i] == 30) CHECK(std::isnan(p.expected[i]));
  CHECK(m.tow_coefficients[31] == Approx(truth.alpha[31]).epsilon(1e-9));
}

TEST_CASE("Collinear temperature columns fall back to a minimum-norm solution that still fits",
          "[baseline][towt]") {
  // Temperature fixed per time-of-week slot: temperature terms are collinear with the slots.
  const auto truth = syn::make_truth();
  std::vector<double> temp;
  load_series l = syn::make_load(truth, start, 60 * 24, 3600, zone, 0.0, temp);
  const auto tow = time_of_week(l.ts, energy::time_zone{zone});
  for (std::size_t i = 0; i < l.size(); ++i) {
    temp[i] = 40.0 + (tow[i] % 24);
    l.kwh[i] = truth.alpha[tow[i]] + 0.5 * temp[i];
  }
  const towt_model m = fit_towt(l, temp, opts());
  CHECK(m.rank_deficient);
  CHECK(m.parameters < 168 + 12);
  const prediction p = predict(m, l.ts, temp);
  for (std::size_t i = 0; i < l.size(); i += 13)
    CHECK(p.expected[i] == Approx(l.kwh[i]).epsilon(1e-7));
}

TEST_CASE("fit_towt rejects mismatched sizes, bad intervals and empty input", "[baseline][towt]") {
  load_series l;
  l.ts = {0, 3600};
  l.kwh = {1, 2};
  const std::vector<double> t1{1};
  const std::vector<double> t2{1, 2};
  CHECK_THROWS_AS(fit_towt(l, t1, opts()), std::invalid_argument);
  l.interval_seconds = 7200;
  CHECK_THROWS_WITH(fit_towt(l, t2, opts()), Catch::Contains("divide 3600"));
  l.interval_seconds = 3600;
  const std::vector<double> nan2{std::nan(""), std::nan("")};
  CHECK_THROWS_WITH(fit_towt(l, nan2, opts()), Catch::Contains("no row"));
}

TEST_CASE("Fitting many buildings gives identical models whatever the thread count",
          "[baseline][parallel]") {
  std::vector<towt_job> jobs;
  for (unsigned b = 0; b < 9; ++b) {
    towt_job j{.options = opts()};
    auto truth = syn::make_truth();
    truth.occupied_slope += 0.1 * b;
    j.load = syn::make_load(truth, start, 120 * 24, 3600, zone, 3.0, j.temperature, 100 + b);
    jobs.push_back(std::move(j));
  }
  const auto one = fit_towt_many(jobs, 1);
  const auto three = fit_towt_many(jobs, 3);
  const auto all = fit_towt_many(jobs);
  for (std::size_t b = 0; b < jobs.size(); ++b) {
    const towt_model direct = fit_towt(jobs[b].load, jobs[b].temperature, jobs[b].options);
    for (const auto* m : {&one[b], &three[b], &all[b]}) {
      CHECK(m->tow_coefficients == direct.tow_coefficients);
      CHECK(m->occupied_slopes == direct.occupied_slopes);
      CHECK(m->unoccupied_slopes == direct.unoccupied_slopes);
      CHECK(m->residual_upper == direct.residual_upper);
    }
  }
}

TEST_CASE("parallel_for runs every index once and rethrows the lowest failing index",
          "[baseline][parallel]") {
  std::vector<int> hits(1000, 0);
  parallel_for(
      hits.size(), [&](std::size_t i) { hits[i] += 1; }, 4);
  CHECK(std::count(hits.begin(), hits.end(), 1) == 1000);
  CHECK_THROWS_WITH(parallel_for(
                        50,
                        [](std::size_t i) {
                          if (i == 17 || i == 40)
                            throw std::runtime_error("index " + std::to_string(i));
                        },
                        3),
                    "index 17");
}
