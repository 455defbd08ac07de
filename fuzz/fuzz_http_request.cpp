// SPDX-License-Identifier: Apache-2.0
// energy-server's request handling, from raw bytes up to authentication and the handler: Beast's
// HTTP/1.1 request parser with the server's header and body limits, the network layer's decoding
// (http/wire_request.cpp: method, target, query string, headers, gzip bodies), routing against
// the server's route table (http/routing.cpp: 404/405/400, path parameters, media type and JSON
// depth checks) and the decoding the handlers start with (the ingest batch through
// io::parse_json_batch, JSON object bodies, `limit` and uuid path parameters).
// The route table is fuzz/server_routes.json, checked against `energy-server --openapi` by a
// server test, so the harness routes exactly as the server does.
// Invariants: no crash, leak or sanitizer report; no exception but the documented ones; every
// refusal is a 4xx (501 only for an unknown method) rendered as an RFC 9457 problem document
// (application/problem+json: type under /problems/, title, status equal to the response's,
// detail, instance, request_id); a 405 names the allowed methods; path parameters exist only on a
// matched route, with the pattern's names.
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <utility>  // before Beast: Boost 1.74 + GCC 12 need std::exchange declared

#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/http/parser.hpp>
#include <nlohmann/json.hpp>

#include <energy/error.hpp>
#include <energy/io/json_batch.hpp>

#include "auth/json_body.hpp"
#include "fuzz_check.hpp"
#include "problem_check.hpp"
#include "http/problems.hpp"
#include "http/routing.hpp"
#include "http/wire_request.hpp"

