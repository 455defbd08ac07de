// SPDX-License-Identifier: Apache-2.0
#include <energy/time.hpp>

#include <catch2/catch.hpp>

using namespace energy;

TEST_CASE("timestamps with offsets parse to UTC", "[core][time]") {
  const auto z = parse_utc_timestamp("2024-07-01T12:00:00Z");
  REQUIRE(z);
  CHECK(format_utc(*z) == "2024-07-01T12:00:00Z");
  CHECK(parse_utc_timestamp("2024-07-01T08:00:00-04:00") == z);
  CHECK(parse_utc_timestamp("2024-07-01 17:30:00+0530") == z);
  CHECK(parse_utc_timestamp("2024-07-01T12:00:00.000Z") == z);
  CHECK(parse_utc_timestamp("2024-07-01T12:00:00.250Z", true) == z);
}

TEST_CASE("ambiguous or malformed timestamps are rejected", "[core][time]") {
  const char* bad = GENERATE("2024-07-01T12:00:00", "2024-02-30T00:00:00Z", "2024-07-01T24:00:00Z",
                             "2024-07-01T12:00:60Z", "2024-7-01T12:00:00Z",
                             "2024-07-01T12:00:00.5Z", "2024-07-01T12:00:00Zjunk", "yesterday", "");
  CAPTURE(bad);
  CHECK_FALSE(parse_utc_timestamp(bad).has_value());
}

TEST_CASE("zones come from the IANA database and render DST offsets", "[core][time]") {
  const auto ny = find_zone("America/New_York");
  CHECK(format_local(*parse_utc_timestamp("2024-07-01T12:00:00Z"), ny) ==
        "2024-07-01T08:00:00-04:00");
  CHECK(format_local(*parse_utc_timestamp("2024-11-03T05:30:00Z"), ny) ==
        "2024-11-03T01:30:00-04:00");
  CHECK(format_local(*parse_utc_timestamp("2024-11-03T06:30:00Z"), ny) ==
        "2024-11-03T01:30:00-05:00");
  CHECK_THROWS_AS(find_zone("Mars/Olympus_Mons"), std::invalid_argument);
  CHECK(is_valid_zone("Asia/Kolkata"));
  CHECK_FALSE(is_valid_zone("EST5EDT-not"));
}

TEST_CASE("a time_zone is a value naming a real zone, an unknown name fails at construction",
          "[core][time]") {
  CHECK_THROWS_WITH(time_zone{"Mars/Olympus_Mons"}, Catch::Contains("Mars/Olympus_Mons"));
  CHECK_THROWS_WITH(find_zone("America/New_Yrok"), Catch::Contains("America/New_Yrok"));
  const time_zone ny{"America/New_York"};
  CHECK(ny.name() == "America/New_York");
  CHECK(ny == find_zone("America/New_York"));
  CHECK_FALSE(ny == time_zone::utc());
  CHECK(time_zone::utc().name() == "Etc/UTC");
  time_zone copy = time_zone::utc();
  copy = ny;  // regular: copyable and assignable
  CHECK(copy == ny);

  const auto summer = *parse_utc_timestamp("2024-07-01T12:00:00Z");
  CHECK(ny.offset_at(summer) == std::chrono::hours{-4});
  CHECK(ny.to_local(summer).time_since_epoch() ==
        (summer - std::chrono::hours{4}).time_since_epoch());
  // Fall back: 01:30 happens twice; the first instant is the EDT one.
  const std::chrono::local_seconds one_thirty{
      (*parse_utc_timestamp("2024-11-03T01:30:00Z")).time_since_epoch()};
  CHECK(ny.first_instant(one_thirty) == *parse_utc_timestamp("2024-11-03T05:30:00Z"));
  // Spring forward: 02:30 does not exist; the first instant at or after it is the jump (07:00Z).
  const std::chrono::local_seconds two_thirty{
      (*parse_utc_timestamp("2024-03-10T02:30:00Z")).time_since_epoch()};
  CHECK(ny.first_instant(two_thirty) == *parse_utc_timestamp("2024-03-10T07:00:00Z"));
}

TEST_CASE("time ranges are half-open", "[core][time]") {
  const time_range r{from_epoch(100), from_epoch(200)};
  CHECK(r.contains(from_epoch(100)));
  CHECK_FALSE(r.contains(from_epoch(200)));
  CHECK(r.length().count() == 100);
  CHECK(time_range{from_epoch(5), from_epoch(5)}.empty());
}
