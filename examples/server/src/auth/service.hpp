// SPDX-License-Identifier: Apache-2.0
// The auth service: turns credentials into principals (the authenticator the HTTP layer calls),
// logs users in, issues and rotates tokens, manages users, tenants' first admins and device keys,
// and keeps the audit log. All state is in the database (replicas share it); the process holds
// only configuration and the verification keys.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <energy/model.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

#include "auth/audit.hpp"
#include "auth/device_keys.hpp"
#include "auth/authenticator.hpp"
#include "auth/jwt.hpp"
#include "auth/login_limits.hpp"
#include "auth/password.hpp"
#include "auth/settings.hpp"
#include "auth/users.hpp"
#include "http/message.hpp"

namespace energy::storage {
class store;
}

namespace energy::server {
class logger;
}

namespace energy::server::auth {

/// What a login or a refresh returns.
struct token_pair {
  std::string access_token;  ///< JWT, `Authorization: Bearer ...`
  std::chrono::seconds access_expires_in{};
  std::string refresh_token;  ///< opaque; only its SHA-256 is stored
  std::chrono::seconds refresh_expires_in{};
  user account;

  [[nodiscard]] nlohmann::json to_json() const;
};

/// A user just created: `initial_password` is set when the server generated it (shown once).
struct created_user {
  user account;
  std::optional<std::string> initial_password;
};

/// Who does something and from where, for authorization decisions and the audit log.
struct actor {
  const principal& who;
  std::string address;
};

/**
 * Thread-safety: every method may be called from any worker thread at once with that thread's
 * own connection; the object itself is immutable after construction but for the audit file
 * (locked). Each method that writes runs in one transaction of the given connection.
 */
class service final : public authenticator {
 public:
  using clock_fn = std::function<epoch_seconds()>;

  /// Migrates the auth tables through `db` and loads the signing keys (from `s.keys`, or the key
  /// kept in the database, generated on first start). `clock` gives UTC epoch seconds (tests
  /// move it). @throws std::invalid_argument for bad settings, storage_error from the database.
  service(settings s, db::connection& db, clock_fn clock = {});
  ~service() override;

  /// Where rejected credentials are logged (with the reason the client is not told).
  void set_logger(server::logger* log) noexcept { log_ = log; }

  // --- authenticator -----------------------------------------------------------------------
  /// `Authorization: Bearer <access JWT>` or `Bearer <device key>` (keys start "edk_").
  /// A JWT is valid only while its user is active and its session (refresh family) is not
  /// revoked; the principal carries the user's current role, not the one in the token.
  [[nodiscard]] std::optional<principal> authenticate(const request& r,
                                                      db::connection& db) override;

  // --- start-up ------------------------------------------------------------------------------
  /// Creates the server administrator when none exists (ENERGY_ADMIN_EMAIL, with
  /// ENERGY_ADMIN_PASSWORD or a generated password) and returns the text the wiring prints once:
  /// who was created, the password if generated, and the curl command to log in at `base_url`
  /// ("http://127.0.0.1:8080"). nullopt when the administrator already existed.
  [[nodiscard]] std::optional<std::string> bootstrap(db::connection& db, std::string_view base_url);

  // --- sessions ------------------------------------------------------------------------------
  /// @throws problem_error 401 (same body for unknown account, wrong password and deactivated
  ///         account, after the same Argon2id work) or 429 when the failure limits are reached.
  [[nodiscard]] token_pair login(db::connection& db, std::string_view email,
                                 std::string_view password, const std::string& address);

  /// Rotates a refresh token: the presented one dies and a new pair of the same session (family)
  /// is returned. Presenting a token that was already rotated revokes its whole family (its
  /// access tokens too) and is audit-logged as "refresh_reuse": one of the two holders is a thief.
  /// @throws problem_error 401 for unknown, used, expired or revoked tokens and inactive users.
  [[nodiscard]] token_pair refresh(db::connection& db, std::string_view refresh_token,
                                   const std::string& address);
  /// Revokes the session (family) of `refresh_token`: its refresh and access tokens stop working.
  /// Unknown tokens are ignored (logout never fails).
  void logout(db::connection& db, std::string_view refresh_token, const std::string& address);

