// SPDX-License-Identifier: Apache-2.0
// CalTRACK hourly: segmentation weights, the bin-merge rule, occupancy, sufficiency errors and a
// noise-free fit. Expected values are hand computations from the CalTRACK rules.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <energy/baseline/caltrack_hourly.hpp>

#include "sample_data.hpp"
#include "synthetic.hpp"

using namespace energy::baseline;
using Catch::Matchers::Contains;
using energy::epoch_seconds;

namespace {
constexpr const char* zone = "America/Chicago";

/// `n` copies of `v` appended to `out`.
void add(std::vector<double>& out, std::size_t n, double v) {
  out.insert(out.end(), n, v);
}

caltrack_hourly_options options_f() {
  return caltrack_hourly_options{.zone = energy::time_zone{zone},
                                 .unit = temperature_unit::fahrenheit};
}

/// A year (365 days) of hourly synthetic rows from 2022-01-01 00:00 Chicago, noise free.
load_series year_of_rows(std::vector<double>& temp, const synthetic::towt_truth& truth) {
  const epoch_seconds start = sample::utc("2022-01-01T00:00:00-06:00");
  return synthetic::make_load(truth, start, 365 * 24, 3600, zone, 0.0, temp);
}
}  // namespace

TEST_CASE("Three-month weighted segments weigh the month 1 and its neighbours 0.5, cyclically") {
  CHECK(caltrack_segment_name(0) == "dec-jan-feb-weighted");
  CHECK(caltrack_segment_name(6) == "jun-jul-aug-weighted");
  CHECK(caltrack_segment_name(11) == "nov-dec-jan-weighted");
  CHECK(caltrack_segment_weight(0, 0) == 1.0);
  CHECK(caltrack_segment_weight(0, 1) == 0.5);
  CHECK(caltrack_segment_weight(0, 11) == 0.5);  // December before January
  CHECK(caltrack_segment_weight(11, 0) == 0.5);  // January after December
  CHECK(caltrack_segment_weight(0, 2) == 0.0);
  CHECK(caltrack_segment_weight(5, 9) == 0.0);
  CHECK(caltrack_segment_weight(5, 4, 0.25) == 0.25);
}

TEST_CASE(
    "Sparse outer bins are merged first, then sparse middle bins into their right neighbour") {
  const std::vector<double> candidates = {30, 45, 55, 65, 75, 90};
  std::vector<double> t;
  add(t, 5, 20);   // (-inf, 30]: 5  -> sparse first bin: endpoint 30 goes
  add(t, 50, 40);  // (30, 45]
  add(t, 10, 50);  // (45, 55]: 10 -> sparse middle bin, handled only once the outer bins pass
  add(t, 50, 60);  // (55, 65]
  add(t, 50, 70);  // (65, 75]
  add(t, 50, 80);  // (75, 90]
  add(t, 3, 95);   // (90, inf): 3 -> sparse last bin: endpoint 90 goes
  // Round 1 drops 30 and 90; round 2 finds (45, 55] with 10 and drops 55; round 3 is clean.
  CHECK(caltrack_bin_endpoints(t, candidates, 20) == std::vector<double>{45, 65, 75});
  // With everything dense nothing is merged.
  CHECK(caltrack_bin_endpoints(t, candidates, 3) == candidates);
}

TEST_CASE("Bins are right-closed: a temperature equal to an endpoint counts in the bin below") {
  std::vector<double> t;
  add(t, 20, 30.0);  // exactly at the first endpoint: in (-inf, 30]
  add(t, 20, 40.0);
  CHECK(caltrack_bin_endpoints(t, {30, 45}, 20) == std::vector<double>{30});
  // One sample less below 30 and the first bin is sparse.
  t.erase(t.begin());
  CHECK(caltrack_bin_endpoints(t, {30, 45}, 20).empty());
  // NaN is ignored; no temperatures at all leave a single bin (no endpoint).
  CHECK(caltrack_bin_endpoints(std::vector<double>{NAN, NAN}, {30, 45}, 1).empty());
}

TEST_CASE("Bin features sum to the temperature and clamp to each bin's width") {
  const std::vector<double> e = {45, 65};
  std::vector<double> f(3);
  caltrack_bin_features(50, e, f);
  CHECK(f == std::vector<double>{45, 5, 0});
  caltrack_bin_features(80, e, f);
  CHECK(f == std::vector<double>{45, 20, 15});
  caltrack_bin_features(30, e, f);
  CHECK(f == std::vector<double>{30, 0, 0});
  std::vector<double> one(1);
  caltrack_bin_features(71.5, {}, one);
  CHECK(one[0] == 71.5);
}

