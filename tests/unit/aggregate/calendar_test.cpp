// SPDX-License-Identifier: Apache-2.0
#include <energy/aggregate/calendar.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace energy;
using energy::aggregate::bucket;
using energy::aggregate::local_calendar;

namespace {

utc_seconds at(const char* text) {
  return *parse_utc_timestamp(text);
}

/// Every hour bucket of the local day containing `t`, walking bucket.end to bucket.end.
std::vector<bucket> hours_of_day(local_calendar& cal, utc_seconds t) {
  const bucket day = cal.day_of(t);
  std::vector<bucket> hours;
  for (utc_seconds x = day.period.start; x < day.period.end;) {
    hours.push_back(cal.hour_of(x));
    x = hours.back().period.end;
  }
  return hours;
}

std::string local_label(const bucket& b) {
  const auto day = std::chrono::floor<std::chrono::days>(b.local_start);
  const std::chrono::hh_mm_ss<std::chrono::seconds> tod{b.local_start - day};
  return std::to_string(tod.hours().count()) + ":" + (tod.minutes().count() < 10 ? "0" : "") +
         std::to_string(tod.minutes().count());
}

}  // namespace

TEST_CASE("New York's spring-forward day has 23 hourly buckets and no 02:00",
          "[aggregate][calendar][dst]") {
  local_calendar cal("America/New_York");
  const auto hours = hours_of_day(cal, at("2024-03-10T12:00:00Z"));
  REQUIRE(hours.size() == 23);
  CHECK(hours.front().period.start == at("2024-03-10T05:00:00Z"));
  CHECK(hours.back().period.end == at("2024-03-11T04:00:00Z"));
  CHECK(local_label(hours[1]) == "1:00");
  CHECK(local_label(hours[2]) == "3:00");
  for (const auto& h : hours)
    CHECK(h.period.length() == std::chrono::hours{1});
}

TEST_CASE("New York's fall-back day has 25 hourly buckets and two distinct 01:00 buckets",
          "[aggregate][calendar][dst]") {
  local_calendar cal("America/New_York");
  const auto hours = hours_of_day(cal, at("2024-11-03T12:00:00Z"));
  REQUIRE(hours.size() == 25);
  CHECK(local_label(hours[1]) == "1:00");
  CHECK(local_label(hours[2]) == "1:00");
  CHECK(hours[1].period.start == at("2024-11-03T05:00:00Z"));  // 01:00 EDT
  CHECK(hours[2].period.start == at("2024-11-03T06:00:00Z"));  // 01:00 EST
  CHECK(local_label(hours[3]) == "2:00");
  CHECK(cal.day_of(at("2024-11-03T12:00:00Z")).period.length() == std::chrono::hours{25});
}

TEST_CASE("London's days follow BST: 23 hours in March, 25 in October",
          "[aggregate][calendar][dst]") {
  local_calendar cal("Europe/London");
  CHECK(hours_of_day(cal, at("2024-03-31T12:00:00Z")).size() == 23);
  CHECK(hours_of_day(cal, at("2024-10-27T12:00:00Z")).size() == 25);
  const bucket summer_day = cal.day_of(at("2024-07-01T12:00:00Z"));
  CHECK(summer_day.period.start == at("2024-06-30T23:00:00Z"));
}

TEST_CASE("Kolkata's half-hour offset puts local hours at :30 UTC", "[aggregate][calendar]") {
  local_calendar cal("Asia/Kolkata");
  const bucket h = cal.hour_of(at("2024-05-01T10:10:00Z"));  // 15:40 IST
  CHECK(h.period.start == at("2024-05-01T09:30:00Z"));
  CHECK(h.period.end == at("2024-05-01T10:30:00Z"));
  CHECK(local_label(h) == "15:00");
  const bucket d = cal.day_of(at("2024-05-01T10:10:00Z"));
  CHECK(d.period.start == at("2024-04-30T18:30:00Z"));
  CHECK(hours_of_day(cal, at("2024-05-01T10:10:00Z")).size() == 24);
}

