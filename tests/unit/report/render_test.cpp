// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <energy/report/format.hpp>
#include <energy/report/render.hpp>
#include <energy/report/report.hpp>

#include "../../support/report_site.hpp"

using namespace energy;
using namespace energy::report;
using energy::testing::local_midnight_utc;
using energy::testing::site;

namespace {

energy::report::report march(report_type type = report_type::efficiency) {
  report_request q;
  q.type = type;
  q.building_id = site().office;
  q.end = std::chrono::local_days{std::chrono::year{2024} / 4 / 1};
  q.now = local_midnight_utc(2024, 4, 10, "America/Chicago");
  q.tariffs = {{std::chrono::local_days{std::chrono::year{2024} / 1 / 1},
                billing::flat_energy_tariff(*money::parse("0.12")), "USD"}};
  return build_report(*site().db, q);
}

}  // namespace

TEST_CASE("The JSON report has the seed's fields and the data behind its numbers") {
  const auto r = march();
  const auto j = nlohmann::json::parse(to_json(r));
  CHECK(j["report_id"] == r.report_id);
  CHECK(j["generated_at"] == "2024-04-10T05:00:00Z");
  CHECK(j["type"] == "efficiency");
  CHECK(j["insights"].is_array());
  CHECK(j["recommendations"].is_array());
  CHECK(j["kpis"]["consumption_kwh"] == format_kwh(r.headline.consumption));
  CHECK(j["kpis"]["consumption_wh"] == r.headline.consumption);
  CHECK(j["kpis"]["cost"] == r.headline.cost->to_string());
  CHECK(j["daily"].size() == 31);
  CHECK(j["load_profile"]["mean_kwh"].size() == 7);
  CHECK(j["monthly"].size() == 12);
  CHECK(j["bills"].size() == 1);
  CHECK(j["baseline"]["model"] == "towt");
  // Every insight names its evidence.
  for (const auto& i : j["insights"])
    CHECK_FALSE(i["evidence"].empty());
  // The daily consumption adds up to the KPI exactly (decimal strings, Wh).
  milli sum = 0;
  for (const auto& d : j["daily"])
    sum += *parse_milli(d["consumption_kwh"].get<std::string>());
  CHECK(sum == r.headline.consumption);
}

TEST_CASE("JSON strings are escaped and non-finite numbers are null") {
  auto r = march();
  r.notes.push_back("quote \" backslash \\ newline \n tab \t control \x01 é");
  r.daily[0].expected_kwh = std::nan("");
  const auto j = nlohmann::json::parse(to_json(r));
  CHECK(j["notes"].back() == r.notes.back());
  CHECK(j["daily"][0]["expected_kwh"].is_null());
}

TEST_CASE("CSV tables have a header and one row per item") {
  const auto r = march();
  const auto daily = to_csv(r, csv_table::daily);
  CHECK(daily.rfind("date,start_utc,end_utc,consumption_kwh", 0) == 0);
  CHECK(std::count(daily.begin(), daily.end(), '\n') == 32);
  CHECK(daily.find("2024-03-10,2024-03-10T06:00:00Z,2024-03-11T05:00:00Z") != std::string::npos);
  const auto bills = to_csv(r, csv_table::bills);
  CHECK(bills.find(",energy,") != std::string::npos);
  const auto recs = to_csv(r, csv_table::recommendations);
  CHECK(std::count(recs.begin(), recs.end(), '\n') ==
        static_cast<long>(r.recommendations.size() + 1));
  CHECK(parse<csv_table>("anomalies") == csv_table::anomalies);
  CHECK_THROWS_AS(parse<csv_table>("x"), energy::parse_error);
}

TEST_CASE("Formatted numbers have no negative zero and keep exact energy") {
  CHECK(format_percent(-0.04) == "+0.0%");
  CHECK(format_percent(8.25) == "+8.3%");
  CHECK(format_kwh(milli{-5}) == "-0.005");
  CHECK(format_number(std::nan(""), 1) == "n/a");
}
