// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/metrics.hpp>

#include "sample_data.hpp"
#include "synthetic.hpp"

using namespace energy::baseline;
using energy::epoch_seconds;
namespace s = energy::baseline::sample;
namespace syn = energy::baseline::synthetic;

namespace {
constexpr const char* zone = "America/Chicago";

/// Hourly temperatures and daily periods for 2 years, daily usage from a known change-point law.
struct daily_world {
  temperature_series temps;
  std::vector<usage_period> days;
};

daily_world make_world(double base, double hs, double hb, double cs, double cb, double noise,
                       unsigned seed = 3) {
  daily_world w;
  const epoch_seconds t0 = s::utc("2022-01-01T00:00:00-06:00");
  for (epoch_seconds t = t0; t < t0 + 730 * 86400 + 3600; t += 3600) {
    w.temps.ts.push_back(t);
    w.temps.value.push_back(syn::temperature_at(t));
  }
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> eps(0.0, 1.0);
  load_series hourly;
  hourly.interval_seconds = 3600;
  for (std::size_t i = 0; i + 1 < w.temps.size(); ++i) {
    hourly.ts.push_back(w.temps.ts[i]);
    hourly.kwh.push_back(0);
  }
  w.days = local_day_totals(hourly, energy::time_zone{zone});
  // Daily usage from the day's mean temperature (as the model computes it).
  for (auto& d : w.days) {
    double sum = 0;
    int n = 0;
    for (std::size_t i = 0; i < w.temps.size(); ++i)
      if (w.temps.ts[i] >= d.start && w.temps.ts[i] < d.end) {
        sum += w.temps.value[i];
        ++n;
      }
    const double t = sum / n;
    d.kwh = (base + hs * std::max(0.0, hb - t) + cs * std::max(0.0, t - cb) + noise * eps(rng));
  }
  return w;
}

changepoint_options opts() {
  changepoint_options o{.zone = energy::time_zone{zone}};
  return o;
}
}  // namespace

TEST_CASE("Heating+cooling daily data selects the heating+cooling model with its balance points",
          "[baseline][changepoint]") {
  const daily_world w = make_world(20, 1.5, 55, 2.5, 70, 1.0);
  const changepoint_model m = fit_changepoint(w.days, w.temps, opts());
  CHECK(m.kind == changepoint_kind::heating_cooling);
  CHECK(m.heating_balance_point == Approx(55).margin(1.0));
  CHECK(m.cooling_balance_point == Approx(70).margin(1.0));
  CHECK(m.heating_slope == Approx(1.5).epsilon(0.05));
  CHECK(m.cooling_slope == Approx(2.5).epsilon(0.05));
  CHECK(m.base_load == Approx(20).epsilon(0.05));
  CHECK(m.heating_p_value < 0.1);
  CHECK(m.parameters == 3);
  CHECK(m.observations == w.days.size());
}

TEST_CASE("Cooling-only and heating-only data select the one-sided models",
          "[baseline][changepoint]") {
  const daily_world cw = make_world(10, 0, 0, 3, 65, 1.0);
  const changepoint_model c = fit_changepoint(cw.days, cw.temps, opts());
  CHECK(c.kind == changepoint_kind::cooling_only);
  CHECK(c.cooling_balance_point == Approx(65).margin(1.0));
  CHECK(std::isnan(c.heating_balance_point));
  CHECK(std::isnan(c.heating_p_value));
  const daily_world h = make_world(10, 2, 60, 0, 0, 1.0);
  const changepoint_model hm = fit_changepoint(h.days, h.temps, opts());
  CHECK(hm.kind == changepoint_kind::heating_only);
  CHECK(hm.heating_balance_point == Approx(60).margin(1.0));
  CHECK(hm.heating_slope == Approx(2).epsilon(0.05));
}

