// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <memory>

#include <algorithm>

#include <energy/recommend/recommend.hpp>

#include "synthetic_load.hpp"

using namespace energy;
using namespace energy::recommend;
using energy::testing::office;

namespace {

const date::time_zone* ny() {
  return energy::testing::new_york();
}
constexpr epoch_seconds jan1 = energy::testing::jan1_2024_ny;

/// A copy of the first matching recommendation (callers often pass a temporary vector), or null.
std::shared_ptr<const recommendation> find(const std::vector<recommendation>& r,
                                           recommendation_kind k, std::string_view title = {}) {
  const auto it = std::find_if(r.begin(), r.end(), [&](const recommendation& x) {
    return x.kind == k && (title.empty() || x.title == title);
  });
  return it == r.end() ? nullptr : std::make_shared<const recommendation>(*it);
}

std::vector<recommendation> run(const energy::testing::synthetic_series& s,
                                const std::function<void(building_history&)>& edit = {}) {
  const auto view = s.view();
  building_history h{view, ny()};
  h.primary_use = "office";
  h.price.energy_per_kwh = money::parse("0.12");
  if (edit) edit(h);
  return energy::recommend::recommend(h);
}

}  // namespace

TEST_CASE("high baseload fires when the night load is a large share of the day load",
          "[recommend]") {
  const auto high = run(office(jan1, 8 * 7, 900, ny(), 100.0, 60.0));
  const auto r = find(high, recommendation_kind::high_baseload);
  REQUIRE(r != nullptr);
  CHECK(r->evidence.at(2).value == Approx(0.6).epsilon(0.05));
  // (60 − 0.5·100) kW over the unoccupied hours of a year (168 − 50 per week).
  CHECK(from_milli(r->annual_saving_kwh) == Approx(10.0 * 8766.0 * 118.0 / 168.0).epsilon(0.05));
  CHECK(r->annual_saving == price_times(*money::parse("0.12"), r->annual_saving_kwh));
  CHECK(find(run(office(jan1, 8 * 7, 900, ny(), 100.0, 30.0)),
             recommendation_kind::high_baseload) == nullptr);
  // A hospital's flat load is legitimate.
  CHECK(find(run(office(jan1, 8 * 7, 900, ny(), 100.0, 60.0),
                 [](auto& h) { h.primary_use = "hospital"; }),
             recommendation_kind::high_baseload) == nullptr);
}

TEST_CASE("after-hours operation fires on repeated weekend operation and not on a clean schedule",
          "[recommend]") {
  const auto weekends =
      office(jan1, 8 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.05, 3,
             [](epoch_seconds t, int wd, int hour, double kwh) {
               const auto week = (t - jan1) / (7 * 86400);
               return wd == 5 && (week == 2 || week == 5) && hour >= 9 && hour < 15 ? 100.0 : kwh;
             });
  const auto r = find(run(weekends), recommendation_kind::after_hours_operation);
  REQUIRE(r != nullptr);
  CHECK(r->evidence.at(0).value == 2.0);  // two Saturdays
  // Each Saturday: 6 h × 70 kW above the baseline; 2 in 8 weeks, annualised.
  CHECK(from_milli(r->annual_saving_kwh) ==
        Approx(2 * 6 * 70.0 * 8766.0 / (8 * 168.0)).epsilon(0.1));
  CHECK(find(run(office(jan1, 8 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.05, 3)),
             recommendation_kind::after_hours_operation) == nullptr);
}

TEST_CASE("schedule drift fires when the recent weeks start earlier than before", "[recommend]") {
  const epoch_seconds recent = jan1 + (10 * 7 - 28) * 86400;
  const auto early = office(jan1, 10 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.05, 8,
                            [&](epoch_seconds t, int wd, int hour, double kwh) {
                              return t >= recent && wd < 5 && hour >= 6 && hour < 8 ? 100.0 : kwh;
                            });
  const auto r = find(run(early), recommendation_kind::schedule_drift);
  REQUIRE(r != nullptr);
  CHECK(r->explanation.find("06:00-18:00 (was 08:00-18:00)") != std::string::npos);
  CHECK(from_milli(r->annual_saving_kwh) == Approx(10.0 * 70.0 * 8766.0 / 168.0).epsilon(0.1));
  CHECK(find(run(office(jan1, 10 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.05, 8)),
             recommendation_kind::schedule_drift) == nullptr);
}

