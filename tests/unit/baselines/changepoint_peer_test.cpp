// SPDX-License-Identifier: Apache-2.0
// Peer conventions of the change-point models: daily and per-period temperatures, UTC-day
// pairing, forced candidates, every candidate's statistics, models from their parameters.
// Expected values are hand computations from the model's formula, not outputs of the library.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include <energy/baseline/changepoint.hpp>

#include "sample_data.hpp"

using namespace energy::baseline;
using energy::epoch_seconds;
namespace s = energy::baseline::sample;

namespace {
constexpr const char* zone = "America/Chicago";
constexpr double missing = std::numeric_limits<double>::quiet_NaN();

/// A daily temperature that cycles through the year (°F), deterministic.
double day_temperature(std::size_t d) {
  return 55.0 + 25.0 * std::sin(2.0 * 3.14159265358979 * static_cast<double>(d) / 365.0) +
         6.0 * std::sin(static_cast<double>(d) * 1.7);
}

/// Local days of 2023 in Chicago (local midnight to local midnight), daily mean temperatures
/// stamped at `stamp_offset` seconds after each local midnight, and usage from a known law.
struct daily_data {
  std::vector<usage_period> days;
  temperature_series temps;
  std::vector<double> t;  ///< the day's temperature
};

daily_data make_daily(epoch_seconds stamp_offset = 0) {
  daily_data out;
  load_series hourly;
  const epoch_seconds t0 = s::utc("2023-01-01T00:00:00-06:00");
  for (epoch_seconds t = t0; t < s::utc("2024-01-01T00:00:00-06:00"); t += 3600) {
    hourly.ts.push_back(t);
    hourly.kwh.push_back(0);
  }
  out.days = local_day_totals(hourly, energy::time_zone{zone});
  for (std::size_t d = 0; d < out.days.size(); ++d) {
    const double t = day_temperature(d);
    out.t.push_back(t);
    out.temps.ts.push_back(out.days[d].start + stamp_offset);
    out.temps.value.push_back(t);
    // 20 kWh/day + 1.5/°F below 52 + 2/°F above 68, with a deterministic wobble.
    out.days[d].kwh = 20.0 + 1.5 * std::max(0.0, 52.0 - t) + 2.0 * std::max(0.0, t - 68.0) +
                      0.5 * std::sin(static_cast<double>(d) * 2.3);
  }
  return out;
}

changepoint_options daily_options() {
  changepoint_options o{.zone = energy::time_zone{zone}};
  o.temperatures = temperature_input::daily_means;
  return o;
}
}  // namespace

TEST_CASE("One temperature per day fits with temperatures = daily_means",
          "[baseline][changepoint][peer]") {
  const daily_data d = make_daily();
  // As hourly samples, a day has one sample, fewer than 12: refused, and the error says why.
  changepoint_options samples = daily_options();
  samples.temperatures = temperature_input::samples;
  CHECK_THROWS_WITH(fit_changepoint(d.days, d.temps, samples),
                    Catch::Contains("fewer than 12") && Catch::Contains("daily_means"));
  const changepoint_model m = fit_changepoint(d.days, d.temps, daily_options());
  CHECK(m.kind == changepoint_kind::heating_cooling);
  CHECK(m.heating_balance_point == Approx(52).margin(1.0));
  CHECK(m.cooling_balance_point == Approx(68).margin(1.0));
  CHECK(m.observations == 365);
  CHECK(m.temperatures == temperature_input::daily_means);
}

TEST_CASE("Daily means stamped at 00:00 UTC are refused under local pairing, paired with utc",
          "[baseline][changepoint][peer]") {
  // 00:00 UTC is 18:00 (19:00 in summer) of the previous local day in Chicago.
  daily_data d = make_daily();
  for (auto& t : d.temps.ts)
    t = t / 86400 * 86400;  // 00:00 UTC of the local date
  CHECK_THROWS_WITH(fit_changepoint(d.days, d.temps, daily_options()),
                    Catch::Contains("00:00 UTC") && Catch::Contains("previous local day"));
  // With UTC pairing both the temperatures and the periods are UTC days: shift the periods to
  // UTC days too, and the fit is the local-pairing fit of the same numbers.
  changepoint_options utc = daily_options();
  utc.pairing = day_pairing::utc;
  std::vector<usage_period> utc_days = d.days;
  for (std::size_t i = 0; i < utc_days.size(); ++i) {
    utc_days[i].start = d.temps.ts[i];
    utc_days[i].end = d.temps.ts[i] + 86400;
  }
  const changepoint_model mu = fit_changepoint(utc_days, d.temps, utc);
  const changepoint_model ml =
      fit_changepoint(make_daily().days, make_daily().temps, daily_options());
  CHECK(mu.pairing == day_pairing::utc);
  CHECK(mu.kind == ml.kind);
  CHECK(mu.heating_balance_point == ml.heating_balance_point);
  CHECK(mu.cooling_balance_point == ml.cooling_balance_point);
  // Local days are 23 or 25 h at DST changes; UTC days are all 24 h: the weights differ slightly.
  CHECK(mu.base_load == Approx(ml.base_load).epsilon(1e-3));
}