TEST_CASE("Usage without temperature dependence selects the intercept-only model",
          "[baseline][changepoint]") {
  const daily_world w = make_world(30, 0, 0, 0, 0, 3.0);
  const changepoint_model m = fit_changepoint(w.days, w.temps, opts());
  CHECK(m.kind == changepoint_kind::intercept_only);
  CHECK(m.base_load == Approx(30).epsilon(0.02));
  CHECK(m.parameters == 1);
}

TEST_CASE("A negative temperature slope never qualifies", "[baseline][changepoint]") {
  // Usage falls as it gets colder below 60: the heating term would need a negative slope.
  daily_world w = make_world(30, -0.5, 60, 0, 0, 0.5);
  const changepoint_model m = fit_changepoint(w.days, w.temps, opts());
  CHECK(m.heating_slope >= 0);
  CHECK(m.kind != changepoint_kind::heating_only);
  CHECK(m.kind != changepoint_kind::heating_cooling);
}

TEST_CASE("Billing periods weighted by days recover the daily law", "[baseline][changepoint]") {
  const daily_world w = make_world(20, 1.5, 55, 2.5, 70, 1.0);
  // Irregular bills of 27..34 days.
  std::vector<usage_period> bills;
  std::size_t i = 0;
  for (int k = 0; i < w.days.size(); ++k) {
    const std::size_t len = 27 + static_cast<std::size_t>((k * 5) % 8);
    if (i + len > w.days.size()) break;
    usage_period b{w.days[i].start, w.days[i + len - 1].end, 0};
    for (std::size_t j = i; j < i + len; ++j)
      b.kwh += w.days[j].kwh;
    bills.push_back(b);
    i += len;
  }
  const changepoint_model m = fit_changepoint(bills, w.temps, opts());
  CHECK(m.kind == changepoint_kind::heating_cooling);
  CHECK(m.heating_balance_point == Approx(55).margin(3.0));
  CHECK(m.cooling_balance_point == Approx(70).margin(3.0));
  const prediction p = predict(m, bills, w.temps);
  std::vector<double> actual;
  for (const auto& b : bills)
    actual.push_back(b.kwh);
  CHECK(passes_guideline14(compute_metrics(actual, p.expected, m.parameters),
                           data_resolution::monthly));
}

TEST_CASE("Periods without enough temperature days are excluded and predicted as NaN",
          "[baseline][changepoint][gaps]") {
  daily_world w = make_world(20, 1.5, 55, 2.5, 70, 1.0);
  // Remove all temperatures of the 10th day onwards for 3 days.
  temperature_series t;
  for (std::size_t i = 0; i < w.temps.size(); ++i)
    if (w.temps.ts[i] < w.days[10].start || w.temps.ts[i] >= w.days[12].end) {
      t.ts.push_back(w.temps.ts[i]);
      t.value.push_back(w.temps.value[i]);
    }
  w.days[11].kwh = 1e6;  // must not be used
  const changepoint_model m = fit_changepoint(w.days, t, opts());
  CHECK(m.observations == w.days.size() - 3);
  const prediction p = predict(m, w.days, t);
  CHECK(std::isnan(p.expected[11]));
  CHECK(std::isfinite(p.expected[13]));
  CHECK(p.lower[13] < p.expected[13]);
  CHECK(p.upper[13] > p.expected[13]);
}

TEST_CASE("Change-point fitting rejects empty periods and bad options", "[baseline][changepoint]") {
  const daily_world w = make_world(20, 0, 0, 0, 0, 1.0);
  std::vector<usage_period> bad = {w.days[0], {w.days[1].start, w.days[1].start, 3}};
  CHECK_THROWS_WITH(fit_changepoint(bad, w.temps, opts()), Catch::Contains("period 1"));
  changepoint_options o = opts();
  o.balance_step = 0;
  CHECK_THROWS_AS(fit_changepoint(w.days, w.temps, o), std::invalid_argument);
  const std::vector<usage_period> one = {w.days[0]};
  CHECK_THROWS_AS(fit_changepoint(one, w.temps, opts()), std::invalid_argument);
}
