// SPDX-License-Identifier: Apache-2.0
// Green Button files as real exports write them, off the ESPI letter: fractional epoch seconds and
// ReadingTypes without a unit. Small crafted feeds that mirror those shapes.
#include <catch2/catch.hpp>

#include <energy/greenbutton/espi.hpp>

#include "espi_fixtures.hpp"

using namespace energy;
using namespace energy::greenbutton;
using namespace gb_fixture;

namespace {

constexpr std::int64_t t0 = 1330578000;  // 2012-03-01T05:00:00Z

std::string raw_reading(const std::string& start, const std::string& duration,
                        const std::string& value) {
  return "<IntervalReading><timePeriod><duration>" + duration + "</duration><start>" + start +
         "</start></timePeriod><value>" + value + "</value></IntervalReading>\n";
}

/// A ReadingType as some exports write it: no <uom>, the rest as usual.
std::string rt_without_uom(const std::string& rt, int commodity, int kind = 12) {
  return entry(link("self", "/espi/1_1/resource/ReadingType/" + rt),
               "<ReadingType xmlns=\"http://naesb.org/espi\"><accumulationBehaviour>4"
               "</accumulationBehaviour><commodity>" +
                   std::to_string(commodity) +
                   "</commodity><intervalLength>3600</intervalLength>"
                   "<kind>" +
                   std::to_string(kind) +
                   "</kind><powerOfTenMultiplier>0</powerOfTenMultiplier></ReadingType>");
}

bool any_contains(const std::vector<std::string>& list, const std::string& text) {
  for (const auto& s : list)
    if (s.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("fractional epoch seconds are rounded to the second and reported per meter reading",
          "[greenbutton][wild]") {
  const std::string readings =
      raw_reading(std::to_string(t0) + ".0", "3600.0", "100") +
      raw_reading(std::to_string(t0 + 3600) + ".4", "3600", "200") +   // rounds down
      raw_reading(std::to_string(t0 + 7199) + ".5", "3600.5", "300");  // rounds up, both
  const std::string xml = feed({up_entry("1"), mr_entry("1", "01", "07"), rt_entry("07", 72, 0),
                                block("1", "01", "1", readings)});
  const document d = parse_buffer(xml, "fractional.xml");
  const auto& mr = d.meter_readings.at(0);
  // Before: every reading was "not an integer: IntervalReading skipped" and the feed was empty.
  REQUIRE(mr.readings.size() == 3);
  CHECK(mr.readings.start == std::vector<epoch_seconds>{t0, t0 + 3600, t0 + 7200});
  CHECK(mr.readings.duration == std::vector<std::int32_t>{3600, 3600, 3601});
  REQUIRE(mr.assumptions.size() == 1);
  CHECK(mr.assumptions[0].find("5 IntervalReading start/duration value(s) were written as "
                               "decimals (e.g. '3600.0')") != std::string::npos);
  CHECK(mr.assumptions[0].find("3 were not whole seconds and were rounded") != std::string::npos);
  CHECK(d.issues.size() == 1);
  // The 3601-second reading is then refused as a different interval, by name: nothing silent.
  const auto rows = to_reading_rows(mr, uuid{});
  CHECK(rows.rows.size() == 2);
  CHECK(rows.rejected.size() == 1);
}

TEST_CASE("whole seconds written as decimals are read exactly, and said so",
          "[greenbutton][wild]") {
  const std::string readings = raw_reading(std::to_string(t0) + ".000", "3600.00", "100") +
                               raw_reading(std::to_string(t0 + 3600) + ".0", "3600", "250");
  const std::string xml = feed({up_entry("1"), mr_entry("1", "01", "07"), rt_entry("07", 72, 0),
                                block("1", "01", "1", readings)});
  const document d = parse_buffer(xml, "decimal.xml");
  const auto& mr = d.meter_readings.at(0);
  CHECK(mr.readings.start == std::vector<epoch_seconds>{t0, t0 + 3600});
  REQUIRE(mr.assumptions.size() == 1);
  CHECK(mr.assumptions[0].find("all were whole seconds") != std::string::npos);
  CHECK(to_reading_rows(mr, uuid{}).rows.value == std::vector<milli>{100, 250});
}

TEST_CASE("a fractional billing period in a usage summary is rounded and reported",
          "[greenbutton][wild]") {
  const std::string xml =
      feed({up_entry("1"), summary_entry("1",
                                         "<billingPeriod><duration>2592000.0</duration>"
                                         "<start>1320130800.7</start></billingPeriod>")});
  const document d = parse_buffer(xml, "summary.xml");
  REQUIRE(d.bills.size() == 1);
  CHECK(to_epoch(d.bills[0].period.start) == 1320130801);
  CHECK(to_epoch(d.bills[0].period.end) == 1320130801 + 2592000);
  CHECK(d.issues.size() == 1);
  CHECK(d.issues[0].what.find("'1320130800.7' is not a whole number of seconds: rounded to "
                              "1320130801") != std::string::npos);
}

TEST_CASE("garbage seconds are still refused, naming the element", "[greenbutton][wild]") {
  const std::string readings = raw_reading(std::to_string(t0) + ".x", "3600", "100") +
                               raw_reading("1e9", "3600", "100") +
                               raw_reading(std::to_string(t0 + 3600), "3600", "200");
  const std::string xml = feed({up_entry("1"), mr_entry("1", "01", "07"), rt_entry("07", 72, 0),
                                block("1", "01", "1", readings)});
  const document d = parse_buffer(xml, "garbage.xml");
  CHECK(d.meter_readings.at(0).readings.size() == 1);
  REQUIRE(d.issues.size() == 2);
  CHECK(d.issues[0].what.find("'1330578000.x'") != std::string::npos);
  CHECK(d.issues[0].where.find("timePeriod/start") != std::string::npos);
}

TEST_CASE("an electricity ReadingType without uom is read as Wh with a note, gas stays raw",
          "[greenbutton][wild]") {
  const std::string xml = feed(
      {up_entry("1", service::electricity), up_entry("2", service::gas), mr_entry("1", "01", "E"),
       mr_entry("2", "01", "G"), rt_without_uom("E", 1), rt_without_uom("G", 7),
       block("1", "01", "1", reading(t0, "1500") + reading(t0 + 3600, "1600")),
       block("2", "01", "1", reading(t0, "3") + reading(t0 + 3600, "4"))});
  const document d = parse_buffer(xml, "no-uom.xml");
  const auto& electric = d.meter_readings[d.usage_points.at(0).meter_readings.at(0)];
  const auto& gas = d.meter_readings[d.usage_points.at(1).meter_readings.at(0)];
  // Before: "ReadingType has no <uom>" and to_reading_rows refused the whole series.
  REQUIRE(electric.type);
  CHECK(electric.type->uom == uom::watt_hour);
  CHECK_FALSE(electric.type->uom_stated);
  CHECK(any_contains(electric.assumptions,
                     "no <uom>: assumed Wh (72) because commodity 1 is electricity"));
  CHECK(to_reading_rows(electric, uuid{}).rows.value == std::vector<milli>{1500, 1600});
  // Natural gas could be therms, m3 or ft3: no guess, the series is refused by name.
  CHECK(gas.assumptions.empty());
  CHECK(gas.type->uom == 0);
  CHECK_THROWS_WITH(to_reading_rows(gas, uuid{}), Catch::Contains("uom 0"));
  bool reported = false;
  for (const auto& i : d.issues)
    reported = reported ||
               i.what.find("commodity 7 / kind 12 does not determine one") != std::string::npos;
  CHECK(reported);
}

TEST_CASE("a uom-less ReadingType without commodity takes the electricity UsagePoint as context",
          "[greenbutton][wild]") {
  const std::string xml =
      feed({up_entry("1", service::electricity), mr_entry("1", "01", "E"), rt_without_uom("E", 0),
            block("1", "01", "1", reading(t0, "700") + reading(t0 + 3600, "800"))});
  const document d = parse_buffer(xml, "no-commodity.xml");
  const auto& mr = d.meter_readings.at(0);
  CHECK(any_contains(mr.assumptions, "because its UsagePoint is electricity"));
  CHECK(to_reading_rows(mr, uuid{}).rows.value == std::vector<milli>{700, 800});
}
