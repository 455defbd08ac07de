// SPDX-License-Identifier: Apache-2.0
#include "api/common.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include <energy/storage/store.hpp>

#include "http/problems.hpp"

namespace energy::server::api {

void migrate(db::connection& c) {
  static const db::migration steps[] = {
      {1,
       "CREATE TABLE api_building_status (\n"
       "  building_id TEXT PRIMARY KEY,\n"
       "  deactivated_at BIGINT NOT NULL\n"
       ")",
       ""},
  };
  db::migrate(c, "api", steps);
}

epoch_seconds now_epoch() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

building owned_building(request_context& ctx, std::string_view id_text) {
  const auto id = uuid::try_parse(id_text);
  if (!id) throw_not_found("building");
  auto b = ctx.store().get_building(*id);
  if (!b || b->tenant_id != ctx.who().tenant_id) throw_not_found("building");
  return *b;
}

sensor owned_sensor(request_context& ctx, std::string_view id_text) {
  const auto id = uuid::try_parse(id_text);
  if (!id) throw_not_found("sensor");
  auto s = ctx.store().get_sensor(*id);
  if (!s) throw_not_found("sensor");
  const auto b = ctx.store().get_building(s->building_id);
  if (!b || b->tenant_id != ctx.who().tenant_id) throw_not_found("sensor");
  return *s;
}

std::optional<epoch_seconds> deactivated_at(request_context& ctx, const uuid& b) {
  const auto rows = ctx.db().query(
      "SELECT deactivated_at FROM api_building_status WHERE building_id = $1", {b.to_string()});
  if (rows.empty()) return std::nullopt;
  return rows.front().integer(0);
}

void mark_deactivated(request_context& ctx, const uuid& b, epoch_seconds when) {
  ctx.db().exec(
      "INSERT INTO api_building_status (building_id, deactivated_at) VALUES ($1, $2) "
      "ON CONFLICT (building_id) DO NOTHING",
      {b.to_string(), std::int64_t{when}});
}

nlohmann::json to_json(const building& b, std::optional<epoch_seconds> deactivated,
                       std::optional<std::size_t> sensor_count) {
  nlohmann::json j = {{"id", b.id.to_string()},
                      {"tenant_id", b.tenant_id.to_string()},
                      {"name", b.name},
                      {"address", b.address},
                      {"square_footage", nullptr},
                      {"primary_use", b.primary_use},
                      {"time_zone", b.time_zone},
                      {"flat_rate_per_kwh", nullptr},
                      {"created_at", format_utc(b.created_at)},
                      {"is_active", !deactivated.has_value()},
                      {"deactivated_at", nullptr}};
  if (b.square_footage) j["square_footage"] = *b.square_footage;
  if (b.flat_rate_per_kwh) j["flat_rate_per_kwh"] = b.flat_rate_per_kwh->to_exact_string();
  if (deactivated) j["deactivated_at"] = format_utc(from_epoch(*deactivated));
  if (sensor_count) j["sensor_count"] = *sensor_count;
  return j;
}

nlohmann::json to_json(const sensor& s) {
  nlohmann::json j = {{"id", s.id.to_string()},
                      {"building_id", s.building_id.to_string()},
                      {"type", to_string(s.type)},
                      {"kind", to_string(s.kind)},
                      {"unit", s.unit},
                      {"canonical_unit", canonical_unit(s.type)},
                      {"location", s.location},
                      {"interval_seconds", s.interval_seconds},
                      {"max_value", nullptr},
                      {"register_max", nullptr},
                      {"is_active", s.is_active},
                      {"created_at", format_utc(s.created_at)}};
  if (s.max_value) j["max_value"] = *s.max_value;
  if (s.register_max) j["register_max"] = *s.register_max;
  return j;
}

nlohmann::json parse_object_body(const request& r) {
  if (r.body.empty()) throw_bad_request("a JSON object body is required", "");
  try {
    auto j = nlohmann::json::parse(r.body);
    if (!j.is_object()) throw_bad_request("the body must be a JSON object", "");
    return j;
  } catch (const nlohmann::json::parse_error& e) {
    throw_bad_request("the body is not valid JSON (byte " + std::to_string(e.byte) + ")", "");
  }
}

void reject_unknown_fields(const nlohmann::json& body,
                           std::initializer_list<std::string_view> allowed) {
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      std::string list;
      for (const auto a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
      throw_unprocessable("unknown or read-only field '" + it.key() + "' (accepted: " + list + ")",
                          "/" + it.key());
    }
  }
}

namespace {

[[noreturn]] void wrong_type(const char* name, const char* expected) {
  throw_unprocessable(std::string(name) + " must be " + expected, std::string("/") + name);
}

}  // namespace

std::optional<std::string> opt_string(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) wrong_type(name, "a string");
  return it->get<std::string>();
}

std::string required_string(const nlohmann::json& body, const char* name) {
  auto v = opt_string(body, name);
  if (!v || v->empty())
    throw_unprocessable(std::string(name) + " is required", std::string("/") + name);
  return *v;
}

std::optional<std::int64_t> opt_integer(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) wrong_type(name, "a whole number");
  return it->get<std::int64_t>();
}

std::optional<double> opt_number(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) wrong_type(name, "a number");
  return it->get<double>();
}

std::optional<bool> opt_bool(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) wrong_type(name, "true or false");
  return it->get<bool>();
}

std::optional<money> opt_money(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  std::optional<money> m;
  if (it->is_string())
    m = money::parse(it->get<std::string>());
  else if (it->is_number())
    m = money::from_double(it->get<double>());
  if (!m) wrong_type(name, "a decimal amount such as \"0.1355\"");
  return m;
}

std::optional<utc_seconds> opt_time(const nlohmann::json& body, const char* name) {
  const auto s = opt_string(body, name);
  if (!s) return std::nullopt;
  const auto t = parse_utc_timestamp(*s);
  if (!t) wrong_type(name, "an RFC 3339 timestamp with an offset (2024-07-01T00:00:00Z)");
  return t;
}

page_request read_page(const request& r) {
  page_request p;
  if (const auto limit = r.query_param("limit")) {
    std::size_t v = 0;
    const auto [ptr, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), v);
    if (ec != std::errc{} || ptr != limit->data() + limit->size() || v < 1 || v > 1000)
      throw_bad_request("limit must be a whole number from 1 to 1000", "limit");
    p.limit = v;
  }
  if (const auto cursor = r.query_param("cursor"); cursor && !cursor->empty())
    p.after = std::string(*cursor);
  return p;
}

nlohmann::json ref(std::string_view schema) {
  return {{"$ref", "#/components/schemas/" + std::string(schema)}};
}

nlohmann::json json_response(std::string_view description, nlohmann::json schema) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}

nlohmann::json problem_response(std::string_view description) {
  return {{"description", description},
          {"content", {{"application/problem+json", {{"schema", ref("Problem")}}}}}};
}

nlohmann::json json_body(nlohmann::json schema) {
  return {{"required", true}, {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}

nlohmann::json query_param(std::string_view name, std::string_view description,
                           nlohmann::json schema, bool required) {
  return {{"name", name},
          {"in", "query"},
          {"required", required},
          {"description", description},
          {"schema", std::move(schema)}};
}

nlohmann::json page_params() {
  return nlohmann::json::array(
      {query_param("limit", "items per page (default 100)",
                   {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}),
       query_param("cursor", "next_cursor of the previous page", {{"type", "string"}})});
}

}  // namespace energy::server::api
