// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <random>

#include <energy/anomaly/detector.hpp>
#include <energy/quality.hpp>

#include "synthetic_load.hpp"

using namespace energy;
using namespace energy::anomaly;
using energy::testing::office;

namespace {

/// A model's prediction (kWh) equal to a series of exact Wh values.
energy::baseline::prediction kwh_prediction(const std::vector<milli>& wh) {
  energy::baseline::prediction p;
  for (const auto v : wh)
    p.expected.push_back(static_cast<double>(v) / 1000.0);
  return p;
}

energy::time_zone ny() {
  return energy::testing::new_york();
}
constexpr epoch_seconds jan1 = energy::testing::jan1_2024_ny;

std::size_t count_kind(const std::vector<anomaly::anomaly>& a, anomaly_kind k) {
  return static_cast<std::size_t>(
      std::count_if(a.begin(), a.end(), [&](const auto& x) { return x.kind == k; }));
}

bool covers(const anomaly::anomaly& a, epoch_seconds t) {
  return a.range.contains(from_epoch(t));
}

}  // namespace

TEST_CASE("hour of the week follows the local clock across a DST change", "[anomaly]") {
  // 2024-03-10 is the spring-forward Sunday in New York: 01:59 EST is followed by 03:00 EDT.
  const epoch_seconds before = 1710050400;    // 2024-03-10T06:00Z = 01:00 EST
  const epoch_seconds after = before + 3600;  // 07:00Z = 03:00 EDT
  const std::vector<epoch_seconds> ts{before, after, jan1};
  const auto how = hour_of_week(ts, ny());
  CHECK(how[0] == 6 * 24 + 1);
  CHECK(how[1] == 6 * 24 + 3);
  CHECK(how[2] == 0);
}

TEST_CASE("a malformed series is a caller error naming the row", "[anomaly]") {
  const std::vector<epoch_seconds> ts{100, 100};
  const std::vector<milli> v{1, 2};
  meter_series s;
  s.ts = ts;
  s.value = v;
  CHECK_THROWS_WITH(detect_data_quality(s), Catch::Contains("row 1"));
  const std::vector<milli> short_v{1};
  s.value = short_v;
  CHECK_THROWS_AS(detect_data_quality(s), std::invalid_argument);
}

TEST_CASE("hourly threshold flags the hours above it and merges consecutive ones",
          "[anomaly][threshold]") {
  auto s = office(jan1, 2, 900, ny(), 10.0, 10.0, 8, 18, 0.0);  // 2.5 kWh per quarter hour
  // 10:00-12:00 local on Jan 1 doubles.
  for (std::size_t i = 40; i < 48; ++i)
    s.value[i] *= 2;
  alert_config cfg;
  cfg.threshold = 15000;  // 15 kWh per hour
  cfg.window = alert_window::hour;
  const auto a = detect_threshold(s.view(), cfg, ny());
  REQUIRE(a.size() == 1);
  CHECK(a[0].kind == anomaly_kind::threshold_exceeded);
  CHECK(a[0].range == time_range{from_epoch(jan1 + 10 * 3600), from_epoch(jan1 + 12 * 3600)});
  CHECK(a[0].actual == 20000);
  CHECK(a[0].expected == 15000);
  CHECK_FALSE(a[0].explanation.empty());
  cfg.is_enabled = false;
  CHECK(detect_threshold(s.view(), cfg, ny()).empty());
}

TEST_CASE("a daily threshold uses the local calendar day, 25 hours on the fall-back day",
          "[anomaly][threshold]") {
  // 2024-11-03 in New York has 25 hours: 04:00Z to 05:00Z next day.
  const epoch_seconds day_start = 1730606400;  // 2024-11-03T04:00Z = 00:00 EDT
  energy::testing::synthetic_series s;
  for (int h = 0; h < 24 + 25 + 24; ++h) {
    s.ts.push_back(day_start - 24 * 3600 + h * 3600);
    s.value.push_back(100);
  }
  alert_config cfg;
  cfg.window = alert_window::day;
  cfg.threshold = 2450;  // 24 × 100 = 2400 stays below, 25 × 100 = 2500 exceeds
  const auto a = detect_threshold(s.view(), cfg, ny());
  REQUIRE(a.size() == 1);
  CHECK(a[0].range == time_range{from_epoch(day_start), from_epoch(day_start + 25 * 3600)});
  CHECK(a[0].actual == 2500);
}

