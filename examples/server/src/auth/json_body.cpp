// SPDX-License-Identifier: Apache-2.0
#include "auth/json_body.hpp"

#include <charconv>

#include <energy/uuid.hpp>

#include "auth/problems.hpp"

namespace energy::server::auth {

nlohmann::json object_body(const request& r) {
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    throw_invalid("the body is not a JSON object", "");
  }
  return body;
}

std::string required_string(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || !it->is_string()) {
    throw_invalid(std::string(name) + " is required and is a string", std::string("/") + name);
  }
  return it->get<std::string>();
}

std::optional<std::string> optional_string(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw_invalid(std::string(name) + " is a string", std::string("/") + name);
  return it->get<std::string>();
}

std::optional<bool> optional_bool(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) {
    throw_invalid(std::string(name) + " is true or false", std::string("/") + name);
  }
  return it->get<bool>();
}

std::optional<std::string> query_string(const request& r, const char* name) {
  const auto it = r.query.find(name);
  if (it == r.query.end()) return std::nullopt;
  return it->second;
}

int limit_param(const request& r) {
  const auto text = query_string(r, "limit");
  if (!text) return 100;
  int v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || end != text->data() + text->size() || v < 1 || v > 500) {
    throw_invalid("limit is a whole number from 1 to 500", "limit");
  }
  return v;
}

uuid path_uuid(const request& r, const char* name, std::string_view what) {
  const auto it = r.path_params.find(name);
  if (it == r.path_params.end()) throw_missing(what);
  const auto id = uuid::try_parse(it->second);
  if (!id) throw_missing(what);
  return *id;
}

}  // namespace energy::server::auth
