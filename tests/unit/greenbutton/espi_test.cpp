// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <filesystem>
#include <numeric>
#include <random>

#include <energy/greenbutton/espi.hpp>
#include <energy/quality.hpp>

#include "espi_fixtures.hpp"

using namespace energy;
using namespace energy::greenbutton;
using namespace gb_fixture;

namespace {

const std::filesystem::path data_dir = std::filesystem::path(ENERGY_TEST_DATA_DIR) / "greenbutton";
const std::filesystem::path inland =
    data_dir / "Inland_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_8.xml";
const std::filesystem::path openespi = data_dir / "openespi_test_usage_data_1.xml";

constexpr std::int64_t t0 = 1330578000;  // 2012-03-01T05:00:00Z

bool has_issue(const document& d, const std::string& where_part, const std::string& what_part) {
  for (const auto& i : d.issues)
    if (i.where.find(where_part) != std::string::npos &&
        i.what.find(what_part) != std::string::npos)
      return true;
  return false;
}

std::string three_readings(int duration = 3600) {
  return reading(t0, "100", duration) + reading(t0 + duration, "200", duration) +
         reading(t0 + 2 * duration, "300", duration);
}

std::string simple_feed() {
  return feed({up_entry("1"), ltp_entry(), mr_entry("1", "01", "07"), rt_entry("07", 72, 0),
               block("1", "01", "1", three_readings())});
}

}  // namespace

