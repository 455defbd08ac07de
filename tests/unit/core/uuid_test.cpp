// SPDX-License-Identifier: Apache-2.0
#include <energy/uuid.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>
#include <vector>

using energy::uuid;

TEST_CASE("uuid round-trips its canonical text", "[core][uuid]") {
  const auto u = uuid::parse("0190A5D2-7C3E-7B21-9D4F-3C2A1B0E9F88");
  CHECK(u.to_string() == "0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f88");
  CHECK(uuid::parse(u.to_string()) == u);
  CHECK(u.version() == 7);
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
