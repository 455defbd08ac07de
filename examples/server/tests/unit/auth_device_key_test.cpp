// SPDX-License-Identifier: Apache-2.0
// Device keys: shown once, stored hashed, tenant- and building-scoped, ingest-only, revocable,
// with last-used time.
#include <catch2/catch.hpp>

#include "auth/crypto.hpp"
#include "auth_fixture.hpp"

using namespace energy;
using namespace energy::server;
using namespace energy::server::auth;
using namespace energy::server::auth::testing;
using nlohmann::json;

namespace {

struct two_tenants {
  fixture f;
  std::string root, acme, beta;
  uuid acme_id, beta_id, acme_building, beta_building;

  two_tenants() {
    (void)f.auth.bootstrap(*f.db, "http://127.0.0.1:8080");
    root = f.login("root@example.com", "root-password-123").access_token;
    acme = tenant("Acme", "boss@acme.example", acme_id);
    beta = tenant("Beta", "boss@beta.example", beta_id);
    acme_building = building(acme_id);
    beta_building = building(beta_id);
  }

  std::string tenant(const std::string& name, const std::string& email, uuid& id) {
    const auto res =
        f.call(http_method::post, "/api/v1/tenants",
               json{{"name", name}, {"admin_email", email}, {"admin_password", "tenant-admin-pw-1"}}
                   .dump(),
               root);
    REQUIRE(res.status == 201);
    id = uuid::parse(body_of(res)["tenant"]["id"].get<std::string>());
    return f.login(email, "tenant-admin-pw-1").access_token;
  }

  uuid building(const uuid& tenant_id) {
    energy::building b;
    b.id = uuid::v7();
    b.tenant_id = tenant_id;
    b.name = "HQ";
    b.time_zone = "America/New_York";
    f.store->put_building(b);
    return b.id;
  }

  response create(const std::string& token, const json& body) {
    return f.call(http_method::post, "/api/v1/device-keys", body.dump(), token);
  }
};

}  // namespace

TEST_CASE("a device key is shown once, stored hashed, and authenticates as a device of its tenant",
          "[auth][device]") {
  two_tenants t;
  const auto res = t.create(t.acme, {{"name", "meter-1"}});
  REQUIRE(res.status == 201);
  const auto body = body_of(res);
  const std::string key = body["key"];
  CHECK(key.rfind("edk_", 0) == 0);
  CHECK(key.size() == 47);
  CHECK(body["device_key"]["key_prefix"] == key.substr(0, 12));
  CHECK(body["device_key"]["last_used_at"].is_null());
  // Neither the list nor the table holds the key itself.
  const auto listed = t.f.call(http_method::get, "/api/v1/device-keys", "", t.acme);
  CHECK(listed.body.find(key) == std::string::npos);
  CHECK(t.f.db->query("SELECT 1 FROM auth_device_keys WHERE key_hash = $1", {sha256_hex(key)})
            .size() == 1);
  CHECK(t.f.db->query("SELECT 1 FROM auth_device_keys WHERE key_hash = $1", {key}).empty());

  const auto p = t.f.auth.authenticate(t.f.make(http_method::post, "/", "", key), *t.f.db);
  REQUIRE(p);
  CHECK(p->who == role::device);
  CHECK(p->tenant_id == t.acme_id);
  CHECK(p->buildings.empty());
  CHECK(allows(access::device, *p));
  CHECK_FALSE(allows(access::viewer, *p));
  CHECK_FALSE(allows(access::admin, *p));
  const auto after = body_of(t.f.call(http_method::get, "/api/v1/device-keys", "", t.acme));
  CHECK(after["device_keys"][0]["last_used_at"] == format_utc(from_epoch(t.f.clock)));
  CHECK(t.f.db->query("SELECT count(*) FROM auth_audit WHERE event = 'device_key_created'")
            .front()
            .integer(0) == 1);
}

TEST_CASE("a device key limited to buildings carries them, foreign buildings are refused alike",
          "[auth][device]") {
  two_tenants t;
  const auto ok = t.create(t.acme, {{"name", "gw"}, {"buildings", {t.acme_building.to_string()}}});
  REQUIRE(ok.status == 201);
  const auto p =
      t.f.auth.authenticate(t.f.make(http_method::post, "/", "", body_of(ok)["key"]), *t.f.db);
  REQUIRE(p);
  CHECK(p->buildings == std::vector<uuid>{t.acme_building});
  const auto foreign =
      t.create(t.acme, {{"name", "gw"}, {"buildings", {t.beta_building.to_string()}}});
  const auto missing = t.create(t.acme, {{"name", "gw"}, {"buildings", {uuid::v7().to_string()}}});
  CHECK(foreign.status == 400);
  CHECK(foreign.body == missing.body);
  CHECK(t.create(t.acme, {{"name", "gw"}, {"buildings", "all"}}).status == 400);
  CHECK(t.create(t.acme, {{"name", ""}}).status == 400);
  CHECK(t.f.db->query("SELECT count(*) FROM auth_device_keys").front().integer(0) == 1);
}

TEST_CASE("a revoked device key stops at once, another tenant cannot see or revoke it",
          "[auth][device]") {
  two_tenants t;
  const auto body = body_of(t.create(t.acme, {{"name", "meter-1"}}));
  const std::string key = body["key"];
  const std::string id = body["device_key"]["id"];
  const request r = t.f.make(http_method::post, "/", "", key);
  REQUIRE(t.f.auth.authenticate(r, *t.f.db));
  const auto foreign = t.f.call(http_method::del, "/api/v1/device-keys/" + id, "", t.beta);
  const auto missing =
      t.f.call(http_method::del, "/api/v1/device-keys/" + uuid::v7().to_string(), "", t.beta);
  CHECK(foreign.status == 404);
  CHECK(foreign.body == missing.body);
  CHECK(body_of(t.f.call(http_method::get, "/api/v1/device-keys", "", t.beta))["device_keys"]
            .empty());
  REQUIRE(t.f.auth.authenticate(r, *t.f.db));
  CHECK(t.f.call(http_method::del, "/api/v1/device-keys/" + id, "", t.acme).status == 204);
  CHECK_THROWS_AS(t.f.auth.authenticate(r, *t.f.db), problem_error);
  CHECK(t.f.call(http_method::del, "/api/v1/device-keys/" + id, "", t.acme).status == 204);
  CHECK(t.f.db->query("SELECT count(*) FROM auth_audit WHERE event = 'device_key_revoked'")
            .front()
            .integer(0) == 1);
}

TEST_CASE("device keys cannot manage keys or users, and viewers cannot create keys",
          "[auth][device]") {
  two_tenants t;
  const std::string key = body_of(t.create(t.acme, {{"name", "meter-1"}}))["key"];
  CHECK(t.create(key, {{"name", "more"}}).status == 403);
  CHECK(t.f.call(http_method::get, "/api/v1/users", "", key).status == 403);
  REQUIRE(t.f.call(http_method::post, "/api/v1/users",
                   json{{"email", "v@acme.example"},
                        {"role", "viewer"},
                        {"password", "viewer-password-1"}}
                       .dump(),
                   t.acme)
              .status == 201);
  const auto vt = t.f.login("v@acme.example", "viewer-password-1").access_token;
  CHECK(t.create(vt, {{"name", "x"}}).status == 403);
  CHECK(t.create(t.root, {{"name", "x"}}).status == 403);
  CHECK(t.create("edk_forged", {{"name", "x"}}).status == 401);
}
