// SPDX-License-Identifier: Apache-2.0
// The jobs module's routes through the real router, on a real SQLite database: tenant scoping,
// access levels, strict bodies, alert acknowledgement and the two views of job runs.
#include <catch2/catch.hpp>

#include <filesystem>

#include <energy/storage/open.hpp>

#include "auth/access.hpp"
#include "http/context.hpp"
#include "http/dispatch.hpp"
#include "http/router.hpp"
#include "jobs/alert_rules.hpp"
#include "jobs/routes.hpp"
#include "jobs/schema.hpp"
#include "jobs/service.hpp"
#include "support/one_building.hpp"

using namespace energy;
using namespace energy::server;
namespace fs = std::filesystem;

namespace {

struct test_context final : request_context {
  principal caller;
  storage::store* store_ = nullptr;
  db::connection* db_ = nullptr;
  services* app_ = nullptr;
  const principal& who() const override { return caller; }
  const principal* maybe_who() const noexcept override { return &caller; }
  storage::store& store() override { return *store_; }
  db::connection& db() override { return *db_; }
  services& app() override { return *app_; }
};

struct answer {
  int status = 0;
  nlohmann::json body;
  std::optional<std::string> field;
};

struct harness {
  fs::path path =
      fs::temp_directory_path() / ("energy-jobs-routes-" + uuid::v7().to_string() + ".db");
  std::string uri = "sqlite:" + path.string();
  std::unique_ptr<storage::store> store = storage::open_store_uri(uri);
  std::unique_ptr<db::connection> db = db::open(uri);
  jobs::service svc{jobs::settings{}, uri, nullptr, nullptr};
  router routes{jobs::routes(svc)};
  services app{};
  testing::one_building mine;
  testing::one_building theirs;

  harness() {
    jobs::migrate(*db);
    mine = testing::put_one_building(*store, 1);
    theirs = testing::put_one_building(*store, 1);
    app.jobs = &svc;
  }
  ~harness() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"})
      fs::remove(path.string() + suffix, ec);
  }

  principal as(role r, const uuid& tenant) const {
    return principal{.tenant_id = tenant,
                     .subject = uuid::v7(),
                     .who = r,
                     .display = std::string(to_string(r)) + "@example.test"};
  }
  principal as(role r) const { return as(r, mine.tenant_id); }

  /// Routes and answers like the dispatcher: 404 without a route, 403 for a role the route's
  /// access level refuses, problem documents as their status.
  answer call(http_method m, const std::string& target, const principal& who,
              const std::string& body = {}) {
    const auto q = target.find('?');
    const auto target_path = target.substr(0, q);
    auto matched = routes.match(m, target_path);
    if (!matched.found) return {404, {}, {}};
    if (!auth::allows(matched.found->who, who)) return {403, {}, {}};
    request req;
    req.method = m;
    req.path = target_path;
    req.path_params = matched.path_params;
    if (q != std::string::npos) req.query = *parse_query(target.substr(q + 1));
    req.body = body;
    test_context ctx;
    ctx.caller = who;
    ctx.store_ = store.get();
    ctx.db_ = db.get();
    ctx.app_ = &app;
    try {
      const auto res = matched.found->handle(req, ctx);
      return {
          res.status, res.body.empty() ? nlohmann::json() : nlohmann::json::parse(res.body), {}};
    } catch (const problem_error& e) {
      return {e.get().status, {{"detail", e.get().detail}}, e.get().field};
    }
  }

  std::string config_url(const testing::one_building& b) const {
    return "/api/v1/buildings/" + b.building_id.to_string() + "/alert-configs";
  }
};

const std::string cap_body =
    R"({"name": "Hourly cap", "threshold_kwh": "6", "notification_emails": ["ops@example.test"],
        "webhook_url": "http://127.0.0.1:9/hook", "webhook_secret": "0123456789abcdef"})";

}  // namespace

