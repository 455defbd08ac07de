// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <energy/report/report.hpp>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "../../support/report_site.hpp"

using namespace energy;
using namespace energy::report;
using energy::testing::local_midnight_utc;
using energy::testing::site;

namespace {

constexpr const char* chicago = "America/Chicago";

report_request march_2024(report_type type = report_type::efficiency) {
  report_request q;
  q.type = type;
  q.period = period_length::month;
  q.building_id = site().office;
  q.end = std::chrono::local_days{std::chrono::year{2024} / 4 / 1};
  q.now = local_midnight_utc(2024, 4, 10, chicago);
  return q;
}

tariff_assignment flat(const char* price, unsigned month, unsigned day) {
  return {std::chrono::local_days{std::chrono::year{2024} / month / day},
          billing::flat_energy_tariff(*money::parse(price)), "USD"};
}

}  // namespace

TEST_CASE("A month ends at the exclusive local date and defaults to the last complete month") {
  const auto z = find_zone(chicago);
  const auto w = make_window(period_length::month,
                             std::chrono::local_days{std::chrono::year{2024} / 4 / 1}, z);
  CHECK(w.label == "2024-03");
  CHECK(w.days() == 31);
  // March 2024 in Chicago has the spring-forward day: 31 days minus one hour.
  CHECK(w.range.length() == std::chrono::hours{31 * 24 - 1});
  CHECK(default_end(period_length::month, local_midnight_utc(2024, 4, 10, chicago), z) ==
        std::chrono::local_days{std::chrono::year{2024} / 4 / 1});
  CHECK(default_end(period_length::quarter, local_midnight_utc(2024, 5, 10, chicago), z) ==
        std::chrono::local_days{std::chrono::year{2024} / 4 / 1});
  // 2024-04-10 is a Wednesday: the week ends on Monday 2024-04-08.
  CHECK(default_end(period_length::week, local_midnight_utc(2024, 4, 10, chicago), z) ==
        std::chrono::local_days{std::chrono::year{2024} / 4 / 8});
  CHECK(
      make_window(period_length::year, std::chrono::local_days{std::chrono::year{2024} / 1 / 1}, z)
          .label == "2023");
  CHECK(make_window(period_length::quarter,
                    std::chrono::local_days{std::chrono::year{2024} / 4 / 1}, z)
            .label == "2024-Q1");
  CHECK(make_window(period_length::month, std::chrono::local_days{std::chrono::year{2024} / 3 / 31},
                    z)
            .first_day == std::chrono::local_days{std::chrono::year{2024} / 2 / 29});
  CHECK_THROWS_AS(parse<period_length>("fortnight"), energy::parse_error);
  CHECK_THROWS_AS(parse<report_type>("summary"), energy::parse_error);
}

TEST_CASE("Consumption of a DST month with a gap equals the exact sum of its stored readings") {
  auto& s = site();
  const auto r = build_report(*s.db, march_2024());
  REQUIRE(r.has_data);
  const auto exact = energy::testing::stored_sum(*s.db, s.electricity, r.window.range);
  CHECK(r.headline.consumption == exact);
  milli daily = 0;
  for (const auto& d : r.daily)
    daily += d.consumption;
  CHECK(daily == exact);
  REQUIRE(r.daily.size() == 31);
  // 2024-03-10 is the 23-hour day.
  CHECK(r.daily[9].range.length() == std::chrono::hours{23});
  CHECK(r.daily[9].coverage == Approx(1.0));
  // The 6-hour gap on 2024-03-05: 24 of 96 readings missing.
  CHECK(r.daily[4].coverage == Approx(72.0 / 96.0));
  CHECK(r.headline.readings == r.headline.expected_readings - 24);
  const bool gap_reported =
      std::any_of(r.anomalies.begin(), r.anomalies.end(), [](const anomaly::anomaly& a) {
        return a.kind == anomaly::anomaly_kind::missing_data &&
               a.range.length() == std::chrono::hours{6};
      });
  CHECK(gap_reported);
  const bool coverage_insight =
      std::any_of(r.insights.begin(), r.insights.end(), [](const auto& i) {
        return i.topic == "coverage" && i.text.find("24 of") != std::string::npos;
      });
  CHECK(coverage_insight);
}

