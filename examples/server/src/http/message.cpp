// SPDX-License-Identifier: Apache-2.0
#include "http/message.hpp"
#include "http/json_text.hpp"

namespace energy::server {

std::string_view to_string(http_method m) noexcept {
  switch (m) {
    case http_method::get:
      return "GET";
    case http_method::post:
      return "POST";
    case http_method::put:
      return "PUT";
    case http_method::patch:
      return "PATCH";
    case http_method::del:
      return "DELETE";
  }
  return "GET";
}

std::optional<std::string_view> request::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return std::string_view(value);
  return std::nullopt;
}

std::optional<std::string_view> request::query_param(std::string_view name) const {
  const auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return std::string_view(it->second);
}

response response::json(int status, const nlohmann::json& body) {
  response r;
  r.status = status;
  // Replace invalid UTF-8 (echoed client input) instead of throwing while answering.
  r.body = json_text(body);
  return r;
}

response response::deferred(std::shared_ptr<deferred_answer> answer) {
  response r;
  r.status = 202;
  r.later = std::move(answer);
  return r;
}

response response::no_content() {
  response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

void throw_not_found(std::string_view what) {
  throw problem_error(problem{.status = 404,
                              .type = "/problems/not-found",
                              .title = "Not found",
                              .detail = std::string(what) + " not found"});
}

void throw_bad_request(std::string_view detail, std::optional<std::string> field) {
  throw problem_error(problem{.status = 400,
                              .type = "/problems/bad-request",
                              .title = "Bad request",
                              .detail = std::string(detail),
                              .field = std::move(field)});
}

void throw_unprocessable(std::string_view detail, std::optional<std::string> field) {
  throw problem_error(problem{.status = 422,
                              .type = "/problems/validation",
                              .title = "Invalid value",
                              .detail = std::string(detail),
                              .field = std::move(field)});
}

}  // namespace energy::server
