// SPDX-License-Identifier: Apache-2.0
#include "auth/service.hpp"

#include <algorithm>
#include <stdexcept>

#include <energy/storage/store.hpp>

#include "auth/crypto.hpp"
#include "auth/problems.hpp"
#include "auth/schema.hpp"
#include "http/log.hpp"

namespace energy::server::auth {

namespace {

constexpr std::string_view refresh_token_prefix = "ert_";
// The one key id of the key kept in the database when ENERGY_JWT_KEYS is not set: replicas
// starting together race to insert it and all read back the winner's secret.
constexpr std::string_view database_kid = "db-1";

epoch_seconds system_now() {
  return to_epoch(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
}

std::vector<signing_key> keys_from_database(db::connection& db, epoch_seconds now) {
  db.transaction([&](db::connection& tx) {
    tx.exec(
        "INSERT INTO auth_signing_keys (kid, secret, created_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (kid) DO NOTHING",
        {std::string(database_kid), base64url_encode(random_bytes(48)), std::int64_t{now}});
  });
  const auto rows = db.query("SELECT kid, secret FROM auth_signing_keys WHERE kid = $1",
                             {std::string(database_kid)});
  if (rows.empty()) throw std::runtime_error("auth: the generated signing key was not stored");
  return {signing_key{rows.front().text(0), rows.front().text(1)}};
}

std::optional<std::string_view> bearer_token(const request& r) {
  const auto h = std::find_if(r.headers.begin(), r.headers.end(),
                              [](const auto& kv) { return kv.first == "authorization"; });
  if (h == r.headers.end()) return std::nullopt;
  std::string_view v = h->second;
  constexpr std::string_view scheme = "bearer ";
  if (v.size() < scheme.size()) return std::string_view{};
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const char c = v[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) {
      return std::string_view{};
    }
  }
  v.remove_prefix(scheme.size());
  while (!v.empty() && v.front() == ' ')
    v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ')
    v.remove_suffix(1);
  return v;
}

}  // namespace

nlohmann::json token_pair::to_json() const {
  return {{"access_token", access_token},
          {"token_type", "Bearer"},
          {"expires_in", access_expires_in.count()},
          {"refresh_token", refresh_token},
          {"refresh_expires_in", refresh_expires_in.count()},
          {"user", account.to_json()}};
}

service::service(settings s, db::connection& db, clock_fn clock)
    : settings_(std::move(s)),
      clock_(clock ? std::move(clock) : clock_fn(system_now)),
      hasher_(settings_.argon2_memory_kib, settings_.argon2_passes),
      limits_(settings_.max_failures_per_account, settings_.max_failures_per_address,
              settings_.login_window),
      audit_(settings_.audit_log_path) {
  migrate_schema(db);
  std::vector<signing_key> keys = settings_.keys;
  std::string kid = settings_.signing_kid;
  if (keys.empty()) {
    keys = keys_from_database(db, clock_());
    kid = keys.front().kid;
  }
  tokens_ = std::make_unique<token_codec>(std::move(keys), std::move(kid), settings_.issuer,
                                          settings_.audience, settings_.clock_skew);
}

service::~service() = default;

void service::reject(const request& r, std::string_view reason) const {
  if (log_ != nullptr) {
    log_->warning("auth_rejected", {{"request_id", r.request_id},
                                    {"address", r.remote_address},
                                    {"reason", std::string(reason)}});
  }
  throw_unauthorized();
}

std::optional<principal> service::authenticate(const request& r, db::connection& db) {
  const auto token = bearer_token(r);
  if (!token) return std::nullopt;
  if (token->empty()) reject(r, "authorization header is not 'Bearer <token>'");
  if (token->starts_with(device_key_prefix)) return authenticate_device(*token, db, r);
  return authenticate_jwt(*token, db, r);
}

std::optional<principal> service::authenticate_device(std::string_view key, db::connection& db,
                                                      const request& r) {
  if (key.size() > 200) reject(r, "device key too long");
  const auto k = device_keys::find_by_secret(db, std::string(key));
  if (!k) reject(r, "unknown device key");
  if (k->revoked_at) reject(r, "device key revoked");
  device_keys::touch(db, k->id, clock_());
  return principal{k->tenant_id, k->id, role::device, k->buildings, k->name};
}

std::optional<principal> service::authenticate_jwt(std::string_view token, db::connection& db,
                                                   const request& r) {
  const auto checked = tokens_->verify(token, clock_());
  if (!checked.claims) reject(r, "jwt: " + checked.reason);
  const access_claims& c = *checked.claims;
  // The token proves who; the database says whether that user and session still stand and what
  // the user may do now (role changes and deactivation take effect at once).
  const auto rows = db.query(
      "SELECT u.tenant_id, u.role, u.active, u.email, s.revoked_at FROM auth_users u "
      "JOIN auth_sessions s ON s.user_id = u.id WHERE u.id = $1 AND s.id = $2",
      {c.subject.to_string(), c.session.to_string()});
  if (rows.empty()) reject(r, "jwt: unknown user or session");
  const auto& row = rows.front();
  if (row.integer(2) == 0) reject(r, "jwt: user deactivated");
  if (!row.is_null(4)) reject(r, "jwt: session revoked");
  principal p;
  p.subject = c.subject;
  if (const auto t = row.opt_text(0)) p.tenant_id = uuid::parse(*t);
  if (p.tenant_id != c.tenant_id) reject(r, "jwt: tenant differs from the user's");
  const std::string role_text = row.text(1);
  if (role_text == "server_admin") {
    p.who = role::server_admin;
  } else if (const auto ur = parse_user_role(role_text)) {
    p.who = *ur;
  } else {
    reject(r, "jwt: user has an unknown role");
  }
  p.display = row.text(3);
  return p;
}

std::optional<std::string> service::bootstrap(db::connection& db, std::string_view base_url) {
  if (users::server_admin_exists(db)) return std::nullopt;
  const std::string email = normalize_email(settings_.admin_email);
  if (email.empty()) {
    throw std::invalid_argument("ENERGY_ADMIN_EMAIL: '" + settings_.admin_email +
                                "' is not an e-mail address");
  }
  const bool generated = settings_.admin_password.empty();
  const std::string password =
      generated ? random_secret("", 18) : settings_.admin_password;  // 18 bytes: 24 characters
  user u;
  u.id = uuid::v7();
  u.email = email;
  u.password_hash = hasher_.hash(password);
  u.role = role::server_admin;
  u.created_at = u.updated_at = clock_();
  try {
    db.transaction([&](db::connection& tx) {
      if (users::server_admin_exists(tx)) throw db::constraint_violation("exists");
      users::insert(tx, u);
      audit_.record(tx, {"server_admin_created", {}, email, "", {{"user_id", u.id.to_string()}}});
    });
  } catch (const db::constraint_violation&) {
    return std::nullopt;  // another replica created it first, or the address is a tenant user's
  }
  std::string text =
      "energy-server: first start: created the server administrator " + email + ".\n";
  if (generated) {
    text += "  password: " + password +
            "  (generated; shown only this once: keep it in a password manager)\n";
  } else {
    text += "  password: the value of ENERGY_ADMIN_PASSWORD\n";
  }
  const std::string shown_password = generated ? password : "$ENERGY_ADMIN_PASSWORD";
  text += "  log in:   curl -s -X POST " + std::string(base_url) +
          "/api/v1/auth/login -H 'Content-Type: application/json' -d '{\"email\": \"" + email +
          "\", \"password\": \"" + shown_password + "\"}'\n";
  text += "  then create a tenant and its first admin with the access_token from the answer:\n";
  text += "            curl -s -X POST " + std::string(base_url) +
          "/api/v1/tenants -H 'Authorization: Bearer <access_token>' -H 'Content-Type: "
          "application/json' -d '{\"name\": \"My company\", \"admin_email\": "
          "\"admin@example.com\"}'\n";
  return text;
}

token_pair service::start_session(db::connection& db, const user& u) {
  const uuid session = uuid::v7();
  const epoch_seconds now = clock_();
  db.exec("INSERT INTO auth_sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
          {session.to_string(), u.id.to_string(), std::int64_t{now},
           std::int64_t{now + settings_.refresh_ttl.count()}});
  return issue(db, u, session);
}

token_pair service::issue(db::connection& db, const user& u, const uuid& session) {
  const epoch_seconds now = clock_();
  const std::string refresh = random_secret(refresh_token_prefix);
  const epoch_seconds refresh_expires = now + settings_.refresh_ttl.count();
  db.exec(
      "INSERT INTO auth_refresh_tokens (token_hash, session_id, issued_at, expires_at) "
      "VALUES ($1, $2, $3, $4)",
      {sha256_hex(refresh), session.to_string(), std::int64_t{now}, std::int64_t{refresh_expires}});
  db.exec("UPDATE auth_sessions SET expires_at = $2 WHERE id = $1",
          {session.to_string(), std::int64_t{refresh_expires}});
  access_claims c;
  c.subject = u.id;
  c.tenant_id = u.tenant_id;
  c.role = std::string(to_string(u.role));
  c.session = session;
  c.issued_at = now;
  c.expires_at = now + settings_.access_ttl.count();
  return token_pair{tokens_->sign(c), settings_.access_ttl, refresh, settings_.refresh_ttl, u};
}

token_pair service::refresh(db::connection& db, std::string_view refresh_token,
                            const std::string& address) {
  enum class outcome { ok, invalid, reused };
  outcome result = outcome::invalid;
  std::string why;
  token_pair out;
  std::optional<user> holder;
  if (!refresh_token.starts_with(refresh_token_prefix) || refresh_token.size() > 200) {
    throw_unauthorized();
  }
  const std::string hash = sha256_hex(refresh_token);
  db.transaction([&](db::connection& tx) {
    result = outcome::invalid;
    const epoch_seconds now = clock_();
    const auto rows = tx.query(
        "SELECT t.session_id, t.expires_at, t.used_at, s.revoked_at, s.user_id "
        "FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id "
        "WHERE t.token_hash = $1",
        {hash});
    if (rows.empty()) {
      why = "unknown refresh token";
      return;
    }
    const auto& row = rows.front();
    const std::string session = row.text(0);
    holder = users::find(tx, uuid::parse(row.text(4)));
    if (!row.is_null(3)) {
      why = "session revoked";
      return;
    }
    // A rotated token presented again: revoke the family (the update below and the audit event
    // commit with this transaction; the 401 is thrown after it).
    const bool reused =
        !row.is_null(2) ||
        tx.exec(
            "UPDATE auth_refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at "
            "IS NULL",
            {hash, std::int64_t{now}}) != 1;
    if (reused) {
      tx.exec(
          "UPDATE auth_sessions SET revoked_at = $2, revoked_reason = 'refresh_reuse' WHERE id = "
          "$1",
          {session, std::int64_t{now}});
      audit_.record(tx, {"refresh_reuse",
                         holder ? holder->tenant_id : uuid{},
                         holder ? holder->email : std::string(),
                         address,
                         {{"session", session}}});
      result = outcome::reused;
      return;
    }
    if (row.integer(1) <= now) {
      why = "refresh token expired";
      return;
    }
    if (!holder || !holder->active) {
      why = "user deactivated";
      return;
    }
    out = issue(tx, *holder, uuid::parse(session));
    result = outcome::ok;
  });
  if (result == outcome::ok) return out;
  if (log_ != nullptr) {
    log_->warning("auth_rejected",
                  {{"address", address},
                   {"reason", result == outcome::reused ? "refresh token reused: family revoked"
                                                        : "refresh: " + why}});
  }
  throw_unauthorized();
}

void service::logout(db::connection& db, std::string_view refresh_token,
                     const std::string& address) {
  const std::string hash = sha256_hex(refresh_token);
  db.transaction([&](db::connection& tx) {
    const auto rows = tx.query(
        "SELECT s.id, s.user_id FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = "
        "t.session_id WHERE t.token_hash = $1 AND s.revoked_at IS NULL",
        {hash});
    if (rows.empty()) return;
    tx.exec("UPDATE auth_sessions SET revoked_at = $2, revoked_reason = 'logout' WHERE id = $1",
            {rows.front().text(0), std::int64_t{clock_()}});
    const auto u = users::find(tx, uuid::parse(rows.front().text(1)));
    audit_.record(tx, {"logout",
                       u ? u->tenant_id : uuid{},
                       u ? u->email : std::string(),
                       address,
                       {{"session", rows.front().text(0)}}});
  });
}

token_pair service::login(db::connection& db, std::string_view email_text,
                          std::string_view password, const std::string& address) {
  const std::string email = normalize_email(email_text);
  // What the limits and the audit log call the account: the address as typed when it is not one.
  const std::string account = email.empty() ? std::string(email_text.substr(0, 254)) : email;
  const epoch_seconds now = clock_();
  if (const auto wait = limits_.blocked_for(db, account, address, now)) {
    db.transaction([&](db::connection& tx) {
      audit_.record(tx, {"login_throttled", {}, account, address, {{"retry_after", *wait}}});
    });
    throw_rate_limited(*wait);
  }
  const auto found = email.empty() ? std::nullopt : users::find_by_email(db, email);
  // Every failing path spends one Argon2id verification, so timing does not tell an unknown
  // account from a wrong password.
  const bool password_ok =
      found ? hasher_.verify(found->password_hash, password) : hasher_.verify_dummy(password);
  if (!found || !password_ok || !found->active) {
    const std::string reason = !found         ? "unknown account"
                               : !password_ok ? "wrong password"
                                              : "account deactivated";
    limits_.record_failure(db, account, address, now);
    db.transaction([&](db::connection& tx) {
      audit_.record(tx, {"login_failed",
                         found ? found->tenant_id : uuid{},
                         account,
                         address,
                         {{"reason", reason}}});
    });
    throw_unauthorized();
  }
  token_pair out;
  db.transaction([&](db::connection& tx) {
    limits_.record_success(tx, account);
    out = start_session(tx, *found);
    audit_.record(tx, {"login", found->tenant_id, email, address, nlohmann::json::object()});
  });
  return out;
}

token_pair service::change_password(db::connection& db, const actor& by,
                                    std::string_view current_password,
                                    std::string_view new_password) {
  const auto found = users::find(db, by.who.subject);
  if (!found || !found->active) throw_unauthorized();
  const epoch_seconds now = clock_();
  if (const auto wait = limits_.blocked_for(db, found->email, by.address, now)) {
    db.transaction([&](db::connection& tx) {
      audit_.record(tx, {"password_change_throttled",
                         found->tenant_id,
                         found->email,
                         by.address,
                         {{"retry_after", *wait}}});
    });
    throw_rate_limited(*wait);
  }
  if (!hasher_.verify(found->password_hash, current_password)) {
    limits_.record_failure(db, found->email, by.address, now);
    db.transaction([&](db::connection& tx) {
      audit_.record(tx, {"password_change_failed",
                         found->tenant_id,
                         found->email,
                         by.address,
                         {{"reason", "wrong current password"}}});
    });
    throw_invalid("the current password is wrong", "/current_password");
  }
  if (new_password == current_password)
    throw_invalid("the new password is the current one", "/new_password");
  user u = *found;
  u.password_hash = hash_new_password(new_password, "/new_password");
  u.updated_at = now;
  token_pair out;
  db.transaction([&](db::connection& tx) {
    users::update(tx, u);
    tx.exec(
        "UPDATE auth_sessions SET revoked_at = $2, revoked_reason = 'password_changed' "
        "WHERE user_id = $1 AND revoked_at IS NULL",
        {u.id.to_string(), std::int64_t{now}});
    limits_.record_success(tx, u.email);
    out = start_session(tx, u);
    audit_.record(tx,
                  {"password_changed", u.tenant_id, u.email, by.address, nlohmann::json::object()});
  });
  return out;
}

std::string service::hash_new_password(std::string_view password, std::string field) const {
  if (const auto why = password_problem(password); !why.empty()) throw_invalid(why, field);
  return hasher_.hash(password);
}

created_user service::create_user(db::connection& db, const actor& by, std::string_view email_text,
                                  std::string_view role_text, std::string_view password) {
  const std::string email = normalize_email(email_text);
  if (email.empty()) throw_invalid("not an e-mail address", "/email");
  const auto r = parse_user_role(role_text);
  if (!r) throw_invalid("role is one of admin, operator, viewer", "/role");
  created_user out;
  if (password.empty()) out.initial_password = random_secret("", 18);
  user& u = out.account;
  u.id = uuid::v7();
  u.email = email;
  u.password_hash =
      hash_new_password(out.initial_password ? *out.initial_password : password, "/password");
  u.tenant_id = by.who.tenant_id;
  u.role = *r;
  u.created_at = u.updated_at = clock_();
  try {
    db.transaction([&](db::connection& tx) {
      users::insert(tx, u);
      audit_.record(tx, {"user_created",
                         u.tenant_id,
                         by.who.display,
                         by.address,
                         {{"user_id", u.id.to_string()},
                          {"email", email},
                          {"role", std::string(to_string(u.role))}}});
    });
  } catch (const db::constraint_violation&) {
    throw_conflict("a user with this e-mail address exists", "/email");
  }
  return out;
}

user service::get_user(db::connection& db, const actor& by, const uuid& id) {
  auto u = users::find(db, id);
  if (!u || u->tenant_id != by.who.tenant_id || by.who.tenant_id.is_nil()) throw_missing("user");
  return *u;
}

user service::update_user(db::connection& db, const actor& by, const uuid& id,
                          std::optional<std::string_view> role_text, std::optional<bool> active) {
  std::optional<role> new_role;
  if (role_text) {
    new_role = parse_user_role(*role_text);
    if (!new_role) throw_invalid("role is one of admin, operator, viewer", "/role");
  }
  user result;
  db.transaction([&](db::connection& tx) {
    user u = get_user(tx, by, id);
    const user before = u;
    if (new_role) u.role = *new_role;
    if (active) u.active = *active;
    if (u.role == before.role && u.active == before.active) {
      result = u;
      return;
    }
    u.updated_at = clock_();
    users::update(tx, u);
    if (before.role == role::admin && before.active &&
        users::count_active_admins(tx, u.tenant_id) == 0) {
      throw_conflict("the tenant would have no active admin left", new_role ? "/role" : "/active");
    }
    if (u.role != before.role) {
      audit_.record(tx, {"role_changed",
                         u.tenant_id,
                         by.who.display,
                         by.address,
                         {{"user_id", u.id.to_string()},
                          {"email", u.email},
                          {"from", std::string(to_string(before.role))},
                          {"to", std::string(to_string(u.role))}}});
    }
    if (u.active != before.active) {
      audit_.record(tx, {u.active ? "user_reactivated" : "user_deactivated",
                         u.tenant_id,
                         by.who.display,
                         by.address,
                         {{"user_id", u.id.to_string()}, {"email", u.email}}});
    }
    result = u;
  });
  return result;
}

std::pair<tenant, created_user> service::create_tenant(db::connection& db, storage::store& store,
                                                       const actor& by, std::string_view name,
                                                       std::string_view admin_email,
                                                       std::string_view admin_password) {
  if (name.empty() || name.size() > 200) {
    throw_invalid("a tenant name has 1 to 200 characters", "/name");
  }
  tenant t;
  t.id = uuid::v7();
  t.name = std::string(name);
  t.created_at = from_epoch(clock_());
  // The first admin is created as that tenant's admin; the user row is written first (its
  // e-mail may be taken), the tenant second, and the user removed again if the store refuses.
  const principal as_tenant_admin{t.id, by.who.subject, role::admin, {}, by.who.display};
  created_user admin =
      create_user(db, actor{as_tenant_admin, by.address}, admin_email, "admin", admin_password);
  try {
    store.put_tenant(t);
  } catch (...) {
    db.exec("DELETE FROM auth_users WHERE id = $1", {admin.account.id.to_string()});
    throw;
  }
  db.transaction([&](db::connection& tx) {
    audit_.record(tx, {"tenant_created",
                       t.id,
                       by.who.display,
                       by.address,
                       {{"name", t.name}, {"admin_email", admin.account.email}}});
  });
  return {t, std::move(admin)};
}

}  // namespace energy::server::auth

