// SPDX-License-Identifier: Apache-2.0
// GET /api/v1/buildings/{building_id}/latest-readings: each sensor's most recent stored reading
// within a look-back window, so a dashboard can say when it last heard from each meter. The window
// bounds the rows read (a building of 1,000 sensors reads at most hours × readings per hour each).
#include <charconv>
#include <map>

#include <energy/storage/store.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"

namespace energy::server::api {

namespace {

constexpr int default_hours = 48;
constexpr int max_hours = 168;

int read_hours(const request& r) {
  const auto text = r.query_param("hours");
  if (!text || text->empty()) return default_hours;
  int hours = 0;
  const auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), hours);
  if (ec != std::errc{} || p != text->data() + text->size() || hours < 1 || hours > max_hours)
    throw_bad_request("hours must be an integer from 1 to 168", "hours");
  return hours;
}

struct last_reading {
  epoch_seconds ts = 0;
  milli value = 0;
  std::uint32_t quality = 0;
};

nlohmann::json nullable(std::string_view type) {
  return {{"type", nlohmann::json::array({type, "null"})}};
}

nlohmann::json latest_readings_schema() {
  nlohmann::json sensor = {{"type", "object"}};
  sensor["properties"] = {{"sensor_id", {{"type", "string"}}},
                          {"location", {{"type", "string"}}},
                          {"type", {{"type", "string"}}},
                          {"canonical_unit", {{"type", "string"}}},
                          {"interval_seconds", {{"type", "integer"}}},
                          {"is_active", {{"type", "boolean"}}},
                          {"last_reading_at", nullable("string")},
                          {"value", nullable("number")},
                          {"value_exact", nullable("string")},
                          {"quality_flag", nullable("integer")}};
  nlohmann::json out = {{"type", "object"}};
  out["required"] = {"building_id", "as_of", "window_hours", "sensors"};
  out["properties"] = {{"building_id", {{"type", "string"}}},
                       {"as_of", {{"type", "string"}}},
                       {"window_hours", {{"type", "integer"}}},
                       {"sensors", {{"type", "array"}, {"items", sensor}}}};
  return out;
}

}  // namespace

void add_latest_readings_route(std::vector<route>& out) {
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/buildings/{building_id}/latest-readings",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            const int hours = read_hours(r);
            const auto b = owned_building(ctx, r.path_params.at("building_id"));
            const epoch_seconds now = now_epoch();
            // A clock a few minutes fast on a meter still counts as heard from.
            const time_range window{from_epoch(now - std::int64_t{hours} * 3600),
                                    from_epoch(now + 900)};
            const auto rows = ctx.store().read_building_readings(b.id, window);
            std::map<uuid, last_reading> last;
            for (std::size_t i = 0; i < rows.size(); ++i) {
              auto& l = last[rows.sensor_id[i]];
              if (rows.ts[i] >= l.ts) l = {rows.ts[i], rows.value[i], rows.quality[i]};
            }
            nlohmann::json sensors = nlohmann::json::array();
            for (const auto& s : ctx.store().list_sensors(b.id)) {
              nlohmann::json item = {{"sensor_id", s.id.to_string()},
                                     {"location", s.location},
                                     {"type", to_string(s.type)},
                                     {"canonical_unit", canonical_unit(s.type)},
                                     {"interval_seconds", s.interval_seconds},
                                     {"is_active", s.is_active},
                                     {"last_reading_at", nullptr},
                                     {"value", nullptr},
                                     {"value_exact", nullptr},
                                     {"quality_flag", nullptr}};
              if (const auto it = last.find(s.id); it != last.end()) {
                item["last_reading_at"] = format_utc(from_epoch(it->second.ts));
                item["value"] = from_milli(it->second.value);
                item["value_exact"] = format_milli(it->second.value);
                item["quality_flag"] = it->second.quality;
              }
              sensors.push_back(std::move(item));
            }
            return response::json(200, {{"building_id", b.id.to_string()},
                                        {"as_of", format_utc(from_epoch(now))},
                                        {"window_hours", hours},
                                        {"sensors", std::move(sensors)}});
          },
      .operation = {
          {"operationId", "getLatestReadings"},
          {"tags", {"sensors"}},
          {"summary",
           "Each sensor's latest reading within the last `hours` (when it was last heard from)"},
          {"description",
           "Per sensor of the building: the timestamp (UTC) and value (canonical unit, exact "
           "decimal beside the number) of its most recent stored reading no older than `hours`; "
           "null when none arrived in that window. `as_of` is the server's time."},
          {"parameters", nlohmann::json::array({query_param(
                             "hours", "look-back window, 1..168 (default 48)",
                             {{"type", "integer"}, {"minimum", 1}, {"maximum", 168}})})},
          {"responses",
           {{"200", json_response("latest readings", latest_readings_schema())},
            {"400", problem_response("hours is not an integer from 1 to 168")},
            {"404", problem_response("no such building for this tenant")}}}}});
}

}  // namespace energy::server::api
