// SPDX-License-Identifier: Apache-2.0
// Tariff versions of a building: upload (tenant admin), list, one version, the one in effect.
#include "api/common.hpp"
#include "http/problems.hpp"
#include "money/local_dates.hpp"
#include "money/routes.hpp"
#include "money/tariff_book.hpp"

namespace energy::server::costs {

void add_tariff_routes(std::vector<route>& out) {
  using api::json_response;
  using api::problem_response;
  using api::ref;
  out.push_back(route{
      .method = http_method::post,
      .pattern = "/api/v1/buildings/{building_id}/tariffs",
      .who = access::admin,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = api::owned_building(ctx, r.path_params.at("building_id"));
            auto v = read_upload(api::parse_object_body(r));
            store_version(ctx, b, v);
            // Fill in superseded/effective_until as the list shows them.
            for (const auto& listed : list_versions(ctx, b)) {
              if (listed.id != v.id) continue;
              auto res = response::json(201, to_json(listed, b, false));
              res.headers.emplace_back(
                  "Location", "/api/v1/buildings/" + b.id.to_string() + "/tariffs/" + v.id);
              return res;
            }
            throw std::logic_error("a stored tariff version is not listed");
          },
      .operation = {
          {"operationId", "uploadTariff"},
          {"tags", {"tariffs"}},
          {"summary", "Upload a URDB tariff effective from a local date (tenant admin)"},
          {"description",
           "Adds a version; nothing is overwritten. `urdb` is an OpenEI URDB record (bare, the "
           "API's {\"items\": [record]}, or a REopt scenario with "
           "ElectricTariff.urdb_response; `json_pointer` selects it elsewhere). The version is "
           "in effect from `effective_from` (the building's local date) until the next "
           "version's date; a later upload with the same date supersedes it. Fields the "
           "library does not price are listed in `unsupported` (the supported part is priced). "
           "URDB records do not list the utility's holidays: give them in `holidays` (priced "
           "with the weekend schedules), or `[]` when there are none; without them the bills "
           "say in their notes that holidays were priced as weekdays. "
           "A record that does not read, or a tariff that cannot price anything (no charge, a "
           "schedule naming a missing period), is refused with 422."},
          {"requestBody", api::json_body(ref("TariffUpload"))},
          {"responses",
           {{"201", json_response("the stored version", ref("TariffVersion"))},
            {"400", problem_response("body is not a JSON object")},
            {"404", problem_response("no such building for this tenant")},
            {"422", problem_response("a bad date or currency, or an unusable tariff")}}}}});
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/buildings/{building_id}/tariffs",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = api::owned_building(ctx, r.path_params.at("building_id"));
            nlohmann::json list = nlohmann::json::array();
            for (const auto& v : list_versions(ctx, b))
              list.push_back(to_json(v, b, false));
            return response::json(200, {{"tariffs", list}});
          },
      .operation = {{"operationId", "listTariffs"},
                    {"tags", {"tariffs"}},
                    {"summary", "Every tariff version of a building, oldest effective date first"},
                    {"description",
                     "Superseded versions stay listed (`superseded: true`). At most " +
                         std::to_string(max_versions_per_building) + " versions per building."},
                    {"responses",
                     {{"200", json_response("the versions", ref("TariffVersionList"))},
                      {"404", problem_response("no such building for this tenant")}}}}});
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/buildings/{building_id}/tariffs/{tariff_id}",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = api::owned_building(ctx, r.path_params.at("building_id"));
            const auto& id = r.path_params.at("tariff_id");
            for (const auto& v : list_versions(ctx, b))
              if (v.id == id) return response::json(200, to_json(v, b, true));
            throw_not_found("tariff");
          },
      .operation = {{"operationId", "getTariff"},
                    {"tags", {"tariffs"}},
                    {"summary", "One tariff version, with the URDB JSON as uploaded"},
                    {"responses",
                     {{"200", json_response("the version", ref("TariffVersion"))},
                      {"404", problem_response("no such building or tariff for this tenant")}}}}});
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/buildings/{building_id}/tariff",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = api::owned_building(ctx, r.path_params.at("building_id"));
            aggregate::local_calendar cal(b.time_zone);
            const auto day =
                date_param(r, "date").value_or(local_date_of(cal, from_epoch(api::now_epoch())));
            const auto versions = effective_versions(ctx, b);
            const auto* v = in_effect(versions, cal, day_start(cal, day));
            if (v == nullptr) {
              throw problem_error(make_problem(
                  "/problems/not-found",
                  "no tariff is in effect on " + format_local_date(day) + " for this building"));
            }
            return response::json(200, to_json(*v, b, false));
          },
      .operation = {
          {"operationId", "getTariffInEffect"},
          {"tags", {"tariffs"}},
          {"summary", "The tariff version in effect on a local date (default today)"},
          {"parameters",
           nlohmann::json::array({api::query_param(
               "date", "local date YYYY-MM-DD in the building's zone (default: today there)",
               {{"type", "string"}, {"format", "date"}})})},
          {"responses",
           {{"200", json_response("the version in effect", ref("TariffVersion"))},
            {"400", problem_response("date is not YYYY-MM-DD")},
            {"404", problem_response("no such building, or no tariff in effect that day")}}}}});
}

}  // namespace energy::server::costs
