// SPDX-License-Identifier: Apache-2.0
#include "app/ops_routes.hpp"

#include <energy/storage/store.hpp>

#include "http/context.hpp"
#include "http/metrics.hpp"
#include "http/problems.hpp"

namespace energy::server {

namespace {

nlohmann::json ok_response(std::string_view description, std::string_view media,
                           nlohmann::json schema) {
  return {{"description", description}, {"content", {{media, {{"schema", std::move(schema)}}}}}};
}

nlohmann::json operation(std::string_view id, std::string_view summary, nlohmann::json responses) {
  return {{"operationId", id},
          {"tags", {"operations"}},
          {"summary", summary},
          {"responses", std::move(responses)}};
}

const nlohmann::json health_schema = {{"$ref", "#/components/schemas/Health"}};

}  // namespace

std::vector<route> ops_routes(std::shared_ptr<const std::string> openapi_json) {
  std::vector<route> out;
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/healthz",
      .who = access::public_,
      .handle =
          [](const request&, request_context&) {
            return response::json(200, {{"status", "ok"}});
          },
      .operation = operation("healthz", "Liveness: the process answers HTTP",
                             {{"200", ok_response("alive", "application/json", health_schema)}})});
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/readyz",
      .who = access::public_,
      .handle =
          [](const request&, request_context& ctx) {
            // Both connections of this worker must reach the database: the store's adapter and
            // the server's own tables.
            try {
              (void)ctx.store().get_tenant(uuid{});
              (void)ctx.db().query("SELECT 1");
            } catch (const storage_error& e) {
              if (e.retryable()) throw;  // retried, then 503 with Retry-After
              throw problem_error(make_problem("/problems/unavailable",
                                               std::string("store not reachable: ") + e.what()));
            }
            return response::json(200, {{"status", "ready"}});
          },
      .operation =
          operation("readyz", "Readiness: the store answers",
                    {{"200", ok_response("ready", "application/json", health_schema)},
                     {"503", ok_response("the store is not reachable", "application/problem+json",
                                         {{"$ref", "#/components/schemas/Problem"}})}})});
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/metrics",
      .who = access::public_,
      .handle =
          [](const request&, request_context& ctx) {
            response r;
            r.content_type = "text/plain; version=0.0.4; charset=utf-8";
            r.body = ctx.app().metrics != nullptr ? ctx.app().metrics->render() : std::string();
            return r;
          },
      .operation =
          operation("metrics", "Prometheus metrics (text exposition format 0.0.4)",
                    {{"200", ok_response("the registry", "text/plain", {{"type", "string"}})}})});
  out.push_back(
      route{.method = http_method::get,
            .pattern = "/api/v1/openapi.json",
            .who = access::public_,
            .handle =
                [openapi_json](const request&, request_context&) {
                  response r;
                  r.body = *openapi_json;
                  return r;
                },
            .operation = operation(
                "openapi", "This OpenAPI 3.1 document, generated from the route table",
                {{"200", ok_response("the document", "application/json", {{"type", "object"}})}})});
  return out;
}

}  // namespace energy::server
