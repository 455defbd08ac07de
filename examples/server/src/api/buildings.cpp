// SPDX-License-Identifier: Apache-2.0
// Buildings of the caller's tenant: list (the seed's /tenants/{id}/buildings with sensor_count,
// and /buildings), create, read, update, deactivate.
#include <energy/storage/store.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "http/problems.hpp"

namespace energy::server::api {

namespace {

nlohmann::json list_json(request_context& ctx, const request& r) {
  const auto page = read_page(r);
  const bool include_inactive = r.query_param("include_inactive").value_or("false") == "true";
  auto all = ctx.store().list_buildings(ctx.who().tenant_id);
  std::vector<building> items;
  items.reserve(all.size());
  for (auto& b : all) {
    if (include_inactive || !deactivated_at(ctx, b.id)) items.push_back(std::move(b));
  }
  const auto next = take_page(items, page);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : items)
    out.push_back(to_json(b, deactivated_at(ctx, b.id), ctx.store().list_sensors(b.id).size()));
  return {{"buildings", out}, {"next_cursor", next ? nlohmann::json(*next) : nlohmann::json()}};
}

void apply_fields(building& b, const nlohmann::json& body) {
  if (auto v = opt_string(body, "name")) {
    if (v->empty()) throw_unprocessable("name must not be empty", "/name");
    b.name = *v;
  }
  if (auto v = opt_string(body, "address")) b.address = *v;
  if (auto v = opt_string(body, "primary_use")) b.primary_use = *v;
  if (auto v = opt_string(body, "time_zone")) {
    if (!is_valid_zone(*v)) {
      throw_unprocessable("time_zone '" + *v + "' is not an IANA zone (e.g. America/New_York)",
                          "/time_zone");
    }
    b.time_zone = *v;
  }
  if (body.contains("square_footage")) {
    const auto v = opt_integer(body, "square_footage");
    if (v && *v <= 0) throw_unprocessable("square_footage must be positive", "/square_footage");
    b.square_footage = v;
  }
  if (body.contains("flat_rate_per_kwh")) {
    const auto v = opt_money(body, "flat_rate_per_kwh");
    if (v && v->micros() < 0)
      throw_unprocessable("flat_rate_per_kwh must not be negative", "/flat_rate_per_kwh");
    b.flat_rate_per_kwh = v;
  }
}

/// The library's store needs the tenant row before its buildings; the auth module may keep
/// tenants in its own tables only.
void ensure_tenant(request_context& ctx) {
  const auto& t = ctx.who().tenant_id;
  if (!ctx.store().get_tenant(t))
    ctx.store().put_tenant(tenant{.id = t, .name = "", .created_at = from_epoch(now_epoch())});
}

}  // namespace