TEST_CASE("a threshold window shorter than the interval is refused", "[anomaly][threshold]") {
  auto s = office(jan1, 1, 3600, ny());
  alert_config cfg;
  cfg.threshold = 1000;
  cfg.window = alert_window::quarter_hour;
  CHECK_THROWS_AS(detect_threshold(s.view(), cfg, ny()), std::invalid_argument);
}

TEST_CASE("a sustained deviation from the baseline is found and clean data stays quiet",
          "[anomaly][deviation]") {
  auto clean = office(jan1, 8 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.1, 11);
  auto expected_of = [](const energy::testing::synthetic_series& s) {
    const auto ref = office(jan1, 8 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.0);
    auto e = kwh_prediction(ref.value);
    e.expected.resize(s.value.size());
    return e;
  };
  CHECK(detect_baseline_deviation(clean.view(), expected_of(clean), ny()).empty());

  // Week 5, Tuesday 00:00 to Thursday 00:00: +60 %.
  const epoch_seconds from = jan1 + (4 * 7 + 1) * 86400, to = from + 2 * 86400;
  auto shifted = clean;
  for (std::size_t i = 0; i < shifted.ts.size(); ++i)
    if (shifted.ts[i] >= from && shifted.ts[i] < to) shifted.value[i] = shifted.value[i] * 16 / 10;
  const auto a = detect_baseline_deviation(shifted.view(), expected_of(shifted), ny());
  REQUIRE(!a.empty());
  const auto hit =
      std::find_if(a.begin(), a.end(), [&](const auto& x) { return covers(x, from + 86400); });
  REQUIRE(hit != a.end());
  CHECK(hit->actual > hit->expected);
  CHECK(hit->range.length() >= std::chrono::hours(24));
  for (const auto& x : a)
    CHECK(to_epoch(x.range.end) > from - 86400);  // nothing far from the shift
  CHECK_THROWS_AS(detect_baseline_deviation(
                      shifted.view(), energy::baseline::prediction{.expected = {1, 2, 3}}, ny()),
                  std::invalid_argument);
}

TEST_CASE("the deviation detector takes a model's prediction in kWh as the model returns it",
          "[anomaly][deviation][units]") {
  // A flat 2 kWh per hour model against a series that runs at 3 kWh (3000 Wh) for two days.
  auto s = office(jan1, 4 * 7, 3600, ny(), 100.0, 30.0, 8, 18, 0.0);
  const epoch_seconds from = jan1 + 10 * 86400, to = from + 2 * 86400;
  for (std::size_t i = 0; i < s.ts.size(); ++i)
    s.value[i] = s.ts[i] >= from && s.ts[i] < to ? 3000 : 2000;
  energy::baseline::prediction model;
  model.expected.assign(s.ts.size(), 2.0);  // kWh per hour, the baseline models' unit
  const auto a = detect_baseline_deviation(s.view(), model, ny());
  REQUIRE(a.size() == 1);
  // Exact totals in Wh: the run (widened by the 24-hour smoothing) is whole hours at 2 kWh
  // expected, and the 48 hours at 3 kWh are 48 kWh above it.
  CHECK(a[0].expected % 2000 == 0);
  CHECK(a[0].actual - a[0].expected == 48 * 1000);
  CHECK(a[0].range.contains(from_epoch(from)));
}

