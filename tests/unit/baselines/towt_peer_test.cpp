// SPDX-License-Identifier: Apache-2.0
// TOWT peer variants: daily rows with day-of-week slots, the reference code's fixed-hinge
// occupancy rule, and a model given by its coefficients. Expected values are hand computations.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <energy/baseline/towt.hpp>

#include "sample_data.hpp"

using namespace energy::baseline;
using energy::epoch_seconds;
namespace s = energy::baseline::sample;

namespace {
constexpr const char* zone = "America/Chicago";

/// Local midnights of `days` consecutive days from 2023-01-02 (a Monday) in Chicago.
std::vector<epoch_seconds> local_midnights(std::size_t days) {
  std::vector<epoch_seconds> out;
  epoch_seconds t = s::utc("2023-01-02T00:00:00-06:00");
  for (std::size_t d = 0; d < days; ++d) {
    out.push_back(t);
    // Next local midnight: 24 h, or 23 / 25 h across a DST change.
    epoch_seconds next = t + 86400;
    const auto tow = time_of_week(std::vector<epoch_seconds>{next}, energy::time_zone{zone})[0];
    if (tow % 24 == 23) next += 3600;  // fell back: 23:00 local
    if (tow % 24 == 1) next -= 3600;   // sprang forward: 01:00 local
    t = next;
  }
  return out;
}
/// Hourly rows from Monday 2023-01-02 00:00 in Chicago: row i's temperature is temp_of(i) (also
/// appended to `temp`) and its load kwh_of(i, temperature).
template <class TempOf, class KwhOf>
load_series hourly_rows(std::size_t n, std::vector<double>& temp, TempOf temp_of, KwhOf kwh_of) {
  load_series load;
  load.interval_seconds = 3600;
  const epoch_seconds t0 = s::utc("2023-01-02T00:00:00-06:00");
  for (std::size_t i = 0; i < n; ++i) {
    load.ts.push_back(t0 + static_cast<epoch_seconds>(i) * 3600);
    temp.push_back(temp_of(i));
    load.kwh.push_back(kwh_of(i, temp.back()));
  }
  return load;
}
}  // namespace

TEST_CASE("Daily TOWT recovers day-of-week levels and the temperature slope",
          "[baseline][towt][peer]") {
  const std::size_t n = 364;
  load_series load;
  load.interval_seconds = 86400;
  load.ts = local_midnights(n);
  std::vector<double> temp(n);
  // Weekdays 100 kWh, Saturday 40, Sunday 30; + 2 kWh per °F: one segment, exact law.
  const double level[7] = {100, 100, 100, 100, 100, 40, 30};
  for (std::size_t d = 0; d < n; ++d) {
    temp[d] = 50 + 20 * std::sin(static_cast<double>(d) * 0.05) + static_cast<double>(d % 5);
    load.kwh.push_back(level[d % 7] + 2.0 * temp[d]);
  }
  towt_options o{.zone = energy::time_zone{zone}};
  o.temperature_segments = 1;
  const towt_model m = fit_towt(load, temp, o);
  for (std::size_t wd = 0; wd < 7; ++wd)
    CHECK(m.tow_coefficients[wd * 24] == Approx(level[wd]).margin(1e-6));
  CHECK(std::isnan(m.tow_coefficients[1]));  // only the day slots are used
  const auto& slopes = m.occupied[0] ? m.occupied_slopes : m.unoccupied_slopes;
  CHECK(slopes[0] == Approx(2.0).epsilon(1e-9));
  CHECK(m.parameters == 7 + 1 + (m.occupied[0] != m.occupied[5 * 24] ? 1 : 0));
  // Saturday 2024-01-06 at 60 °F: 40 + 120 = 160.
  const std::vector<epoch_seconds> sat = {s::utc("2024-01-06T00:00:00-06:00")};
  const std::vector<double> t60 = {60};
  CHECK(predict(m, sat, t60).expected[0] == Approx(160).margin(1e-6));

  // Daily rows stamped at 00:00 UTC are 18:00 local of the day before: refused, naming the row.
  load_series utc = load;
  for (auto& t : utc.ts)
    t = t / 86400 * 86400;
  CHECK_THROWS_WITH(fit_towt(utc, temp, o),
                    Catch::Contains("daily row 0") && Catch::Contains("local midnight"));
}

