// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <energy/recommend/weather.hpp>

#include <algorithm>
#include <vector>

#include <cmath>
#include <map>
#include <numbers>

using namespace energy;
using namespace energy::recommend;

namespace {

/// A year of hourly temperatures (°F): a seasonal swing around 55 °F plus a daily one.
baseline::temperature_series year_of_hours(epoch_seconds start) {
  baseline::temperature_series t;
  for (int h = 0; h < 365 * 24; ++h) {
    const double season = std::cos(2 * std::numbers::pi * (h / 24.0 - 200) / 365.0);
    const double daily = std::sin(2 * std::numbers::pi * (h % 24) / 24.0);
    t.ts.push_back(start + h * 3600);
    t.value.push_back(55 + 25 * season + 8 * daily);
  }
  return t;
}

baseline::changepoint_model both_terms(const std::string& zone) {
  baseline::changepoint_model m;
  m.kind = baseline::changepoint_kind::heating_cooling;
  m.zone = zone;
  m.base_load = 1200;
  m.heating_slope = 30;
  m.heating_balance_point = 50;
  m.cooling_slope = 45;
  m.cooling_balance_point = 68;
  return m;
}

}  // namespace

TEST_CASE("weather_from sums degree-days of local daily means and scales them to a year",
          "[recommend][weather]") {
  const epoch_seconds jan1_utc = 1'704'067'200;  // 2024-01-01T00:00Z
  const auto temps = year_of_hours(jan1_utc);
  const auto model = both_terms("UTC");
  // Independent reference: UTC days are blocks of 24 samples.
  double hdd = 0, cdd = 0, hdays = 0, cdays = 0;
  for (int d = 0; d < 365; ++d) {
    double sum = 0;
    for (int h = 0; h < 24; ++h)
      sum += temps.value[static_cast<std::size_t>(d * 24 + h)];
    const double mean = sum / 24;
    if (mean < 50) hdd += 50 - mean, ++hdays;
    if (mean > 68) cdd += mean - 68, ++cdays;
  }
  const auto w = weather_from(model, temps);
  const double scale = 365.25 / 365;
  CHECK(w.base_load_kwh_per_day == 1200);
  CHECK(w.heating_slope_kwh_per_degf_day == 30);
  CHECK(w.heating_balance_point_degf == 50);
  CHECK(w.cooling_balance_point_degf == 68);
  CHECK(w.annual_hdd_degf == Approx(hdd * scale).epsilon(1e-12));
  CHECK(w.annual_cdd_degf == Approx(cdd * scale).epsilon(1e-12));
  CHECK(w.heating_days_per_year == Approx(hdays * scale));
  CHECK(w.cooling_days_per_year == Approx(cdays * scale));
  CHECK(hdd > 0);
  CHECK(cdd > 0);
}