TEST_CASE("A slot is occupied when strictly more than 65 % of its residuals are positive") {
  // Temperatures between the balance points (50 < 60 < 65 °F): no degree hours, so the
  // occupancy regression is the weighted mean and a residual is positive when y is above it.
  std::vector<double> y, t, w;
  std::vector<std::uint8_t> slot;
  auto row = [&](std::uint8_t s, double v) {
    y.push_back(v);
    t.push_back(60);
    w.push_back(1);
    slot.push_back(s);
  };
  for (int i = 0; i < 20; ++i)
    row(0, i < 13 ? 2.0 : 0.0);  // 13 of 20 = 65 %: not more than the threshold
  for (int i = 0; i < 20; ++i)
    row(1, i < 14 ? 2.0 : 0.0);  // 70 %: occupied
  for (int i = 0; i < 1000; ++i)
    row(2, 1.0);  // holds the mean at 1.0135: below 2, above 0 and 1
  const auto occ = caltrack_occupancy(y, t, slot, w, 65, 50, 0.65);
  REQUIRE(occ.size() == 168);
  CHECK(occ[0] == 0);
  CHECK(occ[1] == 1);
  CHECK(occ[2] == 0);
  CHECK(occ[3] == 0);  // no rows
}

TEST_CASE("Occupancy residuals come from the CDD(65)/HDD(50) regression") {
  // Load = 5 + 2 * CDD65 exactly except slot 7, which is 3 kWh above it: only slot 7 is occupied
  // (a straight line on temperature would leave hot hours' residuals positive everywhere).
  std::vector<double> y, t, w;
  std::vector<std::uint8_t> slot;
  for (int i = 0; i < 168 * 10; ++i) {
    const double temp = 40 + (i * 7) % 50;  // 40..89 °F
    const auto s = static_cast<std::uint8_t>(i % 168);
    t.push_back(temp);
    y.push_back(5 + 2 * std::max(temp - 65, 0.0) + (s == 7 ? 3.0 : 0.0));
    w.push_back(i % 3 == 0 ? 0.5 : 1.0);
    slot.push_back(s);
  }
  const auto occ = caltrack_occupancy(y, t, slot, w, 65, 50, 0.65);
  std::size_t occupied = 0;
  for (auto o : occ)
    occupied += o;
  CHECK(occ[7] == 1);
  CHECK(occupied == 1);
}

TEST_CASE("A noise-free TOWT-shaped year is recovered by every monthly CalTRACK segment") {
  const auto truth = synthetic::make_truth();
  std::vector<double> temp;
  const load_series load = year_of_rows(temp, truth);
  const caltrack_hourly_model m = fit_caltrack_hourly(load, temp, options_f());
  REQUIRE(m.segments.size() == 12);
  for (std::size_t k = 0; k < 12; ++k) {
    const caltrack_hourly_segment& s = m.segments[k];
    INFO("segment " << s.name);
    CHECK(s.name == caltrack_segment_name(static_cast<int>(k)));
    // Occupied slots are the generator's schedule.
    for (std::size_t slot = 0; slot < 168; ++slot)
      CHECK(s.occupied[slot] == (synthetic::scheduled(slot) ? 1 : 0));
    // Load is linear in T within each mode, so every kept bin has the mode's slope.
    for (double b : s.occupied_slopes)
      CHECK(b == Approx(truth.occupied_slope).margin(1e-7));
    for (double b : s.unoccupied_slopes)
      CHECK(b == Approx(truth.unoccupied_slope).margin(1e-7));
    for (std::size_t slot = 0; slot < 168; ++slot)
      CHECK(s.tow_coefficients[slot] == Approx(truth.alpha[slot]).margin(1e-6));
  }
  // Winter segments keep fewer bins than summer ones (few temperatures above 75 °F in January).
  CHECK(m.segments[0].unoccupied_bin_endpoints.size() <
        m.segments[6].unoccupied_bin_endpoints.size() + 3);
  const prediction p = predict(m, load.ts, temp);
  for (std::size_t i = 0; i < load.size(); i += 97)
    CHECK(p.expected[i] == Approx(load.kwh[i]).margin(1e-6));
  CHECK(std::isnan(p.lower[0]));
}

