// SPDX-License-Identifier: Apache-2.0
#include <energy/ingest/units.hpp>

#include <catch2/catch.hpp>

using namespace energy;
using namespace energy::ingest;
using Catch::Matchers::WithinRel;

namespace {
double to_canonical(sensor_type t, reading_kind k, std::string_view unit, double v) {
  const auto c = conversion_to_canonical(t, k, unit);
  REQUIRE(c.has_value());
  return c->apply(v);
}
}  // namespace

TEST_CASE("electricity energy units convert to kWh", "[ingest][units]") {
  const auto e = sensor_type::electricity;
  const auto k = reading_kind::interval_energy;
  REQUIRE(to_canonical(e, k, "kWh", 10.5) == 10.5);
  REQUIRE_THAT(to_canonical(e, k, "Wh", 1500.0), WithinRel(1.5, 1e-12));
  REQUIRE_THAT(to_canonical(e, k, "MWh", 2.0), WithinRel(2000.0, 1e-12));
  REQUIRE_THAT(to_canonical(e, k, "MJ", 3.6), WithinRel(1.0, 1e-12));
  REQUIRE_THAT(to_canonical(sensor_type::thermal, reading_kind::cumulative_register, "therm", 1.0),
               WithinRel(29.30011, 1e-6));
  REQUIRE_THAT(to_canonical(sensor_type::thermal, k, "MMBtu", 1.0), WithinRel(293.07107, 1e-7));
}

TEST_CASE("power units convert to kW", "[ingest][units]") {
  const auto p = reading_kind::instantaneous_power;
  REQUIRE_THAT(to_canonical(sensor_type::electricity, p, "W", 2500.0), WithinRel(2.5, 1e-12));
  REQUIRE(to_canonical(sensor_type::electricity, p, "kW", 7.0) == 7.0);
  REQUIRE_THAT(to_canonical(sensor_type::electricity, p, "MW", 0.5), WithinRel(500.0, 1e-12));
  REQUIRE_FALSE(conversion_to_canonical(sensor_type::electricity, p, "kWh"));
}

TEST_CASE("gas and water volumes convert to cubic metres", "[ingest][units]") {
  const auto k = reading_kind::cumulative_register;
  REQUIRE_THAT(to_canonical(sensor_type::gas, k, "ft3", 1.0), WithinRel(0.028316846592, 1e-12));
  REQUIRE_THAT(to_canonical(sensor_type::gas, k, "ccf", 1.0), WithinRel(2.8316846592, 1e-12));
  REQUIRE_THAT(to_canonical(sensor_type::water, k, "gal", 1000.0), WithinRel(3.785411784, 1e-12));
  REQUIRE_THAT(to_canonical(sensor_type::water, k, "L", 250.0), WithinRel(0.25, 1e-12));
  REQUIRE_THAT(to_canonical(sensor_type::water, reading_kind::instantaneous_power, "L/s", 1.0),
               WithinRel(3.6, 1e-12));
}

TEST_CASE("therms are not accepted for gas volume sensors, which need a heating value",
          "[ingest][units]") {
  REQUIRE_FALSE(conversion_to_canonical(sensor_type::gas, reading_kind::interval_energy, "therm"));
  REQUIRE_FALSE(conversion_to_canonical(sensor_type::gas, reading_kind::interval_energy, "kWh"));
}

TEST_CASE("temperatures convert to degrees Celsius including the offset", "[ingest][units]") {
  const auto t = sensor_type::temperature;
  const auto k = reading_kind::instantaneous_value;
  REQUIRE(to_canonical(t, k, "degC", -3.5) == -3.5);
  REQUIRE_THAT(to_canonical(t, k, "degF", 212.0), WithinRel(100.0, 1e-12));
  REQUIRE_THAT(to_canonical(t, k, "F", 32.0) + 1.0, WithinRel(1.0, 1e-12));
  REQUIRE_THAT(to_canonical(t, k, "K", 273.15) + 1.0, WithinRel(1.0, 1e-12));
  REQUIRE_FALSE(conversion_to_canonical(t, reading_kind::interval_energy, "degC"));
}

TEST_CASE("unit names are case-sensitive and unknown units are refused", "[ingest][units]") {
  REQUIRE_FALSE(
      conversion_to_canonical(sensor_type::electricity, reading_kind::interval_energy, "kwh"));
  REQUIRE_FALSE(
      conversion_to_canonical(sensor_type::electricity, reading_kind::interval_energy, ""));
  REQUIRE_FALSE(
      conversion_to_canonical(sensor_type::electricity, reading_kind::instantaneous_value, "kWh"));
}
