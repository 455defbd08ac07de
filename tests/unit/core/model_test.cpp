// SPDX-License-Identifier: Apache-2.0
#include <energy/model.hpp>
#include <energy/quality.hpp>
#include <energy/summary.hpp>

#include <catch2/catch.hpp>

using namespace energy;

TEST_CASE("enumerations round-trip through their names", "[core][model]") {
  for (auto t : {sensor_type::electricity, sensor_type::gas, sensor_type::water,
                 sensor_type::thermal, sensor_type::temperature})
    CHECK(parse<sensor_type>(to_string(t)) == t);
  for (auto k : {reading_kind::interval_energy, reading_kind::cumulative_register,
                 reading_kind::instantaneous_power, reading_kind::instantaneous_value})
    CHECK(parse<reading_kind>(to_string(k)) == k);
  CHECK(parse<resolution>("month") == resolution::month);
  CHECK_THROWS_WITH(parse<sensor_type>("steam"), Catch::Contains("accepted: electricity"));
}

TEST_CASE("quality flags render as names", "[core][quality]") {
  CHECK(quality::to_string(quality::good) == "good");
  CHECK(quality::to_string(quality::estimated | quality::corrected) == "estimated|corrected");
  CHECK(quality::to_string(1u << 20) == "unknown");
}
