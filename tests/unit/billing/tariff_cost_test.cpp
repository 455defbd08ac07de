// SPDX-License-Identifier: Apache-2.0
#include <energy/aggregate/refresh.hpp>
#include <energy/billing/tariff_cost.hpp>
#include <energy/storage/memory.hpp>

#include <catch2/catch.hpp>

using namespace energy;

namespace {

/// Two TOU periods: 0.10 $/kWh off-peak, 0.30 $/kWh from local 16:00 to 21:00 every day of the
/// year.
billing::tariff peak_evening_tariff() {
  billing::tariff t;
  t.energy_periods = {{{{std::nullopt, *money::parse("0.10"), {}}}},
                      {{{std::nullopt, *money::parse("0.30"), {}}}}};
  for (auto& month : t.energy_weekday)
    for (std::size_t h = 16; h < 21; ++h)
      month[h] = 1;
  t.energy_weekend = t.energy_weekday;
  return t;
}

}  // namespace

TEST_CASE(
    "aggregation prices each local hour by the building's tariff, falling back to the flat rate",
    "[billing][aggregate]") {
  auto db = storage::open_memory_store();
  const auto t0 = *parse_utc_timestamp("2024-01-01T00:00:00Z");
  const uuid tenant_id = uuid::v7();
  db->put_tenant({tenant_id, "Acme", t0});
  building with_tariff{.id = uuid::v7(),
                       .tenant_id = tenant_id,
                       .name = "TOU",
                       .time_zone = "America/New_York",
                       .flat_rate_per_kwh = money::parse("0.50")};
  building flat{.id = uuid::v7(),
                .tenant_id = tenant_id,
                .name = "Flat",
                .time_zone = "America/New_York",
                .flat_rate_per_kwh = money::parse("0.50")};
  db->put_building(with_tariff);
  db->put_building(flat);
  const sensor a{
      .id = uuid::v7(), .building_id = with_tariff.id, .interval_seconds = 3600, .created_at = t0};
  const sensor b{
      .id = uuid::v7(), .building_id = flat.id, .interval_seconds = 3600, .created_at = t0};
  db->put_sensor(a);
  db->put_sensor(b);

  // 2024-11-03 in New York: 25 local hours of 1 kWh each, from 04:00Z.
  reading_rows rows;
  const auto start = to_epoch(*parse_utc_timestamp("2024-11-03T04:00:00Z"));
  for (int h = 0; h < 25; ++h) {
    rows.push_back(a.id, start + h * 3600, 1000);
    rows.push_back(b.id, start + h * 3600, 1000);
  }
  db->write_readings(rows);

  billing::tariff_cost costs;
  costs.set_tariff(with_tariff.id, peak_evening_tariff());
  // The store refreshes only with the cost model its settings name.
  CHECK_THROWS_AS(aggregate::refresh_summaries(*db, {.costs = &costs}), std::invalid_argument);
  db->set_summary_settings({.cost_model = costs.identity()});
  aggregate::refresh_summaries(*db, {.costs = &costs});

  const time_range day{from_epoch(start), from_epoch(start + 25 * 3600)};
  const auto tou = db->read_summaries(
      {summary_scope::building, with_tariff.id, sensor_type::electricity, resolution::day, day});
  const auto fl = db->read_summaries(
      {summary_scope::building, flat.id, sensor_type::electricity, resolution::day, day});
  REQUIRE(tou.size() == 1);
  REQUIRE(fl.size() == 1);
  // 20 off-peak hours × 0.10 + 5 evening hours × 0.30 (the repeated 01:00 is off-peak twice).
  CHECK(tou[0].cost == *money::parse("3.50"));
  CHECK(fl[0].cost == *money::parse("12.50"));  // 25 kWh × the flat 0.50
  const auto hours = db->read_summaries(
      {summary_scope::building, with_tariff.id, sensor_type::electricity, resolution::hour, day});
  REQUIRE(hours.size() == 25);
  CHECK(hours[17].cost ==
        *money::parse("0.30"));  // local 16:00 (hour index 17: 01:00 occurs twice)
  CHECK(hours[16].cost == *money::parse("0.10"));
}

TEST_CASE("a tariff cost model's identity changes with any price or schedule and only then",
          "[billing][aggregate]") {
  const uuid a = uuid::v7(), b = uuid::v7();
  billing::tariff_cost one, same, other_price, other_hour, other_building;
  one.set_tariff(a, peak_evening_tariff());
  same.set_tariff(a, peak_evening_tariff());
  billing::tariff t = peak_evening_tariff();
  t.energy_periods.back().tiers.front().rate =
      t.energy_periods.back().tiers.front().rate + money::from_micros(1);
  other_price.set_tariff(a, t);
  t = peak_evening_tariff();
  t.energy_weekday[5][3] = t.energy_weekday[5][3] == 0 ? 1 : 0;
  other_hour.set_tariff(a, t);
  other_building.set_tariff(b, peak_evening_tariff());
  CHECK(one.identity().starts_with("tariff:"));
  CHECK(one.identity() == same.identity());
  CHECK(one.identity() != other_price.identity());
  CHECK(one.identity() != other_hour.identity());
  CHECK(one.identity() != other_building.identity());
  CHECK(one.identity() != billing::tariff_cost{}.identity());
}

TEST_CASE("an invalid tariff is refused when it is set, not at the first bucket",
          "[billing][aggregate]") {
  billing::tariff_cost costs;
  billing::tariff broken = peak_evening_tariff();
  broken.energy_weekday[0][3] = 7;  // no period 7
  CHECK_THROWS_AS(costs.set_tariff(uuid::v7(), broken), std::invalid_argument);
}
