// SPDX-License-Identifier: Apache-2.0
// POST /buildings/{building_id}/greenbutton: a Green Button (ESPI) file's usage summaries stored
// as utility bills and reconciled; its interval readings imported as a utility-meter sensor of
// the building when asked.
#include <energy/error.hpp>
#include <energy/greenbutton/espi.hpp>
#include <energy/greenbutton/store_import.hpp>

#include "api/common.hpp"
#include "money/reconciliation.hpp"
#include "money/routes.hpp"
#include "money/utility_bill_book.hpp"

namespace energy::server::costs {

namespace {

/// Most parse issues echoed in the answer (the count is always given).
constexpr std::size_t max_issues_shown = 50;

bool bool_param(const request& r, std::string_view name) {
  const auto text = r.query_param(name).value_or("false");
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0" || text.empty()) return false;
  throw_bad_request(std::string(name) + " must be true or false", std::string(name));
}

std::int32_t service_of(const greenbutton::document& doc, std::optional<std::size_t> up) {
  return up && *up < doc.usage_points.size() ? doc.usage_points[*up].service_kind
                                             : greenbutton::service::electricity;
}

nlohmann::json import_meter(request_context& ctx, const building& b,
                            const greenbutton::document& doc,
                            const greenbutton::meter_reading& mr) {
  nlohmann::json j = {{"href", mr.href}, {"title", mr.title}, {"intervals", mr.readings.size()}};
  try {
    const auto result =
        greenbutton::store_meter_reading(ctx.store(), b.id, mr, service_of(doc, mr.usage_point));
    j["sensor_id"] = result.meter.id.to_string();
    j["sensor_created"] = result.created;
    j["inserted"] = result.written.inserted;
    j["unchanged"] = result.written.unchanged;
    j["replaced"] = result.written.replaced;
    j["rounded"] = result.rounded;
    j["rejected"] = result.rejected.size();
    nlohmann::json shown = nlohmann::json::array();
    for (std::size_t i = 0; i < result.rejected.size() && i < max_issues_shown; ++i)
      shown.push_back({{"where", result.rejected[i].where}, {"what", result.rejected[i].what}});
    j["rejections"] = shown;
  } catch (const std::invalid_argument& e) {
    j["not_imported"] = e.what();  // e.g. register reads, or a unit that cannot be stored
  }
  return j;
}

}  // namespace

void add_greenbutton_route(std::vector<route>& out) {
  out.push_back(route{
      .method = http_method::post,
      .pattern = "/api/v1/buildings/{building_id}/greenbutton",
      .who = access::operator_,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = api::owned_building(ctx, r.path_params.at("building_id"));
            const bool import_readings = bool_param(r, "import_readings");
            if (r.body.empty()) throw_bad_request("a Green Button XML body is required", "body");
            greenbutton::document doc;
            try {
              doc = greenbutton::parse_buffer(r.body, "upload.xml");
            } catch (const std::exception& e) {  // parse_error: not XML, not ESPI
              throw_unprocessable(e.what(), "body");
            }
            nlohmann::json meters = nlohmann::json::array();
            if (import_readings) {
              for (const auto& mr : doc.meter_readings)
                meters.push_back(import_meter(ctx, b, doc, mr));
            }
            // Only electricity summaries are bills this server reconciles (kWh against a tariff).
            std::vector<billing::utility_bill> bills;
            nlohmann::json skipped = nlohmann::json::array();
            for (std::size_t i = 0; i < doc.bills.size(); ++i) {
              const auto& summary = doc.summaries[doc.bill_summary[i]];
              if (service_of(doc, summary.usage_point) == greenbutton::service::electricity) {
                bills.push_back(doc.bills[i]);
              } else {
                skipped.push_back(
                    {{"bill_id", doc.bills[i].id}, {"reason", "not an electricity usage point"}});
              }
            }
            nlohmann::json stored_json = nlohmann::json::array();
            store_outcome stored;
            if (!bills.empty()) stored = store_bills(ctx, b, bills, "greenbutton");
            for (const auto& s : stored.bills)
              stored_json.push_back(to_json(s));
            nlohmann::json issues = nlohmann::json::array();
            for (std::size_t i = 0; i < doc.issues.size() && i < max_issues_shown; ++i)
              issues.push_back({{"where", doc.issues[i].where}, {"what", doc.issues[i].what}});
            nlohmann::json body = {
                {"usage_points", doc.usage_points.size()},
                {"meter_readings", doc.meter_readings.size()},
                {"readings_imported", import_readings},
                {"imports", meters},
                {"bills",
                 {{"inserted", stored.inserted},
                  {"unchanged", stored.unchanged},
                  {"replaced", stored.replaced},
                  {"stored", stored_json},
                  {"skipped", skipped}}},
                {"issue_count", doc.issues.size()},
                {"issues", issues},
                {"ignored_resources", doc.ignored_resources},
                {"reconciliation",
                 bills.empty() ? nlohmann::json() : reconciliation_or_reason(ctx, b, bills)}};
            return response::json(200, body);
          },
      .operation = {
          {"operationId", "uploadGreenButton"},
          {"tags", {"billing"}},
          {"summary",
           "Upload a Green Button file: bills reconciled, readings optionally imported "
           "(operator or admin)"},
          {"description",
           "The body is a Green Button (NAESB ESPI) Atom feed or bare ESPI document. Each "
           "electricity usage summary with a billing period is stored as a utility bill (keyed "
           "by its href and period: a re-upload is `unchanged`) and reconciled against the "
           "building's readings under the tariff in effect. With `import_readings=true` every "
           "meter reading is also stored as readings of a utility-meter sensor of the building "
           "(found again by its href on the next upload, so a re-upload writes nothing: rows "
           "are `unchanged`; a changed value `replaced`, flagged corrected). Import only when "
           "the building has no own meter on the same supply: the utility meter's readings are "
           "added to the building's electricity like any meter's. Bad readings are listed and "
           "the rest is kept; a file that is not XML is refused with 422."},
          {"requestBody",
           {{"required", true},
            {"content",
             {{"application/xml", {{"schema", {{"type", "string"}}}}},
              {"application/atom+xml", {{"schema", {{"type", "string"}}}}},
              {"text/xml", {{"schema", {{"type", "string"}}}}}}}}},
          {"parameters", nlohmann::json::array({api::query_param(
                             "import_readings", "also store the interval readings (default false)",
                             {{"type", "boolean"}})})},
          {"responses",
           {{"200", api::json_response("what was stored, with the reconciliation",
                                       api::ref("GreenButtonResult"))},
            {"400", api::problem_response("empty body or a bad parameter")},
            {"404", api::problem_response("no such building for this tenant")},
            {"415", api::problem_response("not an XML media type")},
            {"422", api::problem_response("the XML does not parse as Green Button")}}}}});
}

}  // namespace energy::server::costs
