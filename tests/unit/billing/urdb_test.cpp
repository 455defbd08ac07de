// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <energy/billing/bill.hpp>
#include <energy/error.hpp>
#include <energy/io/urdb.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

using namespace energy;
using namespace energy::io;

namespace {
const std::filesystem::path data_dir{ENERGY_TEST_DATA_DIR};
const auto sce = data_dir / "tariffs" / "reopt_incentives.json";
const auto entergy = data_dir / "tariffs" / "reopt_re_emissions_elec_only.json";

bool mentions(const std::vector<std::string>& list, const std::string& prefix) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

money dollars(const char* s) {
  return *money::parse(s);
}

/// A minimal record: `extra` fields, plus a one-period energy structure unless `extra` has one.
std::string record(const std::string& extra) {
  std::string r = R"({"name":"t")";
  if (extra.find("\"energyratestructure\"") == std::string::npos)
    r += R"(,"energyratestructure":[[{"rate":0.1,"unit":"kWh"}]])";
  if (!extra.empty()) {
    r += ',';
    r += extra;
  }
  r += '}';
  return r;
}
}  // namespace

TEST_CASE(
    "the SCE GS-2 TOU B record reads into its TOU energy, TOU demand, flat demand and fixed charge",
    "[billing][urdb]") {
  if (!std::filesystem::exists(sce)) {
    WARN("shared data absent: " + sce.string());
    return;
  }
  const auto r = read_urdb_file(sce);
  const auto& t = r.tariff;
  CHECK(t.name == "TimeofUse,GeneralService,DemandMetered,OptionB:GS-2TOUB,SinglePhase");
  CHECK(t.utility == "SouthernCaliforniaEdisonCo");
  CHECK(t.label == "55fc81d7682bea28da64f9ae");
  REQUIRE(t.energy_periods.size() == 5);
  CHECK(t.energy_periods[1].tiers.at(0).rate == dollars("0.09368"));
  CHECK(t.energy_periods[4].tiers.at(0).rate == dollars("0.1355"));
  CHECK(t.energy_weekday[5][12] == 4);  // June, noon: summer on-peak
  CHECK(t.energy_weekday[0][12] == 1);
  CHECK(t.energy_weekend[6][12] == 2);
  REQUIRE(t.demand_periods.size() == 3);
  CHECK(t.demand_periods[2].tiers.at(0).rate == dollars("18.11"));
  CHECK(t.demand_weekday[7][15] == 2);
  REQUIRE(t.flat_demand_periods.size() == 1);
  CHECK(t.flat_demand_periods[0].tiers.at(0).rate == dollars("13.2"));
  CHECK(t.fixed_charge == dollars("259.2"));
  CHECK(t.fixed_charge_unit == billing::charge_unit::per_month);
  CHECK(t.demand_window_minutes == 15);  // URDB default when demandwindow is absent
  // Price-affecting free-text attributes are reported by name, descriptive fields are not.
  CHECK(mentions(r.unsupported, "energyattrs"));
  CHECK(mentions(r.unsupported, "demandattrs"));
  CHECK_FALSE(r.complete());
  CHECK(mentions(r.informational, "uri"));
  CHECK(mentions(r.informational, "voltagecategory"));
}

TEST_CASE("the Entergy record reads rate plus adj riders and its 15-minute demand window",
          "[billing][urdb]") {
  if (!std::filesystem::exists(entergy)) {
    WARN("shared data absent: " + entergy.string());
    return;
  }
  const auto r = read_urdb_file(entergy);
  const auto& t = r.tariff;
  REQUIRE(t.energy_periods.size() == 4);
  CHECK(t.energy_periods[0].tiers[0].rate == dollars("0.01973"));
  CHECK(t.energy_periods[0].tiers[0].adj == dollars("0.01882"));
  CHECK(t.energy_periods[0].tiers[0].price() == dollars("0.03855"));
  CHECK(t.demand_periods[0].tiers[0].price() == dollars("18.887"));
  CHECK(t.fixed_charge == dollars("468.6"));
  CHECK(t.demand_window_minutes == 15);
  CHECK(t.flat_demand_periods.empty());
  CHECK(r.complete());
  CHECK(mentions(r.informational, "usenetmetering"));
}

