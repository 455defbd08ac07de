// SPDX-License-Identifier: Apache-2.0
// Storing imported intervals, and bills from CSV.
#include <catch2/catch.hpp>

#include <filesystem>

#include <energy/billing/bills_csv.hpp>
#include <energy/greenbutton/store_import.hpp>
#include <energy/storage/memory.hpp>

#include "espi_fixtures.hpp"

using namespace energy;
using namespace energy::greenbutton;

namespace {

const std::filesystem::path inland =
    std::filesystem::path(ENERGY_TEST_DATA_DIR) / "greenbutton" /
    "Inland_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_8.xml";

struct fixture {
  std::unique_ptr<storage::store> s = storage::open_memory_store();
  building b;
  fixture() {
    // `std::string(...)` rather than `x.name = "..."`: g++ 12 -O3 reports a false -Wrestrict on
    // assigning short literals here, which fails the release build.
    tenant t;
    t.id = uuid::v7();
    t.name = std::string("t");
    s->put_tenant(t);
    b.id = uuid::v7();
    b.tenant_id = t.id;
    b.name = std::string("Inland");
    b.time_zone = std::string("America/Los_Angeles");
    s->put_building(b);
  }
};

}  // namespace

TEST_CASE(
    "imported intervals land as an hourly utility-meter sensor, and a re-import changes nothing",
    "[greenbutton][store]") {
  if (!std::filesystem::exists(inland)) {
    WARN("shared sample data not present: skipped");
    return;
  }
  fixture f;
  const document d = parse_file(inland);
  const auto first =
      store_meter_reading(*f.s, f.b.id, d.meter_readings.at(0), d.usage_points.at(0).service_kind);
  CHECK(first.created);
  CHECK(first.meter.type == sensor_type::electricity);
  CHECK(first.meter.kind == reading_kind::interval_energy);
  CHECK(first.meter.interval_seconds == 3600);
  CHECK(first.meter.unit == "kWh");
  CHECK(first.written.inserted == 8760);
  CHECK(f.s->count_readings() == 8760);

  const auto again =
      store_meter_reading(*f.s, f.b.id, d.meter_readings.at(0), d.usage_points.at(0).service_kind);
  CHECK_FALSE(again.created);
  CHECK(again.meter.id == first.meter.id);
  CHECK(again.written.inserted == 0);
  CHECK(again.written.unchanged == 8760);
  CHECK(f.s->count_readings() == 8760);
  CHECK(f.s->list_sensors(f.b.id).size() == 1);

  const auto rows =
      f.s->read_readings(first.meter.id, {from_epoch(1293868800), from_epoch(1293868800 + 7200)});
  CHECK(rows.value == std::vector<milli>{560, 484});
}

TEST_CASE(
    "a corrected re-import replaces changed intervals, other units pick the matching sensor type",
    "[greenbutton][store]") {
  using namespace gb_fixture;
  fixture f;
  constexpr std::int64_t t0 = 1330578000;
  auto doc = [&](const std::string& second) {
    return parse_buffer(
        feed({up_entry("1"), mr_entry("1", "01", "07"), rt_entry("07", 72, 0),
              block("1", "01", "1", reading(t0, "10") + reading(t0 + 3600, second))}),
        "x.xml");
  };
  const auto a =
      store_meter_reading(*f.s, f.b.id, doc("20").meter_readings[0], service::electricity);
  const auto b =
      store_meter_reading(*f.s, f.b.id, doc("25").meter_readings[0], service::electricity);
  CHECK(b.meter.id == a.meter.id);
  CHECK(b.written.unchanged == 1);
  CHECK(b.written.replaced == 1);

  const document gas = parse_buffer(feed({up_entry("2", service::gas), mr_entry("2", "01", "G"),
                                          rt_entry("G", uom::cubic_metre, -3, 86400),
                                          block("2", "01", "1", reading(t0, "1200", 86400))}),
                                    "gas.xml");
  const auto g = store_meter_reading(*f.s, f.b.id, gas.meter_readings[0], service::gas);
  CHECK(g.meter.type == sensor_type::gas);
  CHECK(g.meter.unit == "m3");
  CHECK(g.meter.interval_seconds == 86400);
  CHECK(f.s->read_readings(g.meter.id, {from_epoch(t0), from_epoch(t0 + 1)}).value ==
        std::vector<milli>{1200});

  SECTION("a sensor that does not match the meter's interval is refused") {
    store_import_options o;
    o.sensor_id = a.meter.id;  // hourly electricity sensor
    CHECK_THROWS_AS(store_meter_reading(*f.s, f.b.id, gas.meter_readings[0], service::gas, o),
                    std::invalid_argument);
  }
  SECTION("an unknown building is refused") {
    CHECK_THROWS_AS(store_meter_reading(*f.s, uuid::v7(), gas.meter_readings[0], service::gas),
                    std::invalid_argument);
  }
}