TEST_CASE("KPIs compare with the previous period and the same period last year") {
  auto& s = site();
  const auto r = build_report(*s.db, march_2024());
  const auto& k = r.headline;
  REQUIRE(k.previous_period.percent);
  REQUIRE(k.same_period_last_year.percent);
  const auto feb =
      energy::testing::stored_sum(*s.db, s.electricity, k.previous_period.reference.range);
  CHECK(k.previous_period.reference_consumption == feb);
  CHECK(*k.previous_period.percent ==
        Approx(100.0 * static_cast<double>(k.consumption - feb) / static_cast<double>(feb)));
  CHECK(k.same_period_last_year.reference.label == "2023-03");
  CHECK(k.peak_demand > 0);
  REQUIRE(k.eui_kwh_per_ft2_year);
  CHECK(*k.eui_kwh_per_ft2_year == Approx(from_milli(k.consumption) / 50'000.0 * 365.25 / 31.0));
  REQUIRE(k.benchmark);
}

TEST_CASE("The baseline is weather-normalised when temperatures exist and brackets normal days") {
  auto& s = site();
  const auto r = build_report(*s.db, march_2024());
  REQUIRE(r.baseline);
  CHECK(r.baseline->model == "towt");
  CHECK(r.baseline->weather_normalised);
  CHECK(r.baseline->days_compared == 30);  // every day but the one with the gap
  // The synthetic office behaves the same all year: actual within a few % of expected.
  CHECK(std::abs(r.baseline->deviation_percent) < 5.0);
  CHECK(r.baseline->lower_kwh < r.baseline->actual_kwh);
  CHECK(r.baseline->actual_kwh < r.baseline->upper_kwh);
  std::size_t banded = 0;
  for (const auto& d : r.daily)
    if (d.expected_kwh && d.lower_kwh && d.upper_kwh) {
      ++banded;
      CHECK(*d.lower_kwh <= *d.expected_kwh);
      CHECK(*d.expected_kwh <= *d.upper_kwh);
    }
  CHECK(banded == 31);
}

TEST_CASE("A tariff change mid-period splits the bill and each part is priced by its tariff") {
  auto& s = site();
  auto q = march_2024();
  q.tariffs = {flat("0.20", 3, 16), flat("0.10", 1, 1)};  // any order
  const auto r = build_report(*s.db, q);
  REQUIRE(r.bills.size() == 2);
  const auto change = local_midnight_utc(2024, 3, 16, chicago);
  CHECK(r.bills[0].bill.period.end == change);
  CHECK(r.bills[1].bill.period.start == change);
  const auto first = energy::testing::stored_sum(*s.db, s.electricity, r.bills[0].bill.period);
  const auto second = energy::testing::stored_sum(*s.db, s.electricity, r.bills[1].bill.period);
  CHECK(r.bills[0].bill.energy == first);
  CHECK(r.bills[1].bill.energy == second);
  // Energy × price, rounded to cents per bill line.
  const auto expected = price_times(*money::parse("0.10"), first).round_to_cents() +
                        price_times(*money::parse("0.20"), second).round_to_cents();
  REQUIRE(r.headline.cost);
  CHECK(*r.headline.cost == expected);
  CHECK(r.currency == "USD");
}

TEST_CASE("Recommendations are priced under the tariff in effect at the end of the period") {
  // An office whose night load is 100 of its 180 kW: the base-load rule fires.
  energy::testing::report_site s;
  s.db = storage::open_memory_store();
  s.db->put_tenant(tenant{s.tenant_id, "Acme Properties", {}});
  const auto office = energy::testing::add_office(
      s, "Night owl", chicago, 50'000, local_midnight_utc(2023, 2, 1, chicago),
      local_midnight_utc(2024, 4, 10, chicago), {}, 1.0, 3, 100.0);
  auto q = march_2024();
  q.building_id = office;
  q.tariffs = {flat("0.20", 3, 16), flat("0.10", 1, 1)};
  const auto r = build_report(*s.db, q);
  const auto it = std::find_if(r.recommendations.begin(), r.recommendations.end(), [](auto& x) {
    return x.kind == recommend::recommendation_kind::high_baseload;
  });
  REQUIRE(it != r.recommendations.end());
  CHECK(it->basis == "tariff 'flat'");
  CHECK(it->per_year);
  CHECK(it->saving_kwh > 0);
  // 0.20 $/kWh, the tariff from 2024-03-16 (not the bills' average of 0.10 and 0.20).
  CHECK(std::llabs(it->saving.micros() -
                   price_times(*money::parse("0.20"), it->saving_kwh).micros()) < 1000);
}

TEST_CASE("A period without a tariff in effect has no cost, and says why") {
  auto& s = site();
  auto q = march_2024();
  q.tariffs = {flat("0.20", 3, 16)};
  const auto r = build_report(*s.db, q);
  CHECK_FALSE(r.headline.cost);
  CHECK(r.headline.cost_basis.find("tariff") != std::string::npos);
  CHECK(std::any_of(r.notes.begin(), r.notes.end(), [](const std::string& n) {
    return n.find("no tariff in effect") != std::string::npos;
  }));
}

TEST_CASE("Tariffs in two currencies are refused") {
  auto& s = site();
  auto q = march_2024();
  q.tariffs = {flat("0.10", 1, 1), flat("0.20", 3, 16)};
  q.tariffs[1].currency = "EUR";
  CHECK_THROWS_AS((void)build_report(*s.db, q), std::invalid_argument);
}

TEST_CASE("A building with no data gives a report that says so") {
  auto& s = site();
  auto q = march_2024();
  q.building_id = s.empty;
  const auto r = build_report(*s.db, q);
  CHECK_FALSE(r.has_data);
  REQUIRE(r.insights.size() == 1);
  CHECK(r.insights[0].text.find("No electricity readings") != std::string::npos);
  CHECK(r.daily.empty());
  CHECK(r.recommendations.empty());
}

TEST_CASE(
    "A building without an operating schedule: the report says why after-hours is not judged") {
  // A flat 50 kW around the clock (±3 %): no occupied/unoccupied contrast, so no after-hours
  // anomaly can be found, and the notes say so with the detector's reason.
  energy::testing::report_site s;
  s.db = storage::open_memory_store();
  s.db->put_tenant(tenant{s.tenant_id, "Acme Properties", {}});
  building b;
  b.name = "Flat";
  b.time_zone = chicago;
  const auto meter = energy::testing::put_metered_building(s, b);
  std::mt19937_64 g(5);
  reading_rows rows;
  for (auto t = to_epoch(local_midnight_utc(2024, 1, 1, chicago));
       t < to_epoch(local_midnight_utc(2024, 4, 1, chicago)); t += 900) {
    const double kw = 50.0 * (0.97 + 0.06 * static_cast<double>(g() >> 11) * 0x1.0p-53);
    rows.push_back(meter, t, static_cast<milli>(std::llround(kw * 250.0)));
  }
  s.db->write_readings(rows);
  (void)aggregate::refresh_summaries(*s.db);
  auto q = march_2024();
  q.building_id = b.id;
  const auto r = build_report(*s.db, q);
  CHECK(std::any_of(r.notes.begin(), r.notes.end(), [](const std::string& n) {
    return n.find("after-hours waste not looked for: the busiest hours of the week") == 0 &&
           n.find("no operating schedule (24/7 or flat load)") != std::string::npos;
  }));
  // The office has a schedule: no such note.
  const auto office = build_report(*site().db, march_2024());
  CHECK(std::none_of(office.notes.begin(), office.notes.end(), [](const std::string& n) {
    return n.find("after-hours waste not looked for") != std::string::npos;
  }));
}

TEST_CASE("An unknown building is subject_not_found") {
  auto& s = site();
  auto q = march_2024();
  q.building_id = uuid::v7();
  CHECK_THROWS_AS((void)build_report(*s.db, q), subject_not_found);
}

TEST_CASE("A forecast report forecasts the next period with a band") {
  auto& s = site();
  auto q = march_2024(report_type::forecast);
  q.tariffs = {flat("0.10", 1, 1)};
  const auto r = build_report(*s.db, q);
  REQUIRE(r.forecast);
  const auto& f = *r.forecast;
  CHECK(f.horizon.label == "2024-04");
  CHECK(f.days_predicted == 30);
  CHECK(f.lower_kwh < f.expected_kwh);
  CHECK(f.expected_kwh < f.upper_kwh);
  // April is like March in this office, within the weather: the forecast is of the same order.
  CHECK(f.expected_kwh == Approx(from_milli(r.headline.consumption)).epsilon(0.3));
  // Actual data runs to 2024-04-10 local: nine days are recorded so far.
  CHECK(f.actual_so_far == energy::testing::stored_sum(
                               *s.db, s.electricity,
                               {f.horizon.range.start, local_midnight_utc(2024, 4, 10, chicago)}));
  REQUIRE(f.expected_cost);
  CHECK(f.expected_cost->micros() > 0);
}

TEST_CASE("A comparison ranks the tenant's buildings by EUI and leaves out those without data") {
  auto& s = site();
  auto q = march_2024(report_type::comparison);
  const auto r = build_report(*s.db, q);
  REQUIRE(r.comparison.size() >= 2);
  CHECK(r.comparison.front().name == "Office");
  CHECK(r.comparison.front().rank == 1);
  const auto empty = std::find_if(r.comparison.begin(), r.comparison.end(),
                                  [](const auto& row) { return row.name == "Empty"; });
  REQUIRE(empty != r.comparison.end());
  CHECK(empty->rank == 0);
  CHECK(empty->note == "no data in the period");
  for (std::size_t i = 1; i < r.comparison.size(); ++i)
    if (r.comparison[i].eui_kwh_per_ft2_year && r.comparison[i - 1].eui_kwh_per_ft2_year)
      CHECK(*r.comparison[i - 1].eui_kwh_per_ft2_year >= *r.comparison[i].eui_kwh_per_ft2_year);
}

TEST_CASE("A fall-back month has its 25-hour day and sums exactly, weekly periods too") {
  auto& s = site();
  auto q = march_2024();
  q.end = std::chrono::local_days{std::chrono::year{2023} / 12 / 1};
  const auto r = build_report(*s.db, q);
  REQUIRE(r.daily.size() == 30);
  CHECK(r.daily[4].range.length() == std::chrono::hours{25});  // 2023-11-05
  CHECK(r.headline.consumption ==
        energy::testing::stored_sum(*s.db, s.electricity, r.window.range));
  CHECK(r.headline.coverage == Approx(1.0));
  q.period = period_length::week;
  q.end = std::chrono::local_days{std::chrono::year{2023} / 11 /
                                  6};  // the week containing the fall-back day
  const auto w = build_report(*s.db, q);
  CHECK(w.window.range.length() == std::chrono::hours{7 * 24 + 1});
  CHECK(w.headline.consumption ==
        energy::testing::stored_sum(*s.db, s.electricity, w.window.range));
  REQUIRE(w.headline.same_period_last_year.reference.days() == 7);
  CHECK_FALSE(w.headline.same_period_last_year.percent);  // no data a year before
  CHECK(w.headline.same_period_last_year.unavailable_reason.find("no data") != std::string::npos);
}
