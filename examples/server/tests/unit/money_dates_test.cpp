// SPDX-License-Identifier: Apache-2.0
// The local dates of the money routes: strict parsing, and the first instant of a local day in
// zones whose clocks jump at midnight (the day of a tariff or bill must still have one start).
#include <catch2/catch.hpp>

#include "money/local_dates.hpp"

using namespace energy;
using namespace energy::server::costs;

TEST_CASE("money dates: only YYYY-MM-DD of a real day is a date") {
  CHECK(parse_local_date("2024-02-29").has_value());
  for (const char* bad : {"2023-02-29", "2024-2-01", "2024-13-01", "01/02/2024", "2024-01-01x",
                          "1969-12-31", "", "' OR '1'='1"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_local_date(bad).has_value());
  }
  CHECK(format_local_date(*parse_local_date("2024-07-01")) == "2024-07-01");
}

TEST_CASE("money dates: a day starts at its first local instant, also when midnight is skipped") {
  aggregate::local_calendar la("America/Los_Angeles");
  CHECK(format_utc(day_start(la, *parse_local_date("2024-01-01"))) == "2024-01-01T08:00:00Z");
  // 2024-03-10 is 23 hours long in Los Angeles; the day after starts at 07:00Z.
  CHECK(format_utc(day_start(la, *parse_local_date("2024-03-11"))) == "2024-03-11T07:00:00Z");
  // Santiago skipped midnight on 2024-09-08 (00:00 became 01:00 local, at 04:00Z).
  aggregate::local_calendar santiago("America/Santiago");
  CHECK(format_utc(day_start(santiago, *parse_local_date("2024-09-08"))) == "2024-09-08T04:00:00Z");
  CHECK(format_local_date(local_date_of(santiago, *parse_utc_timestamp("2024-09-08T04:00:00Z"))) ==
        "2024-09-08");
}

TEST_CASE("money dates: month boundaries") {
  const auto d = *parse_local_date("2024-12-15");
  CHECK(format_local_date(month_start(d)) == "2024-12-01");
  CHECK(format_local_date(next_month_start(d)) == "2025-01-01");
}
