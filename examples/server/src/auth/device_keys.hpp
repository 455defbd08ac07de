// SPDX-License-Identifier: Apache-2.0
// Device keys for meters and gateways: 256-bit random secrets ("edk_..."), shown once at creation
// and stored as SHA-256; each belongs to one tenant, optionally to listed buildings, admits only
// ingest routes (access::device), can be revoked, and records when it was last used.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/time.hpp>
#include <energy/uuid.hpp>

#include "db/sql.hpp"

namespace energy::server::auth {

inline constexpr std::string_view device_key_prefix = "edk_";

struct device_key {
  uuid id;
  uuid tenant_id;
  std::string name;
  std::string key_prefix;       ///< first characters of the key, to tell keys apart in lists
  std::vector<uuid> buildings;  ///< empty: every building of the tenant
  epoch_seconds created_at = 0;
  std::string created_by;
  std::optional<epoch_seconds> revoked_at;
  std::optional<epoch_seconds> last_used_at;

  /// The public view (never the key or its hash).
  [[nodiscard]] nlohmann::json to_json() const;
};

namespace device_keys {

/// Stores `k` with the hash of `secret`.
void insert(db::connection& db, const device_key& k, const std::string& secret);
/// The key whose secret is `secret`, revoked or not.
[[nodiscard]] std::optional<device_key> find_by_secret(db::connection& db,
                                                       const std::string& secret);
/// A key of `tenant_id` (nullopt also for another tenant's key).
[[nodiscard]] std::optional<device_key> find(db::connection& db, const uuid& tenant_id,
                                             const uuid& id);
/// A tenant's keys ordered by id, `limit` after id `after` (exclusive).
[[nodiscard]] std::vector<device_key> list(db::connection& db, const uuid& tenant_id, int limit,
                                           const std::optional<std::string>& after);
/// Marks the key revoked at `now` (no-op when it already is).
void revoke(db::connection& db, const uuid& id, epoch_seconds now);
/// Sets last_used_at to `now` unless it was set less than a minute ago (one write per key per
/// minute, not per request).
void touch(db::connection& db, const uuid& id, epoch_seconds now);

}  // namespace device_keys

}  // namespace energy::server::auth
