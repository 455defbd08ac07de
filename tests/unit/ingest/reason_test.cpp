// SPDX-License-Identifier: Apache-2.0
#include <energy/ingest/reason.hpp>

#include <catch2/catch.hpp>

#include <cctype>
#include <set>
#include <string>

using namespace energy::ingest;

TEST_CASE("every rejection reason has a distinct snake_case name that parses back to it",
          "[ingest][reason]") {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < reason_count; ++i) {
    const auto r = static_cast<reason>(i);
    const std::string name{to_string(r)};
    CAPTURE(i, name);
    REQUIRE_FALSE(name.empty());
    REQUIRE(name != "?");
    for (const char c : name)
      REQUIRE((std::islower(static_cast<unsigned char>(c)) || c == '_'));
    REQUIRE(seen.insert(name).second);
    REQUIRE(energy::try_parse<reason>(name) == r);
  }
  REQUIRE_FALSE(energy::try_parse<reason>("NaN").has_value());
}

TEST_CASE("reason names are a stable public format", "[ingest][reason]") {
  REQUIRE(to_string(reason::malformed_sensor_id) == "malformed_sensor_id");
  REQUIRE(to_string(reason::non_finite_value) == "non_finite_value");
  REQUIRE(to_string(reason::duplicate_in_batch) == "duplicate_in_batch");
  REQUIRE(to_string(reason::gap_too_long) == "gap_too_long");
}

TEST_CASE("only register resets and long gaps keep their sample", "[ingest][reason]") {
  for (std::size_t i = 0; i < reason_count; ++i) {
    const auto r = static_cast<reason>(i);
    CAPTURE(to_string(r));
    REQUIRE(drops_reading(r) == (r != reason::register_reset && r != reason::gap_too_long));
  }
}

TEST_CASE("count_reasons tallies rejections per reason", "[ingest][reason]") {
  const std::vector<rejection> rs{{0, 1, reason::unknown_sensor, "a"},
                                  {1, 2, reason::unknown_sensor, "b"},
                                  {2, 3, reason::non_finite_value, "c"}};
  const auto c = count_reasons(rs);
  REQUIRE(c[reason::unknown_sensor] == 2);
  REQUIRE(c[reason::non_finite_value] == 1);
  REQUIRE(c[reason::stale_sample] == 0);
}
