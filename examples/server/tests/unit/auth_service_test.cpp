// SPDX-License-Identifier: Apache-2.0
// The auth service and its routes over real SQLite: bootstrap, login, authentication, tenants and
// users, tenant isolation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "auth_fixture.hpp"

using namespace energy;
using namespace energy::server;
using namespace energy::server::auth;
using namespace energy::server::auth::testing;
using nlohmann::json;

namespace {

std::string admin_token(fixture& f) {
  (void)f.auth.bootstrap(*f.db, "http://127.0.0.1:8080");
  return f.login("root@example.com", "root-password-123").access_token;
}

struct tenant_setup {
  std::string tenant_id;
  std::string admin_token;
};

tenant_setup make_tenant(fixture& f, const std::string& root, const std::string& name,
                         const std::string& admin_email) {
  const auto res = f.call(
      http_method::post, "/api/v1/tenants",
      json{{"name", name}, {"admin_email", admin_email}, {"admin_password", "tenant-admin-pw-1"}}
          .dump(),
      root);
  REQUIRE(res.status == 201);
  const auto body = body_of(res);
  return {body["tenant"]["id"], f.login(admin_email, "tenant-admin-pw-1").access_token};
}

}  // namespace

TEST_CASE("bootstrap creates the server administrator once and says how to log in",
          "[auth][service]") {
  fixture f;
  const auto text = f.auth.bootstrap(*f.db, "http://127.0.0.1:8080");
  REQUIRE(text);
  CHECK(text->find("root@example.com") != std::string::npos);
  CHECK(text->find("curl -s -X POST http://127.0.0.1:8080/api/v1/auth/login") != std::string::npos);
  CHECK(text->find("root-password-123") ==
        std::string::npos);  // a configured password is not echoed
  CHECK_FALSE(f.auth.bootstrap(*f.db, "http://127.0.0.1:8080"));
  const auto login = f.login("ROOT@example.com", "root-password-123");
  CHECK(login.account.role == role::server_admin);
  CHECK(login.access_expires_in == std::chrono::hours(24));
}

TEST_CASE("bootstrap without a configured password generates one and prints it once",
          "[auth][service]") {
  auto s = fast_settings();
  s.admin_password.clear();
  fixture f(s);
  const auto text = f.auth.bootstrap(*f.db, "http://localhost:9000");
  REQUIRE(text);
  const auto at = text->find("password: ") + 10;
  const std::string password = text->substr(at, text->find(' ', at) - at);
  CHECK(password.size() == 24);
  CHECK(f.login("root@example.com", password).account.role == role::server_admin);
}

TEST_CASE("a wrong password, an unknown account and a deactivated account get the same 401",
          "[auth][service]") {
  fixture f;
  const auto root = admin_token(f);
  const auto t = make_tenant(f, root, "Acme", "boss@acme.example");
  const auto viewer = body_of(f.call(
      http_method::post, "/api/v1/users",
      json{{"email", "v@acme.example"}, {"role", "viewer"}, {"password", "viewer-password-1"}}
          .dump(),
      t.admin_token));
  const auto id = viewer["user"]["id"].get<std::string>();
  REQUIRE(f.call(http_method::patch, "/api/v1/users/" + id, R"({"active": false})", t.admin_token)
              .status == 200);
  const auto status_of_login = [&](const std::string& email, const std::string& password) {
    return f.call(http_method::post, "/api/v1/auth/login",
                  json{{"email", email}, {"password", password}}.dump());
  };
  const auto wrong = status_of_login("boss@acme.example", "not-the-password");
  const auto unknown = status_of_login("nobody@acme.example", "tenant-admin-pw-1");
  const auto inactive = status_of_login("v@acme.example", "viewer-password-1");
  const auto malformed = status_of_login("not an address", "tenant-admin-pw-1");
  CHECK(wrong.status == 401);
  CHECK(unknown.body == wrong.body);
  CHECK(inactive.body == wrong.body);
  CHECK(malformed.body == wrong.body);
  const auto failures = f.db->query("SELECT count(*) FROM auth_audit WHERE event = 'login_failed'")
                            .front()
                            .integer(0);
  CHECK(failures == 4);
}

