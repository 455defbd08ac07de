// SPDX-License-Identifier: Apache-2.0
// The auth module's configuration, read from ENERGY_* environment variables (the seed's way).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace energy::server::auth {

/// One HS256 signing/verification key. `kid` goes into each token's header and selects the key
/// on verification, so keys can rotate without logging anyone out.
struct signing_key {
  std::string kid;
  std::string secret;  ///< at least 32 bytes
};

/// An environment variable the auth module reads, for `energy-server --help`.
struct environment_variable {
  std::string_view name;
  std::string_view default_value;  ///< as shown to the user ("" = none)
  std::string_view description;
};

struct settings {
  /// Keys accepted for verification. Empty: the server keeps a generated key in its database
  /// (table auth_signing_keys), shared by every replica of that database.
  std::vector<signing_key> keys;
  std::string signing_kid;  ///< which of `keys` signs new tokens (default: the first)
  std::string issuer = "energy-server";
  std::string audience = "energy-api";
  std::chrono::seconds access_ttl = std::chrono::hours(24);  ///< the seed's 24 h
  std::chrono::seconds refresh_ttl = std::chrono::hours(24 * 30);
  /// Tolerated clock difference between replicas for `exp` and `nbf`.
  std::chrono::seconds clock_skew = std::chrono::seconds(30);

  std::string admin_email = "admin@localhost";  ///< server administrator created at first start
  std::string admin_password;  ///< empty: a random one is generated and printed once

  /// Failed logins allowed per account and per client address within `login_window` before
  /// further attempts answer 429 until the window has passed.
  int max_failures_per_account = 5;
  int max_failures_per_address = 50;
  std::chrono::seconds login_window = std::chrono::minutes(15);

  /// Argon2id cost (OWASP's minimum: 19 MiB, 2 passes, 1 lane).
  std::uint32_t argon2_memory_kib = 19 * 1024;
  std::uint32_t argon2_passes = 2;

  /// Browser origins allowed by CORS ("https://dash.example.com"); empty = no cross-origin access.
  std::vector<std::string> cors_origins;
  /// Send Strict-Transport-Security (set when the server or its proxy terminates TLS).
  bool hsts = false;
  /// Also write each audit event as one JSON line to this file ("" = the database table only).
  std::string audit_log_path;

  /// Reads the variables of `environment_variables()` through `getenv` (the process environment
  /// by default); unset ones keep the defaults above.
  /// @throws std::invalid_argument naming the variable and what is wrong with its value.
  [[nodiscard]] static settings from_environment(
      const std::function<const char*(const char*)>& getenv = nullptr);
};

/// The variables `settings::from_environment` reads, with defaults and meaning.
[[nodiscard]] const std::vector<environment_variable>& environment_variables();

/// Parses "90s", "15m", "24h", "30d" or a bare number of seconds. @throws std::invalid_argument.
[[nodiscard]] std::chrono::seconds parse_duration(std::string_view text, std::string_view what);

}  // namespace energy::server::auth
