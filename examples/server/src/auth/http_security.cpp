// SPDX-License-Identifier: Apache-2.0
#include "auth/http_security.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace energy::server::auth {

namespace {

bool allowed_origin(const settings& s, std::optional<std::string_view> origin) {
  return origin &&
         std::find(s.cors_origins.begin(), s.cors_origins.end(), *origin) != s.cors_origins.end();
}

constexpr std::string_view allowed_methods = "GET, POST, PUT, PATCH, DELETE";
constexpr std::string_view allowed_headers =
    "Authorization, Content-Type, Content-Encoding, X-Request-Id";
constexpr std::string_view exposed_headers = "X-Request-Id, Location, Retry-After";

}  // namespace

header_list security_headers(const settings& s) {
  header_list h = {
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
  };
  if (s.hsts) h.emplace_back("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  return h;
}

header_list cors_headers(const settings& s, std::optional<std::string_view> origin) {
  header_list h;
  if (s.cors_origins.empty()) return h;
  h.emplace_back("Vary", "Origin");
  if (!allowed_origin(s, origin)) return h;
  h.emplace_back("Access-Control-Allow-Origin", std::string(*origin));
  h.emplace_back("Access-Control-Expose-Headers", std::string(exposed_headers));
  return h;
}

response preflight(const settings& s, std::optional<std::string_view> origin,
                   std::optional<std::string_view> requested_method) {
  response out;
  const bool method_ok =
      requested_method &&
      (*requested_method == "GET" || *requested_method == "POST" || *requested_method == "PUT" ||
       *requested_method == "PATCH" || *requested_method == "DELETE");
  if (!allowed_origin(s, origin) || !method_ok) {
    out.status = 403;
    out.content_type = "application/problem+json";
    out.body =
        nlohmann::json{{"type", "/problems/cors"},
                       {"title", "Cross-origin request refused"},
                       {"status", 403},
                       {"detail", "This origin or method is not allowed by ENERGY_CORS_ORIGINS."}}
            .dump();
    if (!s.cors_origins.empty()) out.headers.emplace_back("Vary", "Origin");
    return out;
  }
  out.status = 204;
  out.content_type.clear();
  out.headers = {{"Access-Control-Allow-Origin", std::string(*origin)},
                 {"Access-Control-Allow-Methods", std::string(allowed_methods)},
                 {"Access-Control-Allow-Headers", std::string(allowed_headers)},
                 {"Access-Control-Max-Age", "600"},
                 {"Vary", "Origin"}};
  return out;
}

}  // namespace energy::server::auth