TEST_CASE(
    "bills CSV: offsets or zone dates, exact kWh and money, errors name file, line and column",
    "[billing][csv]") {
  const std::string csv =
      "period_start,period_end,kWh,peak_kW,amount,estimated\n"
      "2024-01-15T00:00:00-05:00,2024-02-14T00:00:00-05:00,12345.678,45.5,$1234.56,no\n"
      "2024-02-14,2024-03-15,1000,,99.10,E\n"
      "2024-03-15,2024-04-15,abc,1,1,no\n"
      "2024-04-15,2024-04-01,1,1,1,maybe\n"
      "\"2024-04-15\",\"2024-05-15\",\"2,000\",1,1,no\n";
  billing::bills_csv_options o;
  o.zone = find_zone("America/New_York");
  const auto r = billing::parse_bills_csv(csv, "bills.csv", o);
  REQUIRE(r.bills.size() == 2);
  const auto& a = r.bills[0];
  CHECK(format_utc(a.period.start) == "2024-01-15T05:00:00Z");
  CHECK(a.consumption == 12'345'678);
  CHECK(a.peak_demand == 45'500);
  CHECK(a.amount == money::from_cents(123456));
  CHECK_FALSE(a.estimated);
  CHECK(a.source == "bills.csv:2");
  const auto& b = r.bills[1];
  CHECK(format_utc(b.period.start) == "2024-02-14T05:00:00Z");
  CHECK(format_utc(b.period.end) == "2024-03-15T04:00:00Z");  // EDT began on March 10
  CHECK_FALSE(b.peak_demand);
  CHECK(b.estimated);
  REQUIRE(r.errors.size() == 4);
  CHECK(r.errors[0] == "bills.csv:4: kwh: not a decimal number 'abc'");
  CHECK(r.errors[1].rfind("bills.csv:5: period_end 2024-04-01T04:00:00Z is not after", 0) == 0);
  CHECK(r.errors[2] == "bills.csv:5: estimated: 'maybe' is not a yes/no flag");
  CHECK(r.errors[3] == "bills.csv:6: kwh: not a decimal number '2,000'");

  SECTION("dates without a zone are rejected per row, never guessed") {
    const auto nz =
        billing::parse_bills_csv("start,end,kwh,amount\n2024-01-01,2024-02-01,1,1\n", "z.csv");
    CHECK(nz.bills.empty());
    REQUIRE(nz.errors.size() == 2);
    CHECK(nz.errors[0].find("dates need a zone") != std::string::npos);
  }
  SECTION("an inclusive end date ends at the midnight after that day") {
    billing::bills_csv_options inc = o;
    inc.end = billing::end_date::inclusive;
    const auto ri =
        billing::parse_bills_csv("start,end,kwh,amount\n2024-01-01,2024-01-31,1,1\n", "i.csv", inc);
    REQUIRE(ri.bills.size() == 1);
    CHECK(format_utc(ri.bills[0].period.end) == "2024-02-01T05:00:00Z");
  }
  SECTION("a header without a required column is a parse_error naming it") {
    CHECK_THROWS_WITH(billing::parse_bills_csv("start,end,amount\n", "h.csv"),
                      Catch::Contains("h.csv:1: header lacks the required column 'kwh'"));
    CHECK_THROWS_AS(billing::parse_bills_csv("", "e.csv"), parse_error);
    CHECK_THROWS_AS(billing::read_bills_csv("/nonexistent/bills.csv"), parse_error);
  }
}

TEST_CASE("bills CSV memory is bounded: file size, line length and the error list",
          "[billing][csv]") {
  billing::bills_csv_options o;
  o.zone = find_zone("America/New_York");
  const std::string header = "start,end,kwh,amount\n";
  const std::string good = "2024-01-01,2024-02-01,1,1\n";
  SECTION("a row longer than the line limit is rejected unread, the others load") {
    o.max_line_bytes = 100;
    const std::string csv = header + good + "2024-02-01,2024-03-01,1," + std::string(500, '9') +
                            "\n" + "2024-03-01,2024-04-01,1,1\n";
    const auto r = billing::parse_bills_csv(csv, "b.csv", o);
    CHECK(r.bills.size() == 2);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0] == "b.csv:3: line of 524 bytes, over the limit of 100: row skipped");
  }
  SECTION("a header longer than the line limit refuses the file") {
    o.max_line_bytes = 10;
    CHECK_THROWS_WITH(billing::parse_bills_csv(header + good, "h.csv", o),
                      Catch::Contains("h.csv:1: line of 20 bytes, over the limit of 10"));
  }
  SECTION("input over the size limit is refused before it is parsed") {
    o.max_file_bytes = 40;
    CHECK_THROWS_WITH(billing::parse_bills_csv(header + good + good, "big.csv", o),
                      Catch::Contains("big.csv: 73 bytes; a bills file over 40 bytes is refused"));
  }
  SECTION("errors beyond the limit are counted, not listed") {
    o.max_errors = 3;
    std::string csv = header;
    for (int i = 0; i < 10; ++i)
      csv += "2024-01-01,2024-02-01,x,1\n";
    const auto r = billing::parse_bills_csv(csv, "e.csv", o);
    CHECK(r.errors.size() == 3);
    CHECK(r.errors_not_listed == 7);
  }
}

TEST_CASE("bills CSV errors escape control characters and truncate long values", "[billing][csv]") {
  const std::string csv =
      "period_start,period_end,kWh,amount\n"
      "2024-01-15T00:00:00Z,2024-02-14T00:00:00Z,\x1b[2J\a1," +
      std::string(1000, '7') + "x\n";
  const auto r = billing::parse_bills_csv(csv, "bills.csv");
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0] == "bills.csv:2: kwh: not a decimal number '\\x1b[2J\\x071'");
  CHECK(r.errors[1].size() < 200);
  CHECK(r.errors[1].find("...'") != std::string::npos);
}
