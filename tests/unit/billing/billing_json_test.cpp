// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <energy/io/billing_json.hpp>

#include <nlohmann/json.hpp>

#include "billing_fixtures.hpp"

using namespace energy;
using namespace energy::billing;
using namespace energy::billing::testing;
using std::chrono::hours;

TEST_CASE("a bill as JSON keeps exact quantities and money as decimal strings", "[billing][json]") {
  const auto z = la();
  tariff t = flat_energy_tariff(dollars("0.13553"));
  t.fixed_charge = dollars("259.2");
  t.flat_demand_periods = {single(dollars("13.2"))};
  const auto from = local(z, 2023, 7, 1);
  const auto data = series(from, from + hours{24}, 900, [](utc_seconds) { return milli{1'234}; });
  const auto b = compute_bill(data, t, z, {from, from + hours{24}});
  const auto j = nlohmann::json::parse(io::bill_to_json(b));
  CHECK(j["period_start"] == "2023-07-01T07:00:00Z");
  CHECK(j["kwh"] == "118.464");
  CHECK(j["peak_kw"] == "4.936");
  REQUIRE(j["lines"].size() == 3);
  CHECK(j["lines"][0]["kind"] == "fixed");
  CHECK(j["lines"][0]["amount"] == "259.20");
  CHECK(j["lines"][1]["kwh"] == "118.464");
  CHECK(j["lines"][1]["rate"] == "0.135530");
  CHECK(j["lines"][1]["exact"] == "16.055426");
  CHECK(j["lines"][2]["kind"] == "flat_demand");
  CHECK(j["lines"][2]["kw"] == "4.936");
  CHECK(j["total"] == b.total.to_string());
}

TEST_CASE(
    "a reconciliation report as JSON carries billed, computed, differences and findings per bill",
    "[billing][json]") {
  const auto z = la();
  tariff t = flat_energy_tariff(dollars("0.10"));
  t.name = "flat 10c";
  const auto from = local(z, 2023, 7, 1);
  const auto data =
      series(from, from + hours{24 * 30}, 900, [](utc_seconds) { return milli{1'000}; });
  utility_bill u;
  u.id = "S-1";
  u.period = {from, from + hours{24 * 30}};
  u.consumption = 2'880'000 + 100'000;
  u.peak_demand = 4'000;
  u.amount = dollars("298.00");
  u.estimated = true;
  u.source = "bills.csv:2";
  const auto r = reconcile(std::vector{u}, data, t, z);
  const auto j = nlohmann::json::parse(io::reconciliation_to_json(r));
  CHECK(j["tariff"] == "flat 10c");
  CHECK(j["zone"] == "America/Los_Angeles");
  CHECK(j["flagged"] == 1);
  const auto& c = j["checks"][0];
  CHECK(c["billed"]["id"] == "S-1");
  CHECK(c["billed"]["estimated"] == true);
  CHECK(c["computed"]["kwh"] == "2880.000");
  CHECK(c["computed"]["total"] == "288.00");
  CHECK(c["difference_billed_minus_computed"]["kwh"] == "100.000");
  CHECK(c["difference_billed_minus_computed"]["amount"] == "10.00");
  CHECK(c["ok"] == false);
  std::vector<std::string> kinds;
  for (const auto& f : c["findings"])
    kinds.push_back(f["kind"]);
  CHECK(kinds ==
        std::vector<std::string>{"estimated_read", "consumption_mismatch", "cost_mismatch"});
  CHECK(c["demand_by_interval"].size() == 3);
}

TEST_CASE("a reconciliation report whose bill id is not UTF-8 is still a JSON document",
          "[billing][json]") {
  // A bills CSV may carry any bytes in its id column; the report must never throw the JSON
  // library's exception (energy-server answered 500 for such an upload, found by
  // fuzz_api_handlers). Invalid bytes come out as U+FFFD.
  const auto z = la();
  tariff t = flat_energy_tariff(dollars("0.10"));
  const auto from = local(z, 2023, 7, 1);
  const auto data = series(from, from + hours{24}, 900, [](utc_seconds) { return milli{1'000}; });
  utility_bill u;
  u.id = "INV-\xC4";
  u.period = {from, from + hours{24}};
  u.consumption = 96'000;
  u.amount = dollars("9.60");
  u.source = "upload.csv:2";
  const auto r = reconcile(std::vector{u}, data, t, z);
  std::string text;
  REQUIRE_NOTHROW(text = io::reconciliation_to_json(r, -1));
  const auto j = nlohmann::json::parse(text);
  CHECK(j["checks"][0]["billed"]["id"] == "INV-\xEF\xBF\xBD");
}