TEST_CASE(
    "a bare record, the URDB API items form and an explicit JSON pointer read the same tariff",
    "[billing][urdb]") {
  if (!std::filesystem::exists(sce)) {
    WARN("shared data absent");
    return;
  }
  const auto wrapped = read_urdb_file(sce);
  const auto text = slurp(sce);
  const auto by_pointer = read_urdb(text, "sce", "/ElectricTariff/urdb_response");
  CHECK(by_pointer.tariff == wrapped.tariff);
  const auto rec_start = text.find("\"urdb_response\"");
  REQUIRE(rec_start != std::string::npos);
  // Cut the record object out of the scenario to get a bare record.
  const auto open = text.find('{', rec_start);
  int depth = 0;
  std::size_t close = open;
  for (; close < text.size(); ++close) {
    if (text[close] == '{') ++depth;
    if (text[close] == '}' && --depth == 0) break;
  }
  const auto bare = text.substr(open, close - open + 1);
  CHECK(read_urdb(bare).tariff == wrapped.tariff);
  CHECK(read_urdb("{\"items\":[" + bare + "]}").tariff == wrapped.tariff);
  CHECK_THROWS_WITH(read_urdb("{\"items\":[" + bare + "," + bare + "]}", "two.json"),
                    Catch::Contains("two.json: items: expected exactly one URDB record, found 2"));
  CHECK_THROWS_WITH(read_urdb(text, "sce", "/ElectricTariff/nothing"),
                    Catch::Contains("/ElectricTariff/nothing"));
}

