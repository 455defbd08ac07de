// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <algorithm>

#include "auth/http_security.hpp"

using namespace energy::server;
using namespace energy::server::auth;

namespace {

std::optional<std::string> get(const header_list& h, std::string_view name) {
  const auto it =
      std::find_if(h.begin(), h.end(), [&](const auto& kv) { return kv.first == name; });
  if (it == h.end()) return std::nullopt;
  return it->second;
}

settings with_origins() {
  settings s;
  s.cors_origins = {"https://dash.example.com"};
  return s;
}

}  // namespace

TEST_CASE("every response gets the security headers, HSTS only when configured",
          "[auth][headers]") {
  settings s;
  auto h = security_headers(s);
  CHECK(get(h, "X-Content-Type-Options") == "nosniff");
  CHECK(get(h, "X-Frame-Options") == "DENY");
  CHECK(get(h, "Cache-Control") == "no-store");
  CHECK(get(h, "Content-Security-Policy")->find("default-src 'none'") == 0);
  CHECK_FALSE(get(h, "Strict-Transport-Security"));
  s.hsts = true;
  CHECK(get(security_headers(s), "Strict-Transport-Security"));
}

TEST_CASE("CORS answers only configured origins and never allows credentials", "[auth][cors]") {
  const auto s = with_origins();
  const auto ok = cors_headers(s, "https://dash.example.com");
  CHECK(get(ok, "Access-Control-Allow-Origin") == "https://dash.example.com");
  CHECK(get(ok, "Vary") == "Origin");
  CHECK_FALSE(get(ok, "Access-Control-Allow-Credentials"));
  const auto evil = cors_headers(s, "https://evil.example");
  CHECK_FALSE(get(evil, "Access-Control-Allow-Origin"));
  CHECK(get(evil, "Vary") == "Origin");
  CHECK_FALSE(
      get(cors_headers(s, "https://dash.example.com.evil.example"), "Access-Control-Allow-Origin"));
  CHECK(cors_headers(settings{}, "https://dash.example.com").empty());
}

TEST_CASE("a preflight from a configured origin gets 204, any other 403", "[auth][cors]") {
  const auto s = with_origins();
  const auto ok = preflight(s, "https://dash.example.com", "PATCH");
  CHECK(ok.status == 204);
  CHECK(get(ok.headers, "Access-Control-Allow-Methods")->find("PATCH") != std::string::npos);
  CHECK(get(ok.headers, "Access-Control-Allow-Headers")->find("Authorization") !=
        std::string::npos);
  CHECK(preflight(s, "https://evil.example", "GET").status == 403);
  CHECK(preflight(s, std::nullopt, "GET").status == 403);
  CHECK(preflight(s, "https://dash.example.com", "TRACE").status == 403);
  CHECK(preflight(settings{}, "https://dash.example.com", "GET").status == 403);
}