TEST_CASE("the Inland sample imports 8760 hourly Wh readings, its time parameters and one bill",
          "[greenbutton][sample]") {
  if (!std::filesystem::exists(inland)) {
    WARN("shared sample data not present: skipped");
    return;
  }
  const document d = parse_file(inland);
  REQUIRE(d.usage_points.size() == 1);
  REQUIRE(d.meter_readings.size() == 1);
  const auto& up = d.usage_points[0];
  CHECK(up.service_kind == service::electricity);
  CHECK(up.title == "Inland Multi-Family");
  REQUIRE(up.local_time);
  CHECK(up.local_time->tz_offset == -28800);
  CHECK(up.local_time->dst_offset == 3600);
  CHECK(up.local_time->dst_start_rule == 0x360E2000u);
  CHECK(up.local_time->dst_end_rule == 0xB40E2000u);
  const auto& mr = d.meter_readings[0];
  REQUIRE(mr.type);
  CHECK(mr.type->uom == uom::watt_hour);
  CHECK(mr.type->interval_length == 3600);
  CHECK(mr.type->flow_direction == flow::forward);
  CHECK(mr.type->currency == 840);
  CHECK(mr.interval_blocks == 12);
  REQUIRE(mr.readings.size() == 8760);
  CHECK(format_utc(from_epoch(mr.readings.start.front())) == "2011-01-01T08:00:00Z");
  CHECK(mr.readings.value.front() == 560);
  CHECK(format_utc(from_epoch(mr.readings.start.back())) == "2012-01-01T07:00:00Z");
  CHECK(mr.readings.value.back() == 591);
  CHECK(d.issues.empty());

  const auto rows = to_reading_rows(mr, uuid{});
  CHECK(rows.interval_seconds == 3600);
  CHECK(rows.rows.size() == 8760);
  CHECK(std::accumulate(rows.rows.value.begin(), rows.rows.value.end(), milli{0}) == 4'800'263);

  REQUIRE(d.bills.size() == 1);
  const auto& b = d.bills[0];
  CHECK(format_utc(b.period.start) == "2011-11-01T07:00:00Z");
  CHECK(b.period.length() == std::chrono::hours(24 * 30));
  CHECK(b.consumption == 765'490);
  CHECK(b.consumption_stated);
  CHECK_FALSE(b.amount_stated);  // the sample states no billLastPeriod
  CHECK_FALSE(b.estimated);      // qualityOfReading 14 = raw
  CHECK(b.source.find("UsagePoint 1 'Inland Multi-Family', summary 1") != std::string::npos);

  // The summary does not equal the metered intervals of its own period: a reconciliation case.
  milli in_period = 0;
  for (std::size_t i = 0; i < rows.rows.size(); ++i)
    if (b.period.contains(from_epoch(rows.rows.ts[i]))) in_period += rows.rows.value[i];
  CHECK(in_period == 336'086);
}

TEST_CASE("the OpenESPI sample keeps per-interval cost and maps ReadingQuality to quality flags",
          "[greenbutton][sample]") {
  if (!std::filesystem::exists(openespi)) {
    WARN("shared sample data not present: skipped");
    return;
  }
  const document d = parse_file(openespi);
  REQUIRE(d.meter_readings.size() == 1);
  const auto& s = d.meter_readings[0].readings;
  REQUIRE(s.size() == 480);
  CHECK(s.has_cost[0] == 1);
  CHECK(s.cost[0] == 974);
  CHECK(s.espi_quality[0] == 8);
  CHECK(s.quality[0] == quality::estimated);
  CHECK(s.espi_quality[1] == 7);
  CHECK(s.quality[1] == quality::corrected);
  CHECK(s.quality[2] == quality::good);
  CHECK(std::accumulate(s.value.begin(), s.value.end(), std::int64_t{0}) == 511'688);
  CHECK(std::accumulate(s.cost.begin(), s.cost.end(), std::int64_t{0}) == 5'240'025);
  REQUIRE(d.bills.size() == 1);
  CHECK(d.bills[0].amount == money::from_cents(15252));
  CHECK(d.bills[0].consumption == 1'298'640);
  CHECK(d.summaries[0].cost_additional_last_period == 1'346'000);
  CHECK(d.summaries[0].bill_to_date == 1'149'000);
  CHECK(std::find(d.ignored_resources.begin(), d.ignored_resources.end(),
                  "ElectricPowerQualitySummary") != d.ignored_resources.end());
}

TEST_CASE("entries link by their hrefs whatever order the feed lists them in",
          "[greenbutton][variation]") {
  const std::string xml = feed({block("1", "01", "1", three_readings()), rt_entry("07", 72, 0),
                                mr_entry("1", "01", "07"), ltp_entry(), up_entry("1")});
  const document d = parse_buffer(xml, "shuffled.xml");
  REQUIRE(d.usage_points.size() == 1);
  REQUIRE(d.usage_points[0].meter_readings.size() == 1);
  const auto& mr = d.meter_readings[0];
  REQUIRE(mr.type);
  CHECK(mr.readings.size() == 3);
  CHECK(d.usage_points[0].local_time->tz_offset == -18000);
  CHECK(d.issues.empty());
}

TEST_CASE("absolute and relative hrefs to the same resource link together",
          "[greenbutton][variation]") {
  std::string xml = simple_feed();
  // The block names its MeterReading with a relative href, the MeterReading itself absolutely.
  const std::string abs_up = base + "/UsagePoint/1/MeterReading/01/IntervalBlock\"";
  xml.replace(xml.find(abs_up), abs_up.size(),
              "/espi/1_1/resource/RetailCustomer/1/UsagePoint/1/MeterReading/01/IntervalBlock\"");
  const document d = parse_buffer(xml, "mixed.xml");
  CHECK(d.meter_readings.at(0).readings.size() == 3);
  CHECK(d.issues.empty());
}

TEST_CASE("namespace prefixes, a default namespace or none are all read by local name",
          "[greenbutton][variation]") {
  SECTION("espi: and atom: prefixes") {
    const std::string xml =
        "<atom:feed xmlns:atom=\"http://www.w3.org/2005/Atom\" "
        "xmlns:espi=\"http://naesb.org/espi\">"
        "<atom:entry><atom:link rel=\"self\" "
        "href=\"/espi/1_1/resource/ReadingType/1\"/><atom:content>"
        "<espi:ReadingType><espi:uom>72</espi:uom><espi:powerOfTenMultiplier>3</"
        "espi:powerOfTenMultiplier>"
        "<espi:intervalLength>900</espi:intervalLength></espi:ReadingType></atom:content></"
        "atom:entry>"
        "<atom:entry><atom:content><espi:IntervalBlock><espi:IntervalReading><espi:timePeriod><"
        "espi:duration>900"
        "</espi:duration><espi:start>1330578000</espi:start></espi:timePeriod><espi:value>2</"
        "espi:value>"
        "</espi:IntervalReading></espi:IntervalBlock></atom:content></atom:entry></atom:feed>";
    const document d = parse_buffer(xml, "prefixed.xml");
    REQUIRE(d.meter_readings.size() == 1);
    const auto rows = to_reading_rows(d.meter_readings[0], uuid{});
    REQUIRE(rows.rows.size() == 1);
    CHECK(rows.rows.value[0] == 2000);  // 2 kWh (Wh × 10^3)
    CHECK(rows.interval_seconds == 900);
  }
  SECTION("no namespace at all") {
    const std::string xml =
        "<feed><entry><content><IntervalBlock><IntervalReading><timePeriod><duration>3600</"
        "duration>"
        "<start>1330578000</start></timePeriod><value>7</value></IntervalReading></IntervalBlock></"
        "content></entry></feed>";
    const document d = parse_buffer(xml, "plain.xml");
    REQUIRE(d.meter_readings.size() == 1);
    CHECK(d.meter_readings[0].readings.value.at(0) == 7);
  }
}

TEST_CASE("optional elements may be missing: durations fall back to intervalLength",
          "[greenbutton][variation]") {
  const std::string readings =
      "<IntervalReading><timePeriod><start>1330578000</start></timePeriod><value>5</value></"
      "IntervalReading>"
      "<IntervalReading><timePeriod><start>1330581600</start></timePeriod><value>6</value></"
      "IntervalReading>";
  const std::string xml = feed({up_entry("1"), mr_entry("1", "01", "07"),
                                rt_entry("07", 72, 0, 3600), block("1", "01", "1", readings)});
  const document d = parse_buffer(xml, "sparse.xml");
  CHECK_FALSE(d.usage_points[0].local_time);  // no LocalTimeParameters in the file
  const auto& s = d.meter_readings[0].readings;
  REQUIRE(s.size() == 2);
  CHECK(s.duration[0] == 0);
  CHECK(s.has_cost[0] == 0);
  CHECK(s.espi_quality[0] == -1);
  const auto rows = to_reading_rows(d.meter_readings[0], uuid{});
  CHECK(rows.rows.size() == 2);
  CHECK(rows.interval_seconds == 3600);
  CHECK(d.bills.empty());
}

TEST_CASE("several usage points and meter readings each keep their own readings and units",
          "[greenbutton][variation]") {
  const std::string xml = feed({
      up_entry("1", service::electricity),
      up_entry("2", service::gas),
      mr_entry("1", "01", "E"),
      mr_entry("1", "02", "R"),
      mr_entry("2", "01", "G"),
      rt_entry("E", uom::watt_hour, 0),
      rt_entry("R", uom::watt_hour, 0, 3600, flow::reverse),
      rt_entry("G", uom::cubic_metre, -3),
      block("2", "01", "1", reading(t0, "1500")),                           // 1.5 m³ = 1500 L
      block("1", "02", "1", reading(t0, "40") + reading(t0 + 3600, "50")),  // exported Wh
      block("1", "01", "1", three_readings()),
  });
  const document d = parse_buffer(xml, "multi.xml");
  REQUIRE(d.usage_points.size() == 2);
  CHECK(d.usage_points[0].meter_readings.size() == 2);
  CHECK(d.usage_points[1].meter_readings.size() == 1);
  CHECK(d.usage_points[1].service_kind == service::gas);
  const auto& electric = d.meter_readings[d.usage_points[0].meter_readings[0]];
  const auto& exported = d.meter_readings[d.usage_points[0].meter_readings[1]];
  const auto& gas = d.meter_readings[d.usage_points[1].meter_readings[0]];
  CHECK(electric.readings.size() == 3);
  CHECK(exported.type->flow_direction == flow::reverse);  // received energy stays a separate series
  CHECK(exported.readings.size() == 2);
  const auto gas_rows = to_reading_rows(gas, uuid{});
  CHECK(gas_rows.rows.value.at(0) == 1500);
  CHECK(canonical_unit_of(gas.type->uom)->canonical == "m3");
  CHECK(d.issues.empty());
}

TEST_CASE("power-of-ten multipliers scale exactly, finer than a Wh rounds and is counted",
          "[greenbutton][units]") {
  CHECK(to_milli_units(1234, uom::watt_hour, 0) == 1234);
  CHECK(to_milli_units(1234, uom::watt_hour, 3) == 1'234'000);  // kWh
  CHECK(to_milli_units(-7, uom::watt_hour, 3) == -7000);
  bool rounded = false;
  CHECK(to_milli_units(12345, uom::watt_hour, -1, &rounded) ==
        1235);  // 1234.5 Wh, half away from zero
  CHECK(rounded);
  CHECK(to_milli_units(-12345, uom::watt_hour, -1, &rounded) == -1235);
  CHECK(to_milli_units(12340, uom::watt_hour, -1, &rounded) == 1234);
  CHECK_FALSE(rounded);
  CHECK(to_milli_units(1, uom::therm, 0) == 29'307);  // 29,307.107 Wh
  CHECK(to_milli_units(1000, uom::therm, 0) == 29'307'107);
  CHECK(to_milli_units(1, uom::cubic_foot, 3) == 28'317);  // 1000 ft³ = 28,316.85 L
  CHECK(to_milli_units(1, uom::cubic_metre, 0) == 1000);
  CHECK_FALSE(to_milli_units(1, uom::watt, 0));                // demand is not an energy
  CHECK_FALSE(to_milli_units(1, 73, 0));                       // VArh
  CHECK_FALSE(to_milli_units(INT64_MAX, uom::watt_hour, 15));  // overflow is refused, not wrapped
  CHECK_FALSE(to_milli_units(1, uom::watt_hour, 16));

  SECTION("property: non-negative multipliers on Wh are exact integer scaling") {
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<std::int64_t> raw(-1'000'000'000, 1'000'000'000);
    for (int i = 0; i < 2000; ++i) {
      const auto v = raw(rng);
      const int m = static_cast<int>(rng() % 7);
      std::int64_t p = 1;
      for (int k = 0; k < m; ++k)
        p *= 10;
      REQUIRE(to_milli_units(v, uom::watt_hour, m) == v * p);
      // and a negative multiplier undoes it exactly
      REQUIRE(to_milli_units(v * p, uom::watt_hour, -m) == v);
    }
  }
}

TEST_CASE("a negative multiplier's sub-Wh values are rounded and counted, not silently lost",
          "[greenbutton][units]") {
  const std::string xml =
      feed({mr_entry("1", "01", "07"), rt_entry("07", 72, -1),
            block("1", "01", "1", reading(t0, "15") + reading(t0 + 3600, "20"))});
  const document d = parse_buffer(xml, "tenths.xml");
  const auto rows = to_reading_rows(d.meter_readings.at(0), uuid{});
  CHECK(rows.rows.value == std::vector<milli>{2, 2});
  CHECK(rows.rounded == 1);
}

TEST_CASE("gas in therms converts to kWh and water in cubic feet to litres",
          "[greenbutton][units]") {
  const std::string xml = feed({up_entry("1", service::gas), mr_entry("1", "01", "T"),
                                rt_entry("T", uom::therm, -2, 86400),
                                block("1", "01", "1", reading(t0, "250", 86400))});
  const document d = parse_buffer(xml, "gas.xml");
  const auto rows = to_reading_rows(d.meter_readings.at(0), uuid{});
  CHECK(rows.rows.value.at(0) == 73'268);  // 2.5 therm = 73,267.77 Wh
  CHECK(rows.interval_seconds == 86400);
  CHECK(canonical_unit_of(uom::therm)->canonical == "kWh");
}

TEST_CASE(
    "a bare ESPI IntervalBlock document imports, without a ReadingType its values have no unit",
    "[greenbutton][variation]") {
  const std::string xml =
      "<IntervalBlock xmlns=\"http://naesb.org/espi\">" + three_readings(900) + "</IntervalBlock>";
  const document d = parse_buffer(xml, "bare.xml");
  REQUIRE(d.meter_readings.size() == 1);
  auto mr = d.meter_readings[0];
  CHECK(mr.readings.size() == 3);
  CHECK_FALSE(mr.type);
  CHECK_THROWS_AS(to_reading_rows(mr, uuid{}), std::invalid_argument);
  mr.type = reading_type{};
  mr.type->uom = uom::watt_hour;
  const auto rows = to_reading_rows(mr, uuid{});
  CHECK(rows.interval_seconds == 900);  // from the readings' durations
  CHECK(rows.rows.size() == 3);
}

TEST_CASE("a bad reading is reported by element path and line while the valid ones land",
          "[greenbutton][errors]") {
  const std::string readings = reading(t0, "100") + reading(t0 + 3600, "12x") +
                               reading(t0 + 7200, "300") +
                               "<IntervalReading><value>4</value></IntervalReading>\n";
  const std::string xml = feed({up_entry("1"), mr_entry("1", "01", "07"), rt_entry("07", 72, 0),
                                block("1", "01", "1", readings)});
  const document d = parse_buffer(xml, "bad.xml");
  const auto& s = d.meter_readings[0].readings;
  CHECK(s.value == std::vector<std::int64_t>{100, 300});
  REQUIRE(d.issues.size() == 2);
  CHECK(d.issues[0].where ==
        "bad.xml:8: feed/entry[4]/content/IntervalBlock/IntervalReading[2]/value");
  CHECK(d.issues[0].what.find("'12x'") != std::string::npos);
  CHECK(d.issues[1].where == "bad.xml:10: feed/entry[4]/content/IntervalBlock/IntervalReading[4]");
  CHECK(d.issues[1].what.find("no timePeriod/start") != std::string::npos);
}

TEST_CASE("malformed XML is a parse_error naming the file, the line and the open element",
          "[greenbutton][errors]") {
  auto message = [](const std::string& xml, const std::string& name) -> std::string {
    try {
      (void)parse_buffer(xml, name);
    } catch (const parse_error& e) {
      return e.what();
    }
    return "no exception";
  };
  std::string xml = simple_feed();
  // Break the closing tag of the second reading's value (line 9 of the fixture).
  xml.replace(xml.find("<value>200</value>"), 18, "<value>200</valeu>");
  const std::string broken = message(xml, "broken.xml");
  INFO(broken);
  CHECK(broken.rfind("broken.xml:9: malformed XML", 0) == 0);
  CHECK(broken.find("inside <value> opened at line 9") != std::string::npos);

  const std::string full = simple_feed();
  const std::string cut =
      message(full.substr(0, full.find("<value>300")), "cut.xml");  // truncated file
  INFO(cut);
  CHECK(cut.rfind("cut.xml:", 0) == 0);
  CHECK(cut.find("inside <IntervalReading>") != std::string::npos);
}

TEST_CASE("a document that is not Green Button is refused, naming its root element",
          "[greenbutton][errors]") {
  CHECK_THROWS_WITH(
      parse_buffer("<html><body/></html>", "page.xml"),
      Catch::Contains("page.xml:1: not a Green Button document: root element <html>"));
  CHECK_THROWS_WITH(parse_buffer("", "empty.xml"), Catch::Contains("empty.xml"));
  CHECK_THROWS_AS(parse_file("/nonexistent/dir/x.xml"), parse_error);
}

TEST_CASE("overlapping blocks: a repeated interval start is dropped and reported, the first kept",
          "[greenbutton][variation]") {
  const std::string xml =
      feed({up_entry("1"), mr_entry("1", "01", "07"), rt_entry("07", 72, 0),
            block("1", "01", "2", reading(t0 + 3600, "999") + reading(t0 + 7200, "3")),
            block("1", "01", "1", reading(t0, "1") + reading(t0 + 3600, "2"))});
  const document d = parse_buffer(xml, "overlap.xml");
  const auto& s = d.meter_readings[0].readings;
  CHECK(s.start == std::vector<epoch_seconds>{t0, t0 + 3600, t0 + 7200});  // sorted
  CHECK(s.value == std::vector<std::int64_t>{1, 999, 3});  // first in file order kept
  CHECK(has_issue(d, "MeterReading RetailCustomer/1/UsagePoint/1/MeterReading/01",
                  "different values"));
}

TEST_CASE("a block that links to no meter reading of the file is reported, not guessed",
          "[greenbutton][errors]") {
  const std::string xml = feed({up_entry("1"), mr_entry("1", "01", "07"), mr_entry("1", "02", "07"),
                                rt_entry("07", 72, 0), block("1", "01", "1", reading(t0, "1")),
                                block("9", "09", "1", reading(t0, "5"))});
  const document d = parse_buffer(xml, "orphan.xml");
  CHECK(d.meter_readings[0].readings.size() == 1);
  CHECK(d.meter_readings[1].readings.empty());
  CHECK(has_issue(d, "orphan.xml:", "belongs to no MeterReading"));
}

TEST_CASE("a reading whose duration differs from the meter's interval is not stored",
          "[greenbutton][units]") {
  const std::string xml =
      feed({mr_entry("1", "01", "07"), rt_entry("07", 72, 0, 900),
            block("1", "01", "1", reading(t0, "1", 900) + reading(t0 + 900, "2", 3600))});
  const auto rows = to_reading_rows(parse_buffer(xml, "mixed.xml").meter_readings.at(0), uuid{});
  CHECK(rows.rows.size() == 1);
  REQUIRE(rows.rejected.size() == 1);
  CHECK(rows.rejected[0].what.find("duration 3600 s differs") != std::string::npos);
}

TEST_CASE("usage summaries become bills: money exact from 1/100000 units, estimates flagged",
          "[greenbutton][bills]") {
  const std::string body =
      "<billingPeriod><duration>2678400</duration><start>1330578000</start></billingPeriod>"
      "<billLastPeriod>12345678</billLastPeriod><currency>840</currency>"
      "<overallConsumptionLastPeriod><powerOfTenMultiplier>3</powerOfTenMultiplier><uom>72</"
      "uom><value>950</value>"
      "</overallConsumptionLastPeriod><qualityOfReading>8</qualityOfReading>";
  const document d = parse_buffer(feed({up_entry("1"), summary_entry("1", body)}), "bill.xml");
  REQUIRE(d.bills.size() == 1);
  const auto& b = d.bills[0];
  CHECK(b.amount == money::from_micros(123'456'780));  // $123.4567800
  CHECK(b.amount_stated);
  CHECK(b.consumption == 950'000);  // 950 kWh
  CHECK(b.estimated);
  CHECK(b.period == time_range{from_epoch(1330578000), from_epoch(1330578000 + 2678400)});
  CHECK(d.usage_points[0].summaries == std::vector<std::size_t>{0});

  SECTION("a summary without billingPeriod gives no bill and says so") {
    const document d2 = parse_buffer(
        feed({up_entry("1"), summary_entry("1", "<billLastPeriod>1</billLastPeriod>")}),
        "nobp.xml");
    CHECK(d2.bills.empty());
    CHECK(has_issue(d2, "nobp.xml:", "no billingPeriod"));
  }
}

TEST_CASE("time parameters are checked against the caller's building zone, never turned into one",
          "[greenbutton][time]") {
  local_time_parameters pacific;
  pacific.tz_offset = -28800;
  pacific.dst_offset = 3600;
  const auto winter = from_epoch(1293868800);  // 2011-01-01T08:00Z
  const auto summer = from_epoch(1309478400);  // 2011-07-01T00:00Z
  CHECK(zone_matches(pacific, find_zone("America/Los_Angeles"), winter));
  CHECK(zone_matches(pacific, find_zone("America/Los_Angeles"), summer));
  CHECK(zone_matches(pacific, find_zone("America/Tijuana"),
                     summer));  // same offsets: offsets cannot name a zone
  CHECK_FALSE(zone_matches(pacific, find_zone("America/New_York"), winter));
  CHECK_FALSE(zone_matches(pacific, find_zone("America/Phoenix"), winter));  // -7 h standard
  local_time_parameters no_dst = pacific;
  no_dst.dst_offset = 0;
  CHECK_FALSE(zone_matches(no_dst, find_zone("America/Los_Angeles"), summer));
}

TEST_CASE(
    "property: any truncation or byte corruption is a parse_error or a document, never a crash",
    "[greenbutton][errors]") {
  const std::string xml =
      feed({up_entry("1"), ltp_entry(), mr_entry("1", "01", "07"), rt_entry("07", 72, 0),
            block("1", "01", "1",
                  three_readings() + reading(t0 + 3 * 3600, "4", 3600, "<cost>5</cost>")),
            summary_entry("1",
                          "<billingPeriod><duration>86400</duration><start>1330578000</start>"
                          "</billingPeriod><billLastPeriod>100</billLastPeriod>")});
  std::mt19937 rng(7);
  std::size_t errors = 0, documents = 0;
  for (int i = 0; i < 400; ++i) {
    std::string s = xml;
    if (i % 2 == 0) {
      s.resize(rng() % xml.size());
    } else {
      for (int k = 0; k < 3; ++k)
        s[rng() % s.size()] = "<>/x9 -&\""[rng() % 9];
    }
    try {
      const document d = parse_buffer(s, "fuzz.xml");
      ++documents;
      for (const auto& m : d.meter_readings) {
        REQUIRE(m.readings.start.size() == m.readings.value.size());
        REQUIRE(std::is_sorted(m.readings.start.begin(), m.readings.start.end()));
      }
    } catch (const parse_error& e) {
      ++errors;
      REQUIRE(std::string(e.what()).rfind("fuzz.xml", 0) == 0);
    }
  }
  CHECK(errors > 0);
  CHECK(documents > 0);
}

TEST_CASE("register reads are not converted as interval consumption", "[greenbutton][units]") {
  std::string rt = rt_entry("07", 72, 0);
  rt.replace(rt.find("<accumulationBehaviour>4<"), 25, "<accumulationBehaviour>3<");  // cumulative
  const document d = parse_buffer(
      feed({mr_entry("1", "01", "07"), rt, block("1", "01", "1", three_readings())}), "reg.xml");
  REQUIRE(d.meter_readings.at(0).type->accumulation_behaviour == 3);
  CHECK_THROWS_WITH(to_reading_rows(d.meter_readings[0], uuid{}),
                    Catch::Contains("accumulationBehaviour 3"));
}