TEST_CASE("an access token authenticates its user with the current role and tenant",
          "[auth][service]") {
  fixture f;
  const auto root = admin_token(f);
  const auto t = make_tenant(f, root, "Acme", "boss@acme.example");
  request r = f.make(http_method::get, "/api/v1/users", "", t.admin_token);
  const auto p = f.auth.authenticate(r, *f.db);
  REQUIRE(p);
  CHECK(p->tenant_id.to_string() == t.tenant_id);
  CHECK(p->who == role::admin);
  CHECK(p->display == "boss@acme.example");
  CHECK_FALSE(f.auth.authenticate(f.make(http_method::get, "/x"), *f.db));

  SECTION("a garbled or non-bearer header is a 401, not anonymous") {
    request bad = f.make(http_method::get, "/x");
    bad.headers.emplace_back("authorization", "Basic Zm9vOmJhcg==");
    CHECK_THROWS_AS(f.auth.authenticate(bad, *f.db), problem_error);
    bad.headers.back().second = "Bearer " + t.admin_token + "x";
    CHECK_THROWS_AS(f.auth.authenticate(bad, *f.db), problem_error);
  }
  SECTION("the token stops working once it expires") {
    f.clock += 24 * 3600 + 31;
    CHECK_THROWS_AS(f.auth.authenticate(r, *f.db), problem_error);
  }
}

TEST_CASE("a role change or deactivation applies to tokens already issued", "[auth][service]") {
  fixture f;
  const auto root = admin_token(f);
  const auto t = make_tenant(f, root, "Acme", "boss@acme.example");
  const auto created = body_of(
      f.call(http_method::post, "/api/v1/users",
             json{{"email", "op@acme.example"}, {"role", "operator"}}.dump(), t.admin_token));
  REQUIRE(created.contains("initial_password"));
  const auto id = created["user"]["id"].get<std::string>();
  const auto op = f.login("op@acme.example", created["initial_password"]).access_token;
  const request r = f.make(http_method::get, "/", "", op);
  CHECK(f.auth.authenticate(r, *f.db)->who == role::operator_);
  REQUIRE(f.call(http_method::patch, "/api/v1/users/" + id, R"({"role": "viewer"})", t.admin_token)
              .status == 200);
  CHECK(f.auth.authenticate(r, *f.db)->who == role::viewer);
  REQUIRE(f.call(http_method::patch, "/api/v1/users/" + id, R"({"active": false})", t.admin_token)
              .status == 200);
  CHECK_THROWS_AS(f.auth.authenticate(r, *f.db), problem_error);
  const auto events = f.db->query(
      "SELECT event FROM auth_audit WHERE event IN ('role_changed', 'user_deactivated')");
  CHECK(events.size() == 2);
}

TEST_CASE("only the server administrator creates tenants, a tenant admin creates users",
          "[auth][routes]") {
  fixture f;
  const auto root = admin_token(f);
  const auto t = make_tenant(f, root, "Acme", "boss@acme.example");
  CHECK(f.store->get_tenant(uuid::parse(t.tenant_id))->name == "Acme");
  const std::string tenant_body = R"({"name": "Evil", "admin_email": "e@evil.example"})";
  CHECK(f.call(http_method::post, "/api/v1/tenants", tenant_body).status == 401);
  CHECK(f.call(http_method::post, "/api/v1/tenants", tenant_body, t.admin_token).status == 403);
  const std::string user_body = R"({"email": "x@acme.example", "role": "viewer"})";
  CHECK(f.call(http_method::post, "/api/v1/users", user_body, root).status == 403);
  CHECK(f.call(http_method::post, "/api/v1/users", user_body, t.admin_token).status == 201);
  CHECK(f.call(http_method::post, "/api/v1/users", user_body, t.admin_token).status == 409);
  CHECK(body_of(f.call(http_method::get, "/api/v1/tenants", "", root))["tenants"].size() == 1);
}

