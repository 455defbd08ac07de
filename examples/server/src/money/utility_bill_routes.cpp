// SPDX-License-Identifier: Apache-2.0
// Utility bills of a building: upload (JSON or CSV; operator or admin) with the reconciliation of
// what was uploaded, the stored list, and the reconciliation of the stored bills.
#include <charconv>

#include <energy/billing/bills_csv.hpp>

#include "api/common.hpp"
#include "http/enum_json.hpp"
#include "http/problems.hpp"
#include "money/reconciliation.hpp"
#include "money/routes.hpp"
#include "money/utility_bill_book.hpp"

namespace energy::server::costs {

namespace {

bool is_csv(const request& r) {
  const auto type = r.header("content-type").value_or("");
  return type.substr(0, type.find(';')).find("text/csv") != std::string_view::npos;
}

std::size_t limit_param(const request& r, std::size_t fallback, std::size_t most) {
  const auto text = r.query_param("limit");
  if (!text || text->empty()) return fallback;
  std::size_t v = 0;
  const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || ptr != text->data() + text->size() || v < 1 || v > most) {
    throw_bad_request("limit must be a whole number from 1 to " + std::to_string(most), "limit");
  }
  return v;
}

}  // namespace

void add_utility_bill_routes(std::vector<route>& out) {
  using api::json_response;
  using api::problem_response;
  using api::ref;
  out.push_back(route{
      .method = http_method::post,
      .pattern = "/api/v1/buildings/{building_id}/utility-bills",
      .who = access::operator_,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = api::owned_building(ctx, r.path_params.at("building_id"));
            aggregate::local_calendar cal(b.time_zone);
            const bool csv = is_csv(r);
            bill_upload upload;
            if (csv) {
              auto end = billing::end_date::exclusive;
              try {
                end = parse<billing::end_date>(r.query_param("end_date").value_or("exclusive"));
              } catch (const parse_error& e) {
                throw_bad_request(e.what(), "end_date");
              }
              upload = read_csv_bills(r.body, cal, end == billing::end_date::inclusive);
            } else {
              upload = read_json_bills(api::parse_object_body(r), cal);
            }
            nlohmann::json rejections = nlohmann::json::array();
            for (const auto& x : upload.rejections)
              rejections.push_back(to_json(x));
            if (upload.bills.empty()) {
              auto p = make_problem("/problems/validation", "no bill of the upload could be read",
                                    upload.rejections.empty()
                                        ? std::optional<std::string>("body")
                                        : std::optional<std::string>(upload.rejections[0].field));
              p.extra["errors"] = rejections;
              throw problem_error(std::move(p));
            }
            const auto stored = store_bills(ctx, b, upload.bills, csv ? "csv" : "json");
            nlohmann::json bills = nlohmann::json::array();
            for (const auto& s : stored.bills)
              bills.push_back(to_json(s));
            return response::json(
                200, {{"received", upload.bills.size() + upload.rejections.size()},
                      {"accepted", upload.bills.size()},
                      {"rejected", upload.rejections.size()},
                      {"inserted", stored.inserted},
                      {"unchanged", stored.unchanged},
                      {"replaced", stored.replaced},
                      {"rejections", rejections},
                      {"bills", bills},
                      {"reconciliation", reconciliation_or_reason(ctx, b, upload.bills)}});
          },
      .operation = {
          {"operationId", "uploadUtilityBills"},
          {"tags", {"billing"}},
          {"summary", "Upload utility bills and get them reconciled (operator or admin)"},
          {"description",
           "JSON `{\"bills\": [...]}` or the library's bills CSV (Content-Type text/csv; "
           "columns period_start, period_end, kwh, peak_kw, amount, estimated, id; "
           "`?end_date=inclusive` when period_end dates are the last day served). Dates are "
           "local days of the building; a period_end date in JSON is exclusive (the next read "
           "date). Amounts and quantities are decimal strings, never numbers. A bill is keyed by "
           "its id and period: sending it again is `unchanged`, with other numbers `replaced`. "
           "Bad bills are listed in `rejections` while the others are stored; 422 when none "
           "reads. `reconciliation` checks the uploaded bills against the building's readings "
           "under the tariff in effect (or the flat rate), or says why it cannot."},
          {"requestBody",
           {{"required", true},
            {"content",
             {{"application/json", {{"schema", ref("UtilityBillUpload")}}},
              {"text/csv", {{"schema", {{"type", "string"}}}}}}}}},
          {"parameters",
           nlohmann::json::array({api::query_param(
               "end_date", "CSV only: how date-only period_end values are read",
               {{"type", "string"}, {"enum", enum_names_json<billing::end_date>()}})})},
          {"responses",
           {{"200",
             json_response("stored, with the reconciliation", ref("UtilityBillUploadResult"))},
            {"400", problem_response("body is not JSON or CSV")},
            {"404", problem_response("no such building for this tenant")},
            {"422", problem_response("no bill could be read (see `errors`)")}}}}});
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/buildings/{building_id}/utility-bills",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = api::owned_building(ctx, r.path_params.at("building_id"));
            std::optional<bill_cursor> after;
            if (const auto text = r.query_param("cursor"); text && !text->empty()) {
              after = parse_bill_cursor(*text);
              if (!after) throw_bad_request("cursor is not one this server issued", "cursor");
            }
            // One more than asked tells whether another page follows.
            const auto limit = limit_param(r, 100, 1000);
            auto bills = list_bills(ctx, b, limit + 1, after);
            nlohmann::json next;
            if (bills.size() > limit) {
              bills.resize(limit);
              next =
                  to_string(bill_cursor{to_epoch(bills.back().bill.period.start), bills.back().id});
            }
            nlohmann::json list = nlohmann::json::array();
            for (const auto& s : bills)
              list.push_back(to_json(s));
            return response::json(200, {{"utility_bills", list}, {"next_cursor", next}});
          },
      .operation = {{"operationId", "listUtilityBills"},
                    {"tags", {"billing"}},
                    {"summary", "Stored utility bills, newest period first"},
                    {"parameters", api::page_params()},
                    {"responses",
                     {{"200", json_response("one page of bills", ref("UtilityBillList"))},
                      {"400", problem_response("bad limit or cursor")},
                      {"404", problem_response("no such building for this tenant")}}}}});
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/buildings/{building_id}/reconciliation",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = api::owned_building(ctx, r.path_params.at("building_id"));
            std::vector<billing::utility_bill> bills;
            for (auto& s : list_bills(ctx, b, limit_param(r, 12, 60)))
              bills.push_back(std::move(s.bill));
            return response::json(200, reconcile_bills(ctx, b, std::move(bills)));
          },
      .operation = {
          {"operationId", "getReconciliation"},
          {"tags", {"billing"}},
          {"summary", "The newest stored utility bills checked against the readings"},
          {"description",
           "The `limit` newest bills (default 12; 1 gives the latest bill vs calculated), each "
           "priced under the tariff version in effect at its start (or the flat rate), with "
           "billed vs computed kWh, kW and amount, differences and findings."},
          {"parameters", nlohmann::json::array({api::query_param(
                             "limit", "how many of the newest bills (default 12)",
                             {{"type", "integer"}, {"minimum", 1}, {"maximum", 60}})})},
          {"responses",
           {{"200", json_response("the reconciliation", ref("Reconciliation"))},
            {"400", problem_response("bad limit")},
            {"404", problem_response("no such building for this tenant")},
            {"422", problem_response("no electricity meter, or bills span too long")}}}}});
}

}  // namespace energy::server::costs
