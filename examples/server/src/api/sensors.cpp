// SPDX-License-Identifier: Apache-2.0
// Sensors of the caller's buildings: list, create, read, update, deactivate.
#include <energy/storage/store.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "http/problems.hpp"

namespace energy::server::api {

namespace {

void apply_bounds(sensor& s, const nlohmann::json& body) {
  if (body.contains("location")) s.location = opt_string(body, "location").value_or("");
  if (body.contains("max_value")) {
    s.max_value = opt_number(body, "max_value");
    if (s.max_value && !(*s.max_value > 0))
      throw_unprocessable("max_value must be positive", "/max_value");
  }
  if (body.contains("register_max")) {
    s.register_max = opt_number(body, "register_max");
    if (s.register_max && !(*s.register_max > 0))
      throw_unprocessable("register_max must be positive", "/register_max");
  }
}

sensor sensor_from_body(const nlohmann::json& body, const building& b) {
  reject_unknown_fields(body, {"type", "kind", "unit", "interval_seconds", "location", "max_value",
                               "register_max", "created_at"});
  sensor s{.id = uuid::v7(), .building_id = b.id};
  // Type, kind, unit and interval have no defaults: a wrong guess (Wh read as kWh, a register
  // read as interval energy) would give plausible wrong numbers.
  try {
    s.type = parse<sensor_type>(required_string(body, "type"));
  } catch (const parse_error& e) {
    throw_unprocessable(e.what(), "/type");
  }
  try {
    s.kind = parse<reading_kind>(required_string(body, "kind"));
  } catch (const parse_error& e) {
    throw_unprocessable(e.what(), "/kind");
  }
  s.unit = required_string(body, "unit");
  const auto interval = opt_integer(body, "interval_seconds");
  if (!interval) throw_unprocessable("interval_seconds is required", "/interval_seconds");
  if (*interval < 60 || *interval > 86400 || 86400 % *interval != 0) {
    throw_unprocessable("interval_seconds must divide a day and be at least 60",
                        "/interval_seconds");
  }
  s.interval_seconds = static_cast<std::int32_t>(*interval);
  apply_bounds(s, body);
  // Readings before created_at are refused (before_sensor_created): backfilling clients give the
  // installation time.
  s.created_at = opt_time(body, "created_at").value_or(from_epoch(now_epoch()));
  return s;
}

}  // namespace

void add_sensor_routes(std::vector<route>& out) {
  out.push_back(
      route{.method = http_method::get,
            .pattern = "/api/v1/buildings/{building_id}/sensors",
            .who = access::viewer,
            .handle =
                [](const request& r, request_context& ctx) {
                  const auto page = read_page(r);
                  const auto b = owned_building(ctx, r.path_params.at("building_id"));
                  auto items = ctx.store().list_sensors(b.id);
                  const auto next = take_page(items, page);
                  nlohmann::json list = nlohmann::json::array();
                  for (const auto& s : items)
                    list.push_back(to_json(s));
                  return response::json(
                      200, {{"sensors", list},
                            {"next_cursor", next ? nlohmann::json(*next) : nlohmann::json()}});
                },
            .operation = {{"operationId", "listSensors"},
                          {"tags", {"sensors"}},
                          {"summary", "Sensors of a building"},
                          {"parameters", page_params()},
                          {"responses",
                           {{"200", json_response("one page of sensors", ref("SensorList"))},
                            {"404", problem_response("no such building for this tenant")}}}}});
  out.push_back(
      route{.method = http_method::post,
            .pattern = "/api/v1/buildings/{building_id}/sensors",
            .who = access::admin,
            .handle =
                [](const request& r, request_context& ctx) {
                  const auto b = owned_building(ctx, r.path_params.at("building_id"));
                  if (deactivated_at(ctx, b.id))
                    throw_unprocessable("the building is deactivated", "building_id");
                  const auto s = sensor_from_body(parse_object_body(r), b);
                  ctx.store().put_sensor(s);
                  auto res = response::json(201, to_json(s));
                  res.headers.emplace_back("Location", "/api/v1/sensors/" + s.id.to_string());
                  return res;
                },
            .operation = {{"operationId", "createSensor"},
                          {"tags", {"sensors"}},
                          {"summary", "Add a sensor to a building (tenant admin)"},
                          {"requestBody", json_body(ref("SensorCreate"))},
                          {"responses",
                           {{"201", json_response("created", ref("Sensor"))},
                            {"404", problem_response("no such building for this tenant")},
                            {"422", problem_response("a field is missing or invalid")}}}}});
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/sensors/{sensor_id}",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            return response::json(200, to_json(owned_sensor(ctx, r.path_params.at("sensor_id"))));
          },
      .operation = {{"operationId", "getSensor"},
                    {"tags", {"sensors"}},
                    {"summary", "One sensor"},
                    {"responses",
                     {{"200", json_response("the sensor", ref("Sensor"))},
                      {"404", problem_response("no such sensor for this tenant")}}}}});
  out.push_back(route{
      .method = http_method::patch,
      .pattern = "/api/v1/sensors/{sensor_id}",
      .who = access::admin,
      .handle =
          [](const request& r, request_context& ctx) {
            auto s = owned_sensor(ctx, r.path_params.at("sensor_id"));
            const auto body = parse_object_body(r);
            // What a value means (type, kind, unit, interval) is fixed: changing it would
            // reinterpret stored readings. Create a new sensor instead.
            reject_unknown_fields(body, {"location", "max_value", "register_max", "is_active"});
            apply_bounds(s, body);
            if (const auto active = opt_bool(body, "is_active")) {
              if (*active && deactivated_at(ctx, s.building_id))
                throw_unprocessable("the building is deactivated", "/is_active");
              s.is_active = *active;
            }
            ctx.store().put_sensor(s);
            return response::json(200, to_json(s));
          },
      .operation = {{"operationId", "updateSensor"},
                    {"tags", {"sensors"}},
                    {"summary", "Change a sensor's location, bounds or activity (tenant admin)"},
                    {"requestBody", json_body(ref("SensorUpdate"))},
                    {"responses",
                     {{"200", json_response("the sensor", ref("Sensor"))},
                      {"404", problem_response("no such sensor for this tenant")},
                      {"422", problem_response("a field is invalid or may not change")}}}}});
  out.push_back(route{
      .method = http_method::del,
      .pattern = "/api/v1/sensors/{sensor_id}",
      .who = access::admin,
      .handle =
          [](const request& r, request_context& ctx) {
            auto s = owned_sensor(ctx, r.path_params.at("sensor_id"));
            if (s.is_active) {
              s.is_active = false;
              ctx.store().put_sensor(s);
            }
            return response::no_content();
          },
      .operation = {{"operationId", "deactivateSensor"},
                    {"tags", {"sensors"}},
                    {"summary", "Deactivate a sensor (tenant admin)"},
                    {"description", "Its readings stay; new ones are rejected as inactive_sensor."},
                    {"responses",
                     {{"204", {{"description", "deactivated"}}},
                      {"404", problem_response("no such sensor for this tenant")}}}}});
}

}  // namespace energy::server::api
