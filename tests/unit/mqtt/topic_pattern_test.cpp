// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <energy/transport/mqtt_topic.hpp>

using energy::transport::mqtt::topic_pattern;

TEST_CASE("topic_pattern matches and expands and subscribes", "[mqtt]") {
  const topic_pattern p("energy/{tenant}/{building}/{sensor}");
  CHECK(p.subscription() == "energy/+/+/+");
  const auto f = p.match("energy/T/B/S");
  REQUIRE(f);
  CHECK(f->tenant == "T");
  CHECK(f->building == "B");
  CHECK(f->sensor == "S");
  CHECK_FALSE(p.match("energy/T/B"));
  CHECK_FALSE(p.match("energy/T/B/S/x"));
  CHECK_FALSE(p.match("other/T/B/S"));
  CHECK_FALSE(p.match("energy//B/S"));  // an empty level is no value
  CHECK(topic_pattern("site/{building}/in/{tenant}").expand("T", "B") == "site/B/in/T");
}

TEST_CASE("topic_pattern refuses ambiguous patterns with the reason", "[mqtt]") {
  CHECK_THROWS_WITH(topic_pattern("energy/+/{building}"), Catch::Contains("wildcard"));
  CHECK_THROWS_WITH(topic_pattern("energy/{tenant}/{tenant}"), Catch::Contains("repeats"));
  CHECK_THROWS_WITH(topic_pattern("energy/x{tenant}"), Catch::Contains("whole level"));
  CHECK_THROWS_WITH(topic_pattern("energy//{tenant}"), Catch::Contains("empty level"));
  CHECK_THROWS_WITH(topic_pattern(""), Catch::Contains("empty"));
}

TEST_CASE("topic_pattern tells whether a subscription could read its topics back", "[mqtt]") {
  const topic_pattern errors("energy-errors/{tenant}/{building}");
  CHECK_FALSE(errors.may_match("energy/+/+/+"));
  CHECK(errors.may_match("#"));
  CHECK(errors.may_match("+/+/+"));
  CHECK(errors.may_match("energy-errors/#"));
  // An error topic under the input tree, with as many levels, would be read back.
  CHECK(topic_pattern("energy/errors/{tenant}/{building}").may_match("energy/+/+/+"));
  CHECK_FALSE(topic_pattern("energy/{tenant}/{building}/errors/x").may_match("energy/+/+/+"));
}
