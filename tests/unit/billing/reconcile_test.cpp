// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <energy/billing/reconcile.hpp>
#include <energy/quality.hpp>

#include "billing_fixtures.hpp"

using namespace energy;
using namespace energy::billing;
using namespace energy::billing::testing;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

/// $0.10/kWh, $10/month fixed, $10/kW flat demand on 15-minute windows.
tariff simple_tariff() {
  tariff t = flat_energy_tariff(dollars("0.10"));
  t.name = "test tariff";
  t.fixed_charge = dollars("10");
  t.flat_demand_periods = {single(dollars("10"))};
  return t;
}

/// June..August 2023 local, 15-minute data: 10 kWh per interval (40 kW), and each day at 14:00
/// local 25 kWh then 5 kWh (a 100 kW 15-minute peak, 60 kW over 30 minutes).
interval_series summer(const time_zone& z) {
  const auto from = local(z, 2023, 6, 1);
  const auto to = local(z, 2023, 9, 1);
  return series(from, to, 900, [z](utc_seconds t) {
    const auto lt = z.to_local(t);
    const auto tod = lt - std::chrono::floor<std::chrono::days>(lt);
    if (tod == hours{14}) return milli{25'000};
    if (tod == hours{14} + minutes{15}) return milli{5'000};
    return milli{10'000};
  });
}

/// The bill a correct utility would send: our own computation.
utility_bill honest(const interval_series& data, const tariff& t, const time_zone& z, time_range p,
                    const std::string& id) {
  const auto b = compute_bill(data, t, z, p);
  utility_bill u;
  u.id = id;
  u.period = p;
  u.consumption = b.energy;
  u.peak_demand = b.peak_demand;
  u.amount = b.total;
  u.source = "test:" + id;
  return u;
}

}  // namespace

TEST_CASE("a bill that matches the meter data and the tariff has no findings",
          "[billing][reconcile]") {
  const auto z = la();
  const auto t = simple_tariff();
  const auto data = summer(z);
  const std::vector bills{honest(data, t, z, {local(z, 2023, 6, 3), local(z, 2023, 7, 5)}, "A")};
  const auto r = reconcile(bills, data, t, z);
  REQUIRE(r.checks.size() == 1);
  CHECK(r.checks[0].ok());
  CHECK(r.flagged() == 0);
  CHECK(r.checks[0].cost_diff == money{});
  CHECK(r.checks[0].billed_rate == r.checks[0].computed_rate);
}

TEST_CASE("consumption and cost outside tolerance are flagged with the numbers, inside are not",
          "[billing][reconcile]") {
  const auto z = la();
  const auto t = simple_tariff();
  const auto data = summer(z);
  auto over = honest(data, t, z, {local(z, 2023, 6, 3), local(z, 2023, 7, 5)}, "A");
  const auto ours = over.consumption;
  over.consumption += ours / 20;                                  // +5 %
  over.amount += money::from_cents(over.consumption / 20 / 100);  // $0.10/kWh on the extra kWh
  auto close = honest(data, t, z, {local(z, 2023, 7, 5), local(z, 2023, 8, 4)}, "B");
  close.consumption += close.consumption / 200;  // +0.5 %: within 1 %
  close.amount += dollars("0.50");               // within $1
  const auto r = reconcile(std::vector{over, close}, data, t, z);
  CHECK(r.checks[0].has(finding_kind::consumption_mismatch));
  CHECK(r.checks[0].has(finding_kind::cost_mismatch));
  CHECK(r.checks[0].consumption_diff == ours / 20);
  CHECK_THAT(r.checks[0].findings[0].message, Catch::Contains(format_milli(ours)));
  CHECK(r.checks[1].ok());
}

TEST_CASE("the billed average rate is compared with the tariff's rate for the same load",
          "[billing][reconcile]") {
  const auto z = la();
  const auto t = simple_tariff();
  const auto data = summer(z);
  auto b = honest(data, t, z, {local(z, 2023, 6, 3), local(z, 2023, 7, 5)}, "A");
  const auto right = b.amount;
  b.amount =
      money::from_micros(right.micros() / 10 * 11).round_to_cents();  // 10 % more for the same kWh
  const auto r = reconcile(std::vector{b}, data, t, z);
  const auto& c = r.checks[0];
  CHECK(c.has(finding_kind::rate_mismatch));
  CHECK(c.has(finding_kind::cost_mismatch));
  CHECK_FALSE(c.has(finding_kind::consumption_mismatch));
  CHECK(*c.billed_rate > *c.computed_rate);
}

TEST_CASE("gaps, overlaps and duplicates between consecutive bills are flagged in period order",
          "[billing][reconcile]") {
  const auto z = la();
  const auto t = simple_tariff();
  const auto data = summer(z);
  const auto a = honest(data, t, z, {local(z, 2023, 6, 1), local(z, 2023, 7, 1)}, "A");
  const auto b =
      honest(data, t, z, {local(z, 2023, 7, 3), local(z, 2023, 8, 1)}, "B");  // 2-day gap
  const auto c =
      honest(data, t, z, {local(z, 2023, 7, 29), local(z, 2023, 8, 31)}, "C");  // 3-day overlap
  auto dup = b;
  dup.id = "B-reissued";  // same period, kWh and amount
  auto same_id = c;
  same_id.amount += dollars("5");
  const auto r = reconcile(std::vector{c, dup, a, b, same_id}, data, t, z);
  REQUIRE(r.checks.size() == 5);
  CHECK(r.checks[0].billed.id == "A");
  CHECK(r.checks[0].ok());
  CHECK(r.checks[1].billed.id == "B-reissued");  // stable order: dup came before b in the input
  CHECK(r.checks[1].has(finding_kind::gap_before));
  CHECK_THAT(r.checks[1].findings[0].message, Catch::Contains("2.00 days"));
  CHECK(r.checks[2].billed.id == "B");
  CHECK(r.checks[2].has(finding_kind::duplicate));
  CHECK_FALSE(r.checks[2].has(finding_kind::gap_before));
  CHECK(r.checks[3].billed.id == "C");
  CHECK(r.checks[3].has(finding_kind::overlap_with_previous));
  CHECK_THAT(r.checks[3].findings[0].message, Catch::Contains("3.00 days"));
  CHECK(r.checks[4].has(finding_kind::duplicate));
  CHECK_THAT(r.checks[4].findings[0].message, Catch::Contains("same bill id"));
}

TEST_CASE("estimated reads, estimated meter data and missing meter data are flagged with how much",
          "[billing][reconcile]") {
  const auto z = la();
  const auto t = simple_tariff();
  auto data = summer(z);
  data.quality.assign(data.size(), quality::good);
  // Drop local 2023-06-10 .. 06-13 (3 days of 30) and mark 8 intervals estimated on 06-20.
  const auto drop_from = to_epoch(local(z, 2023, 6, 10));
  const auto drop_to = to_epoch(local(z, 2023, 6, 13));
  interval_series holed;
  holed.interval_seconds = 900;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data.start[i] >= drop_from && data.start[i] < drop_to) continue;
    holed.start.push_back(data.start[i]);
    holed.energy.push_back(data.energy[i]);
    const bool est = data.start[i] >= to_epoch(local(z, 2023, 6, 20)) &&
                     data.start[i] < to_epoch(local(z, 2023, 6, 20, 2));
    holed.quality.push_back(est ? quality::estimated : quality::good);
  }
  auto b = honest(data, t, z, {local(z, 2023, 6, 1), local(z, 2023, 7, 1)}, "A");
  b.estimated = true;
  const auto r = reconcile(std::vector{b}, holed, t, z);
  const auto& c = r.checks[0];
  CHECK(c.has(finding_kind::estimated_read));
  CHECK(c.has(finding_kind::estimated_data));
  REQUIRE(c.has(finding_kind::incomplete_data));
  const auto it = std::find_if(c.findings.begin(), c.findings.end(), [](const finding& f) {
    return f.kind == finding_kind::incomplete_data;
  });
  CHECK_THAT(it->message, Catch::Contains("90.0%") && Catch::Contains("72.00 hours missing"));
  const auto est = std::find_if(c.findings.begin(), c.findings.end(), [](const finding& f) {
    return f.kind == finding_kind::estimated_data;
  });
  CHECK_THAT(est->message, Catch::StartsWith("8 of our 2592 intervals"));
  // The honest bill is now above our understated figures.
  CHECK(c.has(finding_kind::consumption_mismatch));
}