  /// The signed-in user `by` changes its own password. The current password is checked like a
  /// login (a wrong one counts towards the account's failed-login limit); the new one must meet
  /// the password rules and differ from it. Every session of the user ends (a thief holding a
  /// token is logged out too) and a new session's tokens are returned.
  /// @throws problem_error 400 (wrong current password, weak or unchanged new password), 401
  ///         (the account is gone or deactivated), 429 (failed-login limit reached).
  [[nodiscard]] token_pair change_password(db::connection& db, const actor& by,
                                           std::string_view current_password,
                                           std::string_view new_password);

  // --- users and tenants -----------------------------------------------------------------------
  /// A tenant admin creates a user of its own tenant. `password` empty: generated and returned.
  /// @throws problem_error 400 (bad e-mail, role or password), 409 (e-mail taken).
  [[nodiscard]] created_user create_user(db::connection& db, const actor& by,
                                         std::string_view email, std::string_view role_text,
                                         std::string_view password);
  /// Changes role and/or active state of a user of the actor's tenant. Refuses (409) to leave the
  /// tenant without an active admin. @throws problem_error 404 for another tenant's user.
  [[nodiscard]] user update_user(db::connection& db, const actor& by, const uuid& id,
                                 std::optional<std::string_view> role_text,
                                 std::optional<bool> active);
  /// A user of the actor's tenant. @throws problem_error 404 (also for another tenant's user).
  [[nodiscard]] user get_user(db::connection& db, const actor& by, const uuid& id);

  /// The server administrator creates a tenant (in the library store) and its first admin user.
  [[nodiscard]] std::pair<tenant, created_user> create_tenant(
      db::connection& db, storage::store& store, const actor& by, std::string_view name,
      std::string_view admin_email, std::string_view admin_password);

  // --- device keys ---------------------------------------------------------------------------
  /// A tenant admin creates a key for its tenant, optionally limited to `buildings` (each must be
  /// a building of that tenant: 400 naming the entry otherwise, the same for another tenant's
  /// building as for a missing one). Returns the key record and the secret, shown only now.
  [[nodiscard]] std::pair<device_key, std::string> create_device_key(
      db::connection& db, storage::store& store, const actor& by, std::string_view name,
      const std::vector<std::string>& buildings);
  /// Revokes a key of the actor's tenant. @throws problem_error 404 (also another tenant's key).
  void revoke_device_key(db::connection& db, const actor& by, const uuid& id);

  [[nodiscard]] const settings& config() const noexcept { return settings_; }
  [[nodiscard]] const token_codec& tokens() const noexcept { return *tokens_; }
  [[nodiscard]] audit_log& audit() noexcept { return audit_; }
  [[nodiscard]] epoch_seconds now() const { return clock_(); }

 private:
  [[nodiscard]] std::optional<principal> authenticate_device(std::string_view key,
                                                             db::connection& db, const request& r);
  [[nodiscard]] std::optional<principal> authenticate_jwt(std::string_view token,
                                                          db::connection& db, const request& r);
  [[nodiscard]] token_pair start_session(db::connection& db, const user& u);
  [[nodiscard]] token_pair issue(db::connection& db, const user& u, const uuid& session);
  [[nodiscard]] std::string hash_new_password(std::string_view password, std::string field) const;
  [[noreturn]] void reject(const request& r, std::string_view reason) const;

  settings settings_;
  clock_fn clock_;
  std::unique_ptr<token_codec> tokens_;
  password_hasher hasher_;
  login_limits limits_;
  audit_log audit_;
  server::logger* log_ = nullptr;
};

/// The auth routes the wiring adds to the server: login, tenants, users (and later refresh,
/// logout, device keys, audit).
[[nodiscard]] std::vector<route> routes(service& s);

}  // namespace energy::server::auth
