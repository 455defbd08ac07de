// SPDX-License-Identifier: Apache-2.0
// TOWT fitted to bills: an exact hourly law summed into local calendar months is recovered, bill
// predictions are the hourly model summed, and what bills cannot identify is refused.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include <energy/baseline/towt_billing.hpp>

#include "sample_data.hpp"

using namespace energy::baseline;
using energy::epoch_seconds;
namespace s = energy::baseline::sample;

namespace {
constexpr const char* zone = "America/Chicago";
const energy::time_zone chicago{zone};

/// Hourly temperatures from 2022-01-01 00:00 Chicago for `hours` hours: a seasonal swing of
/// ±30 °F around 55 °F plus a daily swing of ±8 °F, so every segment sees hours in most months.
temperature_series hourly_weather(epoch_seconds t0, std::size_t hours) {
  temperature_series t;
  for (std::size_t i = 0; i < hours; ++i) {
    const double day = static_cast<double>(i) / 24.0;
    t.ts.push_back(t0 + static_cast<epoch_seconds>(i) * 3600);
    t.value.push_back(55.0 - 30.0 * std::cos(2 * std::numbers::pi * (day - 15) / 365.0) +
                      8.0 *
                          std::sin(2 * std::numbers::pi * (static_cast<double>(i % 24) - 9) / 24));
  }
  return t;
}

/// Local calendar months from January 2022: `count` bills [1st 00:00, next 1st 00:00) Chicago.
std::vector<usage_period> calendar_months(std::size_t count) {
  std::vector<usage_period> out;
  const char* firsts[] = {
      "2022-01-01T00:00:00-06:00", "2022-02-01T00:00:00-06:00", "2022-03-01T00:00:00-06:00",
      "2022-04-01T00:00:00-05:00", "2022-05-01T00:00:00-05:00", "2022-06-01T00:00:00-05:00",
      "2022-07-01T00:00:00-05:00", "2022-08-01T00:00:00-05:00", "2022-09-01T00:00:00-05:00",
      "2022-10-01T00:00:00-05:00", "2022-11-01T00:00:00-05:00", "2022-12-01T00:00:00-06:00",
      "2023-01-01T00:00:00-06:00", "2023-02-01T00:00:00-06:00", "2023-03-01T00:00:00-06:00",
      "2023-04-01T00:00:00-05:00", "2023-05-01T00:00:00-05:00", "2023-06-01T00:00:00-05:00",
      "2023-07-01T00:00:00-05:00", "2023-08-01T00:00:00-05:00", "2023-09-01T00:00:00-05:00",
      "2023-10-01T00:00:00-05:00", "2023-11-01T00:00:00-05:00", "2023-12-01T00:00:00-06:00",
      "2024-01-01T00:00:00-06:00"};
  for (std::size_t m = 0; m < count; ++m)
    out.push_back({s::utc(firsts[m]), s::utc(firsts[m + 1]), 0.0});
  return out;
}

/// Office hours: Monday to Friday 08:00-18:00 local.
std::vector<std::uint8_t> office_hours() {
  std::vector<std::uint8_t> occ(hours_per_week, 0);
  for (std::size_t d = 0; d < 5; ++d)
    for (std::size_t h = 8; h < 18; ++h)
      occ[d * 24 + h] = 1;
  return occ;
}

/// The hourly law: per mode an intercept and three slopes on the components of knots {50, 65}.
double law(bool occupied, double t) {
  const double c1 = std::min(t, 50.0), c2 = std::clamp(t - 50.0, 0.0, 15.0),
               c3 = std::max(t - 65.0, 0.0);
  return occupied ? 40.0 - 0.6 * c1 + 0.1 * c2 + 1.5 * c3 : 12.0 - 0.2 * c1 + 0.0 * c2 + 0.4 * c3;
}

/// Each bill's kWh: `hourly(occupied, temperature)` summed over its hours at the weather's
/// hourly temperatures.
template <class Law = double (*)(bool, double)>
void bill_with_law(std::vector<usage_period>& bills, const temperature_series& w,
                   const std::vector<std::uint8_t>& occ, Law hourly = law) {
  for (auto& b : bills) {
    b.kwh = 0;
    for (epoch_seconds t = b.start; t < b.end; t += 3600) {
      const auto i = static_cast<std::size_t>((t - w.ts[0]) / 3600);
      const auto slot = time_of_week(std::vector<epoch_seconds>{t}, chicago)[0];
      b.kwh += hourly(!occ.empty() && occ[slot] != 0, w.value[i]);
    }
  }
}
}  // namespace