TEST_CASE("tiers with max, fixed charge per day and a minimum charge are read with their units",
          "[billing][urdb]") {
  const auto r = read_urdb(
      R"({"energyratestructure":[[{"rate":0.1,"max":500,"unit":"kWh"},{"rate":0.15,"unit":"kWh"}]],
    "fixedchargefirstmeter":0.5,"fixedchargeunits":"$/day","mincharge":25,"minchargeunits":"$/month","demandwindow":30,
    "flatdemandstructure":[[{"rate":5,"max":100},{"rate":7}],[{"rate":9}]],"flatdemandmonths":[0,0,0,0,0,1,1,1,1,0,0,0],
    "demandratchetpercentage":[0,0,0,0,0,0,0,0,0,0,0,0]})");
  const auto& t = r.tariff;
  CHECK(t.energy_periods[0].tiers[0].max == 500'000);
  CHECK_FALSE(t.energy_periods[0].tiers[1].max);
  CHECK(t.fixed_charge == dollars("0.5"));
  CHECK(t.fixed_charge_unit == billing::charge_unit::per_day);
  CHECK(t.minimum_charge == dollars("25"));
  CHECK(t.demand_window_minutes == 30);
  CHECK(t.flat_demand_periods[0].tiers[0].max == 100'000);
  CHECK(t.flat_demand_months[6] == 1);
  CHECK(r.complete());
}

TEST_CASE("unsupported pricing fields are reported by name with the reason", "[billing][urdb]") {
  const auto r =
      read_urdb(record(R"("coincidentratestructure":[[{"rate":3}]],"coincidentrateschedule":[],
    "demandratchetpercentage":[0.8,0,0,0,0,0,0,0,0,0,0,0],"fixedchargeeaaddl":12,"fueladjustmentsmonthly":[0.01],
    "minchargeunits":"$/year","mincharge":100,"lookbackpercent":0.5,
    "energyratestructure":[[{"rate":0.1,"sell":0.03,"unit":"kWh daily","max":20},{"rate":0.2}]])"));
  for (const char* name :
       {"coincidentratestructure", "coincidentrateschedule", "demandratchetpercentage",
        "fixedchargeeaaddl", "fueladjustmentsmonthly", "minchargeunits", "lookbackpercent",
        "energyratestructure[0][0].sell", "energyratestructure[0][0].unit"})
    CHECK(mentions(r.unsupported, name));
  CHECK(r.tariff.minimum_charge == money{});  // $/year not applied, and said so
}

TEST_CASE("malformed URDB documents raise parse_error naming the field path", "[billing][urdb]") {
  CHECK_THROWS_WITH(read_urdb("{\"energyratestructure\": [", "bad.json"),
                    Catch::StartsWith("bad.json: invalid JSON"));
  CHECK_THROWS_AS(read_urdb("{\"energyratestructure\": ["), parse_error);
  CHECK_THROWS_WITH(read_urdb(record(R"("energyratestructure":[[{"rate":"abc"}]])"), "x.json"),
                    Catch::Contains("x.json: energyratestructure[0][0].rate: expected a number"));
  CHECK_THROWS_WITH(read_urdb(R"({"energyratestructure":[[{"rate":0.1}],[{"rate":0.2}]],
                                  "energyweekdayschedule":[[0]],"energyweekendschedule":[[0]]})"),
                    Catch::Contains("energyweekdayschedule: expected 12 months of 24 hours"));
  std::string sched = "[";
  for (int m = 0; m < 12; ++m) {
    sched += m ? ",[" : "[";
    for (int h = 0; h < 24; ++h) {
      if (h) sched += ',';
      sched += (m == 3 && h == 7) ? '2' : '0';
    }
    sched += "]";
  }
  sched += "]";
  CHECK_THROWS_WITH(
      read_urdb(
          R"({"energyratestructure":[[{"rate":0.1}],[{"rate":0.2}]],"energyweekdayschedule":)" +
          sched + ",\"energyweekendschedule\":" + sched + "}"),
      Catch::Contains("energyweekdayschedule[3][7]: period 2 does not exist (2 periods)"));
  CHECK_THROWS_WITH(read_urdb(record(R"("energyratestructure":[[{"rate":0.1},{"rate":0.2}]])")),
                    Catch::Contains("energyratestructure[0][0].max: missing"));
  CHECK_THROWS_WITH(read_urdb(record(R"("demandwindow":7)")),
                    Catch::Contains("demandwindow: must divide a day"));
  CHECK_THROWS_WITH(
      read_urdb(record(
          R"("flatdemandstructure":[[{"rate":1}]],"flatdemandmonths":[0,0,1,0,0,0,0,0,0,0,0,0])")),
      Catch::Contains("flatdemandmonths[2]: period 1 does not exist"));
  CHECK_THROWS_WITH(read_urdb_file(data_dir / "no-such-tariff.json"),
                    Catch::Contains("cannot open file"));
  CHECK_THROWS_WITH(read_urdb("[1,2]", "arr.json"),
                    Catch::Contains("arr.json: (record): expected a URDB record object"));
}

TEST_CASE(
    "a schedule without its rate structure, or several periods without a schedule, is malformed",
    "[billing][urdb]") {
  CHECK_THROWS_WITH(
      read_urdb(record(R"("demandweekdayschedule":[])")),
      Catch::Contains("demandratestructure: missing, but demandweekdayschedule is present"));
  CHECK_THROWS_WITH(
      read_urdb(record(R"("demandratestructure":[[{"rate":1}],[{"rate":2}]])")),
      Catch::Contains(
          "demandweekdayschedule: missing, but demandratestructure has several periods"));
  const auto one = read_urdb(record(R"("demandratestructure":[[{"rate":7}]])"));
  CHECK(one.tariff.demand_periods.size() == 1);
  CHECK(one.tariff.demand_weekday[11][23] == 0);
}

TEST_CASE("integer fields accept 15.0 but reject fractions and out-of-range values with the path",
          "[billing][urdb]") {
  CHECK(read_urdb(record(R"("demandwindow":30.0)")).tariff.demand_window_minutes == 30);
  CHECK_THROWS_WITH(read_urdb(record(R"("demandwindow":15.5)")),
                    Catch::Contains("demandwindow: 15.5 is not an integer"));
  CHECK_THROWS_WITH(read_urdb(record(R"("demandwindow":1e30)")),
                    Catch::Contains("demandwindow: 1e+30 is outside 1..1440"));
  CHECK_THROWS_WITH(read_urdb(record(R"("demandwindow":"15")")),
                    Catch::Contains("demandwindow: expected an integer"));
}

TEST_CASE("the Entergy record prices a summer weekday with its adj riders on energy and TOU demand",
          "[billing][urdb]") {
  if (!std::filesystem::exists(entergy)) {
    WARN("shared data absent: " + entergy.string());
    return;
  }
  const auto t = read_urdb_file(entergy).tariff;
  const auto z = find_zone("America/Chicago");
  // Wednesday 2018-07-11, 15-minute data: 1,000 kW, 1,200 kW in the on-peak hours 13:00-20:00
  // local.
  const auto from = z.first_instant(std::chrono::local_days{std::chrono::year{2018} / 7 / 11});
  billing::interval_series s;
  s.interval_seconds = 900;
  for (int i = 0; i < 96; ++i) {
    const bool on_peak = i >= 13 * 4 && i < 20 * 4;
    s.start.push_back(to_epoch(from) + i * 900);
    s.energy.push_back(on_peak ? 300'000 : 250'000);  // Wh per 15 min
  }
  const auto b = billing::compute_bill(s, t, z, {from, from + std::chrono::hours{24}});
  // Hand computation: fixed 468.60; energy 8,400 kWh x (0.01973 + 0.01882) = 323.82 and
  // 17,000 kWh x (0.01408 + 0.01882) = 559.30; demand 1,200 kW x (18.18 + 0.707) = 22,664.40 and
  // 1,000 kW x (5.33 + 0.707) = 6,037.00.
  CHECK(b.lines.size() == 5);
  CHECK(b.total == dollars("30053.12"));
  CHECK(b.peak_demand == 1'200'000);
  CHECK(b.demand_window_seconds == 900);
}

TEST_CASE("an out-of-range number in URDB JSON is a parse_error, never the JSON library's error",
          "[billing][urdb]") {
  const std::vector<std::string> docs{
      record(R"("fixedchargefirstmeter":1e400)"),
      record(R"("energyratestructure":[[{"rate":1e400,"unit":"kWh"}]])"),
      std::string(R"({"name":"t","x":-1e999})")};
  for (const auto& doc : docs) {
    INFO(doc);
    try {
      (void)read_urdb(doc, "big.json");
      FAIL("accepted");
    } catch (const parse_error& e) {
      CHECK_THAT(std::string(e.what()), Catch::Contains("big.json"));
    }
  }
}

TEST_CASE("huge URDB tier maxima (1e14, 1e38) are read as no limit and listed", "[billing][urdb]") {
  // Two tiers: 0.10 $/kWh up to 1,000 kWh, then 0.20 $/kWh with max 1e38 (URDB's "no limit").
  const auto r = read_urdb(record(
      R"("energyratestructure":[[{"rate":0.1,"max":1000,"unit":"kWh"},{"rate":0.2,"max":1e38,"unit":"kWh"}]],
         "flatdemandstructure":[[{"rate":5,"max":1e14}]],"flatdemandmonths":[0,0,0,0,0,0,0,0,0,0,0,0])"));
  const auto& t = r.tariff;
  REQUIRE(t.energy_periods.at(0).tiers.size() == 2);
  CHECK(t.energy_periods[0].tiers[0].max == milli{1'000'000});
  CHECK_FALSE(t.energy_periods[0].tiers[1].max.has_value());
  CHECK_FALSE(t.flat_demand_periods.at(0).tiers.at(0).max.has_value());
  CHECK(mentions(r.informational, "energyratestructure[0][1].max = 1e+38"));
  CHECK(mentions(r.informational, "flatdemandstructure[0][0].max = 1e+14"));
  CHECK(r.complete());
  // 3,000 kWh in one hour: 1,000 x 0.10 + 2,000 x 0.20 = 500.00 (hand-computed).
  billing::interval_series s;
  s.interval_seconds = 3600;
  const auto z = find_zone("America/Chicago");
  const auto from = z.first_instant(std::chrono::local_days{std::chrono::year{2024} / 3 / 5});
  s.start = {to_epoch(from), to_epoch(from) + 3600};
  s.energy = {3'000'000, 0};
  billing::tariff energy_only = t;
  energy_only.flat_demand_periods.clear();
  energy_only.flat_demand_months = {};
  const auto b = billing::compute_bill(s, energy_only, z, {from, from + std::chrono::hours{2}});
  CHECK(b.total == dollars("500.00"));
}

TEST_CASE("a no-limit max before the last tier drops the unreachable tiers and says so",
          "[billing][urdb]") {
  const auto r = read_urdb(
      record(R"("energyratestructure":[[{"rate":0.1,"max":"1e14"},{"rate":0.2,"max":5e15}]])"));
  REQUIRE(r.tariff.energy_periods.at(0).tiers.size() == 1);
  CHECK_FALSE(r.tariff.energy_periods[0].tiers[0].max.has_value());
  CHECK(mentions(r.informational, "energyratestructure[0][1..1]: unreachable"));
}

TEST_CASE("tier maxima that are NaN, negative or text are refused naming the field",
          "[billing][urdb]") {
  CHECK_THROWS_WITH(
      read_urdb(record(R"("energyratestructure":[[{"rate":0.1,"max":-5},{"rate":0.2}]])")),
      Catch::Contains("energyratestructure[0][0].max: -5 is negative"));
  CHECK_THROWS_WITH(
      read_urdb(record(R"("energyratestructure":[[{"rate":0.1,"max":"NaN"},{"rate":0.2}]])")),
      Catch::Contains("energyratestructure[0][0].max: nan is not a finite number"));
  CHECK_THROWS_WITH(
      read_urdb(record(R"("demandratestructure":[[{"rate":1,"max":"lots"},{"rate":2}]])")),
      Catch::Contains("demandratestructure[0][0].max: expected a number (quantity)"));
  CHECK_THROWS_WITH(
      read_urdb(record(R"("demandratestructure":[[{"rate":1,"max":true},{"rate":2}]])")),
      Catch::Contains("demandratestructure[0][0].max: expected a number (quantity)"));
  CHECK_THROWS_AS(read_urdb(record(R"("energyratestructure":[[{"rate":0.1,"max":1e400}]])")),
                  parse_error);
}

TEST_CASE("URDB charges the model cannot apply reach the bill's unapplied list",
          "[billing][urdb]") {
  const auto r = read_urdb(record(R"("coincidentratestructure":[[{"rate":3}]],
    "coincidentrateschedule":[],"dgrules":"Net Billing Hourly")"));
  CHECK(mentions(r.unsupported, "coincidentratestructure: coincident-peak demand is not applied"));
  CHECK(mentions(r.unsupported, "dgrules = 'Net Billing Hourly'"));
  CHECK(r.tariff.unapplied == r.unsupported);
  const auto z = find_zone("America/New_York");
  const auto from = z.first_instant(std::chrono::local_days{std::chrono::year{2025} / 1 / 6});
  billing::interval_series s;
  s.interval_seconds = 3600;
  s.start = {to_epoch(from)};
  s.energy = {1'000};
  const auto b = billing::compute_bill(s, r.tariff, z, {from, from + std::chrono::hours{1}});
  CHECK(b.total == dollars("0.10"));
  CHECK(b.unapplied == r.unsupported);
  CHECK(mentions(read_urdb(record(R"("dgrules":"Net Metering")")).informational,
                 "dgrules (Net Metering)"));
}

TEST_CASE("a wrapper without its tariff record, or a record without charges, is refused",
          "[billing][urdb]") {
  CHECK_THROWS_WITH(read_urdb(R"({"Site":{"latitude":34},"ElectricTariff":{"urdb_label":"abc"}})",
                              "scenario.json"),
                    Catch::Contains("scenario.json: ElectricTariff: no urdb_response record") &&
                        Catch::Contains("urdb_label"));
  CHECK_THROWS_WITH(read_urdb(R"({"ElectricTariff":{"urdb_response":null}})"),
                    Catch::Contains("ElectricTariff: no urdb_response record"));
  CHECK_THROWS_WITH(read_urdb(R"({"items":[]})"),
                    Catch::Contains("items: expected exactly one URDB record, found 0"));
  CHECK_THROWS_WITH(read_urdb("{}", "empty.json"), Catch::Contains("has no charges"));
  CHECK_THROWS_WITH(read_urdb(R"({"name":"x","coincidentratestructure":[[{"rate":3}]]})"),
                    Catch::Contains("cannot apply: coincidentratestructure"));
}