TEST_CASE("one bad week does not poison the scale of the deviation detector",
          "[anomaly][deviation]") {
  auto s = office(jan1, 8 * 7, 3600, ny(), 100.0, 30.0, 8, 18, 0.1, 5);
  const auto ref = office(jan1, 8 * 7, 3600, ny(), 100.0, 30.0, 8, 18, 0.0);
  const auto expected = kwh_prediction(ref.value);
  // Week 2 triples (a wild week); week 6 Wednesday and Thursday run 50 % high.
  const epoch_seconds wild = jan1 + 7 * 86400, modest = jan1 + (5 * 7 + 2) * 86400;
  for (std::size_t i = 0; i < s.ts.size(); ++i) {
    if (s.ts[i] >= wild && s.ts[i] < wild + 7 * 86400) s.value[i] *= 3;
    if (s.ts[i] >= modest && s.ts[i] < modest + 2 * 86400) s.value[i] = s.value[i] * 3 / 2;
  }
  const auto a = detect_baseline_deviation(s.view(), expected, ny());
  CHECK(std::any_of(a.begin(), a.end(),
                    [&](const auto& x) { return covers(x, wild + 3 * 86400 + 12 * 3600); }));
  CHECK(std::any_of(a.begin(), a.end(),
                    [&](const auto& x) { return covers(x, modest + 24 * 3600); }));
  // One such day alone is shorter than the default 36 hours; with 12 hours it is reported.
  auto day = office(jan1, 8 * 7, 3600, ny(), 100.0, 30.0, 8, 18, 0.1, 5);
  for (std::size_t i = 0; i < day.ts.size(); ++i)
    if (day.ts[i] >= modest && day.ts[i] < modest + 86400) day.value[i] = day.value[i] * 3 / 2;
  CHECK(detect_baseline_deviation(day.view(), expected, ny()).empty());
  deviation_options short_runs;  // the smoothed-z method can report one day; the CUSUM cannot
  short_runs.method = deviation_method::smoothed_z;
  short_runs.min_duration_seconds = 12 * 3600;
  const auto d = detect_baseline_deviation(day.view(), expected, ny(), short_runs);
  CHECK(std::any_of(d.begin(), d.end(),
                    [&](const auto& x) { return covers(x, modest + 12 * 3600); }));
}

namespace {

/// Eight weeks of 2000 Wh an hour from local midnight of 2024-01-01 (New York), with
/// `factor(hour index)` applied, and a model predicting exactly 2 kWh an hour.
struct flat_home {
  energy::testing::synthetic_series s;
  energy::baseline::prediction model;
  explicit flat_home(const std::function<double(std::size_t)>& factor) {
    for (std::size_t i = 0; i < 8 * 7 * 24; ++i) {
      s.ts.push_back(jan1 + static_cast<epoch_seconds>(i) * 3600);
      s.value.push_back(static_cast<milli>(std::llround(2000.0 * factor(i))));
    }
    model.expected.assign(s.ts.size(), 2.0);
  }
};

}  // namespace

TEST_CASE("the CUSUM reports a departure once its evidence reaches cusum_h, not before",
          "[anomaly][deviation][cusum]") {
  // A noise-free series: the scale is its floor (0.01 in log ratio), so every departed 2-hour
  // block adds cap − k = 3 − 1.5 = 1.5 and cusum_h = 24 needs exactly 16 blocks (32 hours).
  const std::size_t from = 17 * 24;  // Thursday of week 3, local midnight
  auto shifted = [&](std::size_t hours) {
    return flat_home([=](std::size_t i) { return i >= from && i < from + hours ? 1.5 : 1.0; });
  };
  deviation_options o;
  o.min_duration_seconds = 0;  // the CUSUM alone decides
  const auto short_one = shifted(30);
  CHECK(detect_baseline_deviation(short_one.s.view(), short_one.model, ny(), o).empty());
  const auto enough = shifted(32);
  const auto a = detect_baseline_deviation(enough.s.view(), enough.model, ny(), o);
  REQUIRE(a.size() == 1);
  CHECK(a[0].range ==
        time_range{from_epoch(enough.s.ts[from]), from_epoch(enough.s.ts[from] + 32 * 3600)});
  CHECK(a[0].expected == 32 * 2000);
  CHECK(a[0].actual == 32 * 3000);
  CHECK(a[0].severity == severity::warning);  // 24 < 2 × cusum_h
  CHECK(a[0].explanation.find("50 % above") != std::string::npos);
  // With the default 36-hour minimum the 32 hours are not reported; 40 hours are, and 48 hours
  // (S = 36) stay a warning while 64 hours (S = 48 = 2 × cusum_h) are critical.
  CHECK(detect_baseline_deviation(enough.s.view(), enough.model, ny()).empty());
  const auto forty = shifted(40);
  CHECK(detect_baseline_deviation(forty.s.view(), forty.model, ny()).size() == 1);
  const auto long_one = shifted(64);
  const auto c = detect_baseline_deviation(long_one.s.view(), long_one.model, ny());
  REQUIRE(c.size() == 1);
  CHECK(c[0].severity == severity::critical);
}

