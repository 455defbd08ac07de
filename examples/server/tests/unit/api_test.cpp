// SPDX-License-Identifier: Apache-2.0
// The data API through the dispatcher (routing, access levels, handlers, problems) on a real
// SQLite file, with principals made by hand: the authentication module is tested on its own.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>

#include <energy/aggregate/refresh.hpp>
#include <energy/storage/store.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "app/config.hpp"
#include "app/modules.hpp"
#include "auth/authenticator.hpp"
#include "http/dispatch.hpp"
#include "http/metrics.hpp"

using namespace energy;
using namespace energy::server;
using nlohmann::json;

namespace {

/// Bearer tokens are names of principals in a map: enough to drive the access rules.
class map_authenticator final : public authenticator {
 public:
  std::map<std::string, principal> by_token;
  std::optional<principal> authenticate(const request& r, db::connection&) override {
    const auto h = r.header("authorization");
    if (!h) return std::nullopt;
    const auto it = by_token.find(std::string(h->substr(7)));
    if (it == by_token.end())
      throw problem_error(problem{.status = 401, .type = "/problems/unauthorized", .title = "x"});
    return it->second;
  }
};

struct fixture {
  std::filesystem::path dir;
  std::string uri;
  config cfg;
  metrics stats;
  map_authenticator auth;
  services app;
  std::unique_ptr<router> routes;
  std::unique_ptr<dispatcher> dispatch;
  std::unique_ptr<worker_slot> slot;
  uuid tenant_a = uuid::v7(), tenant_b = uuid::v7();