TEST_CASE("TOWT on monthly bills recovers an hourly law with office hours, exactly",
          "[baseline][towt][billing]") {
  const epoch_seconds t0 = s::utc("2022-01-01T00:00:00-06:00");
  const auto weather = hourly_weather(t0, 2 * 366 * 24);
  auto bills = calendar_months(24);
  const auto occ = office_hours();
  bill_with_law(bills, weather, occ);

  const auto m = fit_towt_billing(
      bills, weather, {.zone = chicago, .fixed_knots = {50, 65}, .occupied_slots = occ});
  CHECK(m.observations == 24);
  CHECK(m.parameters == 8);
  REQUIRE(m.hourly.knots == std::vector<double>{50, 65});
  CHECK(m.hourly.tow_coefficients[8] == Approx(40.0).epsilon(1e-7));    // Monday 08:00
  CHECK(m.hourly.tow_coefficients[7] == Approx(12.0).epsilon(1e-7));    // Monday 07:00
  CHECK(m.hourly.tow_coefficients[128] == Approx(12.0).epsilon(1e-7));  // Saturday 08:00
  CHECK(m.hourly.occupied_slopes[0] == Approx(-0.6).epsilon(1e-7));
  CHECK(m.hourly.occupied_slopes[1] == Approx(0.1).epsilon(1e-6));
  CHECK(m.hourly.occupied_slopes[2] == Approx(1.5).epsilon(1e-7));
  CHECK(m.hourly.unoccupied_slopes[0] == Approx(-0.2).epsilon(1e-7));
  CHECK(std::abs(m.hourly.unoccupied_slopes[1]) < 1e-6);
  CHECK(m.hourly.unoccupied_slopes[2] == Approx(0.4).epsilon(1e-7));
  CHECK(m.residual_sd < 1e-6);
  CHECK(m.r_squared == Approx(1.0).epsilon(1e-12));

  // Bill predictions are the hourly model summed: the law's totals again.
  const auto p = predict(m, bills, weather);
  REQUIRE(p.size() == 24);
  for (std::size_t i = 0; i < bills.size(); ++i)
    CHECK(p.expected[i] == Approx(bills[i].kwh).epsilon(1e-9));
  // And the hourly model predicts the law hour by hour (a July Wednesday, 14:00 local).
  const epoch_seconds wed = s::utc("2022-07-13T14:00:00-05:00");
  const auto i = static_cast<std::size_t>((wed - t0) / 3600);
  const auto hour =
      predict(m.hourly, std::vector<epoch_seconds>{wed}, std::vector<double>{weather.value[i]});
  CHECK(hour.expected[0] == Approx(law(true, weather.value[i])).epsilon(1e-7));
  CHECK(std::isnan(hour.lower[0]));  // no hourly residuals: no hourly interval
}

TEST_CASE(
    "TOWT on bills with one mode and quantile knots: three segments, intervals from "
    "the bills' scatter",
    "[baseline][towt][billing]") {
  const epoch_seconds t0 = s::utc("2022-01-01T00:00:00-06:00");
  const auto weather = hourly_weather(t0, 2 * 366 * 24);
  auto bills = calendar_months(24);
  // A law every set of knots represents (equal slopes), so only the scatter is left.
  bill_with_law(bills, weather, {}, [](bool, double t) { return 5.0 + 0.1 * t; });
  // Scatter: alternate bills +-1 %.
  for (std::size_t i = 0; i < bills.size(); ++i)
    bills[i].kwh *= i % 2 == 0 ? 1.01 : 0.99;
  const auto m = fit_towt_billing(bills, weather, {.zone = chicago});
  CHECK(m.hourly.knots.size() == 2);  // default: 3 segments at the hourly temperatures' tertiles
  CHECK(m.parameters == 4);
  CHECK(m.observations == 24);
  CHECK(m.residual_sd > 0);
  CHECK(m.r_squared > 0.9);
  for (std::size_t s = 0; s < hours_per_week; ++s)
    REQUIRE(m.hourly.tow_coefficients[s] == m.hourly.tow_coefficients[0]);  // one mode
  const auto p = predict(m, bills, weather);
  const double z = 1.6448536269514722;  // 90 % two-sided
  for (std::size_t i = 0; i < bills.size(); ++i) {
    const double hours = static_cast<double>(bills[i].end - bills[i].start) / 3600.0;
    CHECK(p.upper[i] - p.expected[i] == Approx(z * m.residual_sd * std::sqrt(hours)));
    CHECK(std::abs(p.expected[i] - bills[i].kwh) / bills[i].kwh < 0.015);
  }
}