TEST_CASE("one odd day never reaches the CUSUM threshold, two days below it do",
          "[anomaly][deviation][cusum]") {
  // A public holiday: one local day at 45 % — 12 blocks × 1.5 = 18 < 24.
  const std::size_t day = 22 * 24;  // Tuesday of week 4
  const flat_home holiday([=](std::size_t i) { return i >= day && i < day + 24 ? 0.45 : 1.0; });
  deviation_options o;
  o.min_duration_seconds = 0;
  CHECK(detect_baseline_deviation(holiday.s.view(), holiday.model, ny(), o).empty());
  const flat_home away([=](std::size_t i) { return i >= day && i < day + 48 ? 0.45 : 1.0; });
  const auto a = detect_baseline_deviation(away.s.view(), away.model, ny());
  REQUIRE(a.size() == 1);
  CHECK(a[0].actual == 48 * 900);
  CHECK(a[0].expected == 48 * 2000);
  CHECK(a[0].explanation.find("below") != std::string::npos);
}

TEST_CASE("the CUSUM scale is the series' own multi-day variation", "[anomaly][deviation][cusum]") {
  // A home with a 2-day episode at ×1.4 every 5 days (not weekly, so the slot medians do not
  // absorb it): its 2-day means vary, the scale grows, and its own episodes are not reported,
  // though the same ×1.4 over 2 days is reported on a quiet series (first case above: ×1.5 over
  // 32 hours already is). A ×3 departure of 4 days still stands out.
  auto episodic = [](std::size_t i) { return (i / 24) % 5 < 2 ? 1.4 : 1.0; };
  const flat_home home(episodic);
  CHECK(detect_baseline_deviation(home.s.view(), home.model, ny()).empty());
  const flat_home quiet([](std::size_t i) { return i >= 20 * 24 && i < 22 * 24 ? 1.4 : 1.0; });
  CHECK(detect_baseline_deviation(quiet.s.view(), quiet.model, ny()).size() == 1);
  const std::size_t from = 30 * 24;
  const flat_home shifted(
      [&](std::size_t i) { return episodic(i) * (i >= from && i < from + 96 ? 3.0 : 1.0); });
  const auto a = detect_baseline_deviation(shifted.s.view(), shifted.model, ny());
  REQUIRE(a.size() == 1);
  CHECK(a[0].range.contains(from_epoch(shifted.s.ts[from + 48])));
  CHECK(a[0].actual > 2 * a[0].expected);
}

TEST_CASE("a daily series needs two days of departure, as an hourly one 32 hours",
          "[anomaly][deviation][cusum]") {
  // Each day weighs as 12 two-hour blocks: 12 × 1.5 = 18 < 24 for one day, 36 for two.
  auto daily = [](int from, int days) {
    energy::testing::synthetic_series s;
    s.interval = 86400;
    for (int d = 0; d < 120; ++d) {
      s.ts.push_back(jan1 + static_cast<epoch_seconds>(d) * 86400);
      s.value.push_back(d >= from && d < from + days ? 72000 : 48000);
    }
    return s;
  };
  const energy::baseline::prediction model{.expected = std::vector<double>(120, 48.0)};
  deviation_options o;
  o.min_duration_seconds = 0;
  const auto one = daily(60, 1);
  CHECK(detect_baseline_deviation(one.view(), model, ny(), o).empty());
  const auto two = daily(60, 2);
  const auto a = detect_baseline_deviation(two.view(), model, ny());
  REQUIRE(a.size() == 1);
  CHECK(a[0].actual - a[0].expected == 2 * 24000);
}

TEST_CASE("the CUSUM's options are checked", "[anomaly][deviation][cusum]") {
  const flat_home h([](std::size_t) { return 1.0; });
  deviation_options o;
  o.block_seconds = 7000;  // does not divide a day
  CHECK_THROWS_AS(detect_baseline_deviation(h.s.view(), h.model, ny(), o), std::invalid_argument);
  o = {};
  o.cusum_h = 0;
  CHECK_THROWS_AS(detect_baseline_deviation(h.s.view(), h.model, ny(), o), std::invalid_argument);
  o = {};
  o.scale_radius_seconds = -1;
  CHECK_THROWS_AS(detect_baseline_deviation(h.s.view(), h.model, ny(), o), std::invalid_argument);
  o = {};
  o.block_seconds = 3600;  // a block of one interval is allowed
  CHECK(detect_baseline_deviation(h.s.view(), h.model, ny(), o).empty());
}

