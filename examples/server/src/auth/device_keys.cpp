// SPDX-License-Identifier: Apache-2.0
#include "auth/device_keys.hpp"
#include "http/json_text.hpp"

#include "auth/crypto.hpp"

namespace energy::server::auth {

namespace {

constexpr const char* columns =
    "id, tenant_id, name, key_prefix, buildings, created_at, created_by, revoked_at, "
    "last_used_at";

device_key from_row(const db::row& r) {
  device_key k;
  k.id = uuid::parse(r.text(0));
  k.tenant_id = uuid::parse(r.text(1));
  k.name = r.text(2);
  k.key_prefix = r.text(3);
  const auto list = nlohmann::json::parse(r.text(4), nullptr, false);
  if (list.is_array()) {
    for (const auto& b : list) {
      if (const auto id = b.is_string() ? uuid::try_parse(b.get<std::string>()) : std::nullopt) {
        k.buildings.push_back(*id);
      }
    }
  }
  k.created_at = r.integer(5);
  k.created_by = r.text(6);
  k.revoked_at = r.opt_integer(7);
  k.last_used_at = r.opt_integer(8);
  return k;
}

nlohmann::json optional_time(const std::optional<epoch_seconds>& t) {
  return t ? nlohmann::json(format_utc(from_epoch(*t))) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json device_key::to_json() const {
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& b : buildings)
    ids.push_back(b.to_string());
  return {{"id", id.to_string()},
          {"tenant_id", tenant_id.to_string()},
          {"name", name},
          {"key_prefix", key_prefix},
          {"buildings", ids},
          {"created_at", format_utc(from_epoch(created_at))},
          {"created_by", created_by},
          {"revoked_at", optional_time(revoked_at)},
          {"last_used_at", optional_time(last_used_at)}};
}

namespace device_keys {

void insert(db::connection& db, const device_key& k, const std::string& secret) {
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& b : k.buildings)
    ids.push_back(b.to_string());
  db.exec(
      "INSERT INTO auth_device_keys (id, tenant_id, name, key_hash, key_prefix, buildings, "
      "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {k.id.to_string(), k.tenant_id.to_string(), k.name, sha256_hex(secret), k.key_prefix,
       json_text(ids), k.created_at, k.created_by});
}

std::optional<device_key> find_by_secret(db::connection& db, const std::string& secret) {
  const auto rows =
      db.query(std::string("SELECT ") + columns + " FROM auth_device_keys WHERE key_hash = $1",
               {sha256_hex(secret)});
  if (rows.empty()) return std::nullopt;
  return from_row(rows.front());
}

std::optional<device_key> find(db::connection& db, const uuid& tenant_id, const uuid& id) {
  const auto rows = db.query(
      std::string("SELECT ") + columns + " FROM auth_device_keys WHERE id = $1 AND tenant_id = $2",
      {id.to_string(), tenant_id.to_string()});
  if (rows.empty()) return std::nullopt;
  return from_row(rows.front());
}

std::vector<device_key> list(db::connection& db, const uuid& tenant_id, int limit,
                             const std::optional<std::string>& after) {
  const auto rows = db.query(std::string("SELECT ") + columns +
                                 " FROM auth_device_keys WHERE tenant_id = $1 AND id > $2 "
                                 "ORDER BY id LIMIT $3",
                             {tenant_id.to_string(), after.value_or(""), std::int64_t{limit}});
  std::vector<device_key> out;
  out.reserve(rows.size());
  for (const auto& r : rows)
    out.push_back(from_row(r));
  return out;
}

void revoke(db::connection& db, const uuid& id, epoch_seconds now) {
  db.exec("UPDATE auth_device_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
          {id.to_string(), std::int64_t{now}});
}

void touch(db::connection& db, const uuid& id, epoch_seconds now) {
  db.exec(
      "UPDATE auth_device_keys SET last_used_at = $2 WHERE id = $1 AND "
      "(last_used_at IS NULL OR last_used_at <= $3)",
      {id.to_string(), std::int64_t{now}, std::int64_t{now - 60}});
}

}  // namespace device_keys

}  // namespace energy::server::auth
