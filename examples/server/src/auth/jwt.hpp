// SPDX-License-Identifier: Apache-2.0
// Access tokens: JWTs signed and verified with libjwt, HS256 only. libjwt 1.10 verifies with
// whatever algorithm the token's header names and checks no claims, so this class pins the
// algorithm, never passes a NULL key (which would accept alg "none"), picks the key by `kid`,
// and checks exp, nbf, iss and aud itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <energy/time.hpp>
#include <energy/uuid.hpp>

#include "auth/settings.hpp"

namespace energy::server::auth {

/// What an access token says. Authorization does not trust `role` alone: the authenticator
/// re-reads the user's current role and state (see service::authenticate).
struct access_claims {
  uuid subject;      ///< user id ("sub")
  uuid tenant_id;    ///< "tid"; nil for the server administrator
  std::string role;  ///< "role" when issued
  uuid session;      ///< "sid": the refresh-token family, so logout ends the access token too
  epoch_seconds issued_at = 0;
  epoch_seconds expires_at = 0;
};

struct verification {
  std::optional<access_claims> claims;  ///< set when the token is valid
  std::string reason;                   ///< why not, for the log (never sent to the client)
};

/**
 * Signs with the key named `signing_kid`; verifies with any key of the set whose kid the token
 * names. Thread-safe after construction (immutable).
 */
class token_codec {
 public:
  /// @throws std::invalid_argument when `keys` is empty, a secret is shorter than 32 bytes, or
  ///         `signing_kid` is not among them.
  token_codec(std::vector<signing_key> keys, std::string signing_kid, std::string issuer,
              std::string audience, std::chrono::seconds clock_skew);

  /// A signed JWT for `claims` (iat/nbf = issued_at, exp = expires_at). @throws std::runtime_error
  /// if libjwt fails.
  [[nodiscard]] std::string sign(const access_claims& claims) const;

  /// Checks the token at time `now` (UTC epoch seconds).
  [[nodiscard]] verification verify(std::string_view token, epoch_seconds now) const;

  [[nodiscard]] const std::string& signing_kid() const noexcept { return signing_kid_; }

 private:
  [[nodiscard]] const signing_key* find(std::string_view kid) const noexcept;

  std::vector<signing_key> keys_;
  std::string signing_kid_;
  std::string issuer_;
  std::string audience_;
  std::int64_t skew_ = 0;
};

}  // namespace energy::server::auth