TEST_CASE("negative and impossible values are data-quality anomalies, never exceptions",
          "[anomaly][quality]") {
  auto s = office(jan1, 3, 3600, ny());
  s.value[10] = -500;
  s.value[11] = -20;
  s.value[40] = 900000;
  data_quality_options o;
  o.max_value = 500000;
  const auto a = detect_data_quality(s.view(), o);
  REQUIRE(count_kind(a, anomaly_kind::negative_value) == 1);
  const auto neg = *std::find_if(
      a.begin(), a.end(), [](const auto& x) { return x.kind == anomaly_kind::negative_value; });
  CHECK(neg.range == time_range{from_epoch(s.ts[10]), from_epoch(s.ts[12])});
  CHECK(neg.actual == -520);
  CHECK(count_kind(a, anomaly_kind::impossible_value) == 1);
}

TEST_CASE(
    "missing intervals are reported as gaps, including before the first and after the last row",
    "[anomaly][quality]") {
  auto s = office(jan1, 3, 3600, ny());
  s.ts.erase(s.ts.begin() + 20, s.ts.begin() + 25);  // 5 hours missing
  s.value.erase(s.value.begin() + 20, s.value.begin() + 25);
  data_quality_options o;
  o.expected_range = time_range{from_epoch(jan1 - 2 * 3600), from_epoch(jan1 + 4 * 86400)};
  const auto a = detect_data_quality(s.view(), o);
  std::vector<anomaly::anomaly> gaps;
  std::copy_if(a.begin(), a.end(), std::back_inserter(gaps),
               [](const auto& x) { return x.kind == anomaly_kind::missing_data; });
  REQUIRE(gaps.size() == 3);
  CHECK(gaps[0].range == time_range{from_epoch(jan1 - 2 * 3600), from_epoch(jan1)});
  CHECK(gaps[1].range == time_range{from_epoch(jan1 + 20 * 3600), from_epoch(jan1 + 25 * 3600)});
  CHECK(gaps[1].score == 5.0);
  CHECK(gaps[2].range == time_range{from_epoch(jan1 + 3 * 86400), from_epoch(jan1 + 4 * 86400)});
  CHECK(gaps[2].severity == severity::critical);
}

TEST_CASE("a stuck meter is a flatline, a varying meter is not", "[anomaly][quality]") {
  auto s = office(jan1, 14, 900, ny(), 100.0, 30.0, 8, 18, 0.1, 3);
  CHECK(count_kind(detect_data_quality(s.view()), anomaly_kind::flatline) == 0);
  for (std::size_t i = 500; i < 500 + 48; ++i)
    s.value[i] = s.value[500];  // 12 hours stuck
  const auto a = detect_data_quality(s.view());
  REQUIRE(count_kind(a, anomaly_kind::flatline) == 1);
  const auto f = *std::find_if(a.begin(), a.end(),
                               [](const auto& x) { return x.kind == anomaly_kind::flatline; });
  CHECK(f.range == time_range{from_epoch(s.ts[500]), from_epoch(s.ts[547] + 900)});
}

TEST_CASE("a short stuck run does not hide under a limit it raises itself", "[anomaly][quality]") {
  // Three days of hourly data: the 10-hour stuck run is the longest run of the series, so with it
  // in the statistics the automatic limit was 3 x 10 hours and the run was never reported.
  auto s = office(jan1, 3, 3600, ny(), 100.0, 30.0, 8, 18, 0.1, 5);
  CHECK(count_kind(detect_data_quality(s.view()), anomaly_kind::flatline) == 0);
  for (std::size_t i = 30; i < 40; ++i)
    s.value[i] = s.value[30];
  const auto a = detect_data_quality(s.view());
  REQUIRE(count_kind(a, anomaly_kind::flatline) == 1);
  const auto f = *std::find_if(a.begin(), a.end(),
                               [](const auto& x) { return x.kind == anomaly_kind::flatline; });
  CHECK(f.range == time_range{from_epoch(s.ts[30]), from_epoch(s.ts[39] + 3600)});
  // Five hours stay below the 6-hour floor.
  auto t = office(jan1, 3, 3600, ny(), 100.0, 30.0, 8, 18, 0.1, 5);
  for (std::size_t i = 30; i < 35; ++i)
    t.value[i] = t.value[30];
  CHECK(count_kind(detect_data_quality(t.view()), anomaly_kind::flatline) == 0);
}

