// SPDX-License-Identifier: Apache-2.0
// energy-server's error answers as both server harnesses check them: an RFC 9457 problem document.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "http/message.hpp"

namespace energy::fuzz {

/// Checks that `res` is a problem document (its media type; a type under /problems/, a title, the
/// response's own status and `request_id`) and returns it parsed for further checks.
inline nlohmann::json check_problem_document(const energy::server::response& res,
                                             const std::string& request_id) {
  FUZZ_CHECK(res.content_type == "application/problem+json");
  const auto body = nlohmann::json::parse(res.body, nullptr, false);
  FUZZ_CHECK(body.is_object());
  FUZZ_CHECK(body.contains("type") && body["type"].is_string() &&
             body["type"].get<std::string>().starts_with("/problems/"));
  FUZZ_CHECK(body.contains("title") && body["title"].is_string());
  FUZZ_CHECK(body.contains("status") && body["status"] == res.status);
  FUZZ_CHECK(body.contains("request_id") && body["request_id"] == request_id);
  return body;
}

}  // namespace energy::fuzz
