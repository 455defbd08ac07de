// SPDX-License-Identifier: Apache-2.0
// Routing and the checks every request passes before authentication and its handler: the route
// for (method, path) or the problem that answers instead (404, 405 with Allow, 400 for a bad
// %-escape), and the body checks (the route's declared media types, JSON nesting depth). The
// dispatcher runs them for every request; the request fuzzer runs them on fuzzed requests.
#pragma once

#include <optional>
#include <string>

#include "http/message.hpp"
#include "http/router.hpp"

namespace energy::server {

struct routing_result {
  const route* found = nullptr;    ///< the route, also when `refusal` is a bad %-escape
  std::optional<problem> refusal;  ///< 404, 405 or 400; absent when the request may go on
  std::string allow;               ///< with a 405: the path's methods, for the Allow header
};

/// Matches `req` (whose `path` is still percent-encoded, as the network layer leaves it), then
/// decodes `req.path` and sets `req.path_params`. Never throws for any path.
[[nodiscard]] routing_result route_request(const router& routes, request& req);

/// Before the handler: a non-empty body must be of a media type the route's OpenAPI requestBody
/// declares (415), and JSON nested at most 32 levels (400).
/// @throws problem_error
void check_request_body(const route& r, const request& req);

}  // namespace energy::server