TEST_CASE("an isolated spike is found, the normal daily ramp is not a spike",
          "[anomaly][quality]") {
  auto s = office(jan1, 28, 900, ny(), 100.0, 30.0, 8, 18, 0.05, 9);
  CHECK(count_kind(detect_data_quality(s.view()), anomaly_kind::spike) == 0);
  s.value[1000] += 200000;  // +200 kWh in one quarter hour
  const auto a = detect_data_quality(s.view());
  REQUIRE(count_kind(a, anomaly_kind::spike) == 1);
  const auto sp = *std::find_if(a.begin(), a.end(),
                                [](const auto& x) { return x.kind == anomaly_kind::spike; });
  CHECK(covers(sp, s.ts[1000]));
  CHECK(sp.actual == s.value[1000]);
}

TEST_CASE("rows flagged meter_reset and falling registers are meter resets, a rollover is not",
          "[anomaly][quality]") {
  auto s = office(jan1, 2, 3600, ny());
  std::vector<std::uint32_t> q(s.ts.size(), quality::good);
  q[7] = quality::meter_reset | quality::suspect;
  auto v = s.view();
  v.quality = q;
  CHECK(count_kind(detect_data_quality(v), anomaly_kind::meter_reset) == 1);

  const std::vector<epoch_seconds> ts{0, 900, 1800, 2700, 3600};
  const std::vector<double> reg{99990.0, 99998.0, 3.0, 10.0, 2.0};
  const auto r = detect_register_resets(uuid{}, std::nullopt, ts, reg, 99999.9);
  REQUIRE(r.size() == 1);  // 99998 → 3 is a rollover, 10 → 2 a reset
  CHECK(r[0].range == time_range{from_epoch(2700), from_epoch(3600)});
  CHECK(detect_register_resets(uuid{}, std::nullopt, ts, reg).size() ==
        2);  // without a capacity, both
}

TEST_CASE("the operating schedule is detected from the load itself", "[anomaly][schedule]") {
  const auto s = office(jan1, 8 * 7, 900, ny(), 100.0, 30.0, 7, 19, 0.1, 4);
  const auto sched = detect_schedule(s.view(), ny());
  REQUIRE(sched.detected);
  for (int d = 0; d < 5; ++d)
    CHECK(sched.days[static_cast<std::size_t>(d)] == day_schedule{true, 7, 19});
  CHECK_FALSE(sched.days[5].occupied);
  CHECK_FALSE(sched.days[6].occupied);
  CHECK(sched.occupied_hours_per_week() == 60);
  CHECK(sched.occupied_level > 3.0 * sched.unoccupied_level);
  // A flat load has no schedule, and then nothing is after hours.
  const auto flat = office(jan1, 8 * 7, 900, ny(), 50.0, 50.0, 7, 19, 0.1, 4);
  const auto none = detect_schedule(flat.view(), ny());
  CHECK_FALSE(none.detected);
  CHECK(detect_after_hours(flat.view(), ny(), none).empty());
}