namespace {

namespace bhttp = boost::beast::http;
using namespace energy::server;
using nlohmann::json;

// The server's defaults (server_options in http/server.hpp), smaller for the body so the fuzzer
// reaches the limit.
constexpr std::size_t max_header_bytes = 16 * 1024;
constexpr std::size_t max_body_bytes = 32 * 1024;
constexpr std::size_t max_decompressed_bytes = 64 * 1024;

std::optional<http_method> method_named(const std::string& m) {
  if (m == "get") return http_method::get;
  if (m == "post") return http_method::post;
  if (m == "put") return http_method::put;
  if (m == "patch") return http_method::patch;
  if (m == "delete") return http_method::del;
  return std::nullopt;
}

/// The server's routes (method, pattern, requestBody) from fuzz/server_routes.json.
const router& routes() {
  static const router r = [] {
    std::ifstream in(ENERGY_FUZZ_ROUTES_FILE);
    FUZZ_CHECK(in.good());
    const json paths = json::parse(in);
    std::vector<route> all;
    for (const auto& [pattern, operations] : paths.items())
      for (const auto& [method, operation] : operations.items()) {
        route x;
        x.method = *method_named(method);
        x.pattern = pattern;
        x.operation = operation;
        all.push_back(std::move(x));
      }
    FUZZ_CHECK(all.size() > 20);
    return router(std::move(all));
  }();
  return r;
}

std::set<std::string> pattern_names(const std::string& pattern) {
  std::set<std::string> names;
  for (std::size_t at = pattern.find('{'); at != std::string::npos; at = pattern.find('{', at)) {
    const auto end = pattern.find('}', at);
    names.insert(pattern.substr(at + 1, end - at - 1));
    at = end;
  }
  return names;
}

/// An answer to a client error: a 4xx (501 for an unknown method) problem document.
void check_problem(const problem& p, const request& req, bool unknown_method = false) {
  const auto res = render_problem(p, req.request_id, req.path);
  FUZZ_CHECK((res.status >= 400 && res.status < 500) || (unknown_method && res.status == 501));
  const json body = energy::fuzz::check_problem_document(res, req.request_id);
  FUZZ_CHECK(body.contains("detail") && body["detail"].is_string());
  FUZZ_CHECK(body.contains("instance"));
}

bool is_json_media(const request& req) {
  const auto type = req.header("content-type");
  return type && type->find("json") != std::string_view::npos;
}

/// What the handlers do first with a request: decode its body, query and path parameters. Each
/// either succeeds or is a problem_error with a 4xx.
void decode_like_handlers(const route& r, const request& req) {
  const auto attempt = [&](const auto& step) {
    try {
      step();
    } catch (const problem_error& e) {
      check_problem(e.get(), req);
    }
  };
  if (r.pattern == "/api/v1/sensors/readings/batch") {
    try {
      const auto parsed = energy::io::parse_json_batch(req.body, "request body");
      FUZZ_CHECK(parsed.batch.size() == parsed.batch.source_row.size());
    } catch (const energy::parse_error&) {
      // Answered 400 by the route (throw_bad_request).
    }
  } else if (!req.body.empty() && is_json_media(req)) {
    attempt([&] { (void)auth::object_body(req); });
  }
  if (req.query_param("limit")) attempt([&] { (void)auth::limit_param(req); });
  for (const auto& [name, value] : req.path_params)
    if (name.ends_with("_id"))
      attempt([&, n = name] { (void)auth::path_uuid(req, n.c_str(), "x"); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(max_header_bytes));
  parser.body_limit(max_body_bytes);
  parser.eager(true);
  // Bytes arrive as the network delivers them, in pieces (1-64 bytes, chosen by the last byte),
  // and are fed as Beast's read loop does: the unconsumed rest again with the next piece after
  // need_more (never the same bytes twice without new ones: the parser relies on that), the rest
  // alone after a partial parse. No more input while the parser needs more: the server would time
  // the connection out without an answer.
  const std::size_t piece = size == 0 ? 1 : 1 + data[size - 1] % 64;
  boost::beast::error_code ec;
  std::string pending;
  std::size_t fed = 0;
  bool need_more = true;
  while (!parser.is_done()) {
    if (need_more) {
      if (fed == size) break;
      const std::size_t n = std::min(piece, size - fed);
      pending.append(reinterpret_cast<const char*>(data) + fed, n);
      fed += n;
    }
    const auto used = parser.put(boost::asio::buffer(pending), ec);
    pending.erase(0, used);
    need_more = ec == bhttp::error::need_more;
    if (need_more) {
      ec = {};
      continue;
    }
    if (ec) break;
    if (used == 0 && !parser.is_done()) need_more = true;
  }
  if (ec == bhttp::error::header_limit || ec == bhttp::error::body_limit) {
    // The server refuses these before decoding (431, 413) with the head it has, if any.
    request head;
    head.request_id = "fuzz";
    check_problem(make_problem(ec == bhttp::error::header_limit ? "/problems/header-too-large"
                                                                : "/problems/payload-too-large",
                               "limit"),
                  head);
    return 0;
  }
  if (ec || !parser.is_done()) return 0;  // the server closes the connection: nothing to answer

  auto& msg = parser.get();
  const bool unknown_method =
      msg.method() != bhttp::verb::options && msg.method() != bhttp::verb::get &&
      msg.method() != bhttp::verb::post && msg.method() != bhttp::verb::put &&
      msg.method() != bhttp::verb::patch && msg.method() != bhttp::verb::delete_;
  auto decoded = decode_message(msg, "192.0.2.1",
                                wire_limits{.max_decompressed_bytes = max_decompressed_bytes});
  FUZZ_CHECK(!decoded.req.request_id.empty() && decoded.req.request_id.size() <= 128);
  if (decoded.what == decoded_message::outcome::refuse) {
    FUZZ_CHECK(decoded.refusal.has_value());
    check_problem(*decoded.refusal, decoded.req, unknown_method);
    return 0;
  }
  FUZZ_CHECK(!unknown_method);
  if (decoded.what == decoded_message::outcome::preflight) return 0;  // the auth module's policy
  FUZZ_CHECK(decoded.req.body.size() <= max_decompressed_bytes);

  request& req = decoded.req;
  auto routed = route_request(routes(), req);
  if (routed.refusal) {
    FUZZ_CHECK(routed.allow.empty() == (routed.refusal->status != 405));
    FUZZ_CHECK(req.path_params.empty());
    check_problem(*routed.refusal, req);
    return 0;
  }
  FUZZ_CHECK(routed.found != nullptr);
  std::set<std::string> names;
  for (const auto& [name, value] : req.path_params)
    names.insert(name);
  FUZZ_CHECK(names == pattern_names(routed.found->pattern));
  try {
    check_request_body(*routed.found, req);
  } catch (const problem_error& e) {
    check_problem(e.get(), req);
    return 0;
  }
  decode_like_handlers(*routed.found, req);
  return 0;
}