TEST_CASE("a model fitted in Celsius gives the same weather input in Fahrenheit units",
          "[recommend][weather]") {
  const auto temps_f = year_of_hours(1'704'085'200);  // 2024-01-01T05:00Z: New York's midnight
  auto temps_c = temps_f;
  for (double& v : temps_c.value)
    v = (v - 32) / 1.8;
  const auto model_f = both_terms("America/New_York");
  auto model_c = model_f;
  model_c.heating_balance_point = (50 - 32) / 1.8;
  model_c.cooling_balance_point = (68 - 32) / 1.8;
  model_c.heating_slope = 30 * 1.8;  // kWh per °C-day
  model_c.cooling_slope = 45 * 1.8;
  const auto f = weather_from(model_f, temps_f);
  const auto c = weather_from(model_c, temps_c, temperature_unit::celsius);
  CHECK(*c.heating_slope_kwh_per_degf_day == Approx(*f.heating_slope_kwh_per_degf_day));
  CHECK(*c.cooling_slope_kwh_per_degf_day == Approx(*f.cooling_slope_kwh_per_degf_day));
  CHECK(*c.heating_balance_point_degf == Approx(*f.heating_balance_point_degf));
  CHECK(*c.cooling_balance_point_degf == Approx(*f.cooling_balance_point_degf));
  CHECK(c.annual_hdd_degf == Approx(f.annual_hdd_degf));
  CHECK(c.annual_cdd_degf == Approx(f.annual_cdd_degf));
  CHECK(c.heating_days_per_year == f.heating_days_per_year);
  CHECK(c.cooling_days_per_year == f.cooling_days_per_year);
}

TEST_CASE("a model without a heating term leaves the heating fields empty",
          "[recommend][weather]") {
  auto model = both_terms("UTC");
  model.kind = baseline::changepoint_kind::cooling_only;
  model.heating_balance_point = std::nan("");
  const auto w = weather_from(model, year_of_hours(1'704'067'200));
  CHECK_FALSE(w.heating_slope_kwh_per_degf_day);
  CHECK_FALSE(w.heating_balance_point_degf);
  CHECK(w.annual_hdd_degf == 0);
  CHECK(w.heating_days_per_year == 0);
  CHECK(w.cooling_slope_kwh_per_degf_day);
}

TEST_CASE("temperatures too sparse for any day are a caller error", "[recommend][weather]") {
  baseline::temperature_series sparse;
  for (int d = 0; d < 30; ++d) {  // one sample a day: below the 12-sample minimum
    sparse.ts.push_back(1'704'067'200 + d * 86'400);
    sparse.value.push_back(40);
  }
  CHECK_THROWS_WITH(weather_from(both_terms("UTC"), sparse),
                    Catch::Contains("no local day has 12 temperature samples"));
  sparse.value.pop_back();
  CHECK_THROWS_WITH(weather_from(both_terms("UTC"), sparse), Catch::Contains("sizes differ"));
}

TEST_CASE("weather_from with the usage periods checks the fit and names the rules",
          "[recommend][weather]") {
  const epoch_seconds jan1_utc = 1'704'067'200;
  const auto temps = year_of_hours(jan1_utc);
  // Daily use from a known model, with ±2 % deterministic wiggle; then the same with ±60 %.
  auto periods_with = [&](double wiggle) {
    std::vector<baseline::usage_period> periods;
    for (int d = 0; d < 365; ++d) {
      double sum = 0;
      for (int h = 0; h < 24; ++h)
        sum += temps.value[static_cast<std::size_t>(d * 24 + h)];
      const double t = sum / 24;
      const double use = 1200 + 45 * std::max(0.0, t - 68) + 30 * std::max(0.0, 50 - t);
      const double w = wiggle * std::sin(d * 12.9898);
      periods.push_back({jan1_utc + d * 86'400, jan1_utc + (d + 1) * 86'400, use * (1 + w)});
    }
    return periods;
  };
  const auto clean = periods_with(0.02);
  const auto model = baseline::fit_changepoint(clean, temps, {.zone = energy::time_zone::utc()});
  const auto w = weather_from(model, clean, temps);
  REQUIRE(w.fit);
  CHECK(w.fit->passes);
  CHECK(w.fit->failure.empty());
  CHECK(w.fit->cv_rmse < 0.05);
  CHECK(w.fit->observations == 365);
  CHECK(w.fit->rules.find("Guideline 14") != std::string::npos);
  CHECK(w.daily.size() == 365);

  const auto noisy = periods_with(0.6);
  const auto bad = weather_from(model, noisy, temps);
  REQUIRE(bad.fit);
  CHECK_FALSE(bad.fit->passes);
  CHECK(bad.fit->failure.find("CV(RMSE)") != std::string::npos);

  const std::vector<baseline::usage_period> short_span(clean.begin(), clean.begin() + 200);
  const auto brief = weather_from(model, short_span, temps);
  CHECK_FALSE(brief.fit->passes);
  CHECK(brief.fit->failure.find("fewer than 329") != std::string::npos);
  CHECK_FALSE(weather_from(model, temps).fit);  // not checked without the periods

  // 1,000 kWh a day and 0.5 kWh per °F-day above 60 °F: over a year the slope is significant
  // (p ~ 2e-6) and CV(RMSE) is 2 %, but temperature explains 6 % of the daily variation. That is
  // not a weather-driven building, and the weather rules must not run on it.
  std::vector<baseline::usage_period> flat;
  for (int d = 0; d < 365; ++d) {
    double sum = 0;
    for (int h = 0; h < 24; ++h)
      sum += temps.value[static_cast<std::size_t>(d * 24 + h)];
    const double use =
        (1000 + 0.5 * std::max(0.0, sum / 24 - 60)) * (1 + 0.02 * std::sin(d * 12.9898));
    flat.push_back({jan1_utc + d * 86'400, jan1_utc + (d + 1) * 86'400, use});
  }
  const auto weak_model =
      baseline::fit_changepoint(flat, temps, {.zone = energy::time_zone::utc()});
  REQUIRE(weak_model.kind == baseline::changepoint_kind::cooling_only);
  CHECK(weak_model.cooling_p_value < 0.1);
  const auto weak = weather_from(weak_model, flat, temps);
  CHECK_FALSE(weak.fit->passes);
  CHECK(weak.fit->cv_rmse < 0.05);
  CHECK(weak.fit->r_squared < 0.1);
  CHECK_THAT(weak.fit->failure, Catch::StartsWith("R2 0.06 < 0.5"));
  CHECK(w.fit->r_squared > 0.9);  // the weather-driven building above
  CHECK(w.fit->rules.find("R2 >= 0.5") != std::string::npos);
}
