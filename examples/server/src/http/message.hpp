// SPDX-License-Identifier: Apache-2.0
// The server's request/response/route vocabulary. Every module (api, auth, jobs) registers routes
// in these terms; the HTTP layer (src/http) turns Beast messages into them and back, and the
// OpenAPI document is generated from the registered routes, so the two cannot drift.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/principal.hpp"

namespace energy::server {

class request_context;  // per-request services (store, db, metrics, principal): http/context.hpp
class deferred_answer;  // an answer sent later, from another thread: http/deferred_answer.hpp

enum class http_method : std::uint8_t { get, post, put, patch, del };

[[nodiscard]] std::string_view to_string(http_method m) noexcept;

/// One parsed HTTP request, body already decompressed (Content-Encoding: gzip) and size-checked.
struct request {
  http_method method = http_method::get;
  std::string path;                                          ///< decoded path, no query
  std::map<std::string, std::string> path_params;            ///< from the route pattern's {names}
  std::multimap<std::string, std::string> query;             ///< decoded query parameters
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased
  std::string body;
  std::string request_id;      ///< echoed as X-Request-Id and in every problem document
  std::string remote_address;  ///< peer IP (or X-Forwarded-For when configured to trust it)

  /// First header of that (lower-case) name, if any.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view lower_name) const;
  /// First query parameter of that name, if any.
  [[nodiscard]] std::optional<std::string_view> query_param(std::string_view name) const;
};

struct response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>>
      headers;  ///< extra headers (Location, Retry-After, ...)

  /// Set only by later(): the handler handed its work on and `later` will carry the answer.
  std::shared_ptr<deferred_answer> later;

  [[nodiscard]] static response json(int status, const nlohmann::json& body);
  [[nodiscard]] static response no_content();
  /// "Answered by `answer`, not now": the worker moves on; the HTTP layer waits for the answer.
  [[nodiscard]] static response deferred(std::shared_ptr<deferred_answer> answer);
};

/// Who may call a route. The HTTP layer authenticates before the handler runs and answers
/// 401/403 itself (problem documents), so a handler only ever sees an allowed principal.
enum class access : std::uint8_t {
  public_,       ///< no credentials (health, login, openapi)
  viewer,        ///< any signed-in user of a tenant (viewer, operator, admin)
  operator_,     ///< operator or admin of the tenant
  admin,         ///< tenant admin
  device,        ///< a device key, or an operator/admin user (ingest routes)
  server_admin,  ///< the server-wide administrator (creates tenants)
  person,        ///< any signed-in user: a tenant's user or the server administrator; no device key
};

using handler = std::function<response(const request&, request_context&)>;

/// A route with the OpenAPI description of its operation. `pattern` uses OpenAPI's template form
/// ("/api/v1/buildings/{building_id}/energy"); `operation` is the OpenAPI Operation Object
/// (summary, parameters, requestBody, responses, ...) without `security`, which is derived from
/// `who`.
struct route {
  http_method method = http_method::get;
  std::string pattern;
  access who = access::viewer;
  handler handle;
  nlohmann::json operation;
};

/// RFC 9457 problem document. `type` is a stable URI-like slug under /problems/ (e.g.
/// "/problems/validation"), documented in the OpenAPI document; `field` names the field or
/// reading at fault when there is one. The request id is added by the HTTP layer.
struct problem {
  int status = 500;
  std::string type;
  std::string title;
  std::string detail;
  std::optional<std::string> field;
  nlohmann::json extra = nlohmann::json::object();  ///< extension members (e.g. "errors": [...])
};

/// Thrown by handlers (or helpers they call) to answer with a problem document; the HTTP layer
/// renders it. Anything else a handler throws becomes a 500 problem with the request id (logged).
class problem_error : public std::exception {
 public:
  explicit problem_error(problem p) : problem_(std::move(p)) {}
  [[nodiscard]] const problem& get() const noexcept { return problem_; }
  [[nodiscard]] const char* what() const noexcept override { return problem_.title.c_str(); }

 private:
  problem problem_;
};

/// 404 with the same body whether the object is missing or belongs to another tenant.
[[noreturn]] void throw_not_found(std::string_view what);
/// 400/422 helpers: `field` is a JSON pointer or parameter name.
[[noreturn]] void throw_bad_request(std::string_view detail, std::optional<std::string> field = {});
[[noreturn]] void throw_unprocessable(std::string_view detail,
                                      std::optional<std::string> field = {});

}  // namespace energy::server