TEST_CASE("Two daily means for one day are refused naming both", "[baseline][changepoint][peer]") {
  daily_data d = make_daily(3600);
  d.temps.ts[1] = d.temps.ts[0] + 7200;  // same local day as index 0
  CHECK_THROWS_WITH(fit_changepoint(d.days, d.temps, daily_options()),
                    Catch::Contains("indices 0 and 1"));
}

TEST_CASE("Every candidate is reported and forced balance points are honoured",
          "[baseline][changepoint][peer]") {
  const daily_data d = make_daily();
  const changepoint_fit all = fit_changepoint_candidates(d.days, d.temps, daily_options());
  // 1 intercept-only + 61 heating + 61 cooling + 61*62/2 pairs with bh <= bc on 30..90 step 1.
  CHECK(balance_point_grid(daily_options()).size() == 61);
  CHECK(all.candidates.size() == 1 + 61 + 61 + 1891);
  CHECK(all.candidates[all.selected].qualifies);
  for (const auto& c : all.candidates)
    if (c.qualifies) CHECK(c.adj_r_squared <= all.candidates[all.selected].adj_r_squared);

  changepoint_options forced = daily_options();
  forced.kinds = {changepoint_kind::heating_cooling};
  forced.heating_balance_points = {50};
  forced.cooling_balance_points = {70};
  const changepoint_fit f = fit_changepoint_candidates(d.days, d.temps, forced);
  REQUIRE(f.candidates.size() == 1);
  CHECK(f.model.heating_balance_point == 50);
  CHECK(f.model.cooling_balance_point == 70);

  // A family left out is not tried; without intercept-only, nothing qualifying is an error.
  changepoint_options cooling_only = daily_options();
  cooling_only.kinds = {changepoint_kind::cooling_only};
  cooling_only.cooling_balance_points = {95};  // no day above: insufficient degree days
  CHECK_THROWS_WITH(fit_changepoint(d.days, d.temps, cooling_only),
                    Catch::Contains("no candidate qualifies"));
  const changepoint_fit cf = [&] {
    cooling_only.kinds.push_back(changepoint_kind::intercept_only);
    return fit_changepoint_candidates(d.days, d.temps, cooling_only);
  }();
  REQUIRE(cf.candidates.size() == 2);
  CHECK(cf.candidates[1].reason == "insufficient degree days");
  CHECK(cf.model.kind == changepoint_kind::intercept_only);
}

TEST_CASE("Weighted least squares of one candidate equals the hand-solved normal equations",
          "[baseline][changepoint][peer]") {
  // Three periods of 1, 2 and 3 days with period means: y = kWh/day, w = days, x = HDD(60).
  // T = 50, 40, 60 -> x = 10, 20, 0; kWh/day = 30, 52, 10 (not on one line).
  std::vector<usage_period> p = {
      {0, 86400, 30.0}, {86400, 3 * 86400, 104.0}, {3 * 86400, 6 * 86400, 30.0}};
  const std::vector<double> t = {50, 40, 60};
  changepoint_options o{.zone = energy::time_zone{"UTC"}};
  o.temperatures = temperature_input::period_means;
  o.kinds = {changepoint_kind::heating_only};
  o.heating_balance_points = {60};
  o.min_days_with_degree_days = 1;
  o.min_total_degree_days = 1;
  o.max_p_value = 1;
  const changepoint_fit f = fit_changepoint_candidates(p, t, o);
  // Normal equations: sw = 6, swx = 1*10 + 2*20 = 50, swxx = 100 + 800 = 900,
  // swy = 30 + 104 + 30 = 164, swxy = 300 + 2080 = 2380.
  const double slope = (6.0 * 2380 - 50.0 * 164) / (6.0 * 900 - 50.0 * 50);  // 6080 / 2900
  const double base = (164 - slope * 50) / 6;
  CHECK(f.model.heating_slope == Approx(slope).epsilon(1e-12));
  CHECK(f.model.base_load == Approx(base).epsilon(1e-12));
  // Weighted R^2: ybar = 164/6; SSR and SST weighted by days.
  const double ybar = 164.0 / 6;
  const double r[3] = {30 - (base + 10 * slope), 52 - (base + 20 * slope), 10 - base};
  const double ssr = r[0] * r[0] + 2 * r[1] * r[1] + 3 * r[2] * r[2];
  const double sst =
      (30 - ybar) * (30 - ybar) + 2 * (52 - ybar) * (52 - ybar) + 3 * (10 - ybar) * (10 - ybar);
  CHECK(f.model.r_squared == Approx(1 - ssr / sst).epsilon(1e-12));
  CHECK(f.model.residual_sd == Approx(std::sqrt(ssr / (3 - 2))).epsilon(1e-12));
  // Predict: a 2-day period at 45 °F: 2 * (base + 15 * slope).
  const std::vector<usage_period> q = {{0, 2 * 86400, 0}};
  const std::vector<double> tq = {45};
  CHECK(predict(f.model, q, tq).expected[0] == Approx(2 * (base + 15 * slope)));
  // The model expects period means: a temperature series is refused.
  CHECK_THROWS_WITH(predict(f.model, q, temperature_series{}), Catch::Contains("period_means"));
}