void add_building_routes(std::vector<route>& out) {
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/tenants/{tenant_id}/buildings",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            // The path names a tenant, but the scope is the token's: any other id is a 404.
            const auto id = uuid::try_parse(r.path_params.at("tenant_id"));
            if (!id || *id != ctx.who().tenant_id) throw_not_found("tenant");
            return response::json(200, list_json(ctx, r));
          },
      .operation = {
          {"operationId", "listTenantBuildings"},
          {"tags", {"buildings"}},
          {"summary", "The tenant's buildings, with sensor_count"},
          {"description",
           "tenant_id must be the caller's tenant; any other answers 404. Deactivated "
           "buildings are left out unless include_inactive=true."},
          {"parameters",
           nlohmann::json::array({page_params()[0], page_params()[1],
                                  query_param("include_inactive", "also list deactivated buildings",
                                              {{"type", "boolean"}})})},
          {"responses",
           {{"200", json_response("one page of buildings", ref("BuildingList"))},
            {"404", problem_response("not the caller's tenant")}}}}});
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/buildings",
      .who = access::viewer,
      .handle = [](const request& r,
                   request_context& ctx) { return response::json(200, list_json(ctx, r)); },
      .operation = {
          {"operationId", "listBuildings"},
          {"tags", {"buildings"}},
          {"summary", "Buildings of the caller's tenant"},
          {"parameters",
           nlohmann::json::array({page_params()[0], page_params()[1],
                                  query_param("include_inactive", "also list deactivated buildings",
                                              {{"type", "boolean"}})})},
          {"responses",
           {{"200", json_response("one page of buildings", ref("BuildingList"))},
            {"400", problem_response("bad limit or cursor")}}}}});
  out.push_back(
      route{.method = http_method::post,
            .pattern = "/api/v1/buildings",
            .who = access::admin,
            .handle =
                [](const request& r, request_context& ctx) {
                  const auto body = parse_object_body(r);
                  reject_unknown_fields(body, {"name", "address", "time_zone", "square_footage",
                                               "primary_use", "flat_rate_per_kwh"});
                  (void)required_string(body, "name");
                  // No default zone: days and months cut in the wrong zone would be plausible and
                  // wrong.
                  (void)required_string(body, "time_zone");
                  building b{.id = uuid::v7(), .tenant_id = ctx.who().tenant_id};
                  b.created_at = from_epoch(now_epoch());
                  apply_fields(b, body);
                  ensure_tenant(ctx);
                  ctx.store().put_building(b);
                  auto res = response::json(201, to_json(b, std::nullopt, 0));
                  res.headers.emplace_back("Location", "/api/v1/buildings/" + b.id.to_string());
                  return res;
                },
            .operation = {{"operationId", "createBuilding"},
                          {"tags", {"buildings"}},
                          {"summary", "Create a building (tenant admin)"},
                          {"requestBody", json_body(ref("BuildingCreate"))},
                          {"responses",
                           {{"201", json_response("created", ref("Building"))},
                            {"400", problem_response("body is not a JSON object")},
                            {"422", problem_response("a field is missing or invalid")}}}}});
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/buildings/{building_id}",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = owned_building(ctx, r.path_params.at("building_id"));
            return response::json(
                200, to_json(b, deactivated_at(ctx, b.id), ctx.store().list_sensors(b.id).size()));
          },
      .operation = {{"operationId", "getBuilding"},
                    {"tags", {"buildings"}},
                    {"summary", "One building"},
                    {"responses",
                     {{"200", json_response("the building", ref("Building"))},
                      {"404", problem_response("no such building for this tenant")}}}}});
  out.push_back(route{
      .method = http_method::patch,
      .pattern = "/api/v1/buildings/{building_id}",
      .who = access::admin,
      .handle =
          [](const request& r, request_context& ctx) {
            auto b = owned_building(ctx, r.path_params.at("building_id"));
            const auto body = parse_object_body(r);
            reject_unknown_fields(body, {"name", "address", "time_zone", "square_footage",
                                         "primary_use", "flat_rate_per_kwh"});
            apply_fields(b, body);
            ctx.store().put_building(b);
            return response::json(
                200, to_json(b, deactivated_at(ctx, b.id), ctx.store().list_sensors(b.id).size()));
          },
      .operation = {{"operationId", "updateBuilding"},
                    {"tags", {"buildings"}},
                    {"summary", "Change a building's fields (tenant admin)"},
                    {"description",
                     "Only the fields given change; null clears square_footage and "
                     "flat_rate_per_kwh. Changing time_zone or flat_rate_per_kwh leaves existing "
                     "summaries as they were computed until their readings are rewritten."},
                    {"requestBody", json_body(ref("BuildingUpdate"))},
                    {"responses",
                     {{"200", json_response("the building", ref("Building"))},
                      {"404", problem_response("no such building for this tenant")},
                      {"422", problem_response("a field is invalid")}}}}});
  out.push_back(
      route{.method = http_method::del,
            .pattern = "/api/v1/buildings/{building_id}",
            .who = access::admin,
            .handle =
                [](const request& r, request_context& ctx) {
                  const auto b = owned_building(ctx, r.path_params.at("building_id"));
                  // Deactivation keeps every reading and summary; its sensors stop accepting
                  // readings.
                  for (auto s : ctx.store().list_sensors(b.id)) {
                    if (!s.is_active) continue;
                    s.is_active = false;
                    ctx.store().put_sensor(s);
                  }
                  mark_deactivated(ctx, b.id, now_epoch());
                  return response::no_content();
                },
            .operation = {{"operationId", "deactivateBuilding"},
                          {"tags", {"buildings"}},
                          {"summary", "Deactivate a building and its sensors (tenant admin)"},
                          {"description",
                           "Nothing is deleted: readings and summaries stay readable; its sensors "
                           "reject new readings (inactive_sensor)."},
                          {"responses",
                           {{"204", {{"description", "deactivated"}}},
                            {"404", problem_response("no such building for this tenant")}}}}});
}

}  // namespace energy::server::api
