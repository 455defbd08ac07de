// SPDX-License-Identifier: Apache-2.0
// User accounts in table auth_users: one tenant and one role each (`admin`, `operator`, `viewer`),
// or no tenant and role `server_admin` for the server administrator.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/time.hpp>
#include <energy/uuid.hpp>

#include "auth/principal.hpp"
#include "db/sql.hpp"

namespace energy::server::auth {

struct user {
  uuid id;
  std::string email;  ///< lower-case
  std::string password_hash;
  uuid tenant_id;  ///< nil for the server administrator
  server::role role = server::role::viewer;
  bool active = true;
  epoch_seconds created_at = 0;
  epoch_seconds updated_at = 0;

  /// The public view (no hash).
  [[nodiscard]] nlohmann::json to_json() const;
};

/// Parses "admin", "operator", "viewer" (the roles a tenant user may have); nullopt otherwise.
[[nodiscard]] std::optional<server::role> parse_user_role(std::string_view text) noexcept;

/// Lower-cases `email` and checks its shape (one '@', no spaces or control characters, at most
/// 254 characters). Returns the normalized address or an empty string when it is not one.
[[nodiscard]] std::string normalize_email(std::string_view email);

/// Table access for users. All functions take the caller's connection (and transaction).
namespace users {

/// @throws db::constraint_violation when the e-mail is taken.
void insert(db::connection& db, const user& u);
[[nodiscard]] std::optional<user> find_by_email(db::connection& db, std::string_view email);
[[nodiscard]] std::optional<user> find(db::connection& db, const uuid& id);
/// A tenant's users ordered by id, `limit` of them after id `after` (exclusive).
[[nodiscard]] std::vector<user> list(db::connection& db, const uuid& tenant_id, int limit,
                                     const std::optional<std::string>& after);
/// Active admins of a tenant.
[[nodiscard]] std::int64_t count_active_admins(db::connection& db, const uuid& tenant_id);
/// Writes role, active, password_hash and updated_at of `u` (by id).
void update(db::connection& db, const user& u);
/// Whether a server administrator account exists.
[[nodiscard]] bool server_admin_exists(db::connection& db);

}  // namespace users

}  // namespace energy::server::auth