TEST_CASE("alert config routes: an admin creates, everyone of the tenant reads, no one else") {
  harness h;
  auto created = h.call(http_method::post, h.config_url(h.mine), h.as(role::admin), cap_body);
  REQUIRE(created.status == 201);
  CHECK(created.body["threshold_kwh"] == "6.000");
  CHECK(created.body["window"] == "hour");
  CHECK(created.body["webhook_secret_set"] == true);
  CHECK_FALSE(created.body.contains("webhook_secret"));  // never shown again
  const std::string id = created.body["id"];

  auto listed = h.call(http_method::get, h.config_url(h.mine), h.as(role::viewer));
  REQUIRE(listed.status == 200);
  CHECK(listed.body["alert_configs"].size() == 1);
  CHECK(h.call(http_method::get, "/api/v1/alert-configs/" + id, h.as(role::viewer)).status == 200);

  // Another tenant: the same 404 as for a missing object, for reads, writes and the building.
  const auto stranger = h.as(role::admin, h.theirs.tenant_id);
  CHECK(h.call(http_method::get, "/api/v1/alert-configs/" + id, stranger).status == 404);
  CHECK(h.call(http_method::put, "/api/v1/alert-configs/" + id, stranger, cap_body).status == 404);
  CHECK(h.call(http_method::del, "/api/v1/alert-configs/" + id, stranger).status == 404);
  CHECK(h.call(http_method::get, h.config_url(h.mine), stranger).status == 404);
  CHECK(h.call(http_method::post, h.config_url(h.mine), stranger, cap_body).status == 404);
  CHECK(h.call(http_method::get, "/api/v1/alert-configs/not-a-uuid", h.as(role::viewer)).status ==
        404);

  // Viewers and operators do not configure alerts.
  CHECK(h.call(http_method::post, h.config_url(h.mine), h.as(role::viewer), cap_body).status ==
        403);
  CHECK(h.call(http_method::post, h.config_url(h.mine), h.as(role::operator_), cap_body).status ==
        403);

  // Replace keeps the secret when only the URL is repeated; delete answers 204, then 404.
  auto replaced = h.call(http_method::put, "/api/v1/alert-configs/" + id, h.as(role::admin),
                         R"({"name": "Daily cap", "threshold_kwh": 40.5, "window": "day",
                             "webhook_url": "http://127.0.0.1:9/other"})");
  REQUIRE(replaced.status == 200);
  CHECK(replaced.body["threshold_kwh"] == "40.500");
  CHECK(replaced.body["webhook_secret_set"] == true);
  CHECK(replaced.body["notification_emails"].empty());
  CHECK(h.call(http_method::del, "/api/v1/alert-configs/" + id, h.as(role::admin)).status == 204);
  CHECK(h.call(http_method::get, "/api/v1/alert-configs/" + id, h.as(role::admin)).status == 404);
}

