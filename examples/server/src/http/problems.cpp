// SPDX-License-Identifier: Apache-2.0
#include "http/problems.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace energy::server {

namespace {

constexpr std::array<problem_type, 17> catalogue{{
    {"/problems/bad-request", 400, "Bad request",
     "The request is malformed: a parameter, the JSON body or the HTTP message itself. `field` "
     "names the parameter or JSON pointer at fault."},
    {"/problems/validation", 422, "Invalid value",
     "The request is well-formed but a value is not acceptable (unknown time zone, end before "
     "start, ...). `field` names it."},
    {"/problems/unauthorized", 401, "Unauthorized",
     "No credentials, or credentials that do not verify (expired, revoked, tampered). The "
     "body is the same for every reason."},
    {"/problems/forbidden", 403, "Forbidden",
     "The credentials are valid but their role may not call this route (a viewer writing, a "
     "device key reading)."},
    {"/problems/not-found", 404, "Not found",
     "No such route, or no such object for the caller's tenant (another tenant's object "
     "answers exactly like a missing one)."},
    {"/problems/method-not-allowed", 405, "Method not allowed",
     "The path exists but not with this method; the Allow header lists the methods."},
    {"/problems/request-timeout", 408, "Request timeout",
     "The request was not received within the server's time limit."},
    {"/problems/conflict", 409, "Conflict", "The object already exists or was changed meanwhile."},
    {"/problems/payload-too-large", 413, "Payload too large",
     "The body (or its decompressed form, or the number of readings in a batch) exceeds the "
     "server's limit; `limit` gives it. Split the batch."},
    {"/problems/unsupported-media-type", 415, "Unsupported media type",
     "The Content-Type or Content-Encoding is not one the route accepts (JSON; gzip or "
     "identity encoding)."},
    {"/problems/header-too-large", 431, "Request header fields too large",
     "The request's header block exceeds the server's limit."},
    {"/problems/rate-limited", 429, "Too many requests",
     "A rate limit was hit (failed logins); retry after the Retry-After header's seconds "
     "(also in the member retry_after)."},
    {"/problems/internal", 500, "Internal server error",
     "An unexpected failure; the request id is in the server's log with the cause."},
    {"/problems/not-implemented", 501, "Not implemented",
     "The HTTP method is not one the server implements."},
    {"/problems/unavailable", 503, "Service unavailable",
     "The store did not answer after 3 attempts, the server is draining, or its queue is full; "
     "retry after the Retry-After header's seconds."},
    {"/problems/gateway", 502, "Upstream failure",
     "A service the server called on the request's behalf failed."},
    {"/problems/timeout", 504, "Timeout",
     "The server gave up on a long computation (a report) after its time limit (`limit_seconds`); "
     "ask for less (a shorter period) or retry later."},
}};

}  // namespace

std::span<const problem_type> problem_types() noexcept {
  return catalogue;
}

problem make_problem(std::string_view type, std::string detail, std::optional<std::string> field) {
  for (const auto& t : catalogue) {
    if (t.type == type) {
      return problem{.status = t.status,
                     .type = std::string(t.type),
                     .title = std::string(t.title),
                     .detail = std::move(detail),
                     .field = std::move(field)};
    }
  }
  throw std::logic_error("problem type not in the catalogue: " + std::string(type));
}

response render_problem(const problem& p, std::string_view request_id, std::string_view instance) {
  nlohmann::json body = p.extra.is_object() ? p.extra : nlohmann::json::object();
  body["type"] = p.type;
  body["title"] = p.title;
  body["status"] = p.status;
  body["detail"] = p.detail;
  body["instance"] = instance;
  body["request_id"] = request_id;
  if (p.field) body["field"] = *p.field;
  auto r = response::json(p.status, body);
  r.content_type = "application/problem+json";
  return r;
}

}  // namespace energy::server