TEST_CASE("bad user and tenant bodies answer 400 naming the field", "[auth][routes]") {
  fixture f;
  const auto root = admin_token(f);
  const auto t = make_tenant(f, root, "Acme", "boss@acme.example");
  const auto post = [&](const std::string& body) {
    return f.call(http_method::post, "/api/v1/users", body, t.admin_token).status;
  };
  CHECK(post("not json") == 400);
  CHECK(post("[]") == 400);
  CHECK(post(R"({"email": "a@b.c"})") == 400);
  CHECK(post(R"({"email": "a@b.c", "role": "root"})") == 400);
  CHECK(post(R"({"email": "a@b.c", "role": "server_admin"})") == 400);
  CHECK(post(R"({"email": 5, "role": "viewer"})") == 400);
  CHECK(post(R"({"email": "a b@c.d", "role": "viewer"})") == 400);
  CHECK(post(R"({"email": "a@b.c", "role": "viewer", "password": "short"})") == 400);
  CHECK(
      f.call(http_method::post, "/api/v1/tenants", R"({"name": "", "admin_email": "a@b.c"})", root)
          .status == 400);
  CHECK(f.call(http_method::post, "/api/v1/tenants",
               R"({"name": "Other", "admin_email": "boss@acme.example"})", root)
            .status == 409);
  CHECK(f.store->list_tenants().size() == 1);  // the refused tenant was not created
}

TEST_CASE("another tenant's user answers 404 exactly like a missing one", "[auth][routes]") {
  fixture f;
  const auto root = admin_token(f);
  const auto a = make_tenant(f, root, "Acme", "boss@acme.example");
  const auto b = make_tenant(f, root, "Beta", "boss@beta.example");
  const auto b_users = body_of(f.call(http_method::get, "/api/v1/users", "", b.admin_token));
  REQUIRE(b_users["users"].size() == 1);
  const std::string b_admin = b_users["users"][0]["id"];
  const auto other = f.call(http_method::get, "/api/v1/users/" + b_admin, "", a.admin_token);
  const auto missing =
      f.call(http_method::get, "/api/v1/users/" + uuid::v7().to_string(), "", a.admin_token);
  const auto garbage = f.call(http_method::get, "/api/v1/users/..%2F..%2Fetc", "", a.admin_token);
  CHECK(other.status == 404);
  CHECK(other.body == missing.body);
  CHECK(garbage.body == missing.body);
  CHECK(
      f.call(http_method::patch, "/api/v1/users/" + b_admin, R"({"role": "viewer"})", a.admin_token)
          .status == 404);
  CHECK(f.call(http_method::get, "/api/v1/users/" + b_admin, "", b.admin_token).status == 200);
  const auto a_users = body_of(f.call(http_method::get, "/api/v1/users", "", a.admin_token));
  REQUIRE(a_users["users"].size() == 1);
  CHECK(a_users["users"][0]["email"] == "boss@acme.example");
}

TEST_CASE("the last active admin of a tenant cannot be demoted or deactivated", "[auth][routes]") {
  fixture f;
  const auto root = admin_token(f);
  const auto t = make_tenant(f, root, "Acme", "boss@acme.example");
  const std::string id =
      body_of(f.call(http_method::get, "/api/v1/users", "", t.admin_token))["users"][0]["id"];
  CHECK(f.call(http_method::patch, "/api/v1/users/" + id, R"({"role": "viewer"})", t.admin_token)
            .status == 409);
  CHECK(f.call(http_method::patch, "/api/v1/users/" + id, R"({"active": false})", t.admin_token)
            .status == 409);
  CHECK(f.auth.authenticate(f.make(http_method::get, "/", "", t.admin_token), *f.db)->who ==
        role::admin);
}