TEST_CASE("The fixed-hinge occupancy rule needs its hinges in the data's unit",
          "[baseline][towt][peer]") {
  std::vector<double> temp;
  const load_series load = hourly_rows(
      24 * 7 * 8, temp,
      [](std::size_t i) { return 40 + 40 * std::sin(static_cast<double>(i) * 0.01); },
      [](std::size_t i, double t) {
        const std::size_t hour = i % 24;
        const bool open = (i / 24) % 7 < 5 && hour >= 8 && hour < 18;
        return (open ? 50.0 : 10.0) + 0.2 * std::max(0.0, t - 65.0);
      });
  towt_options o{.zone = energy::time_zone{zone}};
  o.occupancy = occupancy_rule::fixed_hinges;
  CHECK_THROWS_WITH(fit_towt(load, temp, o), Catch::Contains("occupancy_hinges"));
  o.occupancy_hinges = {50, 65};
  const towt_model m = fit_towt(load, temp, o);
  // The open hours (weekdays 08-18) are exactly the occupied slots.
  for (std::size_t slot = 0; slot < hours_per_week; ++slot) {
    const bool open = slot / 24 < 5 && slot % 24 >= 8 && slot % 24 < 18;
    CHECK(m.occupied[slot] == (open ? 1 : 0));
  }
}

TEST_CASE("A TOWT model from its coefficients predicts the hand-computed load",
          "[baseline][towt][peer]") {
  towt_parameters p{.zone = energy::time_zone{zone}};
  p.knots = {50};
  p.occupied.assign(hours_per_week, 0);
  p.occupied[9] = 1;  // Monday 09:00
  p.tow_coefficients.assign(hours_per_week, std::nan(""));
  p.tow_coefficients[0] = 1.0;
  p.tow_coefficients[9] = 5.0;
  p.unoccupied_slopes = {0.1, 0.2};
  p.occupied_slopes = {0.3, 0.4};
  const towt_model m = make_towt_model(p);
  CHECK(m.parameters == 2 + 2 + 2);
  // Monday 2024-01-01 00:00 local, 60 °F: components (50, 10): 1 + 0.1*50 + 0.2*10 = 8.
  // Monday 09:00, 40 °F: components (40, 0): 5 + 0.3*40 = 17. Monday 01:00: slot not covered.
  const epoch_seconds mon = s::utc("2024-01-01T00:00:00-06:00");
  const std::vector<epoch_seconds> ts = {mon, mon + 9 * 3600, mon + 3600};
  const std::vector<double> t = {60, 40, 60};
  const prediction pr = predict(m, ts, t);
  CHECK(pr.expected[0] == Approx(8.0));
  CHECK(pr.expected[1] == Approx(17.0));
  CHECK(std::isnan(pr.expected[2]));
  CHECK(std::isnan(pr.lower[0]));  // no residuals: the interval is unknown

  towt_parameters bad = p;
  bad.occupied_slopes = {0.3};
  CHECK_THROWS_WITH(make_towt_model(bad), Catch::Contains("occupied_slopes"));
  bad = p;
  bad.knots = {50, 40};
  CHECK_THROWS_WITH(make_towt_model(bad), Catch::Contains("knots[1]"));
}

TEST_CASE("Fixed knots are pruned where fewer than 20 rows lie beyond an outer knot",
          "[baseline][towt][peer]") {
  // 300 hourly rows: temperatures 45..79.x except 10 rows at 85 °F; none below 40.
  std::vector<double> temp;
  const load_series load = hourly_rows(
      300, temp, [](std::size_t i) { return i < 10 ? 85.0 : 45.0 + static_cast<double>(i % 35); },
      [](std::size_t, double t) { return 10 + 0.1 * t; });
  towt_options o{.zone = energy::time_zone{zone}};
  o.fixed_knots = {40, 55, 65, 80, 90};
  // Above 90: 0 rows -> drop 90; above 80: 10 -> drop 80; above 65: many -> keep.
  // Below 40: 0 -> drop 40; below 55: many -> keep. Knots {55, 65}.
  const towt_model m = fit_towt(load, temp, o);
  REQUIRE(m.knots.size() == 2);
  CHECK(m.knots[0] == 55);
  CHECK(m.knots[1] == 65);
  o.fixed_knots = {60, 50};
  CHECK_THROWS_WITH(fit_towt(load, temp, o), Catch::Contains("fixed_knots[1]"));
}

TEST_CASE("Given occupied slots are used as they are", "[baseline][towt][peer]") {
  std::vector<double> temp;
  const load_series load = hourly_rows(
      24 * 7 * 4, temp, [](std::size_t i) { return 50 + static_cast<double>(i % 17); },
      [](std::size_t, double t) { return 10 + 0.1 * t; });
  towt_options o{.zone = energy::time_zone{zone}};
  o.occupancy = occupancy_rule::given;
  CHECK_THROWS_WITH(fit_towt(load, temp, o), Catch::Contains("168 flags"));
  o.occupied_slots.assign(hours_per_week, 0);
  o.occupied_slots[30] = 1;  // Tuesday 06:00, although the load has no schedule at all
  const towt_model m = fit_towt(load, temp, o);
  for (std::size_t k = 0; k < hours_per_week; ++k)
    CHECK(m.occupied[k] == (k == 30 ? 1 : 0));
}
