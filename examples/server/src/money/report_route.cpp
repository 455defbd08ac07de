// SPDX-License-Identifier: Apache-2.0
// GET /buildings/{building_id}/analytics/report: the seed's report endpoint over the library's
// report builder (baselines, anomalies, recommendations, bills under the building's tariff
// versions), as JSON or, with Accept: application/pdf, as the PDF rendering.
#include <energy/report/pdf.hpp>
#include <energy/report/render.hpp>
#include <energy/report/report.hpp>

#include "api/common.hpp"
#include "http/enum_json.hpp"
#include "app/config.hpp"
#include "app/services.hpp"
#include "http/deferred_answer.hpp"
#include "http/problems.hpp"
#include "http/timed_pool.hpp"
#include "money/local_dates.hpp"
#include "money/routes.hpp"
#include "money/tariff_book.hpp"

namespace energy::server::costs {

namespace {

bool wants_pdf(const request& r) {
  const auto accept = r.header("accept").value_or("");
  return accept.find("application/pdf") != std::string_view::npos &&
         accept.find("application/json") == std::string_view::npos;
}

report::report_request read_request(const request& r, const building& b, request_context& ctx) {
  report::report_request q;
  q.building_id = b.id;
  q.tenant_id = ctx.who().tenant_id;  // a comparison ranks the caller's tenant only
  q.now = from_epoch(api::now_epoch());
  if (const auto t = r.query_param("report_type"); t && !t->empty()) {
    try {
      q.type = parse<report::report_type>(*t);
    } catch (const parse_error& e) {
      throw_bad_request(e.what(), "report_type");
    }
  }
  if (const auto p = r.query_param("period"); p && !p->empty()) {
    try {
      q.period = parse<report::period_length>(*p);
    } catch (const parse_error& e) {
      throw_bad_request(e.what(), "period");
    }
  }
  q.end = date_param(r, "end");
  for (const auto& v : effective_versions(ctx, b))
    q.tariffs.push_back({v.effective_from, v.parsed.tariff, v.currency});
  return q;
}

/// The report of `q` as PDF or JSON.
response build(storage::store& st, const report::report_request& q, bool pdf) {
  report::report built;
  try {
    built = report::build_report(st, q);
  } catch (const report::subject_not_found&) {
    throw_not_found("building");
  }
  response res;
  if (pdf) {
    res.content_type = "application/pdf";
    res.body = report::to_pdf(built);
    res.headers.emplace_back("Content-Disposition", "attachment; filename=\"report-" +
                                                        std::string(report::to_string(built.type)) +
                                                        "-" + built.window.label + ".pdf\"");
  } else {
    res.body = report::to_json(built);
  }
  return res;
}

}  // namespace

void add_report_route(std::vector<route>& out) {
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/buildings/{building_id}/analytics/report",
      .who = access::operator_,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = api::owned_building(ctx, r.path_params.at("building_id"));
            auto q = read_request(r, b, ctx);
            const bool pdf = wants_pdf(r);
            auto* pool = ctx.app().reports;
            if (pool == nullptr) return build(ctx.store(), q, pdf);
            // A report over a year of a large building can take long: it runs on the report
            // threads, and the client gets a 504 at the deadline whatever it does.
            auto answer = std::make_shared<deferred_answer>();
            if (!pool->submit(
                    [q = std::move(q), pdf](storage::store& st) { return build(st, q, pdf); },
                    answer, "the report")) {
              const int wait =
                  ctx.app().config != nullptr ? ctx.app().config->retry_after_seconds : 2;
              auto p = make_problem("/problems/unavailable",
                                    "every report thread is busy and the report queue is full; "
                                    "retry later");
              p.extra["retry_after"] = wait;
              throw problem_error(std::move(p));
            }
            return response::deferred(std::move(answer));
          },
      .operation = {
          {"operationId", "getBuildingReport"},
          {"tags", {"analytics"}},
          {"summary", "Efficiency, forecast or comparison report (operator or admin)"},
          {"description",
           "Computed by the library from the stored summaries and readings: KPIs, baseline "
           "(weather-normalised when the building has an outdoor temperature sensor), "
           "anomalies, recommendations with kWh and money savings, bills under the building's "
           "tariff versions, insights with the numbers they rest on. The period is the last "
           "complete week/month/quarter/year before `end` (a local date, default: the start of "
           "the current period); a forecast covers the period after it; a comparison ranks the "
           "caller's tenant's buildings. JSON by default; `Accept: application/pdf` gives the "
           "PDF. Operators and admins run reports (issue #14's roles); viewers read bills, "
           "energy and reconciliations instead."},
          {"parameters",
           nlohmann::json::array(
               {api::query_param(
                    "report_type", "efficiency (default), forecast or comparison",
                    {{"type", "string"}, {"enum", enum_names_json<report::report_type>()}}),
                api::query_param(
                    "period", "week, month (default), quarter or year",
                    {{"type", "string"}, {"enum", enum_names_json<report::period_length>()}}),
                api::query_param("end", "local date YYYY-MM-DD the period ends before (excluded)",
                                 {{"type", "string"}, {"format", "date"}})})},
          {"responses",
           {{"200",
             {{"description", "the report"},
              {"content",
               {{"application/json", {{"schema", api::ref("Report")}}},
                {"application/pdf",
                 {{"schema", {{"type", "string"}, {"contentMediaType", "application/pdf"}}}}}}}}},
            {"400", api::problem_response("a parameter is malformed")},
            {"404", api::problem_response("no such building for this tenant")},
            {"422", api::problem_response("a stored tariff cannot price the report")},
            {"503", api::problem_response("every report thread is busy; retry after Retry-After")},
            {"504", api::problem_response(
                        "the report took longer than ENERGY_REPORT_TIMEOUT (limit_seconds)")}}}}});
}

}  // namespace energy::server::costs
