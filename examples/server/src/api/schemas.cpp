// SPDX-License-Identifier: Apache-2.0
// OpenAPI component schemas of the data API (what its handlers read and write).
#include <energy/model.hpp>

#include "api/routes.hpp"
#include "http/enum_json.hpp"

namespace energy::server::api {

namespace {

nlohmann::json str(std::string_view description = {}) {
  nlohmann::json j = {{"type", "string"}};
  if (!description.empty()) j["description"] = description;
  return j;
}
nlohmann::json nullable(std::string_view type, std::string_view description = {}) {
  nlohmann::json j = {{"type", {type, "null"}}};
  if (!description.empty()) j["description"] = description;
  return j;
}
nlohmann::json integer() {
  return {{"type", "integer"}};
}
nlohmann::json number() {
  return {{"type", "number"}};
}
nlohmann::json list_of(std::string_view schema, std::string_view key) {
  return {
      {"type", "object"},
      {"required", {key, "next_cursor"}},
      {"properties",
       {{key,
         {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/" + std::string(schema)}}}}},
        {"next_cursor",
         nullable("string", "pass as ?cursor= for the next page; null at the end")}}}};
}

}  // namespace

nlohmann::json schemas() {
  nlohmann::json s = nlohmann::json::object();
  s["Health"] = {{"type", "object"}, {"properties", {{"status", str()}}}};
  const nlohmann::json building_props = {
      {"name", str()},
      {"address", str()},
      {"time_zone", str("IANA zone its days and months are cut in, e.g. America/New_York")},
      {"square_footage", nullable("integer", "gross floor area, ft²")},
      {"primary_use", str("office, retail, warehouse, ...")},
      {"flat_rate_per_kwh",
       nullable("string", "exact decimal price per kWh, when no tariff is set")}};
  s["BuildingCreate"] = {{"type", "object"},
                         {"required", {"name", "time_zone"}},
                         {"additionalProperties", false},
                         {"properties", building_props}};
  s["BuildingUpdate"] = {
      {"type", "object"}, {"additionalProperties", false}, {"properties", building_props}};
  nlohmann::json building = building_props;
  building["id"] = str();
  building["tenant_id"] = str();
  building["created_at"] = str("UTC, RFC 3339");
  building["is_active"] = {{"type", "boolean"}};
  building["deactivated_at"] = nullable("string");
  building["sensor_count"] = integer();
  s["Building"] = {{"type", "object"},
                   {"required", {"id", "tenant_id", "name", "time_zone", "is_active"}},
                   {"properties", building}};
  s["BuildingList"] = list_of("Building", "buildings");

  const nlohmann::json kinds = enum_names_json<reading_kind>();
  const nlohmann::json types = enum_names_json<sensor_type>();
  s["SensorCreate"] = {
      {"type", "object"},
      {"required", {"type", "kind", "unit", "interval_seconds"}},
      {"additionalProperties", false},
      {"properties",
       {{"type", {{"type", "string"}, {"enum", types}}},
        {"kind", {{"type", "string"}, {"enum", kinds}}},
        {"unit",
         [] {
           auto u = str("unit of the values it sends: kWh, Wh, MWh, kW, W, m3, ft3, degC, ...");
           u["example"] = "kWh";  // the unit of the first `type` and `kind` (electricity energy)
           return u;
         }()},
        {"interval_seconds", {{"type", "integer"}, {"minimum", 60}, {"maximum", 86400}}},
        {"location", str()},
        {"max_value", nullable("number", "physical bound of one reading, in its unit")},
        {"register_max", nullable("number", "register capacity (rollover)")},
        {"created_at", str("installation time (UTC, RFC 3339); earlier readings are refused; "
                           "default now")}}}};
  s["SensorUpdate"] = {{"type", "object"},
                       {"additionalProperties", false},
                       {"properties",
                        {{"location", str()},
                         {"max_value", nullable("number")},
                         {"register_max", nullable("number")},
                         {"is_active", {{"type", "boolean"}}}}}};
  s["Sensor"] = {{"type", "object"},
                 {"required", {"id", "building_id", "type", "kind", "unit", "interval_seconds"}},
                 {"properties",
                  {{"id", str()},
                   {"building_id", str()},
                   {"type", {{"type", "string"}, {"enum", types}}},
                   {"kind", {{"type", "string"}, {"enum", kinds}}},
                   {"unit", str()},
                   {"canonical_unit", str("unit of stored values: kWh, m3 or degC")},
                   {"location", str()},
                   {"interval_seconds", integer()},
                   {"max_value", nullable("number")},
                   {"register_max", nullable("number")},
                   {"is_active", {{"type", "boolean"}}},
                   {"created_at", str()}}}};
  s["SensorList"] = list_of("Sensor", "sensors");

  s["Reading"] = {{"type", "object"},
                  {"required", {"sensor_id", "timestamp"}},
                  {"properties",
                   {{"sensor_id", str("canonical UUID")},
                    {"timestamp", str("RFC 3339 with an offset (Z or ±hh:mm)")},
                    {"value_kwh", number()},
                    {"value", {{"type", "number"}, {"description", "in the sensor's unit"}}},
                    {"quality_flag", {{"type", "integer"}, {"minimum", 0}}}}}};
  s["ReadingBatch"] = {
      {"type", "object"},
      {"required", {"readings"}},
      {"properties",
       {{"readings", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Reading"}}}}}}}};
  s["Rejection"] = {
      {"type", "object"},
      {"properties",
       {{"index", {{"type", "integer"}, {"description", "position in readings[]"}}},
        {"sensor_id", nullable("string")},
        {"reason", str("stable name: unknown_sensor, malformed_timestamp, ...")},
        {"detail", str()},
        {"dropped",
         {{"type", "boolean"}, {"description", "false for notices whose sample is kept"}}}}}};
  s["IngestResult"] = {
      {"type", "object"},
      {"required", {"received", "accepted", "rejected", "inserted", "unchanged", "replaced"}},
      {"properties",
       {{"received", integer()},
        {"accepted", integer()},
        {"rejected", integer()},
        {"duplicates", {{"type", "integer"}, {"description", "identical repeats in the batch"}}},
        {"rows", {{"type", "integer"}, {"description", "rows written after normalisation"}}},
        {"inserted", integer()},
        {"unchanged", {{"type", "integer"}, {"description", "already stored: re-sends"}}},
        {"replaced", {{"type", "integer"}, {"description", "corrections of stored values"}}},
        {"rejections",
         {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Rejection"}}}}}}}};

  const nlohmann::json bucket_props = {
      {"timestamp", str("local start with offset")},
      {"start", str("UTC start")},
      {"end", str("UTC end (excluded)")},
      {"hours", {{"type", "number"}, {"description", "23, 24 or 25 for days with DST changes"}}},
      {"consumption", number()},
      {"consumption_exact", str("exact decimal, three places")},
      {"consumption_kwh", number()},
      {"consumption_kwh_exact", str()},
      {"peak_kw", number()},
      {"peak_kw_exact", str()},
      {"cost", str("exact decimal amount")},
      {"cost_basis",
       {{"type", "string"},
        {"enum", {"tariff", "flat_rate", "mixed", "none"}},
        {"description", "what priced `cost` (see the operation's description)"}}},
      {"reading_count", integer()},
      {"expected_readings", integer()},
      {"coverage", nullable("number", "reading_count / expected_readings")},
      {"quality",
       {{"type", "string"}, {"enum", {"complete", "partial", "missing", "no_sensors"}}}}};
  s["EnergyBucket"] = {{"type", "object"}, {"properties", bucket_props}};
  s["EnergySeries"] = {
      {"type", "object"},
      {"required", {"building_id", "period", "readings"}},
      {"properties",
       {{"building_id", str()},
        {"time_zone", str()},
        {"resolution", str()},
        {"sensor_type", str()},
        {"unit", str()},
        {"period",
         {{"type", "object"},
          {"properties",
           {{"start", str()}, {"end", str()}, {"start_local", str()}, {"end_local", str()}}}}},
        {"readings",
         {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/EnergyBucket"}}}}},
        {"totals", {{"type", "object"}}},
        {"cost_basis", {{"type", "string"}, {"enum", {"tariff", "flat_rate", "mixed", "none"}}}},
        {"cost_note", str("how the costs were priced, in a sentence")},
        {"stale", nullable("boolean")},
        {"pending_aggregation_hours", nullable("integer")}}}};
  return s;
}

}  // namespace energy::server::api
