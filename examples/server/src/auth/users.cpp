// SPDX-License-Identifier: Apache-2.0
#include "auth/users.hpp"

namespace energy::server::auth {

namespace {

constexpr const char* columns =
    "id, email, password_hash, tenant_id, role, active, created_at, updated_at";

server::role role_from_text(const std::string& text) {
  if (text == "server_admin") return server::role::server_admin;
  if (const auto r = parse_user_role(text)) return *r;
  // A role written by a newer version: the least privilege, never more.
  return server::role::viewer;
}

user from_row(const db::row& r) {
  user u;
  u.id = uuid::parse(r.text(0));
  u.email = r.text(1);
  u.password_hash = r.text(2);
  if (const auto t = r.opt_text(3)) u.tenant_id = uuid::parse(*t);
  u.role = role_from_text(r.text(4));
  u.active = r.integer(5) != 0;
  u.created_at = r.integer(6);
  u.updated_at = r.integer(7);
  return u;
}

db::value tenant_value(const uuid& t) {
  if (t.is_nil()) return db::value{};
  return t.to_string();
}

}  // namespace

nlohmann::json user::to_json() const {
  return {{"id", id.to_string()},
          {"email", email},
          {"tenant_id",
           tenant_id.is_nil() ? nlohmann::json(nullptr) : nlohmann::json(tenant_id.to_string())},
          {"role", std::string(to_string(role))},
          {"active", active},
          {"created_at", format_utc(from_epoch(created_at))},
          {"updated_at", format_utc(from_epoch(updated_at))}};
}

std::optional<server::role> parse_user_role(std::string_view text) noexcept {
  if (text == "admin") return server::role::admin;
  if (text == "operator") return server::role::operator_;
  if (text == "viewer") return server::role::viewer;
  return std::nullopt;
}

std::string normalize_email(std::string_view email) {
  if (email.empty() || email.size() > 254) return {};
  std::string out;
  out.reserve(email.size());
  int ats = 0;
  for (const char c : email) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return {};
    if (c == '@') ++ats;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  const auto at = out.find('@');
  if (ats != 1 || at == 0 || at + 1 == out.size()) return {};
  return out;
}

namespace users {

void insert(db::connection& db, const user& u) {
  db.exec(
      std::string("INSERT INTO auth_users (") + columns +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {u.id.to_string(), u.email, u.password_hash, tenant_value(u.tenant_id),
       std::string(to_string(u.role)), std::int64_t{u.active ? 1 : 0}, u.created_at, u.updated_at});
}

std::optional<user> find_by_email(db::connection& db, std::string_view email) {
  const auto rows = db.query(std::string("SELECT ") + columns + " FROM auth_users WHERE email = $1",
                             {std::string(email)});
  if (rows.empty()) return std::nullopt;
  return from_row(rows.front());
}

std::optional<user> find(db::connection& db, const uuid& id) {
  const auto rows = db.query(std::string("SELECT ") + columns + " FROM auth_users WHERE id = $1",
                             {id.to_string()});
  if (rows.empty()) return std::nullopt;
  return from_row(rows.front());
}

std::vector<user> list(db::connection& db, const uuid& tenant_id, int limit,
                       const std::optional<std::string>& after) {
  const auto rows = db.query(std::string("SELECT ") + columns +
                                 " FROM auth_users WHERE tenant_id = $1 AND id > $2 "
                                 "ORDER BY id LIMIT $3",
                             {tenant_id.to_string(), after.value_or(""), std::int64_t{limit}});
  std::vector<user> out;
  out.reserve(rows.size());
  for (const auto& r : rows)
    out.push_back(from_row(r));
  return out;
}

std::int64_t count_active_admins(db::connection& db, const uuid& tenant_id) {
  return db
      .query(
          "SELECT count(*) FROM auth_users WHERE tenant_id = $1 AND role = 'admin' AND active = 1",
          {tenant_id.to_string()})
      .front()
      .integer(0);
}

void update(db::connection& db, const user& u) {
  db.exec(
      "UPDATE auth_users SET role = $2, active = $3, password_hash = $4, updated_at = $5 "
      "WHERE id = $1",
      {u.id.to_string(), std::string(to_string(u.role)), std::int64_t{u.active ? 1 : 0},
       u.password_hash, u.updated_at});
}

bool server_admin_exists(db::connection& db) {
  return !db.query("SELECT 1 FROM auth_users WHERE role = 'server_admin' LIMIT 1").empty();
}

}  // namespace users

}  // namespace energy::server::auth