  fixture() {
    dir = std::filesystem::temp_directory_path() / ("energy-api-test-" + uuid::v7().to_string());
    std::filesystem::create_directories(dir);
    uri = "sqlite:" + (dir / "energy.db").string();
    cfg = config::from_environment([this](std::string_view n) -> std::optional<std::string> {
      if (n == "ENERGY_DB") return uri;
      if (n == "ENERGY_MAX_BATCH_READINGS") return std::string("100");
      return std::nullopt;
    });
    slot = std::make_unique<worker_slot>(uri);
    migrate_all(slot->db());
    app = services{.config = &cfg, .metrics = &stats, .authenticator = &auth};
    auto a = assemble(cfg, app);
    routes = std::make_unique<router>(std::move(a.routes));
    dispatch = std::make_unique<dispatcher>(*routes, app);
    auth.by_token["a-admin"] = principal{.tenant_id = tenant_a, .who = role::admin};
    auth.by_token["a-viewer"] = principal{.tenant_id = tenant_a, .who = role::viewer};
    auth.by_token["a-device"] = principal{.tenant_id = tenant_a, .who = role::device};
    auth.by_token["b-admin"] = principal{.tenant_id = tenant_b, .who = role::admin};
  }
  ~fixture() {
    slot.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  response call(http_method m, std::string target, std::string token, json body = nullptr) {
    request r;
    r.method = m;
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = *parse_query(target.substr(q + 1));
    if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
    if (!body.is_null()) {
      r.body = body.is_string() ? body.get<std::string>() : body.dump();
      r.headers.emplace_back("content-type", "application/json");
    }
    r.request_id = "test";
    return dispatch->handle(r, *slot);
  }
  static json parse(const response& r) { return json::parse(r.body); }

  std::string create_building(const std::string& token, const std::string& zone = "UTC") {
    const auto r = call(http_method::post, "/api/v1/buildings", token,
                        {{"name", "HQ"}, {"time_zone", zone}, {"flat_rate_per_kwh", "0.15"}});
    REQUIRE(r.status == 201);
    return parse(r).at("id");
  }
  std::string create_sensor(const std::string& token, const std::string& building) {
    const auto r = call(http_method::post, "/api/v1/buildings/" + building + "/sensors", token,
                        {{"type", "electricity"},
                         {"kind", "interval_energy"},
                         {"unit", "kWh"},
                         {"interval_seconds", 3600},
                         {"created_at", "2024-01-01T00:00:00Z"}});
    REQUIRE(r.status == 201);
    return parse(r).at("id");
  }
};

}  // namespace

TEST_CASE_METHOD(fixture, "api: without credentials every data route answers 401 problem json") {
  const auto r = call(http_method::get, "/api/v1/buildings", "");
  CHECK(r.status == 401);
  CHECK(r.content_type == "application/problem+json");
  CHECK(parse(r).at("request_id") == "test");
}

TEST_CASE_METHOD(fixture, "api: roles are enforced before the handler runs") {
  CHECK(call(http_method::post, "/api/v1/buildings", "a-viewer", {{"name", "x"}}).status == 403);
  CHECK(call(http_method::get, "/api/v1/buildings", "a-device").status == 403);
  CHECK(call(http_method::get, "/api/v1/buildings", "a-viewer").status == 200);
}

TEST_CASE_METHOD(fixture, "api: a building is created, read, listed with sensor_count, updated") {
  const auto id = create_building("a-admin", "America/New_York");
  create_sensor("a-admin", id);
  const auto got = parse(call(http_method::get, "/api/v1/buildings/" + id, "a-viewer"));
  CHECK(got.at("time_zone") == "America/New_York");
  CHECK(got.at("flat_rate_per_kwh") == "0.150000");
  CHECK(got.at("sensor_count") == 1);
  const auto list = parse(
      call(http_method::get, "/api/v1/tenants/" + tenant_a.to_string() + "/buildings", "a-viewer"));
  REQUIRE(list.at("buildings").size() == 1);
  CHECK(list.at("buildings")[0].at("sensor_count") == 1);
  const auto patched = call(http_method::patch, "/api/v1/buildings/" + id, "a-admin",
                            {{"name", "Head office"}, {"square_footage", 5000}});
  CHECK(patched.status == 200);
  CHECK(parse(patched).at("square_footage") == 5000);
}

TEST_CASE_METHOD(fixture, "api: another tenant's building answers exactly like a missing one") {
  const auto id = create_building("a-admin");
  const auto other = parse(call(http_method::get, "/api/v1/buildings/" + id, "b-admin"));
  const auto missing =
      parse(call(http_method::get, "/api/v1/buildings/" + uuid::v7().to_string(), "b-admin"));
  CHECK(other.at("status") == 404);
  CHECK(other.at("type") == missing.at("type"));
  CHECK(other.at("detail") == missing.at("detail"));
  CHECK(call(http_method::patch, "/api/v1/buildings/" + id, "b-admin", {{"name", "x"}}).status ==
        404);
  CHECK(call(http_method::get, "/api/v1/tenants/" + tenant_a.to_string() + "/buildings", "b-admin")
            .status == 404);
}

TEST_CASE_METHOD(fixture, "api: bad bodies name the field at fault") {
  auto r = call(http_method::post, "/api/v1/buildings", "a-admin", {{"name", "x"}});
  CHECK(r.status == 422);
  CHECK(parse(r).at("field") == "/time_zone");
  r = call(http_method::post, "/api/v1/buildings", "a-admin",
           {{"name", "x"}, {"time_zone", "Mars/Olympus"}});
  CHECK(r.status == 422);
  r = call(http_method::post, "/api/v1/buildings", "a-admin",
           {{"name", "x"}, {"time_zone", "UTC"}, {"colour", "red"}});
  CHECK(parse(r).at("field") == "/colour");
  r = call(http_method::post, "/api/v1/buildings", "a-admin", json("{not json"));
  CHECK(r.status == 400);
}

TEST_CASE_METHOD(fixture, "api: lists page with cursors") {
  for (int i = 0; i < 5; ++i)
    create_building("a-admin");
  std::set<std::string> seen;
  std::string target = "/api/v1/buildings?limit=2";
  int pages = 0;
  while (true) {
    const auto page = parse(call(http_method::get, target, "a-viewer"));
    for (const auto& b : page.at("buildings"))
      seen.insert(b.at("id").get<std::string>());
    ++pages;
    if (page.at("next_cursor").is_null()) break;
    target = "/api/v1/buildings?limit=2&cursor=" + page.at("next_cursor").get<std::string>();
  }
  CHECK(seen.size() == 5);
  CHECK(pages == 3);
  CHECK(call(http_method::get, "/api/v1/buildings?limit=0", "a-viewer").status == 400);
}

TEST_CASE_METHOD(fixture,
                 "api: deactivating a building stops its sensors' ingest, keeps its data") {
  const auto b = create_building("a-admin");
  const auto s = create_sensor("a-admin", b);
  CHECK(call(http_method::del, "/api/v1/buildings/" + b, "a-admin").status == 204);
  CHECK(parse(call(http_method::get, "/api/v1/buildings/" + b, "a-viewer")).at("is_active") ==
        false);
  CHECK(parse(call(http_method::get, "/api/v1/buildings", "a-viewer")).at("buildings").empty());
  const json batch = {
      {"readings", {{{"sensor_id", s}, {"timestamp", "2024-07-01T00:00:00Z"}, {"value_kwh", 1}}}}};
  const auto r =
      parse(call(http_method::post, "/api/v1/sensors/readings/batch", "a-device", batch));
  CHECK(r.at("rejections")[0].at("reason") == "inactive_sensor");
}

TEST_CASE_METHOD(fixture, "api: ingest answers 202 with counts, a re-send is a no-op") {
  const auto b = create_building("a-admin");
  const auto s = create_sensor("a-admin", b);
  const json batch = {
      {"readings",
       {{{"sensor_id", s}, {"timestamp", "2024-07-01T00:00:00Z"}, {"value_kwh", 1.5}},
        {{"sensor_id", s}, {"timestamp", "2024-07-01T01:00:00Z"}, {"value_kwh", 2}},
        {{"sensor_id", s}, {"timestamp", "not a time"}, {"value_kwh", 2}}}}};
  auto r = call(http_method::post, "/api/v1/sensors/readings/batch", "a-device", batch);
  REQUIRE(r.status == 202);
  auto body = parse(r);
  CHECK(body.at("accepted") == 2);
  CHECK(body.at("inserted") == 2);
  CHECK(body.at("rejected") == 1);
  CHECK(body.at("rejections")[0].at("index") == 2);
  CHECK(body.at("rejections")[0].at("reason") == "malformed_timestamp");
  body = parse(call(http_method::post, "/api/v1/sensors/readings/batch", "a-device", batch));
  CHECK(body.at("inserted") == 0);
  CHECK(body.at("unchanged") == 2);
  CHECK(stats.value("energy_readings_ingested_total", {{"outcome", "inserted"}}) == 2);
}

TEST_CASE_METHOD(fixture, "api: another tenant's sensor is rejected per reading as unknown") {
  const auto b = create_building("b-admin");
  const auto s = create_sensor("b-admin", b);
  const json batch = {
      {"readings", {{{"sensor_id", s}, {"timestamp", "2024-07-01T00:00:00Z"}, {"value_kwh", 1}}}}};
  const auto body =
      parse(call(http_method::post, "/api/v1/sensors/readings/batch", "a-admin", batch));
  CHECK(body.at("accepted") == 0);
  CHECK(body.at("rejections")[0].at("reason") == "unknown_sensor");
  CHECK(body.at("rejections")[0].at("sensor_id") == s);
}

TEST_CASE_METHOD(fixture, "api: a batch over the reading limit is a 413 with the limit") {
  json readings = json::array();
  for (int i = 0; i < 101; ++i)
    readings.push_back({{"sensor_id", uuid::v7().to_string()},
                        {"timestamp", "2024-07-01T00:00:00Z"},
                        {"value_kwh", 1}});
  const auto r = call(http_method::post, "/api/v1/sensors/readings/batch", "a-device",
                      {{"readings", readings}});
  CHECK(r.status == 413);
  CHECK(parse(r).at("limit") == 100);
}

TEST_CASE_METHOD(fixture, "api: energy days are local, 23 hours on the spring-forward day, exact") {
  const auto b = create_building("a-admin", "America/New_York");
  const auto s = create_sensor("a-admin", b);
  json readings = json::array();
  // 2024-03-10 local (EST -> EDT): 04:00Z .. 03:00Z next day = 23 hourly readings of 1.001 kWh.
  for (int h = 0; h < 23; ++h) {
    char ts[32];
    std::snprintf(ts, sizeof ts, "2024-03-%02dT%02d:00:00Z", h + 5 < 24 ? 10 : 11, (h + 5) % 24);
    readings.push_back({{"sensor_id", s}, {"timestamp", ts}, {"value_kwh", 1.001}});
  }
  REQUIRE(call(http_method::post, "/api/v1/sensors/readings/batch", "a-device",
               {{"readings", readings}})
              .status == 202);
  const std::string target =
      "/api/v1/buildings/" + b + "/energy?start_date=2024-03-10&end_date=2024-03-10&resolution=day";
  auto body = parse(call(http_method::get, target, "a-viewer"));
  CHECK(body.at("stale") == true);
  (void)aggregate::refresh_summaries(slot->store());
  body = parse(call(http_method::get, target, "a-viewer"));
  CHECK(body.at("stale") == false);
  REQUIRE(body.at("readings").size() == 1);
  const auto& day = body.at("readings")[0];
  CHECK(day.at("hours") == 23.0);
  CHECK(day.at("start") == "2024-03-10T05:00:00Z");
  CHECK(day.at("consumption_kwh_exact") == "23.023");
  CHECK(day.at("reading_count") == 23);
  CHECK(day.at("expected_readings") == 23);
  CHECK(day.at("quality") == "complete");
  CHECK(day.at("cost") == "3.453450");  // 23.023 kWh x 0.15
  CHECK(
      call(http_method::get, "/api/v1/buildings/" + b + "/energy?start_date=2024-03-10", "a-viewer")
          .status == 400);
  CHECK(call(http_method::get,
             "/api/v1/buildings/" + b + "/energy?start_date=2024-03-10&end_date=2024-03-09",
             "a-viewer")
            .status == 422);
}