TEST_CASE("Lord Howe's 30-minute DST shift gives a half-hour bucket on both change days",
          "[aggregate][calendar][dst]") {
  local_calendar cal("Australia/Lord_Howe");
  // 2024-04-07 02:00 LHDT (+11) -> 01:30 LHST (+10:30): a 24.5-hour day.
  const auto fall = hours_of_day(cal, at("2024-04-07T02:00:00Z"));
  CHECK(cal.day_of(at("2024-04-07T02:00:00Z")).period.length() ==
        std::chrono::minutes{24 * 60 + 30});
  REQUIRE(fall.size() == 25);
  CHECK(local_label(fall[1]) == "1:00");
  CHECK(fall[1].period.length() == std::chrono::hours{1});
  CHECK(local_label(fall[2]) == "1:30");
  CHECK(fall[2].period.length() == std::chrono::minutes{30});
  // 2024-10-06 02:00 LHST (+10:30) -> 02:30 LHDT (+11): a 23.5-hour day.
  const auto spring = hours_of_day(cal, at("2024-10-06T02:00:00Z"));
  CHECK(cal.day_of(at("2024-10-06T02:00:00Z")).period.length() ==
        std::chrono::minutes{23 * 60 + 30});
  REQUIRE(spring.size() == 24);
  CHECK(local_label(spring[2]) == "2:30");
  CHECK(spring[2].period.length() == std::chrono::minutes{30});
}

TEST_CASE("Havana's midnight DST jump still gives one day per date", "[aggregate][calendar][dst]") {
  // Cuba springs forward at 00:00 (to 01:00) and falls back at 01:00 (to 00:00).
  local_calendar cal("America/Havana");
  const bucket spring = cal.day_of(at("2024-03-10T12:00:00Z"));
  CHECK(spring.period.length() == std::chrono::hours{23});
  CHECK(spring.period.start == at("2024-03-10T05:00:00Z"));  // the transition instant, 01:00 CDT
  const bucket before = cal.day_of(at("2024-03-10T04:59:59Z"));
  CHECK(before.period.end == spring.period.start);
  const bucket fall = cal.day_of(at("2024-11-03T12:00:00Z"));
  CHECK(fall.period.length() == std::chrono::hours{25});
  CHECK(hours_of_day(cal, at("2024-11-03T12:00:00Z")).size() == 25);
}

TEST_CASE("local months are cut at local midnight and include their DST change",
          "[aggregate][calendar][dst]") {
  local_calendar cal("America/New_York");
  const bucket march = cal.month_of(at("2024-03-15T12:00:00Z"));
  CHECK(march.period.start == at("2024-03-01T05:00:00Z"));
  CHECK(march.period.end == at("2024-04-01T04:00:00Z"));
  CHECK(march.period.length() == std::chrono::hours{31 * 24 - 1});
  CHECK(cal.month_of(at("2024-03-01T04:59:59Z")).period.end == march.period.start);
  local_calendar kolkata("Asia/Kolkata");
  CHECK(kolkata.month_of(at("2024-02-10T00:00:00Z")).period.length() ==
        std::chrono::hours{29 * 24});
}

TEST_CASE("hour buckets partition the timeline in every zone", "[aggregate][calendar][property]") {
  const char* zone =
      GENERATE("America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe",
               "Australia/Adelaide", "Asia/Kathmandu", "America/Havana", "UTC");
  CAPTURE(zone);
  local_calendar cal(zone);
  utc_seconds t = at("2023-12-25T00:00:00Z");
  const utc_seconds stop = at("2025-01-05T00:00:00Z");
  bucket day = cal.day_of(t);
  t = day.period.start;
  while (t < stop) {
    const bucket h = cal.hour_of(t);
    REQUIRE(h.period.start == t);
    REQUIRE(h.period.end > h.period.start);
    REQUIRE(h.period.length() <= std::chrono::hours{1});
    if (!day.period.contains(t)) {
      REQUIRE(day.period.end == t);  // days tile too
      day = cal.day_of(t);
      REQUIRE(day.period.start == t);
    }
    REQUIRE(h.period.end <= day.period.end);  // hours nest in days
    const bucket mid = cal.hour_of(h.period.start + (h.period.end - h.period.start) / 2);
    REQUIRE(mid == h);
    t = h.period.end;
  }
}

TEST_CASE("an unknown zone is a caller error naming the zone", "[aggregate][calendar]") {
  CHECK_THROWS_WITH(local_calendar("Mars/Olympus_Mons"), Catch::Contains("Mars/Olympus_Mons"));
}