TEST_CASE("TOWT on bills leaves out bills without enough temperature and predicts them NaN",
          "[baseline][towt][billing]") {
  const epoch_seconds t0 = s::utc("2022-01-01T00:00:00-06:00");
  auto weather = hourly_weather(t0, 2 * 366 * 24);
  auto bills = calendar_months(24);
  bill_with_law(bills, weather, {});
  // March 2022 loses 5 days of weather (over 10 % of its hours; the gap rule bridges 6 h).
  for (std::size_t h = 59 * 24; h < 64 * 24; ++h)
    weather.value[h] = std::nan("");
  const auto m = fit_towt_billing(bills, weather, {.zone = chicago, .fixed_knots = {50, 65}});
  CHECK(m.observations == 23);
  const auto p = predict(m, bills, weather);
  CHECK(std::isnan(p.expected[2]));
  CHECK(std::isnan(p.upper[2]));
  CHECK(p.expected[3] == Approx(bills[3].kwh).epsilon(1e-9));
  // One missing day is filled with the bill's mean hour: still within 1 % here.
  for (std::size_t h = 100 * 24; h < 101 * 24; ++h)
    weather.value[h] = std::nan("");
  const auto q = predict(m, bills, weather);
  CHECK(std::isfinite(q.expected[3]));
  CHECK(std::abs(q.expected[3] - bills[3].kwh) / bills[3].kwh < 0.01);
}

TEST_CASE("TOWT on bills refuses what bills cannot identify, naming why",
          "[baseline][towt][billing]") {
  const epoch_seconds t0 = s::utc("2022-01-01T00:00:00-06:00");
  const auto weather = hourly_weather(t0, 2 * 366 * 24);
  auto bills = calendar_months(24);
  bill_with_law(bills, weather, {});
  const towt_billing_options o{.zone = chicago};

  // Five bills, four parameters: fewer than p + 2.
  const std::vector<usage_period> five(bills.begin(), bills.begin() + 5);
  CHECK_THROWS_WITH(fit_towt_billing(five, weather, o),
                    Catch::Contains("5 usable bills for 4 parameters (needs 6"));
  // Constant weather: the components are collinear with the intercept.
  temperature_series flat = weather;
  std::fill(flat.value.begin(), flat.value.end(), 60.0);
  CHECK_THROWS_WITH(fit_towt_billing(bills, flat, o), Catch::Contains("collinear"));
  // A bill that is not whole hours, and one that ends before it starts, are named.
  auto odd = bills;
  odd[4].end += 1800;
  CHECK_THROWS_WITH(fit_towt_billing(odd, weather, o),
                    Catch::Contains("bill 4 [") && Catch::Contains("not a whole number of hours"));
  odd = bills;
  std::swap(odd[1].start, odd[1].end);
  CHECK_THROWS_WITH(fit_towt_billing(odd, weather, o), Catch::Contains("bill 1 ["));
  // Instants near the int64 limits and absurd gaps are refused before any arithmetic on them.
  odd = bills;
  odd[0].start = std::numeric_limits<epoch_seconds>::min();
  CHECK_THROWS_WITH(fit_towt_billing(odd, weather, o),
                    Catch::Contains("bill 0 [") && Catch::Contains("supported time range"));
  CHECK_THROWS_WITH(
      fit_towt_billing(
          bills, weather,
          {.zone = chicago, .gaps = {.max_gap_seconds = std::numeric_limits<std::int64_t>::max()}}),
      Catch::Contains("max_gap_seconds"));
  // Options.
  CHECK_THROWS_WITH(
      fit_towt_billing(bills, weather, {.zone = chicago, .occupied_slots = {1, 0, 1}}),
      Catch::Contains("168 flags, got 3"));
  CHECK_THROWS_WITH(fit_towt_billing(bills, weather, {.zone = chicago, .fixed_knots = {65, 50}}),
                    Catch::Contains("fixed_knots[1]"));
  // Unsorted temperatures.
  temperature_series swapped = weather;
  std::swap(swapped.ts[10], swapped.ts[11]);
  CHECK_THROWS_WITH(fit_towt_billing(bills, swapped, o), Catch::Contains("index 11"));
  // No usable bill: the counts say why.
  auto unknown = bills;
  for (auto& b : unknown)
    b.kwh = std::nan("");
  CHECK_THROWS_WITH(fit_towt_billing(unknown, weather, o),
                    Catch::Contains("no usable bill (24 without usage"));
}