namespace energy::server::auth {

std::pair<device_key, std::string> service::create_device_key(
    db::connection& db, storage::store& store, const actor& by, std::string_view name,
    const std::vector<std::string>& buildings) {
  if (name.empty() || name.size() > 200) {
    throw_invalid("a device key name has 1 to 200 characters", "/name");
  }
  if (buildings.size() > 1000) throw_invalid("at most 1000 buildings per key", "/buildings");
  device_key k;
  k.id = uuid::v7();
  k.tenant_id = by.who.tenant_id;
  k.name = std::string(name);
  for (std::size_t i = 0; i < buildings.size(); ++i) {
    const auto id = uuid::try_parse(buildings[i]);
    const auto b = id ? store.get_building(*id) : std::nullopt;
    if (!b || b->tenant_id != by.who.tenant_id) {
      throw_invalid("no such building", "/buildings/" + std::to_string(i));
    }
    if (std::find(k.buildings.begin(), k.buildings.end(), *id) == k.buildings.end()) {
      k.buildings.push_back(*id);
    }
  }
  const std::string secret = random_secret(device_key_prefix);
  k.key_prefix = secret.substr(0, device_key_prefix.size() + 8);
  k.created_at = clock_();
  k.created_by = by.who.display;
  db.transaction([&](db::connection& tx) {
    device_keys::insert(tx, k, secret);
    audit_.record(tx, {"device_key_created",
                       k.tenant_id,
                       by.who.display,
                       by.address,
                       {{"key_id", k.id.to_string()},
                        {"name", k.name},
                        {"buildings", k.to_json()["buildings"]}}});
  });
  return {k, secret};
}

void service::revoke_device_key(db::connection& db, const actor& by, const uuid& id) {
  db.transaction([&](db::connection& tx) {
    const auto k = device_keys::find(tx, by.who.tenant_id, id);
    if (!k || by.who.tenant_id.is_nil()) throw_missing("device key");
    if (k->revoked_at) return;
    device_keys::revoke(tx, id, clock_());
    audit_.record(tx, {"device_key_revoked",
                       k->tenant_id,
                       by.who.display,
                       by.address,
                       {{"key_id", k->id.to_string()}, {"name", k->name}}});
  });
}

}  // namespace energy::server::auth
