// SPDX-License-Identifier: Apache-2.0
#include "http/routing.hpp"

#include <string_view>

#include "http/problems.hpp"

namespace energy::server {

namespace {

std::string_view media_type(std::string_view content_type) {
  const auto semi = content_type.find(';');
  auto t = content_type.substr(0, semi);
  while (!t.empty() && t.back() == ' ')
    t.remove_suffix(1);
  return t;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto la = static_cast<char>(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
    const auto lb = static_cast<char>(b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i]);
    if (la != lb) return false;
  }
  return true;
}

/// Deepest nesting of arrays and objects in a JSON text (brackets inside strings do not count).
/// Linear, no allocation: run before any parser sees the body, because copying or destroying a
/// document nested a hundred thousand levels deep recurses past the worker's stack.
std::size_t json_nesting_depth(std::string_view text) noexcept {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

/// No document of this API nests deeper than a handful of levels.
constexpr std::size_t max_json_depth = 32;

/// The route declares its request media types in its OpenAPI requestBody; a body of another type
/// is refused before the handler parses it.
void check_media_type(const route& r, const request& req) {
  if (req.body.empty()) return;
  const auto body = r.operation.find("requestBody");
  if (body == r.operation.end()) return;
  const auto content = body->find("content");
  if (content == body->end() || !content->is_object()) return;
  const auto sent = req.header("content-type");
  const auto type = media_type(sent.value_or(""));
  for (auto it = content->begin(); it != content->end(); ++it)
    if (iequals(it.key(), type)) return;
  std::string accepted;
  for (auto it = content->begin(); it != content->end(); ++it)
    accepted += (accepted.empty() ? "" : ", ") + it.key();
  throw problem_error(make_problem(
      "/problems/unsupported-media-type",
      "Content-Type '" + std::string(type) + "' is not accepted here; send " + accepted,
      "Content-Type"));
}

}  // namespace

routing_result route_request(const router& routes, request& req) {
  routing_result out;
  const auto raw_path = req.path;  // the session stores the raw (encoded) path here
  const auto m = routes.match(req.method, raw_path);
  if (auto decoded = percent_decode(raw_path)) req.path = std::move(*decoded);
  if (m.found == nullptr) {
    if (!m.allowed.empty()) {
      for (const auto a : m.allowed)
        out.allow += (out.allow.empty() ? "" : ", ") + std::string(to_string(a));
      out.refusal = make_problem("/problems/method-not-allowed",
                                 std::string(to_string(req.method)) +
                                     " is not allowed on this path; allowed: " + out.allow);
      return out;
    }
    out.refusal = make_problem("/problems/not-found", "no route for " + req.path);
    return out;
  }
  out.found = m.found;
  if (m.bad_encoding) {
    out.refusal = make_problem("/problems/bad-request", "invalid %-escape in the path");
    return out;
  }
  req.path_params = m.path_params;
  return out;
}

void check_request_body(const route& r, const request& req) {
  check_media_type(r, req);
  if (json_nesting_depth(req.body) > max_json_depth) {
    throw problem_error(make_problem(
        "/problems/bad-request",
        "the JSON body is nested more than " + std::to_string(max_json_depth) + " levels deep"));
  }
}

}  // namespace energy::server