TEST_CASE(
    "Celsius input is converted to °F as the reference does: the same model and predictions") {
  const auto truth = synthetic::make_truth();
  std::vector<double> temp_f;
  const load_series load = year_of_rows(temp_f, truth);
  std::vector<double> temp_c;
  for (double f : temp_f)
    temp_c.push_back((f - 32) / 1.8);
  auto o = options_f();
  const auto mf = fit_caltrack_hourly(load, temp_f, o);
  o.unit = temperature_unit::celsius;
  const auto mc = fit_caltrack_hourly(load, temp_c, o);
  CHECK(mc.segments[3].occupied_bin_endpoints == mf.segments[3].occupied_bin_endpoints);
  const auto pf = predict(mf, load.ts, temp_f);
  const auto pc = predict(mc, load.ts, temp_c);
  for (std::size_t i = 0; i < load.size(); i += 101)
    CHECK(pc.expected[i] == Approx(pf.expected[i]).epsilon(1e-9));
}

TEST_CASE("Single segmentation fits one model named 'all' on every row at weight 1") {
  const auto truth = synthetic::make_truth();
  std::vector<double> temp;
  const load_series load = year_of_rows(temp, truth);
  auto o = options_f();
  o.segmentation = caltrack_segmentation::single;
  const auto m = fit_caltrack_hourly(load, temp, o);
  REQUIRE(m.segments.size() == 1);
  CHECK(m.segments[0].name == "all");
  CHECK(m.segments[0].observations == load.size());
  CHECK(m.segments[0].tow_coefficients[100] == Approx(truth.alpha[100]).margin(1e-6));
}

TEST_CASE("Data sufficiency and option errors name what is short") {
  const auto truth = synthetic::make_truth();
  std::vector<double> temp;
  load_series load = year_of_rows(temp, truth);
  auto o = options_f();

  SECTION("the unit is required") {
    o.unit = temperature_unit::unspecified;
    CHECK_THROWS_WITH(fit_caltrack_hourly(load, temp, o), Contains("fahrenheit or celsius"));
  }
  SECTION("the zone is required: options cannot be made without one, nor with an unknown one") {
    CHECK_FALSE(std::is_default_constructible_v<caltrack_hourly_options>);
    CHECK_THROWS_WITH(caltrack_hourly_options{.zone = energy::time_zone{""}},
                      Contains("time zone ''"));
  }
  SECTION("hourly rows only") {
    load.interval_seconds = 1800;
    CHECK_THROWS_WITH(fit_caltrack_hourly(load, temp, o), Contains("interval_seconds = 3600"));
  }
  SECTION("a month under 90 % coverage is named with its coverage") {
    // Drop 10 % of February's 672 hours (68 of them): 604 of 672 h = 89.9 %.
    std::size_t dropped = 0;
    const auto months_start = sample::utc("2022-02-01T00:00:00-06:00");
    for (std::size_t i = 0; i < load.size() && dropped < 68; ++i)
      if (load.ts[i] >= months_start) {
        load.kwh[i] = NAN;
        ++dropped;
      }
    CHECK_THROWS_WITH(fit_caltrack_hourly(load, temp, o),
                      Contains("feb 89.9 % (604 of 672 h)") && Contains("90 %"));
    o.min_month_coverage = 0.85;
    CHECK_NOTHROW(fit_caltrack_hourly(load, temp, o));
  }
  SECTION("a month outside the baseline is named") {
    std::vector<double> t2(temp.begin(), temp.begin() + 24 * 200);
    load.ts.resize(t2.size());
    load.kwh.resize(t2.size());
    CHECK_THROWS_WITH(fit_caltrack_hourly(load, t2, o), Contains("spans 200.00 days") &&
                                                            Contains("min_baseline_days = 365") &&
                                                            Contains("aug not in the baseline"));
    // Without the checks, a month no segment saw (October: its model has no rows) predicts NaN.
    o.min_month_coverage = 0;
    o.min_baseline_days = 0;
    const caltrack_hourly_model m = fit_caltrack_hourly(load, t2, o);
    CHECK(m.segments[9].observations == 0);
    const epoch_seconds oct = sample::utc("2022-10-05T12:00:00-05:00");
    const epoch_seconds jun = sample::utc("2022-06-05T12:00:00-05:00");
    const prediction p =
        predict(m, std::vector<epoch_seconds>{oct, jun}, std::vector<double>{60, 60});
    CHECK(std::isnan(p.expected[0]));
    CHECK(std::isfinite(p.expected[1]));
  }
  SECTION("more than 365 days") {
    load.ts.push_back(load.ts.back() + 3600);
    load.kwh.push_back(1.0);
    temp.push_back(50);
    CHECK_THROWS_WITH(fit_caltrack_hourly(load, temp, o),
                      Contains("365.04 days") && Contains("max_baseline_days = 365"));
  }
}
