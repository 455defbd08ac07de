// SPDX-License-Identifier: Apache-2.0
// JSON answers carry stored input (names, bill ids, notes) that arrived through CSV or XML, where
// nothing checked UTF-8: writing the answer must not throw (a 500) on such bytes.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "http/message.hpp"

namespace {

using energy::server::response;

const std::string not_utf8 = std::string("INV-") + static_cast<char>(0xC4);  // a lone lead byte

TEST_CASE("a JSON answer with invalid UTF-8 writes U+FFFD instead of throwing", "[http]") {
  const nlohmann::json body{{"bill_id", not_utf8}};
  const auto res = response::json(200, body);  // every route's JSON answer goes through it
  CHECK(res.status == 200);
  CHECK(res.body == "{\"bill_id\":\"INV-\xEF\xBF\xBD\"}");
  CHECK_FALSE(nlohmann::json::parse(res.body, nullptr, false).is_discarded());
}

}  // namespace
