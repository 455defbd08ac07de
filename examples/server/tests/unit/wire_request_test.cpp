// SPDX-License-Identifier: Apache-2.0
// The network layer's decoding of one HTTP message (http/wire_request.cpp) and the routing step
// (http/routing.cpp), without sockets: the seams the request fuzzer drives.
#include <catch2/catch.hpp>

#include "http/gzip.hpp"
#include "http/routing.hpp"
#include "http/wire_request.hpp"

using namespace energy::server;
namespace bhttp = boost::beast::http;

namespace {

wire_message message(bhttp::verb verb, std::string target, std::string body = {}) {
  wire_message m{verb, target, 11};
  m.body() = std::move(body);
  m.prepare_payload();
  return m;
}

}  // namespace

TEST_CASE("decode_message: the request, or the refusal the client caused") {
  const std::string remote = "192.0.2.7";
  SECTION("a request with a query, headers and a gzip body") {
    auto m = message(bhttp::verb::post, "/api/v1/x%20y?limit=5&q=a+b", gzip(R"({"a":1})"));
    m.set(bhttp::field::content_encoding, "GZip");
    m.set("X-Request-Id", "req-1");
    const auto d = decode_message(m, remote, {});
    REQUIRE(d.what == decoded_message::outcome::route);
    CHECK(d.req.method == http_method::post);
    CHECK(d.req.path == "/api/v1/x%20y");  // decoded by routing, not here
    CHECK(d.req.query_param("q") == "a b");
    CHECK(d.req.header("content-encoding") == "GZip");
    CHECK(d.req.body == R"({"a":1})");
    CHECK(d.req.request_id == "req-1");
    CHECK(d.req.remote_address == remote);
  }
  SECTION("refusals") {
    auto unknown = message(bhttp::verb::propfind, "/x");
    auto d = decode_message(unknown, remote, {});
    REQUIRE(d.what == decoded_message::outcome::refuse);
    CHECK(d.refusal->status == 501);

    auto query = message(bhttp::verb::get, "/x?a=%zz");
    d = decode_message(query, remote, {});
    REQUIRE(d.what == decoded_message::outcome::refuse);
    CHECK(d.refusal->status == 400);

    auto brotli = message(bhttp::verb::post, "/x", "....");
    brotli.set(bhttp::field::content_encoding, "br");
    d = decode_message(brotli, remote, {});
    REQUIRE(d.what == decoded_message::outcome::refuse);
    CHECK(d.refusal->status == 415);

    auto not_gzip = message(bhttp::verb::post, "/x", "not gzip");
    not_gzip.set(bhttp::field::content_encoding, "gzip");
    d = decode_message(not_gzip, remote, {});
    REQUIRE(d.what == decoded_message::outcome::refuse);
    CHECK(d.refusal->status == 400);
    CHECK_FALSE(d.close);

    auto bomb = message(bhttp::verb::post, "/x", gzip(std::string(1 << 20, 'a')));
    bomb.set(bhttp::field::content_encoding, "gzip");
    d = decode_message(bomb, remote, wire_limits{.max_decompressed_bytes = 1000});
    REQUIRE(d.what == decoded_message::outcome::refuse);
    CHECK(d.refusal->status == 413);
    CHECK(d.close);
  }
  SECTION("a preflight keeps its headers; a forged request id is replaced") {
    auto m = message(bhttp::verb::options, "/api/v1/buildings");
    m.set(bhttp::field::origin, "https://a.example");
    m.set("X-Request-Id", "bad id\n");
    const auto d = decode_message(m, remote, {});
    REQUIRE(d.what == decoded_message::outcome::preflight);
    CHECK(d.req.header("origin") == "https://a.example");
    CHECK(d.req.request_id != "bad id\n");
  }
}

TEST_CASE("route_request: the route with decoded path parameters, or 404/405/400") {
  std::vector<route> all;
  all.push_back(route{.method = http_method::get, .pattern = "/b/{building_id}"});
  all.push_back(route{.method = http_method::post, .pattern = "/b/{building_id}"});
  const router routes(std::move(all));
  request r;
  r.path = "/b/a%2Fb";
  auto out = route_request(routes, r);
  REQUIRE(out.found != nullptr);
  CHECK_FALSE(out.refusal);
  CHECK(r.path_params.at("building_id") == "a/b");

  request del;
  del.method = http_method::del;
  del.path = "/b/1";
  out = route_request(routes, del);
  REQUIRE(out.refusal);
  CHECK(out.refusal->status == 405);
  CHECK(out.allow == "GET, POST");

  request missing;
  missing.path = "/nowhere";
  out = route_request(routes, missing);
  REQUIRE(out.refusal);
  CHECK(out.refusal->status == 404);
  CHECK(out.allow.empty());

  request bad;
  bad.path = "/b/%zz";
  out = route_request(routes, bad);
  REQUIRE(out.refusal);
  CHECK(out.refusal->status == 400);
  CHECK(out.found != nullptr);
}
