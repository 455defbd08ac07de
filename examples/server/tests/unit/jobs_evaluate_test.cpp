// SPDX-License-Identifier: Apache-2.0
// The alert evaluation rules on hand-made building data.
#include <catch2/catch.hpp>

#include <cmath>

#include "jobs/evaluate.hpp"

using namespace energy;
using namespace energy::server::jobs;

namespace {

constexpr epoch_seconds t0 = 1'700'006'400;  // 2023-11-15T00:00:00Z, a Wednesday

struct fixture {
  building_data d;
  alert_rule rule;
  explicit fixture(const std::string& zone = "UTC", std::int32_t interval = 900)
      : d{.zone = find_zone(zone)} {
    d.b.id = uuid::v7();
    d.b.tenant_id = uuid::v7();
    d.b.name = "HQ";
    d.b.time_zone = zone;
    sensor s;
    s.id = uuid::v7();
    s.building_id = d.b.id;
    s.interval_seconds = interval;
    s.created_at = from_epoch(t0 - 30 * 86400);
    d.sensors.push_back(s);
    rule.id = uuid::v7();
    rule.tenant_id = d.b.tenant_id;
    rule.building_id = d.b.id;
    rule.name = "rule";
  }
  const uuid& sensor_id() const { return d.sensors.front().id; }
  void reading(epoch_seconds ts, milli wh) { d.rows.push_back(sensor_id(), ts, wh); }
  finding judge(epoch_seconds now) const {
    const auto all = evaluate(rule, d, from_epoch(now));
    REQUIRE(all.size() == 1);
    return all.front();
  }
};

}  // namespace

TEST_CASE("alerts: threshold holds when the last complete local hour exceeds it") {
  fixture f;
  f.rule.threshold = 5000;  // 5 kWh per hour
  for (int i = 0; i < 4; ++i)
    f.reading(t0 + 10 * 3600 + 900 * i, 2000);  // 8 kWh in 10:00-11:00
  const auto hit = f.judge(t0 + 11 * 3600 + 600);
  CHECK(hit.holds);
  CHECK_FALSE(hit.error);
  CHECK(hit.details["actual_kwh"] == "8.000");
  CHECK_THAT(hit.summary, Catch::Contains("8.000 kWh") && Catch::Contains("5.000 kWh"));
  // Two hours on, that hour is no longer the previous or the current one: resolved.
  CHECK_FALSE(f.judge(t0 + 12 * 3600 + 600).holds);
}

TEST_CASE("alerts: threshold windows are the building's local hours, not UTC hours") {
  // 4 kWh in the UTC hour 10:00-11:00; Kolkata (UTC+05:30) splits it 2 + 2 over its local hours.
  for (const auto& [zone, expected] :
       {std::pair<std::string, bool>{"UTC", true}, {"Asia/Kolkata", false}}) {
    fixture f(zone);
    f.rule.threshold = 3000;
    for (int i = 0; i < 4; ++i)
      f.reading(t0 + 10 * 3600 + 900 * i, 1000);
    INFO(zone);
    CHECK(f.judge(t0 + 11 * 3600 + 600).holds == expected);
  }
}

TEST_CASE("alerts: a 15-minute threshold over hourly meters cannot be judged, and says so") {
  fixture f("UTC", 3600);
  f.rule.threshold = 1000;
  f.rule.window = alert_window::quarter_hour;
  f.reading(t0, 5000);
  const auto r = f.judge(t0 + 3600);
  CHECK_FALSE(r.holds);
  REQUIRE(r.error);
}

TEST_CASE("alerts: peak demand compares each interval's average kW with the limit exactly") {
  fixture f;
  f.reading(t0 + 3600, 1000);  // 1 kWh in 15 minutes = 4 kW
  f.rule.peak_demand = 3999;
  auto r = f.judge(t0 + 3600 + 1800);
  CHECK(r.holds);
  CHECK(r.details["demand_kw"] == "4.000");
  f.rule.peak_demand = 4000;  // equal is not above
  CHECK_FALSE(f.judge(t0 + 3600 + 1800).holds);
}

