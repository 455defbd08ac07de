// SPDX-License-Identifier: Apache-2.0
// Decoding words by type, byte order and scale, against values worked out by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <energy/transport/modbus_map.hpp>

using namespace energy::modbus;

namespace {

register_spec spec(register_type t, word_order o, double scale = 1.0) {
  register_spec s;
  s.name = "r";
  s.type = t;
  s.order = o;
  s.scale = scale;
  s.unit = "kWh";
  return s;
}

double decode(std::vector<std::uint16_t> w, const register_spec& s) {
  const auto v = decode_register(w, s);
  INFO(v.error);
  REQUIRE(v.value);
  return *v.value;
}

}  // namespace

TEST_CASE("modbus decode: 32-bit integers in the four byte orders", "[modbus]") {
  // 0x12345678 = 305419896: A=12 B=34 C=56 D=78.
  CHECK(decode({0x1234, 0x5678}, spec(register_type::uint32, word_order::abcd)) == 305419896.0);
  CHECK(decode({0x5678, 0x1234}, spec(register_type::uint32, word_order::cdab)) == 305419896.0);
  CHECK(decode({0x3412, 0x7856}, spec(register_type::uint32, word_order::badc)) == 305419896.0);
  CHECK(decode({0x7856, 0x3412}, spec(register_type::uint32, word_order::dcba)) == 305419896.0);
  // Reading word-swapped data as abcd gives another number: 0x56781234 = 1450709556.
  CHECK(decode({0x5678, 0x1234}, spec(register_type::uint32, word_order::abcd)) == 1450709556.0);
  // int32 -2 = 0xFFFFFFFE; low word first.
  CHECK(decode({0xFFFE, 0xFFFF}, spec(register_type::int32, word_order::cdab)) == -2.0);
  CHECK(decode({0xFFFF, 0xFFFE}, spec(register_type::uint32, word_order::abcd)) == 4294967294.0);
}

TEST_CASE("modbus decode: 16-bit values and scale", "[modbus]") {
  CHECK(decode({0xFFFF}, spec(register_type::uint16, word_order::abcd)) == 65535.0);
  CHECK(decode({0xFFFF}, spec(register_type::int16, word_order::abcd)) == -1.0);
  CHECK(decode({0x0100}, spec(register_type::uint16, word_order::badc)) == 1.0);
  // EM24-style "kWh × 10": raw 123457 (0x0001E241), low word first, scale 0.1 -> 12345.7 kWh.
  CHECK(decode({0xE241, 0x0001}, spec(register_type::int32, word_order::cdab, 0.1)) ==
        Approx(12345.7).epsilon(1e-15));
}

TEST_CASE("modbus decode: float32", "[modbus]") {
  // 3.14159f = 0x40490FD0; 1234.5f = 0x449A5000.
  CHECK(decode({0x4049, 0x0FD0}, spec(register_type::float32, word_order::abcd)) ==
        static_cast<double>(3.14159f));
  CHECK(decode({0x0FD0, 0x4049}, spec(register_type::float32, word_order::cdab)) ==
        static_cast<double>(3.14159f));
  CHECK(decode({0x449A, 0x5000}, spec(register_type::float32, word_order::abcd)) == 1234.5);
  CHECK(decode({0x9A44, 0x0050}, spec(register_type::float32, word_order::badc)) == 1234.5);
  // NaN (0x7FC00000) and +inf (0x7F800000) are refused, not stored.
  const auto nan = decode_register(std::vector<std::uint16_t>{0x7FC0, 0x0000},
                                   spec(register_type::float32, word_order::abcd));
  CHECK_FALSE(nan.value);
  CHECK_THAT(nan.error, Catch::Contains("NaN"));
  const auto inf = decode_register(std::vector<std::uint16_t>{0x7F80, 0x0000},
                                   spec(register_type::float32, word_order::abcd));
  CHECK_FALSE(inf.value);
  CHECK_THAT(inf.error, Catch::Contains("infinity"));
}

TEST_CASE("modbus decode: 64-bit integers and the exactness limit", "[modbus]") {
  // 0x0000_0001_0000_0002 = 4294967298.
  CHECK(decode({0x0000, 0x0001, 0x0000, 0x0002}, spec(register_type::uint64, word_order::abcd)) ==
        4294967298.0);
  CHECK(decode({0x0002, 0x0000, 0x0001, 0x0000}, spec(register_type::uint64, word_order::cdab)) ==
        4294967298.0);
  // int64 -5 = 0xFFFF_FFFF_FFFF_FFFB.
  CHECK(decode({0xFFFF, 0xFFFF, 0xFFFF, 0xFFFB}, spec(register_type::int64, word_order::abcd)) ==
        -5.0);
  // 2^53 + 1 is not exact in a double: refused. So is Schneider's "not available" 0x8000...
  const auto big = decode_register(std::vector<std::uint16_t>{0x0020, 0x0000, 0x0000, 0x0001},
                                   spec(register_type::uint64, word_order::abcd));
  CHECK_FALSE(big.value);
  CHECK_THAT(big.error, Catch::Contains("2^53"));
  const auto na = decode_register(std::vector<std::uint16_t>{0x8000, 0x0000, 0x0000, 0x0000},
                                  spec(register_type::int64, word_order::abcd));
  CHECK_FALSE(na.value);
  // Wrong word count is an error, not a read past the span.
  const auto short_read = decode_register(std::vector<std::uint16_t>{0x0001},
                                          spec(register_type::uint32, word_order::abcd));
  CHECK_FALSE(short_read.value);
  CHECK_THAT(short_read.error, Catch::Contains("expected 2 registers"));
}
