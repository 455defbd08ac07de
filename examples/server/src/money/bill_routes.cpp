// SPDX-License-Identifier: Apache-2.0
// GET /buildings/{building_id}/bills: the bills of a range of local days, computed by the library
// from the stored readings under the tariff in effect (or the flat rate, labelled so).

#include <energy/io/billing_json.hpp>

#include "api/common.hpp"
#include "money/local_dates.hpp"
#include "money/meter_data.hpp"
#include "money/priced_bills.hpp"
#include "money/routes.hpp"

namespace energy::server::costs {

void add_bill_routes(std::vector<route>& out) {
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/buildings/{building_id}/bills",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = api::owned_building(ctx, r.path_params.at("building_id"));
            aggregate::local_calendar cal(b.time_zone);
            const auto first = date_param(r, "start_date");
            const auto last = date_param(r, "end_date");
            if (!first) throw_bad_request("start_date is required", "start_date");
            if (!last) throw_bad_request("end_date is required", "end_date");
            if (*last < *first) throw_unprocessable("end_date is before start_date", "end_date");
            // end_date is the last local day billed, included.
            const time_range range{day_start(cal, *first),
                                   day_start(cal, *last + std::chrono::days{1})};
            const auto data = building_electricity(ctx.store(), b, range);
            const auto effective = effective_versions(ctx, b);
            const auto bills = price_range(data, effective, b, cal, range);

            nlohmann::json list = nlohmann::json::array();
            std::optional<std::string> currency;
            bool one_currency = true;
            money total;
            for (const auto& p : bills) {
              auto item = p.basis.describe();
              item["local_start"] = format_local(p.bill.period.start, cal.zone());
              item["local_end"] = format_local(p.bill.period.end, cal.zone());
              item["prorated"] = p.prorated;
              item["bill"] = nlohmann::json::parse(io::bill_to_json(p.bill, -1));
              const auto& c = item["currency"];
              const std::string code = c.is_string() ? c.get<std::string>() : std::string();
              if (!currency) currency = code;
              one_currency = one_currency && *currency == code;
              total += p.bill.total;
              list.push_back(std::move(item));
            }
            nlohmann::json body = {
                {"building_id", b.id.to_string()},
                {"time_zone", b.time_zone},
                {"start", format_utc(range.start)},
                {"end", format_utc(range.end)},
                {"bills", std::move(list)},
                // Amounts in two currencies (or a flat rate without one) are not added up.
                {"total", one_currency ? nlohmann::json(total.to_string()) : nlohmann::json()},
                {"currency", one_currency && currency && !currency->empty()
                                 ? nlohmann::json(*currency)
                                 : nlohmann::json()}};
            return response::json(200, body);
          },
      .operation = {
          {"operationId", "listBills"},
          {"tags", {"billing"}},
          {"summary", "Bills computed from the stored readings for a range of local days"},
          {"description",
           "One bill per local calendar month, split where a tariff version takes effect; each "
           "is priced by the tariff version in effect (`basis: tariff`), or where none is by "
           "the building's flat_rate_per_kwh (`basis: flat_rate`, no currency). A part shorter "
           "than its month pays monthly charges pro rata (`prorated`). Lines carry their "
           "inputs; quantities and money are decimal strings (`amount` rounded to cents, "
           "`exact` to the micro-unit). `coverage_pct` shows how much of the period the "
           "readings cover. The readings are all the building's electricity meters summed "
           "interval by interval. 422 when a day has neither a tariff nor a flat rate, when the "
           "building has no electricity meter, or the range exceeds " +
               std::to_string(max_priced_days) + " days."},
          {"parameters",
           nlohmann::json::array(
               {api::query_param("start_date", "first local day billed (YYYY-MM-DD)",
                                 {{"type", "string"}, {"format", "date"}}, true),
                api::query_param("end_date", "last local day billed, included (YYYY-MM-DD)",
                                 {{"type", "string"}, {"format", "date"}}, true)})},
          {"responses",
           {{"200", api::json_response("the bills", api::ref("BillList"))},
            {"400", api::problem_response("a date is missing or malformed")},
            {"404", api::problem_response("no such building for this tenant")},
            {"422",
             api::problem_response("nothing prices a day, no meter, or range too long")}}}}});
}

}  // namespace energy::server::costs