TEST_CASE("A change-point model from its parameters predicts the hand-computed usage",
          "[baseline][changepoint][peer]") {
  changepoint_parameters p{.zone = energy::time_zone{zone}};
  p.base_load = 10;
  p.heating_slope = 2;
  p.heating_balance_point = 60;
  p.cooling_slope = 3;
  p.cooling_balance_point = 75;
  p.temperatures = temperature_input::daily_means;
  const changepoint_model m = make_changepoint_model(p);
  CHECK(m.kind == changepoint_kind::heating_cooling);
  CHECK(m.parameters == 3);
  // Three local days at 50, 80 and 65 °F: 10 + 2*10 = 30, 10 + 3*5 = 25, 10.
  const epoch_seconds d0 = s::utc("2024-03-01T00:00:00-06:00");
  const std::vector<usage_period> days = {
      {d0, d0 + 86400, 0}, {d0 + 86400, d0 + 2 * 86400, 0}, {d0 + 2 * 86400, d0 + 3 * 86400, 0}};
  temperature_series t;
  t.ts = {d0, d0 + 86400, d0 + 2 * 86400};
  t.value = {50, 80, 65};
  const prediction pr = predict(m, days, t);
  CHECK(pr.expected[0] == Approx(30));
  CHECK(pr.expected[1] == Approx(25));
  CHECK(pr.expected[2] == Approx(10));
  // No residual SD was given: the interval is unknown, not zero-width.
  CHECK(std::isnan(pr.lower[0]));
  CHECK(std::isnan(pr.upper[0]));
  // A 3-day bill with period mean 55 °F: 3 * (10 + 2*5) = 60.
  p.temperatures = temperature_input::period_means;
  const std::vector<usage_period> bill = {{d0, d0 + 3 * 86400, 0}};
  const std::vector<double> mean = {55};
  p.residual_sd = 2;
  const prediction pb = predict(make_changepoint_model(p), bill, mean);
  CHECK(pb.expected[0] == Approx(60));
  // 90 %: z = 1.6448536; half width z * 2 * sqrt(3) = 5.6979.
  CHECK(pb.upper[0] - pb.expected[0] == Approx(1.6448536 * 2 * std::sqrt(3.0)).epsilon(1e-6));

  changepoint_parameters bad = p;
  bad.heating_balance_point = missing;  // slope without a balance point
  CHECK_THROWS_WITH(make_changepoint_model(bad), Catch::Contains("heating_slope given without"));
}

TEST_CASE("A candidate list too large to report is refused, not allocated",
          "[baseline][changepoint][peer]") {
  const daily_data d = make_daily();
  changepoint_options o = daily_options();
  o.balance_step = 0.001;  // 60,001 grid points
  CHECK_THROWS_WITH(fit_changepoint(d.days, d.temps, o), Catch::Contains("coarser step"));
  o.balance_step = 0.1;  // 601 points: 601 x 601 pairs > 250,000
  CHECK_THROWS_WITH(fit_changepoint(d.days, d.temps, o), Catch::Contains("narrow the grid"));
  o.kinds = {changepoint_kind::intercept_only, changepoint_kind::cooling_only};
  CHECK(fit_changepoint(d.days, d.temps, o).kind == changepoint_kind::cooling_only);
}
