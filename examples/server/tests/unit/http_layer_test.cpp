// SPDX-License-Identifier: Apache-2.0
// The wire-independent parts of the HTTP layer: router, gzip limits, configuration, OpenAPI
// document vs route table.
#include <catch2/catch.hpp>

#include <set>

#include "app/config.hpp"
#include "app/modules.hpp"
#include "http/dispatch.hpp"
#include "http/worker_pool.hpp"
#include "http/gzip.hpp"
#include "http/router.hpp"

using namespace energy::server;

namespace {

route make(http_method m, std::string pattern) {
  return route{.method = m,
               .pattern = std::move(pattern),
               .who = access::viewer,
               .handle = [](const request&, request_context&) { return response::no_content(); },
               .operation = {}};
}

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("router: a literal segment beats a parameter whatever the registration order") {
  const router r({make(http_method::get, "/api/v1/sensors/{sensor_id}/x"),
                  make(http_method::get, "/api/v1/sensors/readings/x")});
  const auto m = r.match(http_method::get, "/api/v1/sensors/readings/x");
  REQUIRE(m.found != nullptr);
  CHECK(m.found->pattern == "/api/v1/sensors/readings/x");
  const auto p = r.match(http_method::get, "/api/v1/sensors/abc/x");
  REQUIRE(p.found != nullptr);
  CHECK(p.path_params.at("sensor_id") == "abc");
}

TEST_CASE("router: a path with other methods only reports them for a 405") {
  const router r({make(http_method::get, "/a/{id}"), make(http_method::del, "/a/{id}")});
  const auto m = r.match(http_method::post, "/a/1");
  CHECK(m.found == nullptr);
  CHECK(m.allowed == std::vector<http_method>{http_method::get, http_method::del});
  CHECK(r.match(http_method::get, "/b").allowed.empty());
}

TEST_CASE("router: parameters are percent-decoded per segment, so %2F stays inside one") {
  const router r({make(http_method::get, "/a/{id}")});
  const auto m = r.match(http_method::get, "/a/x%2Fy%20z");
  REQUIRE(m.found != nullptr);
  CHECK(m.path_params.at("id") == "x/y z");
  CHECK(r.match(http_method::get, "/a/%zz").bad_encoding);
  CHECK(r.match(http_method::get, "/a/").found == nullptr);  // empty parameter
}

TEST_CASE("router: two routes of the same shape are refused at start") {
  CHECK_THROWS_AS(router({make(http_method::get, "/a/{x}"), make(http_method::get, "/a/{y}")}),
                  std::invalid_argument);
  CHECK_THROWS_AS(router({make(http_method::get, "a")}), std::invalid_argument);
  CHECK_THROWS_AS(router({make(http_method::get, "/a/{x")}), std::invalid_argument);
}

TEST_CASE("query strings decode '+' and escapes and refuse bad escapes") {
  const auto q = parse_query("a=1&b=x+y%21&c&a=2");
  REQUIRE(q);
  CHECK(q->count("a") == 2);
  CHECK(q->find("b")->second == "x y!");
  CHECK(q->find("c")->second.empty());
  CHECK_FALSE(parse_query("a=%4"));
}

TEST_CASE("gunzip restores the body and refuses output beyond the limit (zip bomb)") {
  const std::string plain(100'000, 'a');
  const auto packed = gzip(plain);
  CHECK(packed.size() < 1000);
  CHECK(gunzip(packed, 100'000) == plain);
  CHECK_THROWS_AS(gunzip(packed, 99'999), inflate_limit_error);
  CHECK_THROWS_AS(gunzip("not gzip at all", 1000), std::invalid_argument);
  CHECK_THROWS_AS(gunzip(packed.substr(0, packed.size() / 2), 1'000'000), std::invalid_argument);
  // Two members, as `cat a.gz b.gz` makes them.
  CHECK(gunzip(gzip("ab") + gzip("cd"), 100) == "abcd");
}

TEST_CASE("configuration: no variables gives the zero-config defaults") {
  const auto c = config::from_environment(env_of({}));
  CHECK(c.listen_address == "127.0.0.1");
  CHECK(c.listen_port == 8080);
  CHECK(c.db_uri == "sqlite:./energy-data/energy.db");
  CHECK(c.db_defaulted);
}

TEST_CASE("configuration: ingest writers default to 2 on PostgreSQL and 1 on SQLite") {
  CHECK(config::from_environment(env_of({})).ingest_writers == 1);
  CHECK(config::from_environment(env_of({{"ENERGY_DB", "postgresql://db.example/energy"}}))
            .ingest_writers == 2);
  CHECK(config::from_environment(env_of({{"ENERGY_DB", "postgresql://db.example/energy"},
                                         {"ENERGY_INGEST_WRITERS", "auto"}}))
            .ingest_writers == 2);
  CHECK(config::from_environment(env_of({{"ENERGY_DB", "postgresql://db.example/energy"},
                                         {"ENERGY_INGEST_WRITERS", "1"}}))
            .ingest_writers == 1);
  CHECK_THROWS_AS(config::from_environment(env_of({{"ENERGY_INGEST_WRITERS", "0"}})),
                  std::invalid_argument);
}

TEST_CASE("configuration: a bad value names the variable and what is accepted") {
  try {
    (void)config::from_environment(env_of({{"ENERGY_THREADS", "lots"}}));
    FAIL("accepted");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("ENERGY_THREADS='lots'") != std::string::npos);
  }
  CHECK_THROWS_AS(config::from_environment(env_of({{"ENERGY_LISTEN", "localhost"}})),
                  std::invalid_argument);
  CHECK_THROWS_AS(config::from_environment(env_of({{"ENERGY_TLS_CERT", "c.pem"}})),
                  std::invalid_argument);
  const auto v6 = config::from_environment(env_of({{"ENERGY_LISTEN", "[::1]:0"}}));
  CHECK(v6.listen_address == "::1");
  CHECK(v6.listen_port == 0);
}

TEST_CASE("--help lists every variable the core reads") {
  const auto text = help_text(all_variables());
  for (const auto& v : core_variables())
    CHECK(text.find(v.name) != std::string::npos);
}

TEST_CASE("the OpenAPI document lists every route and only routes") {
  const auto cfg = config::from_environment(env_of({}));
  services app;
  const auto a = assemble(cfg, app);
  std::set<std::pair<std::string, std::string>> from_routes;
  for (const auto& r : a.routes) {
    std::string m(to_string(r.method));
    for (auto& ch : m)
      ch = static_cast<char>(ch - 'A' + 'a');
    from_routes.emplace(r.pattern, m);
  }
  std::set<std::pair<std::string, std::string>> from_doc;
  for (const auto& [path, item] : a.openapi.at("paths").items())
    for (const auto& [method, op] : item.items())
      from_doc.emplace(path, method);
  CHECK(from_routes == from_doc);
  CHECK(a.openapi.at("openapi") == "3.1.0");
  // Every $ref points at a defined schema.
  const auto& schemas = a.openapi.at("components").at("schemas");
  const std::string dump = a.openapi.dump();
  std::size_t at = 0;
  const std::string key = "\"$ref\":\"#/components/schemas/";
  while ((at = dump.find(key, at)) != std::string::npos) {
    at += key.size();
    const auto name = dump.substr(at, dump.find('"', at) - at);
    CHECK(schemas.contains(name));
  }
}

TEST_CASE("dispatcher: a retryable store error is tried 3 times, then 503 with Retry-After") {
  int attempts = 0;
  std::vector<route> routes;
  routes.push_back(route{.method = http_method::get,
                         .pattern = "/flaky",
                         .who = access::public_,
                         .handle = [&attempts](const request&, request_context&) -> response {
                           ++attempts;
                           throw energy::storage_error("database is locked", true);
                         },
                         .operation = {}});
  routes.push_back(route{.method = http_method::get,
                         .pattern = "/broken",
                         .who = access::public_,
                         .handle = [](const request&, request_context&) -> response {
                           throw energy::storage_error("disk full", false);
                         },
                         .operation = {}});
  const router r(std::move(routes));
  services app;
  dispatcher d(
      r, app,
      {.max_attempts = 3, .retry_after_seconds = 7, .retry_backoff = std::chrono::milliseconds(1)});
  worker_slot slot("sqlite::memory:");
  request req;
  req.path = "/flaky";
  req.request_id = "r1";
  auto res = d.handle(req, slot);
  CHECK(attempts == 3);
  CHECK(res.status == 503);
  bool retry_after = false;
  for (const auto& [name, value] : res.headers)
    retry_after = retry_after || (name == "Retry-After" && value == "7");
  CHECK(retry_after);
  req.path = "/broken";
  res = d.handle(req, slot);
  CHECK(res.status == 500);  // not retryable: no retry, no details leaked
  CHECK(res.body.find("disk full") == std::string::npos);
}
