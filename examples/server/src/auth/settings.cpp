// SPDX-License-Identifier: Apache-2.0
#include "auth/settings.hpp"

#include <charconv>
#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>

namespace energy::server::auth {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = s.find(sep);
    const auto part = trim(s.substr(0, at));
    if (!part.empty()) parts.push_back(part);
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + 1);
  }
  return parts;
}

[[noreturn]] void bad(std::string_view variable, std::string_view why) {
  throw std::invalid_argument(std::string(variable) + ": " + std::string(why));
}

int parse_positive_int(std::string_view text, std::string_view variable) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v <= 0) {
    bad(variable, "'" + std::string(text) + "' is not a positive whole number");
  }
  return v;
}

// "kid:secret,kid:secret": ids are short names, secrets at least 32 bytes (e.g. the output of
// `openssl rand -base64 48`, which never contains ':' or ',').
std::vector<signing_key> parse_keys(std::string_view text, std::string_view variable) {
  std::vector<signing_key> keys;
  for (const auto entry : split(text, ',')) {
    const auto colon = entry.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      bad(variable, "each key is written kid:secret (got an entry without a kid)");
    }
    signing_key k{std::string(trim(entry.substr(0, colon))),
                  std::string(trim(entry.substr(colon + 1)))};
    for (const char c : k.kid) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.';
      if (!ok) bad(variable, "key id '" + k.kid + "' may use only letters, digits, '-', '_', '.'");
    }
    if (k.secret.size() < 32) {
      bad(variable, "the secret of key '" + k.kid + "' has " + std::to_string(k.secret.size()) +
                        " bytes; HS256 needs at least 32 (openssl rand -base64 48)");
    }
    for (const auto& other : keys) {
      if (other.kid == k.kid) bad(variable, "key id '" + k.kid + "' appears twice");
    }
    keys.push_back(std::move(k));
  }
  if (keys.empty()) bad(variable, "is set but lists no key");
  return keys;
}

}  // namespace

std::chrono::seconds parse_duration(std::string_view text, std::string_view what) {
  text = trim(text);
  std::int64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 's':
        unit = 1;
        text.remove_suffix(1);
        break;
      case 'm':
        unit = 60;
        text.remove_suffix(1);
        break;
      case 'h':
        unit = 3600;
        text.remove_suffix(1);
        break;
      case 'd':
        unit = 86400;
        text.remove_suffix(1);
        break;
      default:
        break;
    }
  }
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n <= 0 ||
      n > std::numeric_limits<std::int64_t>::max() / unit / 1000) {
    bad(what, "'" + std::string(text) + "' is not a duration (like 90s, 15m, 24h, 30d)");
  }
  return std::chrono::seconds(n * unit);
}

const std::vector<environment_variable>& environment_variables() {
  static const std::vector<environment_variable> list = {
      {"ENERGY_JWT_KEYS", "",
       "HS256 keys as kid:secret[,kid:secret...] (secrets >= 32 bytes). Unset: a key generated "
       "once and kept in the database. To rotate, list the new key and the old one, sign with the "
       "new one, and drop the old one after ENERGY_ACCESS_TTL."},
      {"ENERGY_JWT_SIGNING_KID", "first key of ENERGY_JWT_KEYS",
       "the key id that signs new tokens"},
      {"ENERGY_JWT_ISSUER", "energy-server", "the iss claim made and required"},
      {"ENERGY_JWT_AUDIENCE", "energy-api", "the aud claim made and required"},
      {"ENERGY_ACCESS_TTL", "24h", "lifetime of access tokens (s, m, h or d suffix)"},
      {"ENERGY_REFRESH_TTL", "30d", "lifetime of refresh tokens"},
      {"ENERGY_ADMIN_EMAIL", "admin@localhost",
       "the server administrator created at first start (creates tenants)"},
      {"ENERGY_ADMIN_PASSWORD", "",
       "that administrator's first password (>= 12 characters); unset: generated and printed "
       "once"},
      {"ENERGY_LOGIN_MAX_FAILURES", "5", "failed logins per account within the window"},
      {"ENERGY_LOGIN_MAX_FAILURES_PER_ADDRESS", "50",
       "failed logins per client address within the window"},
      {"ENERGY_LOGIN_WINDOW", "15m", "the window of the failed-login limits"},
      {"ENERGY_CORS_ORIGINS", "", "browser origins allowed to call the API, comma-separated"},
      {"ENERGY_HSTS", "0", "1: send Strict-Transport-Security (when served over TLS)"},
      {"ENERGY_AUDIT_LOG", "",
       "file to append audit events to as JSON lines (they are always kept in the database)"},
  };
  return list;
}