TEST_CASE("a period without meter data is reported as such, not as mismatches",
          "[billing][reconcile]") {
  const auto z = la();
  const auto t = simple_tariff();
  const auto data = summer(z);
  utility_bill b;
  b.id = "winter";
  b.period = {local(z, 2023, 12, 1), local(z, 2024, 1, 1)};
  b.consumption = 1'000'000;
  b.amount = dollars("110");
  utility_bill empty;
  empty.id = "empty";
  empty.period = {local(z, 2024, 2, 1), local(z, 2024, 2, 1)};
  const auto r = reconcile(std::vector{b, empty}, data, t, z);
  CHECK(r.checks[0].has(finding_kind::no_data));
  CHECK_FALSE(r.checks[0].has(finding_kind::consumption_mismatch));
  CHECK_FALSE(r.checks[0].has(finding_kind::cost_mismatch));
  CHECK(r.checks[1].has(finding_kind::invalid_period));
  CHECK_FALSE(r.checks[1].computed.has_value());
}

TEST_CASE("demand billed on 30-minute intervals under a 15-minute tariff is identified",
          "[billing][reconcile]") {
  const auto z = la();
  const auto t = simple_tariff();
  const auto data = summer(z);
  const time_range p{local(z, 2023, 6, 3), local(z, 2023, 7, 5)};
  auto b = honest(data, t, z, p, "A");
  REQUIRE(*b.peak_demand == 100'000);
  b.peak_demand = 60'000;  // what a 30-minute window gives
  b.amount -= dollars("400");
  const auto r = reconcile(std::vector{b}, data, t, z);
  const auto& c = r.checks[0];
  CHECK(c.has(finding_kind::demand_mismatch));
  REQUIRE(c.has(finding_kind::demand_interval_mismatch));
  CHECK(c.demand_by_interval.size() == 3);
  CHECK(c.demand_by_interval[0].demand == 100'000);
  CHECK(c.demand_by_interval[1].demand == 60'000);
  CHECK(c.demand_by_interval[1].matches_billed);
  CHECK(c.demand_by_interval[2].demand == 50'000);  // 14:00-15:00: 25+5+10+10 kWh
  const auto it = std::find_if(c.findings.begin(), c.findings.end(), [](const finding& f) {
    return f.kind == finding_kind::demand_interval_mismatch;
  });
  CHECK_THAT(it->message, Catch::Contains("30-minute demand 60.000 kW"));
}

TEST_CASE(
    "a bill that states a demand interval other than the tariff's is flagged even when the kW "
    "agree",
    "[billing][reconcile]") {
  const auto z = la();
  const auto t = simple_tariff();
  const auto data = summer(z);
  auto b = honest(data, t, z, {local(z, 2023, 6, 3), local(z, 2023, 7, 5)}, "A");
  b.demand_interval_seconds = 3600;
  const auto r = reconcile(std::vector{b}, data, t, z);
  CHECK(r.checks[0].has(finding_kind::demand_interval_mismatch));
  CHECK_FALSE(r.checks[0].has(finding_kind::demand_mismatch));
}

TEST_CASE("tolerances are configurable in absolute and relative terms", "[billing][reconcile]") {
  const auto z = la();
  const auto t = simple_tariff();
  const auto data = summer(z);
  auto b = honest(data, t, z, {local(z, 2023, 6, 3), local(z, 2023, 7, 5)}, "A");
  b.amount += dollars("3");
  reconcile_options strict;
  CHECK(reconcile(std::vector{b}, data, t, z, strict).checks[0].has(finding_kind::cost_mismatch) ==
        (dollars("3") > money::from_micros(static_cast<std::int64_t>(
                            0.01 * static_cast<double>(b.amount.micros())))));
  reconcile_options loose;
  loose.tolerance.cost_abs = dollars("5");
  CHECK_FALSE(
      reconcile(std::vector{b}, data, t, z, loose).checks[0].has(finding_kind::cost_mismatch));
  reconcile_options tight;
  tight.tolerance.cost_abs = dollars("0.01");
  tight.tolerance.cost_rel = 0.0;
  CHECK(reconcile(std::vector{b}, data, t, z, tight).checks[0].has(finding_kind::cost_mismatch));
}

TEST_CASE("the CSV report has one quoted row per bill with flags and messages",
          "[billing][reconcile]") {
  const auto z = la();
  const auto t = simple_tariff();
  const auto data = summer(z);
  auto a = honest(data, t, z, {local(z, 2023, 6, 1), local(z, 2023, 7, 1)}, "A, June");
  auto b = honest(data, t, z, {local(z, 2023, 7, 1), local(z, 2023, 8, 1)}, "B");
  b.estimated = true;
  const auto csv = to_csv(reconcile(std::vector{a, b}, data, t, z));
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < csv.size()) {
    const auto e = csv.find("\r\n", pos);
    lines.push_back(csv.substr(pos, e - pos));
    pos = e + 2;
  }
  REQUIRE(lines.size() == 3);
  CHECK_THAT(lines[0], Catch::StartsWith("bill_id,period_start,period_end,days,billed_kwh") &&
                           Catch::Contains("kw_15min,kw_30min,kw_60min,flags,findings,source"));
  CHECK_THAT(lines[1],
             Catch::StartsWith("\"A, June\",2023-06-01T07:00:00Z,2023-07-01T07:00:00Z,30.00,"));
  CHECK_THAT(lines[2], Catch::Contains(",true,") && Catch::Contains(",estimated_read,"));
}

TEST_CASE(
    "a bill that states no amount or no consumption is not compared on what it does not state",
    "[billing][reconcile]") {
  const auto z = la();
  const auto t = simple_tariff();
  const auto data = summer(z);
  auto b = honest(data, t, z, {local(z, 2023, 6, 3), local(z, 2023, 7, 5)}, "A");
  b.amount = money{};
  b.amount_stated = false;
  b.consumption = 0;
  b.consumption_stated = false;
  const auto r = reconcile(std::vector{b}, data, t, z);
  const auto& c = r.checks[0];
  CHECK(c.ok());
  CHECK_FALSE(c.billed_rate.has_value());
  CHECK(c.cost_diff == money{});
  b.amount_stated = true;  // a stated $0 is a real claim and is flagged
  CHECK(reconcile(std::vector{b}, data, t, z).checks[0].has(finding_kind::cost_mismatch));
}

TEST_CASE(
    "demand intervals shorter than the data interval are not compared, and peak_demand refuses "
    "them",
    "[billing][reconcile]") {
  const auto z = la();
  const auto t = simple_tariff();
  const auto from = local(z, 2023, 6, 1);
  const auto hourly =
      series(from, from + hours{24 * 30}, 3600, [](utc_seconds) { return milli{40'000}; });
  auto b = honest(hourly, t, z, {from, from + hours{24 * 30}}, "H");
  const auto r = reconcile(std::vector{b}, hourly, t, z);
  REQUIRE(r.checks[0].demand_by_interval.size() == 1);
  CHECK(r.checks[0].demand_by_interval[0].interval_seconds == 3600);
  CHECK(r.checks[0].demand_by_interval[0].demand == 40'000);
  CHECK_THROWS_WITH(peak_demand(hourly, {from, from + hours{24}}, 900),
                    Catch::Contains("900-second window"));
}