TEST_CASE("user lists page by cursor", "[auth][routes]") {
  fixture f;
  const auto root = admin_token(f);
  const auto t = make_tenant(f, root, "Acme", "boss@acme.example");
  for (int i = 0; i < 4; ++i) {
    REQUIRE(
        f.call(
             http_method::post, "/api/v1/users",
             json{{"email", "u" + std::to_string(i) + "@acme.example"}, {"role", "viewer"}}.dump(),
             t.admin_token)
            .status == 201);
  }
  std::set<std::string> seen;
  std::multimap<std::string, std::string> query{{"limit", "2"}};
  for (int page = 0; page < 5; ++page) {
    const auto body = body_of(f.call(http_method::get, "/api/v1/users", "", t.admin_token, query));
    for (const auto& u : body["users"])
      seen.insert(u["email"].get<std::string>());
    if (body["next_cursor"].is_null()) break;
    query = {{"limit", "2"}, {"cursor", body["next_cursor"]}};
  }
  CHECK(seen.size() == 5);
  CHECK(f.call(http_method::get, "/api/v1/users", "", t.admin_token, {{"limit", "0"}}).status ==
        400);
  CHECK(f.call(http_method::get, "/api/v1/users", "", t.admin_token, {{"cursor", "' OR 1=1 --"}})
            .status == 400);
}

TEST_CASE("the signing key kept in the database is shared by every service on that database",
          "[auth][service]") {
  fixture f;
  const auto root = admin_token(f);
  service replica(fast_settings(), *f.db, [&] { return f.clock; });
  CHECK(replica.tokens().signing_kid() == f.auth.tokens().signing_kid());
  CHECK(replica.authenticate(f.make(http_method::get, "/", "", root), *f.db)->who ==
        role::server_admin);
}

TEST_CASE("failed logins are limited per account, known or not, until the window passes",
          "[auth][limits]") {
  fixture f;
  const auto root = admin_token(f);
  const auto t = make_tenant(f, root, "Acme", "boss@acme.example");
  const auto attempt = [&](const std::string& email, const std::string& password) {
    return f
        .call(http_method::post, "/api/v1/auth/login",
              json{{"email", email}, {"password", password}}.dump())
        .status;
  };
  for (int i = 0; i < 5; ++i) {
    CHECK(attempt("boss@acme.example", "wrong-password-x") == 401);
    CHECK(attempt("ghost@acme.example", "wrong-password-x") == 401);
    f.clock += 10;
  }
  // Locked: even the right password is not tried, and an unknown account looks the same.
  CHECK(attempt("boss@acme.example", "tenant-admin-pw-1") == 429);
  CHECK(attempt("ghost@acme.example", "tenant-admin-pw-1") == 429);
  CHECK(attempt("BOSS@acme.example", "tenant-admin-pw-1") == 429);
  // Another account from the same address is not locked by these.
  CHECK(attempt("root@example.com", "root-password-123") == 200);
  f.clock += 15 * 60;
  CHECK(attempt("boss@acme.example", "tenant-admin-pw-1") == 200);
  // Success cleared the account's failures: five more are allowed before the lock.
  for (int i = 0; i < 4; ++i)
    CHECK(attempt("boss@acme.example", "wrong-password-x") == 401);
  CHECK(attempt("boss@acme.example", "tenant-admin-pw-1") == 200);
  CHECK(f.db->query("SELECT count(*) FROM auth_audit WHERE event = 'login_throttled'")
            .front()
            .integer(0) == 3);
}

TEST_CASE("failed logins are limited per client address across accounts", "[auth][limits]") {
  auto s = fast_settings();
  s.max_failures_per_address = 3;
  fixture f(s);
  (void)f.auth.bootstrap(*f.db, "http://127.0.0.1:8080");
  for (int i = 0; i < 3; ++i) {
    CHECK_THROWS_AS(f.login("guess" + std::to_string(i) + "@x.example", "wrong-password-x"),
                    problem_error);
  }
  try {
    (void)f.login("root@example.com", "root-password-123");
    FAIL("the address should be limited");
  } catch (const problem_error& e) {
    CHECK(e.get().status == 429);
    CHECK(e.get().extra["retry_after"].get<int>() == 15 * 60);
  }
  // From another address the same account logs in.
  CHECK(f.auth.login(*f.db, "root@example.com", "root-password-123", "198.51.100.7").account.role ==
        role::server_admin);
}

