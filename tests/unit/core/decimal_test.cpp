// SPDX-License-Identifier: Apache-2.0
#include <energy/decimal.hpp>
#include <energy/decimal_column.hpp>
#include <energy/money.hpp>

#include <catch2/catch.hpp>

#include <cfenv>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

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

TEST_CASE("doubles with three decimals convert exactly, non-finite values do not convert",
          "[core][decimal]") {
  CHECK(to_milli(10.5) == 10500);
  CHECK(to_milli(0.001) == 1);
  CHECK(to_milli(123456.789) == 123456789);
  CHECK_FALSE(to_milli(std::nan("")));
  CHECK_FALSE(to_milli(std::numeric_limits<double>::infinity()));
  CHECK_FALSE(to_milli(1e20));
}

TEST_CASE("to_milli rounds exactly like std::llround, halves away from zero", "[core][decimal]") {
  CHECK(to_milli(0.0005) == 1);    // 0.5 milli
  CHECK(to_milli(-0.0005) == -1);  // -0.5 milli
  CHECK(to_milli(0.0025) == 3);
  CHECK(to_milli(-0.0025) == -3);
  CHECK(to_milli(0.49999999999999994 / 1000.0) == 0);
  CHECK(to_milli(8.9e12) == 8'900'000'000'000'000);
  CHECK_FALSE(to_milli(9.1e12));
  // Property: for random doubles over many magnitudes, and for exact halves, the result is
  // std::llround(v * 1000).
  std::mt19937_64 rng(20261126);
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-12, 12);
  for (int i = 0; i < 200'000; ++i) {
    const double v = mantissa(rng) * std::pow(10.0, exponent(rng));
    const double half = (std::floor(mantissa(rng) * 1e6) + 0.5) / 1000.0;
    for (const double x : {v, half, std::nextafter(half, 0.0), std::nextafter(half, 1e9)}) {
      const auto m = to_milli(x);
      REQUIRE(m);
      REQUIRE(*m == std::llround(x * 1000.0));
    }
  }
}

TEST_CASE("a column converts element for element like to_milli, and stops at the first refusal",
          "[core][decimal]") {
  // Values on both sides of every rounding case: exact halves (positive and negative, odd and
  // even, where ties-to-even and half-away-from-zero differ), their neighbours, random values
  // over many magnitudes, -0.0, and magnitudes past the fast path's 2^51 milli-units.
  std::mt19937_64 rng(20261203);
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-12, 12);
  std::vector<double> in;
  for (int i = 0; i < 100'000; ++i) {
    const double half = (std::floor(mantissa(rng) * 1e6) + 0.5) / 1000.0;
    for (const double x : {mantissa(rng) * std::pow(10.0, exponent(rng)), half,
                           std::nextafter(half, 0.0), std::nextafter(half, 1e9), -half})
      in.push_back(x);
  }
  for (const double x : {-0.0, 0.0, 0.0025, -0.0025, 0.0035, -0.0035, 2.2e12, -2.3e12, 8.9e12,
                         -8.9e12, 2251799813685.2475, -2251799813685.2485})
    in.push_back(x);
  const auto expect_like_scalar = [](const std::vector<double>& column) {
    std::vector<milli> out(column.size(), 7);
    REQUIRE(to_milli(std::span<const double>(column), std::span<milli>(out)) == column.size());
    for (std::size_t i = 0; i < column.size(); ++i)
      REQUIRE(out[i] == *to_milli(column[i]));
  };
  expect_like_scalar(in);
  in.pop_back();  // an odd length: the last element has no partner
  expect_like_scalar(in);

  SECTION("any other rounding mode gives the same results") {
    const int mode = std::fegetround();
    REQUIRE(std::fesetround(FE_UPWARD) == 0);
    std::vector<milli> out(in.size());
    std::vector<milli> expected(in.size());
    const std::size_t converted = to_milli(std::span<const double>(in), std::span<milli>(out));
    for (std::size_t i = 0; i < in.size(); ++i)  // in the same mode: v * 1000 rounds upward too
      expected[i] = to_milli(in[i]).value_or(0);
    std::fesetround(mode);
    REQUIRE(converted == in.size());
    CHECK(out == expected);
  }

  SECTION("the first element that does not convert is named; nothing from it on is written") {
    for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity(), -9.1e12}) {
      for (const std::size_t at :
           {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{9}}) {
        std::vector<double> column(10, 1.5);
        column[at] = bad;
        column[9 - at == at ? 0 : 9 - at] = 2.5;  // a later good value must not be written
        std::vector<milli> out(column.size(), -1);
        REQUIRE(to_milli(std::span<const double>(column), std::span<milli>(out)) == at);
        for (std::size_t i = 0; i < at; ++i)
          REQUIRE(out[i] == *to_milli(column[i]));
        for (std::size_t i = at; i < out.size(); ++i)
          REQUIRE(out[i] == -1);
      }
    }
  }
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