TEST_CASE("peak demand reduction fires on short peaks under a demand charge only", "[recommend]") {
  // Weekly 15-minute peaks of 300 kW (Wednesdays 14:00) on a 100/30 kW office, Jan–Mar 2024.
  const auto peaky = office(jan1, 91, 900, ny(), 100.0, 30.0, 8, 18, 0.02, 4,
                            [](epoch_seconds t, int wd, int hour, double kwh) {
                              return wd == 2 && hour == 14 && (t % 3600) == 0 ? 300.0 : kwh;
                            });
  auto with_demand = [](building_history& h) { h.price.demand_per_kw_month = money::parse("15"); };
  const auto r = find(run(peaky, with_demand), recommendation_kind::peak_demand);
  REQUIRE(r != nullptr);
  CHECK(r->annual_saving_kwh == 0);
  // Evidence: the load factor, the shave, then each full local month's peak with its period.
  REQUIRE(r->evidence.size() == 2 + 3);
  CHECK(r->evidence[2].label == "peak 2024-01");
  CHECK(r->evidence[4].label == "peak 2024-03");
  CHECK(r->evidence[2].value == Approx(300.0).epsilon(0.03));
  CHECK(r->evidence[2].period->start == from_epoch(jan1));
  // About (300 − 102) kW × $15 × 12 months.
  CHECK(r->annual_saving.to_double() == Approx(198.0 * 15.0 * 12.0).epsilon(0.05));
  CHECK(find(run(peaky), recommendation_kind::peak_demand) ==
        nullptr);  // no demand price: no claim
  CHECK(find(run(office(jan1, 91, 900, ny(), 100.0, 30.0, 8, 18, 0.02, 4), with_demand),
             recommendation_kind::peak_demand) == nullptr);
}

TEST_CASE("weather-sensitivity rules fire only outside their documented ranges", "[recommend]") {
  const auto s = office(jan1, 5 * 7, 3600, ny());
  weather_sensitivity w;
  w.heating_slope_kwh_per_degf_day = 20.0;
  w.heating_balance_point_degf = 70.0;
  w.cooling_slope_kwh_per_degf_day = 18.0;
  w.cooling_balance_point_degf = 55.0;
  w.annual_hdd_degf = 4000.0;
  w.annual_cdd_degf = 1500.0;
  w.heating_days_per_year = 200.0;
  w.cooling_days_per_year = 120.0;
  const auto bad = run(s, [&](auto& h) {
    h.weather = w;
    h.floor_area_ft2 = 5000.0;
  });
  const auto heat =
      find(bad, recommendation_kind::weather_sensitivity, "Lower the heating balance point");
  REQUIRE(heat != nullptr);
  CHECK(from_milli(heat->annual_saving_kwh) == Approx(20.0 * 5.0 * 200.0));
  const auto cool =
      find(bad, recommendation_kind::weather_sensitivity, "Raise the cooling balance point");
  REQUIRE(cool != nullptr);
  CHECK(from_milli(cool->annual_saving_kwh) == Approx(18.0 * 5.0 * 120.0));
  const auto slope = find(bad, recommendation_kind::weather_sensitivity,
                          "Reduce the heating sensitivity to weather");
  REQUIRE(slope != nullptr);  // 20 / 5 = 4 kWh/(°F·day) per 1000 ft² > 3
  CHECK(from_milli(slope->annual_saving_kwh) == Approx((20.0 - 15.0) * 4000.0));
  CHECK(find(bad, recommendation_kind::weather_sensitivity,
             "Reduce the cooling sensitivity to weather") != nullptr);

  w.heating_balance_point_degf = 60.0;
  w.cooling_balance_point_degf = 68.0;
  const auto good = run(s, [&](auto& h) {
    h.weather = w;
    h.floor_area_ft2 = 50000.0;
  });
  CHECK(find(good, recommendation_kind::weather_sensitivity) == nullptr);
}