TEST_CASE("a refresh token rotates: the old one dies and the new pair works", "[auth][refresh]") {
  fixture f;
  (void)f.auth.bootstrap(*f.db, "http://127.0.0.1:8080");
  const auto first = f.login("root@example.com", "root-password-123");
  f.clock += 60;
  const auto second = body_of(f.call(http_method::post, "/api/v1/auth/refresh",
                                     json{{"refresh_token", first.refresh_token}}.dump()));
  REQUIRE(second.contains("access_token"));
  CHECK(second["refresh_token"] != first.refresh_token);
  CHECK(f.auth.authenticate(f.make(http_method::get, "/", "", second["access_token"]), *f.db));
  f.clock += 60;
  const auto third = f.auth.refresh(*f.db, second["refresh_token"].get<std::string>(), "a");
  CHECK(f.auth.authenticate(f.make(http_method::get, "/", "", third.access_token), *f.db));
  // Only hashes are stored.
  CHECK(
      f.db->query("SELECT 1 FROM auth_refresh_tokens WHERE token_hash = $1", {third.refresh_token})
          .empty());
}

TEST_CASE("replaying a rotated refresh token revokes the whole family and is audited",
          "[auth][refresh]") {
  fixture f;
  (void)f.auth.bootstrap(*f.db, "http://127.0.0.1:8080");
  const auto stolen = f.login("root@example.com", "root-password-123");
  const auto legit = f.auth.refresh(*f.db, stolen.refresh_token, "198.51.100.1");
  const auto replay = f.call(http_method::post, "/api/v1/auth/refresh",
                             json{{"refresh_token", stolen.refresh_token}}.dump());
  CHECK(replay.status == 401);
  // The legitimate holder's newer tokens died with the family, access token included.
  CHECK_THROWS_AS(f.auth.refresh(*f.db, legit.refresh_token, "198.51.100.1"), problem_error);
  CHECK_THROWS_AS(f.auth.authenticate(f.make(http_method::get, "/", "", legit.access_token), *f.db),
                  problem_error);
  CHECK(f.db->query("SELECT count(*) FROM auth_audit WHERE event = 'refresh_reuse'")
            .front()
            .integer(0) == 1);
  // Another session of the same user is untouched.
  const auto other = f.login("root@example.com", "root-password-123");
  CHECK(f.auth.authenticate(f.make(http_method::get, "/", "", other.access_token), *f.db));
}

TEST_CASE("refresh refuses unknown, expired and deactivated-user tokens", "[auth][refresh]") {
  fixture f;
  const auto root = admin_token(f);
  const auto t = make_tenant(f, root, "Acme", "boss@acme.example");
  const auto op = body_of(f.call(
      http_method::post, "/api/v1/users",
      json{{"email", "op@acme.example"}, {"role", "operator"}, {"password", "operator-pw-123"}}
          .dump(),
      t.admin_token));
  const auto refresh = [&](const std::string& token) {
    return f.call(http_method::post, "/api/v1/auth/refresh", json{{"refresh_token", token}}.dump())
        .status;
  };
  CHECK(refresh("ert_unknown") == 401);
  CHECK(refresh("eyJhbGciOiJIUzI1NiJ9.e30.x") == 401);
  CHECK(f.call(http_method::post, "/api/v1/auth/refresh", R"({"refresh_token": 5})").status == 400);
  const auto op_tokens = f.login("op@acme.example", "operator-pw-123");
  REQUIRE(f.call(http_method::patch, "/api/v1/users/" + op["user"]["id"].get<std::string>(),
                 R"({"active": false})", t.admin_token)
              .status == 200);
  CHECK(refresh(op_tokens.refresh_token) == 401);
  const auto boss = f.login("boss@acme.example", "tenant-admin-pw-1");
  f.clock += 30 * 24 * 3600;
  CHECK(refresh(boss.refresh_token) == 401);
}