TEST_CASE("a building without a detectable schedule is told so, with the reason",
          "[anomaly][schedule]") {
  const auto s = office(jan1, 8 * 7, 900, ny(), 100.0, 30.0, 7, 19, 0.1, 4);
  const auto ok = check_after_hours(s.view(), ny());
  CHECK(ok.judged());
  CHECK(ok.schedule.status == schedule_status::detected);
  CHECK(ok.schedule.reason == "occupied 60 hours a week");

  const auto flat = office(jan1, 8 * 7, 900, ny(), 50.0, 50.0, 7, 19, 0.1, 4);
  const auto r = check_after_hours(flat.view(), ny());
  CHECK_FALSE(r.judged());
  CHECK(r.anomalies.empty());
  CHECK(r.schedule.status == schedule_status::no_contrast);
  CHECK_THAT(r.schedule.reason, Catch::Contains("not judged") && Catch::Contains("24/7"));
  CHECK(to_string(r.schedule.status) == "no_contrast");
  // Through the plug-in interface too.
  const after_hours_detector d;
  CHECK(d.check(detection_input{flat.view(), ny()}).schedule.status ==
        schedule_status::no_contrast);

  // A schedule in 5 of 8 weeks (then flat) shows in the median profile but is not steady.
  const auto part = office(jan1, 8 * 7, 900, ny(), 100.0, 30.0, 7, 19, 0.1, 4,
                           [&](epoch_seconds t, int, int, double kwh) {
                             return t >= jan1 + 5 * 7 * 86400 ? 30.0 : kwh;
                           });
  const auto p = detect_schedule(part.view(), ny());
  CHECK_FALSE(p.detected);
  CHECK(p.status == schedule_status::inconsistent_weeks);
  CHECK_THAT(p.reason, Catch::Contains("only 5 of 8 weeks"));

  // A clear, steady schedule whose unoccupied hours swing ±60 % (a home's daytime): waste cannot
  // be told from normal use.
  const auto noisy = office(jan1, 8 * 7, 900, ny(), 100.0, 30.0, 7, 19, 0.6, 4);
  const auto q = detect_schedule(noisy.view(), ny());
  CHECK_FALSE(q.detected);
  CHECK(q.status == schedule_status::irregular_unoccupied);
  CHECK_THAT(q.reason, Catch::Contains("vary too much"));
  schedule_options lenient;
  lenient.max_unoccupied_variation = 1.0;
  CHECK(detect_schedule(noisy.view(), ny(), lenient).detected);

  // Two days of data cover too few hours of the week.
  const auto little = office(jan1, 2, 900, ny());
  const auto l = detect_schedule(little.view(), ny());
  CHECK(l.status == schedule_status::too_little_data);
  CHECK_THAT(l.reason, Catch::Contains("48 of the 168 hours"));
}

TEST_CASE("a weather-driven day/night swing is not an operating schedule", "[anomaly][schedule]") {
  // Hot and mild weeks alternate: the median week has a 77-hour "schedule" with a clear contrast,
  // and every week's occupied median clears the contrast test, but only the hot weeks follow it.
  const auto s = energy::testing::weather_swing(jan1, 16 * 7, ny());
  const auto sched = detect_schedule(s.view(), ny());
  CHECK_FALSE(sched.detected);
  CHECK(sched.status == schedule_status::inconsistent_weeks);
  CHECK_THAT(sched.reason, Catch::Contains("only 8 of 16 weeks repeat the 77-hour weekly "
                                           "schedule") &&
                               Catch::Contains("no schedule detected"));
  // The night spikes are therefore not judged as after-hours waste.
  CHECK(check_after_hours(s.view(), ny()).anomalies.empty());
  // Without the agreement test the swing passes for a schedule (what the detector did before).
  schedule_options contrast_only;
  contrast_only.min_week_agreement = 0.0;
  const auto fooled = detect_schedule(s.view(), ny(), contrast_only);
  CHECK(fooled.detected);
  CHECK(fooled.occupied_hours_per_week() == 77);
  CHECK_FALSE(detect_after_hours(s.view(), ny(), fooled).empty());
}

TEST_CASE("weekend operation against the detected schedule is after-hours waste",
          "[anomaly][schedule]") {
  // Saturday of week 5 runs 09:00-15:00 at the occupied level.
  const epoch_seconds sat = jan1 + (4 * 7 + 5) * 86400;
  const auto s =
      office(jan1, 8 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.05, 6,
             [&](epoch_seconds t, int, int hour, double kwh) {
               return t >= sat && t < sat + 86400 && hour >= 9 && hour < 15 ? 100.0 : kwh;
             });
  const auto sched = detect_schedule(s.view(), ny());
  const auto a = detect_after_hours(s.view(), ny(), sched);
  REQUIRE(a.size() == 1);
  CHECK(a[0].range == time_range{from_epoch(sat + 9 * 3600), from_epoch(sat + 15 * 3600)});
  CHECK(a[0].explanation.find("weekend") != std::string::npos);
  CHECK(a[0].actual > 3 * a[0].expected);
  const auto clean = office(jan1, 8 * 7, 900, ny(), 100.0, 30.0, 8, 18, 0.05, 6);
  CHECK(detect_after_hours(clean.view(), ny(), detect_schedule(clean.view(), ny())).empty());
}

