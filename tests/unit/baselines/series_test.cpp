// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <cmath>

#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/series.hpp>

#include "sample_data.hpp"

using namespace energy::baseline;
using energy::epoch_seconds;
namespace s = energy::baseline::sample;

TEST_CASE("A temperature sample at the load timestamp is used as is", "[baseline][gaps]") {
  const temperature_series t{{0, 3600, 7200}, {10.0, 20.0, 30.0}};
  const std::vector<epoch_seconds> at{0, 3600, 7200};
  CHECK(align_temperature(at, t) == std::vector<double>{10.0, 20.0, 30.0});
}

TEST_CASE("Temperature gaps up to the rule's limit are interpolated linearly, longer gaps give NaN",
          "[baseline][gaps]") {
  // Samples at 0 h, 1 h, then nothing until 9 h (an 8-hour gap), then 10 h.
  const temperature_series t{{0, 3600, 9 * 3600, 10 * 3600}, {10.0, 20.0, 0.0, 5.0}};
  const std::vector<epoch_seconds> at{1800, 2 * 3600, 9 * 3600 + 900};
  const auto v = align_temperature(at, t, gap_rule{6 * 3600});
  CHECK(v[0] == Approx(15.0));
  CHECK(std::isnan(v[1]));  // inside the 8-hour gap
  CHECK(v[2] == Approx(1.25));
  // With a 9-hour limit the same gap is bridged.
  const auto w = align_temperature(at, t, gap_rule{9 * 3600});
  CHECK(w[1] == Approx(20.0 - 20.0 * (1.0 / 8.0)));
}

TEST_CASE("NaN temperature samples count as missing and there is no extrapolation past the ends",
          "[baseline][gaps]") {
  const temperature_series t{{3600, 7200, 10800}, {10.0, std::nan(""), 30.0}};
  const std::vector<epoch_seconds> at{0, 7200, 14400};
  const auto v = align_temperature(at, t);
  CHECK(std::isnan(v[0]));
  CHECK(v[1] == Approx(20.0));  // bridged over the NaN sample (2 h gap)
  CHECK(std::isnan(v[2]));
}

TEST_CASE("Unordered temperature samples are rejected naming the index", "[baseline][gaps]") {
  const temperature_series t{{0, 7200, 3600}, {1, 2, 3}};
  const std::vector<epoch_seconds> at{0};
  CHECK_THROWS_WITH(align_temperature(at, t), Catch::Contains("index 2"));
}

TEST_CASE("Alignment gives the same answer for unordered query timestamps", "[baseline][gaps]") {
  const temperature_series t{{0, 3600, 7200, 10800}, {0.0, 10.0, 20.0, 30.0}};
  const std::vector<epoch_seconds> asc{900, 1800, 5400, 9000};
  const std::vector<epoch_seconds> shuffled{9000, 900, 5400, 1800};
  const auto a = align_temperature(asc, t);
  const auto b = align_temperature(shuffled, t);
  CHECK(b[0] == a[3]);
  CHECK(b[1] == a[0]);
  CHECK(b[2] == a[2]);
  CHECK(b[3] == a[1]);
}

TEST_CASE("Time of week is the local hour of week starting Monday midnight", "[baseline][tow]") {
  // 2024-07-01 is a Monday; 00:00 CDT = 05:00Z.
  const std::vector<epoch_seconds> ts{
      s::utc("2024-07-01T05:00:00Z"), s::utc("2024-07-01T04:59:59Z"),
      s::utc("2024-07-03T19:30:00Z"), s::utc("2024-07-08T04:00:00Z")};
  const auto tow = time_of_week(ts, energy::time_zone{"America/Chicago"});
  CHECK(tow[0] == 0);
  CHECK(tow[1] == 167);          // Sunday 23:59 local
  CHECK(tow[2] == 2 * 24 + 14);  // Wednesday 14:30 local
  CHECK(tow[3] == 167);          // Sunday 23:00 local
  CHECK_THROWS_WITH(energy::time_zone{"Not/AZone"}, Catch::Contains("Not/AZone"));
}

TEST_CASE("The repeated fall-back hour maps to the same time-of-week slot twice",
          "[baseline][tow]") {
  // 2024-11-03 01:00 CDT (06:00Z) and 01:00 CST (07:00Z) are both Sunday 01:00 local.
  const std::vector<epoch_seconds> ts{s::utc("2024-11-03T06:00:00Z"),
                                      s::utc("2024-11-03T07:00:00Z"),
                                      s::utc("2024-11-03T08:00:00Z")};
  const auto tow = time_of_week(ts, energy::time_zone{"America/Chicago"});
  CHECK(tow[0] == 6 * 24 + 1);
  CHECK(tow[1] == 6 * 24 + 1);
  CHECK(tow[2] == 6 * 24 + 2);
}

TEST_CASE("Local day totals keep 23- and 25-hour days whole and drop incomplete days",
          "[baseline][days]") {
  // Hourly load 1 kWh from 2024-11-02 00:00 CDT to 2024-11-05 00:00 CST, with one hour missing on
  // 11-04.
  load_series l;
  l.interval_seconds = 3600;
  for (epoch_seconds t = s::utc("2024-11-02T00:00:00-05:00");
       t < s::utc("2024-11-05T00:00:00-06:00"); t += 3600) {
    if (t == s::utc("2024-11-04T12:00:00-06:00")) continue;
    l.ts.push_back(t);
    l.kwh.push_back(1.0);
  }
  const auto days = local_day_totals(l, energy::time_zone{"America/Chicago"});
  REQUIRE(days.size() == 2);
  CHECK(days[0].kwh == 24.0);
  CHECK(days[1].kwh == 25.0);  // fall-back day
  CHECK(days[1].start == s::utc("2024-11-03T00:00:00-05:00"));
  CHECK(days[1].end == s::utc("2024-11-04T00:00:00-06:00"));
}

TEST_CASE("Stored readings of one sensor become a sorted double series, the last duplicate winning",
          "[baseline][series]") {
  const energy::uuid a = energy::uuid::parse("0190f3a0-0000-7000-8000-000000000001");
  const energy::uuid b = energy::uuid::parse("0190f3a0-0000-7000-8000-000000000002");
  energy::reading_rows rows;
  rows.push_back(a, 7200, 1500);
  rows.push_back(b, 0, 99000);
  rows.push_back(a, 0, 250);
  rows.push_back(a, 3600, 1000);
  rows.push_back(a, 3600, 1250);  // a correction of the same interval
  const load_series l = load_from_readings(rows, a, 3600);
  CHECK(l.ts == std::vector<epoch_seconds>{0, 3600, 7200});
  CHECK(l.kwh == std::vector<double>{0.25, 1.25, 1.5});
  CHECK(l.interval_seconds == 3600);
  const temperature_series t = temperature_from_readings(rows, b);
  CHECK(t.value == std::vector<double>{99.0});
}