TEST_CASE("logout ends the session's refresh and access tokens", "[auth][refresh]") {
  fixture f;
  (void)f.auth.bootstrap(*f.db, "http://127.0.0.1:8080");
  const auto s = f.login("root@example.com", "root-password-123");
  const auto other = f.login("root@example.com", "root-password-123");
  const auto out = f.call(http_method::post, "/api/v1/auth/logout",
                          json{{"refresh_token", s.refresh_token}}.dump());
  CHECK(out.status == 204);
  CHECK_THROWS_AS(f.auth.authenticate(f.make(http_method::get, "/", "", s.access_token), *f.db),
                  problem_error);
  CHECK_THROWS_AS(f.auth.refresh(*f.db, s.refresh_token, "a"), problem_error);
  CHECK(f.auth.authenticate(f.make(http_method::get, "/", "", other.access_token), *f.db));
  CHECK(f.call(http_method::post, "/api/v1/auth/logout", R"({"refresh_token": "ert_nothing"})")
            .status == 204);
}

TEST_CASE("a tenant admin reads its own tenant's audit events, newest first, by page",
          "[auth][audit]") {
  fixture f;
  const auto root = admin_token(f);
  const auto a = make_tenant(f, root, "Acme", "boss@acme.example");
  const auto b = make_tenant(f, root, "Beta", "boss@beta.example");
  CHECK_THROWS_AS(f.login("boss@acme.example", "wrong-password-x"), problem_error);
  const auto page = body_of(f.call(http_method::get, "/api/v1/audit", "", a.admin_token));
  std::vector<std::string> events;
  for (const auto& e : page["events"]) {
    events.push_back(e["event"]);
    CHECK(e["actor"].get<std::string>().find("beta") == std::string::npos);
  }
  // tenant_created, user_created, login of Acme's admin, then the failed login (newest first).
  REQUIRE(events.size() == 4);
  CHECK(events.front() == "login_failed");
  CHECK(page["events"][0]["detail"]["reason"] == "wrong password");
  CHECK(std::count(events.begin(), events.end(), "tenant_created") == 1);
  const auto first =
      body_of(f.call(http_method::get, "/api/v1/audit", "", a.admin_token, {{"limit", "3"}}));
  REQUIRE(first["events"].size() == 3);
  const auto second = body_of(f.call(http_method::get, "/api/v1/audit", "", a.admin_token,
                                     {{"limit", "3"}, {"cursor", first["next_cursor"]}}));
  CHECK(second["events"].size() == 1);
  CHECK(f.call(http_method::get, "/api/v1/audit", "", root).status == 403);
  CHECK(body_of(f.call(http_method::get, "/api/v1/audit", "", b.admin_token))["events"].size() ==
        3);
}

TEST_CASE("with ENERGY_AUDIT_LOG the events are also appended as JSON lines", "[auth][audit]") {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("energy-audit-" + uuid::v7().to_string() + ".jsonl"))
                               .string();
  {
    auto s = fast_settings();
    s.audit_log_path = path;
    fixture f(s);
    (void)f.auth.bootstrap(*f.db, "http://127.0.0.1:8080");
    CHECK_THROWS_AS(f.login("root@example.com", "wrong-password-x"), problem_error);
  }
  std::ifstream in(path);
  std::vector<json> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(json::parse(line));
  std::remove(path.c_str());
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["event"] == "server_admin_created");
  CHECK(lines[1]["event"] == "login_failed");
  CHECK(lines[1]["address"] == "192.0.2.1");
  CHECK(lines[1]["ts"].get<std::string>().back() == 'Z');
}