TEST_CASE("alert config routes: bad bodies are refused naming the field") {
  harness h;
  const auto admin = h.as(role::admin);
  const auto post = [&](const std::string& body) {
    return h.call(http_method::post, h.config_url(h.mine), admin, body);
  };
  CHECK(post("not json").status == 400);
  auto r = post(R"({"name": "x", "threshold_kwh": "1", "treshold": 2})");
  CHECK(r.status == 422);
  CHECK(r.field == "/treshold");
  r = post(R"({"name": "x", "threshold_kwh": 1.2345})");
  CHECK(r.status == 422);
  CHECK(r.field == "/threshold_kwh");
  r = post(R"({"name": "x", "threshold_kwh": "-1"})");
  CHECK(r.field == "/threshold_kwh");
  r = post(R"({"name": "x"})");
  CHECK(r.status == 422);
  CHECK_THAT(r.body["detail"].get<std::string>(), Catch::Contains("at least one condition"));
  r = post(R"({"name": "x", "peak_kw": 100, "webhook_url": "http://127.0.0.1:9/h"})");
  CHECK(r.field == "/webhook_secret");
  r = post(
      R"({"name": "x", "peak_kw": 100, "notification_emails": ["a@b.test\r\nBcc: c@d.test"]})");
  CHECK(r.field == "/notification_emails/0");
  r = post(R"({"name": "x", "data_gap_minutes": 5})");
  CHECK(r.field == "/data_gap_minutes");
  r = post(R"({"name": "x", "threshold_kwh": "1", "window": "week"})");
  CHECK(r.field == "/window");
  // The seed's single notification_email is accepted.
  r = post(
      R"({"name": "seed", "threshold_kwh": "10.5", "notification_email": "ops@example.test"})");
  REQUIRE(r.status == 201);
  CHECK(r.body["notification_emails"] == nlohmann::json::array({"ops@example.test"}));
}

TEST_CASE("alert routes: list by state, read with notifications, acknowledge once (operator+)") {
  harness h;
  REQUIRE(h.call(http_method::post, h.config_url(h.mine), h.as(role::admin), cap_body).status ==
          201);
  reading_rows rows;
  const epoch_seconds hour = 1'700'006'400 + 10 * 3600;
  for (int i = 0; i < 4; ++i)
    rows.push_back(h.mine.sensors[0], hour + 900 * i, 2000);
  h.store->write_readings(rows);
  const auto run = h.svc.run_now("alerts", from_epoch(hour + 3900), *h.store, *h.db);
  REQUIRE(run.counts["opened"] == 1);

  auto open = h.call(http_method::get, "/api/v1/alerts?state=open", h.as(role::viewer));
  REQUIRE(open.status == 200);
  REQUIRE(open.body["alerts"].size() == 1);
  const std::string id = open.body["alerts"][0]["id"];
  CHECK(open.body["alerts"][0]["condition"] == "threshold");
  CHECK(h.call(http_method::get, "/api/v1/alerts?state=closed", h.as(role::viewer)).status == 400);
  CHECK(h.call(http_method::get, "/api/v1/alerts", h.as(role::viewer, h.theirs.tenant_id))
            .body["alerts"]
            .empty());

  auto one = h.call(http_method::get, "/api/v1/alerts/" + id, h.as(role::viewer));
  REQUIRE(one.status == 200);
  CHECK(one.body["notifications"].size() == 2);  // one e-mail, one webhook, pending
  CHECK(one.body["notifications"][0]["state"] == "pending");

  const std::string ack = "/api/v1/alerts/" + id + "/acknowledge";
  CHECK(h.call(http_method::post, ack, h.as(role::viewer), "{}").status == 403);
  CHECK(h.call(http_method::post, ack, h.as(role::operator_, h.theirs.tenant_id), "{}").status ==
        404);
  CHECK(h.call(http_method::post, ack, h.as(role::operator_), R"({"note": "x"})").status == 422);
  auto done = h.call(http_method::post, ack, h.as(role::operator_), R"({"comment": "chiller 2"})");
  REQUIRE(done.status == 200);
  CHECK(done.body["state"] == "acknowledged");
  CHECK(done.body["acknowledged_by"] == "operator@example.test");
  CHECK(done.body["ack_comment"] == "chiller 2");
  CHECK(h.call(http_method::post, ack, h.as(role::admin), "{}").status == 409);
}

TEST_CASE("job routes: tenant admins see their own view, the server admin everything") {
  harness h;
  REQUIRE(h.call(http_method::post, h.config_url(h.mine), h.as(role::admin), cap_body).status ==
          201);
  REQUIRE(h.call(http_method::post, h.config_url(h.theirs), h.as(role::admin, h.theirs.tenant_id),
                 cap_body)
              .status == 201);
  const principal root{.who = role::server_admin, .display = "root"};
  auto ran = h.call(http_method::post, "/api/v1/jobs/alerts/run", root);
  REQUIRE(ran.status == 200);
  CHECK(ran.body["state"] == "succeeded");
  CHECK(ran.body["trigger"] == "manual");
  CHECK(ran.body["counts"]["configs"] == 2);
  CHECK(h.call(http_method::post, "/api/v1/jobs/vacuum/run", root).status == 404);
  CHECK(h.call(http_method::post, "/api/v1/jobs/alerts/run", h.as(role::admin)).status == 403);

  auto mine = h.call(http_method::get, "/api/v1/jobs/runs", h.as(role::admin));
  REQUIRE(mine.status == 200);
  REQUIRE(mine.body["runs"].size() == 1);
  const auto& run = mine.body["runs"][0];
  CHECK(run["job"] == "alerts");
  CHECK(run["counts"]["configs"] == 1);  // its own tenant's share only
  CHECK_FALSE(run.contains("owner"));
  CHECK_FALSE(run.contains("error"));
  CHECK(h.call(http_method::get, "/api/v1/jobs/runs", h.as(role::operator_)).status == 403);
  CHECK(h.call(http_method::get, "/api/v1/jobs/runs?job=vacuum", h.as(role::admin)).status == 400);

  auto all = h.call(http_method::get, "/api/v1/admin/jobs/runs?job=alerts", root);
  REQUIRE(all.status == 200);
  CHECK(all.body["runs"][0]["owner"] == h.svc.owner());
  CHECK(all.body["runs"][0]["counts"]["tenants"].size() == 2);
}

TEST_CASE("job routes: every route carries an OpenAPI operation with an id and responses") {
  harness h;
  for (const auto& r : h.routes.routes()) {
    INFO(r.pattern);
    CHECK(r.operation.contains("operationId"));
    CHECK(r.operation.contains("responses"));
    CHECK(r.operation.contains("summary"));
  }
  CHECK(h.routes.routes().size() == 11);
}
