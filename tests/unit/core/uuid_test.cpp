// SPDX-License-Identifier: Apache-2.0
#include <energy/uuid.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using energy::uuid;

TEST_CASE("uuid round-trips its canonical text", "[core][uuid]") {
  const auto u = uuid::parse("0190A5D2-7C3E-7B21-9D4F-3C2A1B0E9F88");
  CHECK(u.to_string() == "0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f88");
  CHECK(uuid::parse(u.to_string()) == u);
  CHECK(u.version() == 7);
  const auto chars = u.to_chars();
  CHECK(std::string(chars.data(), chars.size()) == u.to_string());
  const auto nil = uuid{}.to_chars();
  CHECK(std::string(nil.data(), nil.size()) == "00000000-0000-0000-0000-000000000000");
}

TEST_CASE("uuid parsing is strict", "[core][uuid]") {
  const char* bad =
      GENERATE("", "0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f8", "0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f888",
               "{0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f88}", "0190a5d27c3e7b219d4f3c2a1b0e9f88",
               "0190a5d2-7c3e-7b21-9d4f_3c2a1b0e9f88", "0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9fg8",
               " 0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f8");
  CAPTURE(bad);
  CHECK_FALSE(uuid::try_parse(bad).has_value());
  CHECK_THROWS_AS(uuid::parse(bad), std::invalid_argument);
}

namespace {

/// An independent reading of 8-4-4-4-12 text, one character at a time.
std::optional<std::array<std::uint8_t, 16>> reference_parse(const std::string& text) {
  if (text.size() != 36) return std::nullopt;
  std::array<std::uint8_t, 16> out{};
  std::size_t nibble = 0;
  for (std::size_t i = 0; i < 36; ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return std::nullopt;
      continue;
    }
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) return std::nullopt;
    out[nibble / 2] = static_cast<std::uint8_t>(out[nibble / 2] | (nibble % 2 == 0 ? v << 4 : v));
    ++nibble;
  }
  return out;
}

}  // namespace

TEST_CASE("uuid parsing agrees with a character-by-character reading", "[core][uuid]") {
  // Random ids in mixed case, then each with one character replaced by any byte (0x00-0xFF):
  // the digits' neighbours in ASCII (/ : @ G ` g), bytes above 0x7F, dashes out of place.
  std::mt19937_64 rng(20261203);
  const std::string hex = "0123456789abcdefABCDEF";
  std::uniform_int_distribution<std::size_t> pick(0, hex.size() - 1);
  std::uniform_int_distribution<std::size_t> where(0, 35);
  std::uniform_int_distribution<int> any_byte(0, 255);
  for (int trial = 0; trial < 20'000; ++trial) {
    std::string text(36, '-');
    for (std::size_t i = 0; i < 36; ++i)
      if (i != 8 && i != 13 && i != 18 && i != 23) text[i] = hex[pick(rng)];
    for (int variant = 0; variant < 2; ++variant) {
      CAPTURE(text);
      const auto expected = reference_parse(text);
      const auto got = uuid::try_parse(text);
      REQUIRE(got.has_value() == expected.has_value());
      if (got) REQUIRE(got->bytes() == *expected);
      text[where(rng)] = static_cast<char>(any_byte(rng));
    }
  }
  for (int c = 0; c < 256; ++c) {  // every byte in the first and in the last digit position
    for (const std::size_t at : {std::size_t{0}, std::size_t{35}}) {
      std::string text = "0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f88";
      text[at] = static_cast<char>(c);
      CAPTURE(c, at);
      const auto expected = reference_parse(text);
      const auto got = uuid::try_parse(text);
      REQUIRE(got.has_value() == expected.has_value());
      if (got) REQUIRE(got->bytes() == *expected);
    }
  }
}

TEST_CASE("new uuids are version 7, unique and time-ordered", "[core][uuid]") {
  std::vector<uuid> ids;
  for (int i = 0; i < 10000; ++i)
    ids.push_back(uuid::v7());
  std::set<uuid> unique(ids.begin(), ids.end());
  CHECK(unique.size() == ids.size());
  for (std::size_t i = 1; i < ids.size(); ++i)
    REQUIRE(ids[i - 1] < ids[i]);
  CHECK(ids.front().version() == 7);
  CHECK((ids.front().bytes()[8] & 0xC0) == 0x80);
  CHECK(uuid{}.is_nil());
}