TEST_CASE("detectors chosen at run time run through one type-erased interface", "[anomaly]") {
  auto s = office(jan1, 28, 900, ny(), 100.0, 30.0, 8, 18, 0.05, 2);
  s.value[900] = -1;
  s.ts.erase(s.ts.begin() + 1200, s.ts.begin() + 1210);
  s.value.erase(s.value.begin() + 1200, s.value.begin() + 1210);
  alert_config cfg;
  cfg.threshold = 2'000'000;  // 2,000 kWh a day; the office uses 1,420 on a weekday
  cfg.window = alert_window::day;
  const std::vector<any_detector> ds{threshold_detector{cfg}, data_quality_detector{},
                                     after_hours_detector{}, deviation_detector{}};
  CHECK(ds[0].name() == "threshold");
  const auto view = s.view();
  const auto a = detect_all(detection_input{view, ny()}, ds);
  CHECK(count_kind(a, anomaly_kind::negative_value) == 1);
  CHECK(count_kind(a, anomaly_kind::missing_data) == 1);
  CHECK(count_kind(a, anomaly_kind::threshold_exceeded) == 0);
  CHECK(count_kind(a, anomaly_kind::baseline_deviation) == 0);  // no expected series given
  CHECK(std::is_sorted(a.begin(), a.end(),
                       [](const auto& x, const auto& y) { return x.range.start < y.range.start; }));
}

TEST_CASE("property: the reported gaps add up to exactly the removed intervals",
          "[anomaly][quality][property]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 g(seed);
    auto s = office(jan1, 10, 900, ny(), 100.0, 30.0, 8, 18, 0.05, seed);
    std::size_t removed = 0;
    for (std::size_t i = 1; i + 1 < s.ts.size();) {  // first and last rows stay: gaps are interior
      if (g() % 50 == 0) {
        const std::size_t len = std::min<std::size_t>(1 + g() % 20, s.ts.size() - 1 - i);
        s.ts.erase(s.ts.begin() + static_cast<std::ptrdiff_t>(i),
                   s.ts.begin() + static_cast<std::ptrdiff_t>(i + len));
        s.value.erase(s.value.begin() + static_cast<std::ptrdiff_t>(i),
                      s.value.begin() + static_cast<std::ptrdiff_t>(i + len));
        removed += len;
      }
      ++i;
    }
    double reported = 0.0;
    std::int64_t seconds = 0;
    for (const auto& a : detect_data_quality(s.view()))
      if (a.kind == anomaly_kind::missing_data) {
        reported += a.score;
        seconds += a.range.length().count();
      }
    INFO("seed " << seed);
    CHECK(static_cast<std::size_t>(reported) == removed);
    CHECK(seconds == static_cast<std::int64_t>(removed) * 900);
  }
}

TEST_CASE("property: threshold anomalies cover exactly the local hours whose total exceeds it",
          "[anomaly][threshold][property]") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    // Two weeks around the fall-back change of 2024 in New York, noisy enough to cross the
    // threshold often.
    const auto s =
        office(1730433600 /* 2024-11-01T04:00Z */, 14, 900, ny(), 100.0, 30.0, 8, 18, 0.6, seed);
    alert_config cfg;
    cfg.window = alert_window::hour;
    cfg.threshold = 100000;
    const auto found = detect_threshold(s.view(), cfg, ny());
    // Reference: group by UTC hour (New York's offsets are whole hours, so local hours are UTC
    // hours).
    std::map<epoch_seconds, milli> hours;
    for (std::size_t i = 0; i < s.ts.size(); ++i)
      hours[s.ts[i] - s.ts[i] % 3600] += s.value[i];
    INFO("seed " << seed);
    for (const auto& [start, total] : hours) {
      const bool in =
          std::any_of(found.begin(), found.end(), [&](const auto& a) { return covers(a, start); });
      CHECK(in == (total > cfg.threshold));
    }
  }
}