settings settings::from_environment(const std::function<const char*(const char*)>& getenv) {
  const auto get = [&](const char* name) -> std::optional<std::string_view> {
    const char* v = getenv ? getenv(name) : std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string_view(v);
  };
  settings s;
  if (const auto v = get("ENERGY_JWT_KEYS")) s.keys = parse_keys(*v, "ENERGY_JWT_KEYS");
  if (const auto v = get("ENERGY_JWT_SIGNING_KID")) {
    if (s.keys.empty()) bad("ENERGY_JWT_SIGNING_KID", "is set but ENERGY_JWT_KEYS is not");
    s.signing_kid = std::string(*v);
    bool found = false;
    for (const auto& k : s.keys)
      found = found || k.kid == s.signing_kid;
    if (!found) bad("ENERGY_JWT_SIGNING_KID", "'" + s.signing_kid + "' is not in ENERGY_JWT_KEYS");
  } else if (!s.keys.empty()) {
    s.signing_kid = s.keys.front().kid;
  }
  if (const auto v = get("ENERGY_JWT_ISSUER")) s.issuer = std::string(*v);
  if (const auto v = get("ENERGY_JWT_AUDIENCE")) s.audience = std::string(*v);
  if (const auto v = get("ENERGY_ACCESS_TTL"))
    s.access_ttl = parse_duration(*v, "ENERGY_ACCESS_TTL");
  if (const auto v = get("ENERGY_REFRESH_TTL")) {
    s.refresh_ttl = parse_duration(*v, "ENERGY_REFRESH_TTL");
  }
  if (const auto v = get("ENERGY_ADMIN_EMAIL")) s.admin_email = std::string(*v);
  if (const auto v = get("ENERGY_ADMIN_PASSWORD")) {
    s.admin_password = std::string(*v);
    if (s.admin_password.size() < 12) bad("ENERGY_ADMIN_PASSWORD", "needs at least 12 characters");
  }
  if (const auto v = get("ENERGY_LOGIN_MAX_FAILURES")) {
    s.max_failures_per_account = parse_positive_int(*v, "ENERGY_LOGIN_MAX_FAILURES");
  }
  if (const auto v = get("ENERGY_LOGIN_MAX_FAILURES_PER_ADDRESS")) {
    s.max_failures_per_address = parse_positive_int(*v, "ENERGY_LOGIN_MAX_FAILURES_PER_ADDRESS");
  }
  if (const auto v = get("ENERGY_LOGIN_WINDOW")) {
    s.login_window = parse_duration(*v, "ENERGY_LOGIN_WINDOW");
  }
  if (const auto v = get("ENERGY_CORS_ORIGINS")) {
    for (const auto o : split(*v, ',')) {
      if (o == "*") bad("ENERGY_CORS_ORIGINS", "'*' is refused: list the dashboard origins");
      if (o.find("://") == std::string_view::npos || o.back() == '/') {
        bad("ENERGY_CORS_ORIGINS",
            "'" + std::string(o) + "' is not an origin like https://dash.example.com");
      }
      s.cors_origins.emplace_back(o);
    }
  }
  if (const auto v = get("ENERGY_HSTS")) {
    if (*v != "0" && *v != "1") bad("ENERGY_HSTS", "is 0 or 1");
    s.hsts = *v == "1";
  }
  if (const auto v = get("ENERGY_AUDIT_LOG")) s.audit_log_path = std::string(*v);
  return s;
}

}  // namespace energy::server::auth
