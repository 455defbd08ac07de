// SPDX-License-Identifier: Apache-2.0
#include "app/openapi.hpp"

#include <set>
#include <stdexcept>

#include "http/problems.hpp"

namespace energy::server {

std::string_view to_string(access a) noexcept {
  switch (a) {
    case access::public_:
      return "public";
    case access::viewer:
      return "viewer";
    case access::operator_:
      return "operator";
    case access::admin:
      return "admin";
    case access::device:
      return "device";
    case access::server_admin:
      return "server_admin";
    case access::person:
      return "person";
  }
  return "viewer";
}

namespace {

std::string lower_method(http_method m) {
  std::string s(to_string(m));
  for (auto& c : s)
    c = static_cast<char>(c + ('a' - 'A'));
  return s;
}

nlohmann::json problem_response(std::string_view description) {
  return {
      {"description", description},
      {"content",
       {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

nlohmann::json problem_schema() {
  std::vector<std::string> types;
  for (const auto& t : problem_types())
    types.emplace_back(t.type);
  return {
      {"type", "object"},
      {"description", "RFC 9457 problem details. `type` is one of x-problem-types."},
      {"required", {"type", "title", "status", "request_id"}},
      {"properties",
       {{"type", {{"type", "string"}, {"enum", types}}},
        {"title", {{"type", "string"}}},
        {"status", {{"type", "integer"}}},
        {"detail", {{"type", "string"}}},
        {"instance", {{"type", "string"}, {"description", "the request path"}}},
        {"request_id", {{"type", "string"}, {"description", "also in the X-Request-Id header"}}},
        {"field",
         {{"type", "string"}, {"description", "the parameter, header or JSON pointer at fault"}}}}},
      {"additionalProperties", true}};
}

}  // namespace

nlohmann::json openapi_document(std::span<const route> routes, const openapi_info& info) {
  nlohmann::json doc = {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "energy reference server"},
        {"version", info.version},
        {"description",
         "REST API of the energy reference server: buildings, sensors, batch ingest and energy "
         "summaries, scoped to the caller's tenant. Every error is an RFC 9457 problem document "
         "(application/problem+json) with a stable `type` from x-problem-types."},
        {"license", {{"name", "Apache-2.0"}, {"identifier", "Apache-2.0"}}}}},
      {"servers", {{{"url", info.server_url.empty() ? "/" : info.server_url}}}},
      {"security", {{{"bearerAuth", nlohmann::json::array()}}}},
      {"paths", nlohmann::json::object()},
  };
  nlohmann::json schemas = info.schemas.is_object() ? info.schemas : nlohmann::json::object();
  schemas["Problem"] = problem_schema();
  doc["components"] = {
      {"schemas", schemas},
      {"securitySchemes",
       {{"bearerAuth",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"bearerFormat", "JWT"},
          {"description",
           "An access JWT from POST /api/v1/auth/login, or a device key (ingest routes)."}}}}}};
  nlohmann::json catalogue = nlohmann::json::array();
  for (const auto& t : problem_types()) {
    catalogue.push_back(
        {{"type", t.type}, {"status", t.status}, {"title", t.title}, {"meaning", t.meaning}});
  }
  doc["x-problem-types"] = catalogue;

  std::set<std::string> ids;
  for (const auto& r : routes) {
    nlohmann::json op = r.operation.is_object() ? r.operation : nlohmann::json::object();
    const auto id = op.value("operationId", std::string());
    if (id.empty())
      throw std::invalid_argument("route " + std::string(to_string(r.method)) + " " + r.pattern +
                                  " has no operationId");
    if (!ids.insert(id).second) throw std::invalid_argument("operationId " + id + " is used twice");
    // Path parameters from the pattern, unless the module described them itself.
    auto& params = op["parameters"];
    if (!params.is_array()) params = nlohmann::json::array();
    std::string_view rest = r.pattern;
    while (true) {
      const auto open = rest.find('{');
      if (open == std::string_view::npos) break;
      const auto close = rest.find('}', open);
      const std::string name(rest.substr(open + 1, close - open - 1));
      rest.remove_prefix(close + 1);
      bool declared = false;
      for (const auto& p : params)
        declared = declared || (p.value("in", "") == "path" && p.value("name", "") == name);
      if (!declared) {
        params.push_back(
            {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
      }
    }
    if (params.empty()) op.erase("parameters");
    auto& responses = op["responses"];
    if (!responses.is_object()) responses = nlohmann::json::object();
    if (r.who == access::public_) {
      op["security"] = nlohmann::json::array();
    } else {
      if (!responses.contains("401"))
        responses["401"] = problem_response("No credentials, or credentials that do not verify.");
      if (!responses.contains("403"))
        responses["403"] = problem_response("The caller's role may not call this route.");
      if (!responses.contains("503")) {
        responses["503"] = problem_response(
            "The store did not answer after 3 attempts; see the Retry-After header.");
      }
    }
    bool has_4xx = false;
    for (const auto& [code, _] : responses.items())
      has_4xx = has_4xx || code.starts_with('4');
    if (!has_4xx)
      responses["4XX"] = problem_response("A problem with the request (see x-problem-types).");
    if (!responses.contains("default"))
      responses["default"] = problem_response("Any other failure, as a problem document.");
    op["x-energy-access"] = to_string(r.who);
    doc["paths"][r.pattern][lower_method(r.method)] = std::move(op);
  }
  return doc;
}

}  // namespace energy::server