TEST_CASE("energy use intensity is compared with the ENERGY STAR median for the property type",
          "[recommend]") {
  const auto b = find_eui_benchmark("Office");
  REQUIRE(b);
  CHECK(b->site_kbtu_per_ft2 == 52.9);
  CHECK(b->site_kwh_per_ft2() == Approx(52.9 / 3.412));
  CHECK_FALSE(find_eui_benchmark("spaceport"));

  const auto s = office(jan1, 8 * 7, 900, ny());  // about 445,000 kWh a year
  const auto high = find(run(s, [](auto& h) { h.floor_area_ft2 = 10000.0; }),
                         recommendation_kind::high_energy_use_intensity);
  REQUIRE(high != nullptr);
  CHECK(high->evidence.at(0).value == Approx(44.6).epsilon(0.05));
  CHECK(from_milli(high->annual_saving_kwh) ==
        Approx((high->evidence.at(0).value - 52.9 / 3.412) * 10000.0).epsilon(0.001));
  CHECK(find(run(s, [](auto& h) { h.floor_area_ft2 = 100000.0; }),
             recommendation_kind::high_energy_use_intensity) == nullptr);
  CHECK(find(run(s,
                 [](auto& h) {
                   h.floor_area_ft2 = 10000.0;
                   h.primary_use = "spaceport";
                 }),
             recommendation_kind::high_energy_use_intensity) == nullptr);
}

TEST_CASE("recommendations are ranked by annual money saving and need four weeks of history",
          "[recommend]") {
  const auto s = office(jan1, 8 * 7, 900, ny(), 100.0, 60.0);
  const auto r = run(s, [](auto& h) { h.floor_area_ft2 = 10000.0; });
  REQUIRE(r.size() >= 2);
  CHECK(std::is_sorted(r.begin(), r.end(), [](const auto& a, const auto& b) {
    return a.annual_saving > b.annual_saving;
  }));
  for (const auto& x : r) {
    CHECK_FALSE(x.evidence.empty());
    CHECK_FALSE(x.explanation.empty());
  }
  CHECK(run(office(jan1, 14, 900, ny(), 100.0, 60.0), [](auto& h) {
          h.floor_area_ft2 = 10000.0;
        }).empty());
  const auto view = s.view();
  CHECK_THROWS_AS(energy::recommend::recommend(building_history{view, nullptr}),
                  std::invalid_argument);
}

TEST_CASE("a declared schedule is the reference for schedule drift when given", "[recommend]") {
  // The building has run 06:00-18:00 all along; the owner declares 08:00-18:00.
  const auto s = office(jan1, 8 * 7, 900, ny(), 100.0, 30.0, 6, 18, 0.05, 12);
  anomaly::operating_schedule declared;
  declared.detected = true;
  declared.occupied_level = 25000.0;  // 100 kW × 0.25 h, milli-kWh per interval
  declared.unoccupied_level = 7500.0;
  for (int d = 0; d < 5; ++d)
    declared.days[static_cast<std::size_t>(d)] = anomaly::day_schedule{true, 8, 18};
  const auto r = find(run(s, [&](auto& h) { h.declared_schedule = declared; }),
                      recommendation_kind::schedule_drift);
  REQUIRE(r != nullptr);
  CHECK(r->explanation.find("declared") != std::string::npos);
  CHECK(from_milli(r->annual_saving_kwh) == Approx(10.0 * 70.0 * 8766.0 / 168.0).epsilon(0.02));
  for (int d = 0; d < 5; ++d)
    declared.days[static_cast<std::size_t>(d)] = anomaly::day_schedule{true, 6, 18};
  CHECK(find(run(s, [&](auto& h) { h.declared_schedule = declared; }),
             recommendation_kind::schedule_drift) == nullptr);
}
