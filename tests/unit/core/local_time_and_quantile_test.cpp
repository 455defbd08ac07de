// SPDX-License-Identifier: Apache-2.0
// The core's one local clock, one time-of-week numbering and one quantile definition: every
// area (aggregation, anomalies, baselines, billing, reports) must get the same answers.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <vector>

#include <energy/anomaly/anomaly.hpp>
#include <energy/baseline/series.hpp>
#include <energy/time.hpp>

#include "core/anomaly/detail.hpp"
#include "core/baseline/detail.hpp"
#include "core/stats/quantile.hpp"
#include "core/time/local_clock.hpp"

using namespace energy;

TEST_CASE("quantiles are Hyndman-Fan type 7 (numpy's default) in every area", "[core][quantile]") {
  const std::vector<double> data{7, 1, 10, 3, 9, 2, 8, 4, 6, 5};
  // numpy.quantile([1..10], q) for these q.
  const std::array<std::pair<double, double>, 6> expected{
      {{0.0, 1.0}, {0.10, 1.9}, {0.25, 3.25}, {0.5, 5.5}, {0.90, 9.1}, {1.0, 10.0}}};
  for (const auto& [q, want] : expected) {
    CAPTURE(q);
    auto a = data, b = data, c = data;
    CHECK(detail::quantile_inplace(a, q) == Approx(want));
    CHECK(anomaly::detail::quantile_inplace(b, q) == Approx(want));
    CHECK(baseline::detail::quantile_inplace(c, q) == Approx(want));
    std::vector<double> sorted{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    CHECK(detail::quantile_sorted(sorted, q) == Approx(want));
  }
  auto odd = std::vector<double>{5, 1, 3};
  CHECK(anomaly::detail::median_inplace(odd) == 3.0);
  std::vector<double> empty;
  CHECK(std::isnan(detail::quantile_inplace(empty, 0.5)));
  std::vector<double> one{4.0};
  CHECK(detail::quantile_inplace(one, 0.9) == 4.0);
}

TEST_CASE("the offset cache agrees with the tz database across DST changes", "[core][time]") {
  for (const char* name : {"America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
                           "Europe/London", "America/Havana"}) {
    CAPTURE(name);
    const auto zone = find_zone(name);
    detail::offset_cache cache(zone);
    // Every 20 minutes of 2024, in order, then a few jumps backwards.
    const epoch_seconds start = 1'704'067'200;  // 2024-01-01T00:00:00Z
    for (epoch_seconds t = start; t < start + 366 * 86'400; t += 1'200)
      REQUIRE(cache.offset(t) == zone.offset_at(from_epoch(t)).count());
    for (epoch_seconds t : {start + 200 * 86'400, start, start + 80 * 86'400 + 3'599})
      REQUIRE(cache.offset(t) == zone.offset_at(from_epoch(t)).count());
  }
}

TEST_CASE("one time-of-week numbering: Monday 00:00 local is slot 0", "[core][time]") {
  // 2024-03-10 is the US spring-forward Sunday; 2024-03-11 00:00 EDT = 04:00Z is a Monday.
  const epoch_seconds monday_midnight_ny = 1'710'129'600;
  CHECK(detail::hour_of_week(monday_midnight_ny - 4 * 3'600) == 0);
  std::vector<epoch_seconds> ts;
  for (epoch_seconds t = monday_midnight_ny - 7 * 86'400; t < monday_midnight_ny + 14 * 86'400;
       t += 900)
    ts.push_back(t);
  const auto ny = find_zone("America/New_York");
  const auto from_anomaly = anomaly::hour_of_week(ts, ny);
  const auto from_baseline = baseline::time_of_week(ts, ny);
  REQUIRE(from_anomaly == from_baseline);
  const auto at = [&](epoch_seconds t) {
    return from_anomaly[static_cast<std::size_t>((t - ts.front()) / 900)];
  };
  CHECK(at(monday_midnight_ny) == 0);
  CHECK(at(monday_midnight_ny - 3'600) == 167);       // Sunday 23:00 EDT
  CHECK(at(monday_midnight_ny - 21 * 3'600) == 147);  // Sunday 03:00 EDT
  CHECK(at(monday_midnight_ny - 22 * 3'600) == 145);  // Sunday 01:00 EST (02:00 was skipped)
}
