// SPDX-License-Identifier: Apache-2.0
// The audit log: logins, failed logins, refresh-token reuse, device-key creation and revocation,
// user and role changes. Kept in table auth_audit (so every replica's events are in one place and
// tenant admins can read theirs) and, when configured, appended to a JSON-lines file.
#pragma once

#include <cstdint>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/uuid.hpp>

#include "db/sql.hpp"

namespace energy::server::auth {

struct audit_event {
  std::string event;  ///< "login", "login_failed", "refresh_reuse", "device_key_created", ...
  uuid tenant_id;     ///< nil: not tied to a tenant (server administrator, unknown account)
  std::string actor;  ///< e-mail or key name of who did it (or who it was attempted as)
  std::string address;
  nlohmann::json detail = nlohmann::json::object();
};

/// Thread-safe (the file is written under a mutex; the table through the caller's connection).
class audit_log {
 public:
  /// `path` empty: the table only. @throws std::runtime_error when the file cannot be opened.
  explicit audit_log(const std::string& path);

  /// Inserts the event with the current UTC time (inside the caller's transaction, if any), then
  /// appends the JSON line.
  void record(db::connection& db, const audit_event& e);

  /// A tenant's events, newest first, `limit` of them before event id `before` (exclusive).
  [[nodiscard]] static std::vector<nlohmann::json> list(db::connection& db, const uuid& tenant_id,
                                                        int limit,
                                                        const std::optional<std::string>& before);

 private:
  std::mutex mutex_;
  std::ofstream file_;
};

}  // namespace energy::server::auth
