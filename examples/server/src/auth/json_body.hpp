// SPDX-License-Identifier: Apache-2.0
// Reading the auth routes' JSON bodies and query parameters with a 400 naming the field at fault,
// and writing JSON responses.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/message.hpp"

namespace energy::server::auth {

/// The body as a JSON object. @throws problem_error 400 when it is not one.
[[nodiscard]] nlohmann::json object_body(const request& r);

/// Member `name` as a string: required (400 when absent or not a string) or optional (400 when
/// present but not a string; nullopt when absent or null).
[[nodiscard]] std::string required_string(const nlohmann::json& body, const char* name);
[[nodiscard]] std::optional<std::string> optional_string(const nlohmann::json& body,
                                                         const char* name);
[[nodiscard]] std::optional<bool> optional_bool(const nlohmann::json& body, const char* name);

/// `limit` query parameter: 1..500, default 100. @throws problem_error 400.
[[nodiscard]] int limit_param(const request& r);
/// First query parameter `name`, if any.
[[nodiscard]] std::optional<std::string> query_string(const request& r, const char* name);
/// Path parameter `name` as a uuid. A malformed id answers 404 like a missing object.
[[nodiscard]] uuid path_uuid(const request& r, const char* name, std::string_view what);

}  // namespace energy::server::auth
