// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <memory>

#include <energy/recommend/recommend.hpp>

#include "synthetic_load.hpp"

using namespace energy;
using namespace energy::recommend;
using energy::testing::office;

namespace {

energy::time_zone ny() {
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

recommend_result analysed(const energy::testing::synthetic_series& s,
                          const std::function<void(building_history&)>& edit = {}) {
  const auto view = s.view();
  building_history h{view, ny()};
  h.primary_use = "office";
  h.price.energy_per_kwh = money::parse("0.12");
  if (edit) edit(h);
  return energy::recommend::analyse(h);
}

std::vector<recommendation> run(const energy::testing::synthetic_series& s,
                                const std::function<void(building_history&)>& edit = {}) {
  return analysed(s, edit).recommendations;
}

bool skipped_with(const recommend_result& r, std::string_view rule, std::string_view reason) {
  return std::any_of(r.skipped.begin(), r.skipped.end(), [&](const skipped_rule& x) {
    return x.rule == rule && x.reason.find(reason) != std::string::npos;
  });
}

/// |a − b| within a few micro-dollars per month (exact line amounts, rounded to the micro).
bool same_money(money a, money b) {
  return std::llabs(a.micros() - b.micros()) <= 50;
}

/// What the base-load measure takes off: every interval outside weekdays 08:00-18:00 local lowered
/// by `delta_kw`, not below `target_kw` (kWh).
double baseload_cut_kwh(const energy::testing::synthetic_series& s, double delta_kw,
                        double target_kw) {
  const auto local = anomaly::local_seconds(s.ts, ny());
  const double hours = s.interval / 3600.0;
  double kwh = 0.0;
  for (std::size_t i = 0; i < s.ts.size(); ++i) {
    const auto day = local[i] / 86400;
    const auto wd = (day % 7 + 3) % 7;  // 0 = Monday (1970-01-01 was a Thursday)
    const auto hour = (local[i] % 86400) / 3600;
    if (wd < 5 && hour >= 8 && hour < 18) continue;
    const double kw = from_milli(s.value[i]) / hours;
    kwh += std::min(delta_kw, std::max(0.0, kw - target_kw)) * hours;
  }
  return kwh;
}

/// A weather input for a 35-day hourly office that passes the fit rules, daily temperatures
/// given per local day.
weather_sensitivity weather_with(const energy::testing::synthetic_series& s,
                                 const std::function<double(int)>& temp_of_day) {
  weather_sensitivity w;
  const auto local = anomaly::local_seconds(s.ts, ny());
  for (std::size_t i = 0; i < local.size(); i += 24) {
    const std::int64_t day = local[i] / 86400;
    if (w.daily.empty() || w.daily.back().local_day != day)
      w.daily.push_back({day, temp_of_day(static_cast<int>(w.daily.size()))});
  }
  weather_sensitivity::fit_check f;
  f.passes = true;
  f.rules = "test rules";
  w.fit = f;
  return w;
}

}  // namespace

TEST_CASE("high baseload: the measure is priced through the bill engine, per observed period",
          "[recommend]") {
  const auto s = office(jan1, 8 * 7, 900, ny(), 100.0, 60.0);
  const auto r = find(run(s), recommendation_kind::high_baseload);
  REQUIRE(r != nullptr);
  CHECK(r->evidence.at(2).value == Approx(0.6).epsilon(0.05));
  // About (60 − 0.5·100) kW off the unoccupied hours of 8 weeks (168 − 50 per week), not below
  // 50 kW (the ±5 % noise makes some hours save less): for the 8 weeks, not a year.
  CHECK_FALSE(r->per_year);
  CHECK(r->coverage_days == Approx(56.0));
  CHECK(from_milli(r->saving_kwh) == Approx(baseload_cut_kwh(s, 10.0, 50.0)).epsilon(0.03));
  CHECK(from_milli(r->saving_kwh) < 10.0 * 118.0 * 8);
  CHECK(same_money(r->saving, price_times(*money::parse("0.12"), r->saving_kwh)));
  CHECK(r->annual_saving_kwh == 0);  // never a silent × (year / 8 weeks)
  CHECK(r->basis.find("flat price 0.12 $/kWh (no tariff given") != std::string::npos);
  CHECK(r->saving_low <= r->saving);
  CHECK(r->saving_high >= r->saving);
  CHECK(std::any_of(r->caveats.begin(), r->caveats.end(),
                    [](const std::string& c) { return c.find("per observed period") == 0; }));
  CHECK_FALSE(r->measure.empty());
  CHECK(find(run(office(jan1, 8 * 7, 900, ny(), 100.0, 30.0)),
             recommendation_kind::high_baseload) == nullptr);
  // A hospital's flat load is legitimate, and the result says why the rule did not run.
  const auto hospital = analysed(office(jan1, 8 * 7, 900, ny(), 100.0, 60.0),
                                 [](auto& h) { h.primary_use = "hospital"; });
  CHECK(find(hospital.recommendations, recommendation_kind::high_baseload) == nullptr);
  CHECK(skipped_with(hospital, "high_baseload", "'hospital' runs around the clock"));
}

TEST_CASE("a year of data gives per-year savings, the tariff's time-of-use prices them",
          "[recommend]") {
  const auto s = office(jan1, 371, 3600, ny(), 100.0, 60.0);
  // Time of use: 0.30 $/kWh weekdays 08:00-18:00, 0.10 otherwise, every month.
  billing::tariff tou;
  tou.name = "test TOU";
  tou.energy_periods = {billing::rate_period{{{std::nullopt, *money::parse("0.10"), {}}}},
                        billing::rate_period{{{std::nullopt, *money::parse("0.30"), {}}}}};
  for (auto& month : tou.energy_weekday)
    for (int h = 8; h < 18; ++h)
      month[static_cast<std::size_t>(h)] = 1;
  const auto result = analysed(s, [&](auto& h) { h.tariff = tou; });
  CHECK(result.per_year);
  CHECK(result.basis == "tariff 'test TOU'");
  const auto r = find(result.recommendations, recommendation_kind::high_baseload);
  REQUIRE(r != nullptr);
  CHECK(r->per_year);
  CHECK(from_milli(r->saving_kwh) ==
        Approx(baseload_cut_kwh(s, 10.0, 50.0) * 365.25 / 371.0).epsilon(0.03));
  CHECK(r->annual_saving == r->saving);
  // The base load comes off at night and at weekends: all off-peak hours, 0.10 $/kWh, not 0.12.
  CHECK(r->saving.to_double() == Approx(0.10 * from_milli(r->saving_kwh)).epsilon(0.002));
  CHECK(r->confidence == confidence_level::high);
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
  // Each Saturday: 6 h × 70 kW above the baseline, over the 8 weeks observed.
  CHECK(from_milli(r->saving_kwh) == Approx(2 * 6 * 70.0).epsilon(0.1));
  CHECK(r->confidence == confidence_level::low);  // two events: a wide band
  CHECK(find(run(office(jan1, 8 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.05, 3)),
             recommendation_kind::after_hours_operation) == nullptr);
}

TEST_CASE("after-hours materiality is judged against the unoccupied hours' energy", "[recommend]") {
  // Half a year of an office with two Sundays run 08:00-18:00 at the weekday level: 2 × 10 h ×
  // 70 kW = 1,400 kWh above the baseline, 0.6 % of all the energy (222,000 kWh) but 1.5 % of the
  // energy of the unoccupied hours (92,000 kWh), which the measure acts on.
  const auto two_sundays =
      office(jan1, 26 * 7, 3600, ny(), 100.0, 30.0, 8, 18, 0.05, 3,
             [](epoch_seconds t, int wd, int hour, double kwh) {
               const auto week = (t - jan1) / (7 * 86400);
               return wd == 6 && (week == 9 || week == 17) && hour >= 8 && hour < 18 ? 100.0 : kwh;
             });
  const auto r = find(run(two_sundays), recommendation_kind::after_hours_operation);
  REQUIRE(r != nullptr);
  CHECK(r->evidence.at(0).value == 2.0);
  CHECK(from_milli(r->saving_kwh) == Approx(2 * 10 * 70.0).epsilon(0.1));
  // One Sunday afternoon of 3 h at 2.5 × the night load stays immaterial (0.15 %).
  const auto one_afternoon =
      office(jan1, 26 * 7, 3600, ny(), 100.0, 30.0, 8, 18, 0.05, 3,
             [](epoch_seconds t, int wd, int hour, double kwh) {
               const auto week = (t - jan1) / (7 * 86400);
               return wd == 6 && week == 9 && hour >= 13 && hour < 16 ? 75.0 : kwh;
             });
  CHECK(find(run(one_afternoon), recommendation_kind::after_hours_operation) == nullptr);
}

TEST_CASE("schedule drift fires when the recent weeks start earlier and the load rose",
          "[recommend]") {
  const epoch_seconds recent = jan1 + (10 * 7 - 28) * 86400;
  const auto early = office(jan1, 10 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.05, 8,
                            [&](epoch_seconds t, int wd, int hour, double kwh) {
                              return t >= recent && wd < 5 && hour >= 6 && hour < 8 ? 100.0 : kwh;
                            });
  const auto r = find(run(early), recommendation_kind::schedule_drift);
  REQUIRE(r != nullptr);
  CHECK(r->explanation.find("Mon 06:00-18:00 (was 08:00-18:00)") != std::string::npos);
  // The window: 70 × 24 h from New York's Jan 1 midnight end at 01:00 EDT on Mar 11 (DST).
  CHECK(r->explanation.find("From 2024-02-12 to 2024-03-11") != std::string::npos);
  // 20 weekdays × 2 h × 70 kW in the 28 recent days; never scaled to a year.
  CHECK_FALSE(r->per_year);
  CHECK(r->coverage_days == Approx(28.0));
  CHECK(from_milli(r->saving_kwh) == Approx(20 * 2 * 70.0).epsilon(0.05));
  CHECK(find(run(office(jan1, 10 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.05, 8)),
             recommendation_kind::schedule_drift) == nullptr);
}

TEST_CASE("schedule drift counts earlier stops and needs the load in the drifted hours to rise",
          "[recommend]") {
  const epoch_seconds recent = jan1 + (10 * 7 - 28) * 86400;
  // Starts two hours earlier but also stops two hours earlier: no net extra hours.
  const auto shifted = office(jan1, 10 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.05, 8,
                              [&](epoch_seconds t, int wd, int hour, double kwh) {
                                if (t < recent || wd >= 5) return kwh;
                                return hour >= 6 && hour < 16 ? 100.0 : 30.0;
                              });
  CHECK(find(run(shifted), recommendation_kind::schedule_drift) == nullptr);
  // The use fell: 06:00-08:00 ran at 60 kW all along (below the occupied threshold while the
  // day ran at 100 kW); in the recent weeks the day runs at 80 kW, so the detector now counts
  // 06:00 as occupied — but the load in those hours did not rise.
  const auto fell = office(jan1, 10 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.02, 8,
                           [&](epoch_seconds t, int wd, int hour, double kwh) {
                             if (wd >= 5) return kwh;
                             if (hour >= 6 && hour < 8) return 60.0;
                             return t >= recent && kwh > 50.0 ? 80.0 : kwh;
                           });
  const auto result = analysed(fell);
  CHECK(find(result.recommendations, recommendation_kind::schedule_drift) == nullptr);
}

TEST_CASE("schedule drift on a Saturday is priced with Saturday's own load step", "[recommend]") {
  const epoch_seconds recent = jan1 + (10 * 7 - 28) * 86400;
  // Saturdays open 08:00-12:00 at 50 kW all along; in the recent weeks until 16:00.
  const auto sat = office(jan1, 10 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.02, 8,
                          [&](epoch_seconds t, int wd, int hour, double kwh) {
                            if (wd != 5) return kwh;
                            const int close = t >= recent ? 16 : 12;
                            return hour >= 8 && hour < close ? 70.0 : kwh;
                          });
  const auto r = find(run(sat), recommendation_kind::schedule_drift);
  REQUIRE(r != nullptr);
  // 4 Saturdays × 4 h × (70 − 30) kW, not the weekday step of 70 kW.
  CHECK(from_milli(r->saving_kwh) == Approx(4 * 4 * 40.0).epsilon(0.06));
}

TEST_CASE("peak demand: capped and shifted through the bill engine under a demand charge",
          "[recommend]") {
  // Weekly 15-minute peaks of 300 kW (Wednesdays 14:00) on a 100/30 kW office, Jan–Mar 2024.
  const auto peaky = office(jan1, 91, 900, ny(), 100.0, 30.0, 8, 18, 0.02, 4,
                            [](epoch_seconds t, int wd, int hour, double kwh) {
                              return wd == 2 && hour == 14 && (t % 3600) == 0 ? 300.0 : kwh;
                            });
  auto with_demand = [](building_history& h) { h.price.demand_per_kw_month = money::parse("15"); };
  const auto r = find(run(peaky, with_demand), recommendation_kind::peak_demand);
  REQUIRE(r != nullptr);
  CHECK(r->saving_kwh == 0);  // shifted within the day, not saved
  REQUIRE(r->evidence.size() >= 2 + 3);
  CHECK(r->evidence[2].label == "peak 2024-01");
  CHECK(r->evidence[4].label == "peak 2024-03");
  CHECK(r->evidence[2].value == Approx(300.0).epsilon(0.03));
  CHECK(r->evidence[2].period->start == from_epoch(jan1));
  // About (300 − 102) kW × $15 over the three observed months (not × 12).
  CHECK(r->saving.to_double() == Approx(198.0 * 15.0 * 3).epsilon(0.05));
  CHECK_FALSE(r->per_year);
  const auto bare = analysed(peaky);
  CHECK(find(bare.recommendations, recommendation_kind::peak_demand) == nullptr);
  CHECK(skipped_with(bare, "peak_demand", "no demand charge"));
  CHECK(find(run(office(jan1, 91, 900, ny(), 100.0, 30.0, 8, 18, 0.02, 4), with_demand),
             recommendation_kind::peak_demand) == nullptr);
}

TEST_CASE("hourly data against a 15-minute demand window carries a caveat", "[recommend]") {
  const auto peaky = office(jan1, 91, 3600, ny(), 100.0, 30.0, 8, 18, 0.02, 4,
                            [](epoch_seconds, int wd, int hour, double kwh) {
                              return wd == 2 && hour == 14 ? 300.0 : kwh;
                            });
  billing::tariff t = billing::flat_energy_tariff(*money::parse("0.1"));
  t.name = "demand";
  t.flat_demand_periods = {billing::rate_period{{{std::nullopt, *money::parse("15"), {}}}}};
  t.demand_window_minutes = 15;
  const auto r = find(run(peaky, [&](auto& h) { h.tariff = t; }), recommendation_kind::peak_demand);
  REQUIRE(r != nullptr);
  CHECK(std::any_of(r->caveats.begin(), r->caveats.end(), [](const std::string& c) {
    return c.find("demand from 60-minute data against the tariff's 15-minute") == 0;
  }));
  CHECK(r->confidence != confidence_level::high);
}

TEST_CASE("balance-point rule counts only the degree-days beyond the new balance point",
          "[recommend]") {
  const auto s = office(jan1, 5 * 7, 3600, ny());
  // Alternate days at 57 °F (between the model's 55 °F and the 60 °F edge) and at 70 °F.
  auto w = weather_with(s, [](int day) { return day % 2 == 0 ? 57.0 : 70.0; });
  w.cooling_slope_kwh_per_degf_day = 18.0;
  w.cooling_balance_point_degf = 55.0;
  const auto result = analysed(s, [&](auto& h) { h.weather = w; });
  const auto cool = find(result.recommendations, recommendation_kind::weather_sensitivity,
                         "Raise the cooling balance point");
  REQUIRE(cool != nullptr);
  double expected = 0.0;  // 18 × (2 °F on the 57 °F days, 5 °F on the 70 °F days)
  for (std::size_t d = 0; d < w.daily.size(); ++d)
    expected += 18.0 * (w.daily[d].mean_degf == 57.0 ? 2.0 : 5.0);
  CHECK(from_milli(cool->saving_kwh) == Approx(expected).epsilon(0.01));
  CHECK(from_milli(cool->saving_kwh) < 0.9 * 18.0 * 5.0 * w.daily.size());  // not the old claim
  CHECK(std::any_of(cool->evidence.begin(), cool->evidence.end(),
                    [](const evidence_item& e) { return e.label == "fit passes: test rules"; }));

  w.fit->passes = false;
  w.fit->failure = "CV(RMSE) 45.0 %";
  const auto failed = analysed(s, [&](auto& h) { h.weather = w; });
  CHECK(find(failed.recommendations, recommendation_kind::weather_sensitivity) == nullptr);
  CHECK(skipped_with(failed, "weather_sensitivity", "change-point fit failed: CV(RMSE) 45.0 %"));
  w.fit.reset();
  CHECK(skipped_with(analysed(s, [&](auto& h) { h.weather = w; }), "weather_sensitivity",
                     "quality is unknown"));
  CHECK(skipped_with(analysed(s), "weather_sensitivity", "no weather model"));

  // Inside the ranges: nothing fires.
  auto good = weather_with(s, [](int) { return 70.0; });
  good.cooling_slope_kwh_per_degf_day = 18.0;
  good.cooling_balance_point_degf = 68.0;
  good.heating_slope_kwh_per_degf_day = 20.0;
  good.heating_balance_point_degf = 60.0;
  CHECK(find(run(s,
                 [&](auto& h) {
                   h.weather = good;
                   h.floor_area_ft2 = 50000.0;
                 }),
             recommendation_kind::weather_sensitivity) == nullptr);
}

TEST_CASE("the heating slope rule prices the excess slope on each day's degree-days",
          "[recommend]") {
  const auto s = office(jan1, 5 * 7, 3600, ny());
  auto w = weather_with(s, [](int day) { return 30.0 + day % 5; });
  w.heating_slope_kwh_per_degf_day = 20.0;
  w.heating_balance_point_degf = 60.0;
  const auto slope =
      find(run(s,
               [&](auto& h) {
                 h.weather = w;
                 h.floor_area_ft2 = 5000.0;
               }),
           recommendation_kind::weather_sensitivity, "Reduce the heating sensitivity to weather");
  REQUIRE(slope != nullptr);  // 20 / 5 = 4 kWh/(°F·day) per 1000 ft² > 3
  double dd = 0.0;
  for (const auto& d : w.daily)
    dd += 60.0 - d.mean_degf;
  CHECK(from_milli(slope->saving_kwh) == Approx((20.0 - 15.0) * dd).epsilon(0.01));
  CHECK(slope->confidence == confidence_level::low);  // a rule-of-thumb target
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
  const double eui = high->evidence.at(0).value;
  CHECK(eui == Approx(44.6).epsilon(0.05));
  double total = 0.0;
  for (auto v : s.value)
    total += from_milli(v);
  // Over the 8 weeks observed: the share of the use above the median.
  CHECK(from_milli(high->saving_kwh) == Approx(total * (1.0 - 52.9 / 3.412 / eui)).epsilon(0.001));
  CHECK(high->confidence == confidence_level::low);
  CHECK(find(run(s, [](auto& h) { h.floor_area_ft2 = 100000.0; }),
             recommendation_kind::high_energy_use_intensity) == nullptr);
  const auto spaceport = analysed(s, [](auto& h) {
    h.floor_area_ft2 = 10000.0;
    h.primary_use = "spaceport";
  });
  CHECK(find(spaceport.recommendations, recommendation_kind::high_energy_use_intensity) == nullptr);
  CHECK(skipped_with(spaceport, "high_energy_use_intensity", "'spaceport'"));
}

TEST_CASE("recommendations are ranked by realisable money and need four weeks of history",
          "[recommend]") {
  const auto s = office(jan1, 8 * 7, 900, ny(), 100.0, 60.0);
  const auto r = run(s, [](auto& h) { h.floor_area_ft2 = 10000.0; });
  REQUIRE(r.size() >= 2);
  CHECK(std::is_sorted(r.begin(), r.end(),
                       [](const auto& a, const auto& b) { return a.saving_low > b.saving_low; }));
  for (const auto& x : r) {
    CHECK_FALSE(x.evidence.empty());
    CHECK_FALSE(x.explanation.empty());
    CHECK(x.priced);
  }
  const auto short_history =
      analysed(office(jan1, 14, 900, ny(), 100.0, 60.0), [](auto& h) { h.floor_area_ft2 = 1e4; });
  CHECK(short_history.recommendations.empty());
  CHECK(skipped_with(short_history, "all", "fewer than min_history_days"));
  const auto unpriced = analysed(s, [](auto& h) { h.price = {}; });
  CHECK(unpriced.basis.find("unpriced") == 0);
  for (const auto& x : unpriced.recommendations) {
    CHECK_FALSE(x.priced);
    CHECK(x.saving.micros() == 0);
  }
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
  // The 28 recent days: 20 weekdays × 2 h × (100 − 30) kW.
  CHECK(from_milli(r->saving_kwh) == Approx(20 * 2 * 70.0).epsilon(0.05));
  for (int d = 0; d < 5; ++d)
    declared.days[static_cast<std::size_t>(d)] = anomaly::day_schedule{true, 6, 18};
  CHECK(find(run(s, [&](auto& h) { h.declared_schedule = declared; }),
             recommendation_kind::schedule_drift) == nullptr);
}

TEST_CASE("a building without a weekly schedule gets no after-hours or drift claim",
          "[recommend]") {
  // Flat 30 kW around the clock with a one-hour 100 kW spike every Wednesday at 14:00: whatever
  // the detector makes of it (nothing, or a one-hour "schedule"), it is not an operating schedule.
  const auto spiky = office(jan1, 10 * 7, 3600, ny(), 30.0, 30.0, 8, 18, 0.02, 5,
                            [](epoch_seconds, int wd, int hour, double kwh) {
                              return wd == 2 && hour == 14 ? 100.0 : kwh;
                            });
  const auto result = analysed(spiky);
  CHECK(find(result.recommendations, recommendation_kind::after_hours_operation) == nullptr);
  CHECK(find(result.recommendations, recommendation_kind::schedule_drift) == nullptr);
  CHECK(skipped_with(result, "after_hours_operation", "after-hours cannot be told apart"));
  CHECK(skipped_with(result, "schedule_drift", "window"));

  // A weather-driven day/night swing (hot and mild weeks alternating) with night spikes: its
  // median week looks like a 77-hour schedule and its night spikes are 1.8 % of the energy,
  // but no week-by-week schedule exists, so there is no after-hours claim, and the result says
  // why in the detector's words.
  const auto swing = analysed(energy::testing::weather_swing(jan1, 16 * 7, ny()));
  CHECK(find(swing.recommendations, recommendation_kind::after_hours_operation) == nullptr);
  CHECK(skipped_with(swing, "after_hours_operation",
                     "no operating schedule detected (and none declared): only 8 of 16 weeks "
                     "repeat the 77-hour weekly schedule"));

  // A declared schedule is held to the same rule.
  anomaly::operating_schedule one_hour;
  one_hour.detected = true;
  one_hour.occupied_level = 100000.0;
  one_hour.unoccupied_level = 30000.0;
  one_hour.days[2] = anomaly::day_schedule{true, 14, 15};
  CHECK(skipped_with(analysed(spiky, [&](auto& h) { h.declared_schedule = one_hour; }),
                     "after_hours_operation", "1 occupied hours a week"));
}