TEST_CASE("alerts: data gap holds while a sensor is silent longer than allowed") {
  fixture f;
  f.rule.gap_seconds = 2 * 3600;
  for (epoch_seconds t = t0; t < t0 + 10 * 3600; t += 900)
    f.reading(t, 100);
  // Last reading covers up to 10:00; at 12:30 the sensor has been silent 2.5 h.
  auto r = f.judge(t0 + 12 * 3600 + 1800);
  CHECK(r.holds);
  REQUIRE(r.details["sensors"].size() == 1);
  CHECK(r.details["sensors"][0]["silent_since"] == "2023-11-15T10:00:00Z");
  // At 11:00 it is only an hour: no gap yet.
  CHECK_FALSE(f.judge(t0 + 11 * 3600).holds);
  // A sensor created an hour ago cannot have been silent for two.
  f.d.sensors.front().created_at = from_epoch(t0 + 11 * 3600 + 1800);
  CHECK_FALSE(f.judge(t0 + 12 * 3600 + 1800).holds);
}

TEST_CASE("alerts: flatline holds while a sensor still repeats one value") {
  fixture f;
  f.rule.flatline_seconds = 6 * 3600;
  for (epoch_seconds t = t0; t < t0 + 4 * 3600; t += 900)
    f.reading(t, 100 + (t / 900) % 7);
  for (epoch_seconds t = t0 + 4 * 3600; t < t0 + 12 * 3600; t += 900)
    f.reading(t, 250);
  auto r = f.judge(t0 + 12 * 3600);
  CHECK(r.holds);
  REQUIRE(r.details["sensors"].size() == 1);
  CHECK(r.details["sensors"][0]["flat_since"] == "2023-11-15T04:00:00Z");
  // The value moves again: the flat run no longer reaches the latest reading.
  f.reading(t0 + 12 * 3600, 260);
  CHECK_FALSE(f.judge(t0 + 12 * 3600 + 900).holds);
}

TEST_CASE("alerts: baseline deviation holds for a sustained departure from the weekly profile") {
  fixture f;
  f.rule.deviation_percent = 15;
  const epoch_seconds start = t0 - 28 * 86400;
  const epoch_seconds now = t0;
  auto add_hours = [&](double factor_last_two_days) {
    f.d.hourly.clear();
    for (epoch_seconds t = start; t < now; t += 3600) {
      const auto hour_of_day = (t / 3600) % 24;
      milli v = hour_of_day >= 8 && hour_of_day < 18 ? 20'000 : 5'000;
      v += (t / 3600) % 5 * 100;  // a little noise
      if (t >= now - 2 * 86400) v = static_cast<milli>(std::llround(v * factor_last_two_days));
      summary_row s;
      s.subject_id = f.d.b.id;
      s.res = resolution::hour;
      s.period = {from_epoch(t), from_epoch(t + 3600)};
      s.consumption = v;
      f.d.hourly.push_back(s);
    }
  };
  add_hours(2.0);
  auto r = f.judge(now);
  CHECK_FALSE(r.error);
  CHECK(r.holds);
  add_hours(1.0);
  r = f.judge(now);
  CHECK_FALSE(r.error);
  CHECK_FALSE(r.holds);
  // Too little history: not judged, and said so.
  f.d.hourly.resize(24 * 10);
  r = f.judge(now);
  CHECK_FALSE(r.holds);
  REQUIRE(r.error);
  CHECK_THAT(*r.error, Catch::Contains("14 days"));
}

TEST_CASE("alerts: every configured condition gets its own finding") {
  fixture f;
  f.rule.threshold = 1000;
  f.rule.peak_demand = 1000;
  f.rule.gap_seconds = 3600;
  const auto all = evaluate(f.rule, f.d, from_epoch(t0));
  REQUIRE(all.size() == 3);
  CHECK(all[0].what == condition::threshold);
  CHECK(all[1].what == condition::peak_demand);
  CHECK(all[2].what == condition::data_gap);
}
