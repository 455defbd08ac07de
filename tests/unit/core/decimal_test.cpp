// SPDX-License-Identifier: Apache-2.0
#include <energy/decimal.hpp>
#include <energy/money.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace energy;

TEST_CASE("decimal text parses exactly to milli-units", "[core][decimal]") {
  CHECK(parse_milli("10.5") == 10500);
  CHECK(parse_milli("-0.005") == -5);
  CHECK(parse_milli("12") == 12000);
  CHECK(parse_milli(".25") == 250);
  CHECK(parse_milli("0.0005") == 1);  // half away from zero
  CHECK(parse_milli("0.00049") == 0);
  CHECK(parse_milli("-0.0005") == -1);
  CHECK_FALSE(parse_milli("1e3"));
  CHECK_FALSE(parse_milli("abc"));
  CHECK_FALSE(parse_milli("-"));
  CHECK_FALSE(parse_milli("99999999999999999999"));
  CHECK(format_milli(12345) == "12.345");
  CHECK(format_milli(-5) == "-0.005");
  CHECK(format_milli(0) == "0.000");
}

TEST_CASE("doubles with three decimals convert exactly; non-finite values do not convert",
          "[core][decimal]") {
  CHECK(to_milli(10.5) == 10500);
  CHECK(to_milli(0.001) == 1);
  CHECK(to_milli(123456.789) == 123456789);
  CHECK_FALSE(to_milli(std::nan("")));
  CHECK_FALSE(to_milli(std::numeric_limits<double>::infinity()));
  CHECK_FALSE(to_milli(1e20));
}

TEST_CASE("money is exact and rounds to cents explicitly", "[core][money]") {
  const auto price = *money::parse("0.13553");
  CHECK(price.micros() == 135530);
  CHECK(price_times(price, 1000) == price);                 // 1 kWh
  CHECK(price_times(price, 1) == money::from_micros(136));  // 1 Wh: 135.53 µ$ rounds up
  CHECK(money::parse("259.2")->to_string() == "259.20");
  CHECK(money::from_micros(12'345'000).round_to_cents() == money::from_cents(1235));
  CHECK(money::from_micros(-12'345'000).round_to_cents() == money::from_cents(-1235));
  CHECK(money::from_micros(1).to_exact_string() == "0.000001");
  CHECK((money::from_cents(150) + money::from_cents(50)) == money::from_cents(200));
  CHECK_FALSE(money::parse("$1"));
  CHECK(money::from_double(0.1)->micros() == 100000);
}
