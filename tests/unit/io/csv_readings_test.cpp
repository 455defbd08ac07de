// SPDX-License-Identifier: Apache-2.0
#include <energy/error.hpp>
#include <energy/ingest/validate.hpp>
#include <energy/io/csv_readings.hpp>
#include <energy/quality.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace energy;
using energy::ingest::reason;

namespace {

constexpr const char* id_a = "0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f88";
constexpr const char* id_b = "0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f89";

epoch_seconds at(const char* text) {
  return to_epoch(*parse_utc_timestamp(text));
}

io::csv_options single(const char* id = id_a) {
  io::csv_options o;
  o.sensor_id = uuid::parse(id);
  return o;
}

ingest::rejection only_rejection(const std::string& csv, const io::csv_options& opt = {}) {
  const auto p = io::parse_csv_readings(csv, "r.csv", opt);
  REQUIRE(p.batch.empty());
  REQUIRE(p.rejections.size() == 1);
  return p.rejections[0];
}

}  // namespace

TEST_CASE("multi-sensor CSV parses with file lines as source rows", "[io][csv]") {
  const std::string csv = std::string("sensor_id,timestamp,value,quality_flag\n") + id_a +
                          ",2024-07-01T12:00:00Z,10.5,\n" + "\n" + id_b +
                          ",2024-07-01T08:15:00-04:00,3.25,1\n";
  const auto p = io::parse_csv_readings(csv, "r.csv");
  REQUIRE(p.rejections.empty());
  REQUIRE(p.batch.size() == 2);
  REQUIRE(p.batch.sensor_id[1] == uuid::parse(id_b));
  REQUIRE(p.batch.ts[1] == at("2024-07-01T12:15:00Z"));
  REQUIRE(p.batch.value == std::vector<double>{10.5, 3.25});
  REQUIRE(p.batch.quality == std::vector<std::uint32_t>{0, quality::estimated});
  REQUIRE(p.batch.source_row == std::vector<std::int64_t>{2, 4});
}

TEST_CASE("CSV columns may come in any order, quoted, with CRLF, a BOM and extra columns",
          "[io][csv]") {
  const std::string csv = std::string("\xEF\xBB\xBF") + "note,Value,Timestamp,Sensor_ID\r\n" +
                          "\"a, \"\"quoted\"\" note\",\"2.5\",\"2024-07-01T12:00:00Z\"," + id_a +
                          "\r\n";
  const auto p = io::parse_csv_readings(csv, "r.csv");
  REQUIRE(p.rejections.empty());
  REQUIRE(p.batch.value == std::vector<double>{2.5});
  REQUIRE(p.batch.sensor_id.at(0) == uuid::parse(id_a));
}

TEST_CASE("single-meter CSV takes its sensor from the caller", "[io][csv]") {
  const auto p =
      io::parse_csv_readings("start,value\n2015-11-22T00:00:00-06:00,0.23\n", "m.csv", single());
  REQUIRE(p.batch.size() == 1);
  REQUIRE(p.batch.sensor_id[0] == uuid::parse(id_a));
  REQUIRE(p.batch.ts[0] == at("2015-11-22T06:00:00Z"));
}

TEST_CASE("explicit column names select the timestamp and value columns", "[io][csv]") {
  auto opt = single();
  opt.timestamp_column = "dt";
  opt.value_column = "tempF";
  const auto p =
      io::parse_csv_readings(",dt,tempF\n0,2015-11-22T00:00:00-06:00,21.01\n", "t.csv", opt);
  REQUIRE(p.batch.value == std::vector<double>{21.01});
}

TEST_CASE("an unusable CSV header throws parse_error naming file and line 1", "[io][csv]") {
  REQUIRE_THROWS_WITH(io::parse_csv_readings("when,amount\n", "h.csv", single()),
                      Catch::Contains("h.csv:1") && Catch::Contains("timestamp"));
  REQUIRE_THROWS_WITH(io::parse_csv_readings("timestamp,amount\n", "h.csv", single()),
                      Catch::Contains("h.csv:1") && Catch::Contains("value"));
  REQUIRE_THROWS_WITH(io::parse_csv_readings("start,value\n", "h.csv"), Catch::Contains("sensor"));
  REQUIRE_THROWS_WITH(io::parse_csv_readings("sensor_id,timestamp,value\n", "h.csv", single()),
                      Catch::Contains("fixed sensor id"));
  REQUIRE_THROWS_WITH(io::parse_csv_readings("", "e.csv"),
                      Catch::Contains("e.csv") && Catch::Contains("header"));
}

TEST_CASE("CSV row errors name file, line, column and text", "[io][csv]") {
  const std::string h = "sensor_id,timestamp,value,quality_flag\n";
  const std::string id = id_a;
  SECTION("malformed sensor id") {
    const auto r = only_rejection(h + "meter-7,2024-07-01T12:00:00Z,1,\n");
    REQUIRE(r.why == reason::malformed_sensor_id);
    REQUIRE(r.source_row == 2);
    REQUIRE_THAT(r.detail, Catch::Contains("r.csv:2") && Catch::Contains("meter-7"));
  }
  SECTION("naive timestamp") {
    const auto r = only_rejection(h + id + ",2012-10-12 00:30:00,1,\n");
    REQUIRE(r.why == reason::malformed_timestamp);
    REQUIRE_THAT(r.detail, Catch::Contains("2012-10-12 00:30:00") && Catch::Contains("no offset"));
  }
  SECTION("malformed value") {
    const auto r = only_rejection(h + id + ",2024-07-01T12:00:00Z,12kWh,\n");
    REQUIRE(r.why == reason::malformed_value);
    REQUIRE_THAT(r.detail, Catch::Contains("12kWh"));
  }
  SECTION("missing fields") {
    REQUIRE(only_rejection(h + id + ",2024-07-01T12:00:00Z,,\n").why == reason::missing_field);
    REQUIRE(only_rejection(h + id + ",2024-07-01T12:00:00Z\n").why == reason::missing_field);
    REQUIRE(only_rejection(h + ",2024-07-01T12:00:00Z,1,\n").why == reason::missing_field);
    REQUIRE(only_rejection(h + id + ",,1,\n").why == reason::missing_field);
  }
  SECTION("invalid quality flag") {
    REQUIRE(only_rejection(h + id + ",2024-07-01T12:00:00Z,1,x\n").why ==
            reason::invalid_quality_flag);
    REQUIRE(only_rejection(h + id + ",2024-07-01T12:00:00Z,1,4096\n").why ==
            reason::invalid_quality_flag);
  }
}

TEST_CASE("'nan' values parse and are then rejected non_finite_value with their line",
          "[io][csv]") {
  const auto p = io::parse_csv_readings(
      "start,value\n2018-02-07T00:00:00-06:00,5.41\n2018-02-08T00:00:00-06:00,nan\n", "d.csv",
      single());
  REQUIRE(p.rejections.empty());
  REQUIRE(p.batch.size() == 2);
  REQUIRE(std::isnan(p.batch.value[1]));
  sensor s;
  s.id = uuid::parse(id_a);
  const auto v = ingest::validate_batch(
      p.batch, ingest::sensor_directory({s}),
      ingest::validation_options{*parse_utc_timestamp("2024-01-01T00:00:00Z")});
  REQUIRE(v.rows.size() == 1);
  REQUIRE(v.rejections.at(0).why == reason::non_finite_value);
  REQUIRE(v.rejections.at(0).source_row == 3);
}

TEST_CASE("CSV is streamed in chunks that together equal the whole parse", "[io][csv]") {
  std::string csv = "start,value\n";
  for (int h = 0; h < 10; ++h)
    csv += "2024-07-01T" + std::string(h < 10 ? "0" : "") + std::to_string(h) + ":00:00Z," +
           (h == 4 ? std::string("oops") : std::to_string(h)) + "\n";
  auto opt = single();
  opt.chunk_rows = 3;
  std::istringstream in(csv);
  std::vector<std::size_t> sizes;
  std::size_t rejections = 0;
  std::vector<std::int64_t> lines;
  io::read_csv_readings(in, "s.csv", opt, [&](io::parsed_readings&& chunk) {
    sizes.push_back(chunk.batch.size());
    rejections += chunk.rejections.size();
    lines.insert(lines.end(), chunk.batch.source_row.begin(), chunk.batch.source_row.end());
  });
  REQUIRE(sizes == std::vector<std::size_t>{3, 3, 3});
  REQUIRE(rejections == 1);
  REQUIRE(lines == std::vector<std::int64_t>{2, 3, 4, 5, 7, 8, 9, 10, 11});
  const auto whole = io::parse_csv_readings(csv, "s.csv", single());
  REQUIRE(whole.batch.source_row == lines);
}

TEST_CASE("CSV files are read by path and a missing file names its path", "[io][csv]") {
  const auto path = std::filesystem::temp_directory_path() / "energy_io_csv_test.csv";
  {
    std::ofstream out(path);
    out << "start,value\n2024-07-01T00:00:00Z,1.5\n";
  }
  REQUIRE(io::read_csv_readings_file(path, single()).batch.value == std::vector<double>{1.5});
  std::filesystem::remove(path);
  REQUIRE_THROWS_WITH(io::read_csv_readings_file(path, single()), Catch::Contains(path.string()));
}

// --- hostile input (issue #11, defects 2, 3, 6 and 7) -------------------------------------------

TEST_CASE("a CSV of only bad rows streams in chunks of at most chunk_rows rejections",
          "[io][csv][limits]") {
  std::string csv = "sensor_id,timestamp,value\n";
  for (int i = 0; i < 2500; ++i)
    csv += "not-a-sensor,2024-07-01T12:00:00Z,1\n";
  io::csv_options o;
  o.chunk_rows = 100;
  std::istringstream in(csv);
  std::size_t chunks = 0, rejected = 0, largest = 0;
  io::read_csv_readings(in, "bad.csv", o, [&](io::parsed_readings&& chunk) {
    ++chunks;
    rejected += chunk.rejections.size();
    largest = std::max(largest, chunk.rejections.size());
  });
  CHECK(rejected == 2500);
  CHECK(largest <= 100);
  CHECK(chunks == 25);
}

TEST_CASE("a line or field beyond the limits is rejected line_too_long, not kept and not echoed",
          "[io][csv][limits]") {
  const std::string h = "sensor_id,timestamp,value,note\n";
  const std::string good = std::string(id_a) + ",2024-07-01T12:00:00Z,1,ok\n";
  io::csv_options o;
  o.max_line_bytes = 1000;
  o.max_field_bytes = 100;
  const std::string long_line =
      std::string(id_a) + ",2024-07-01T12:00:00Z,1," + std::string(5'000'000, 'x') + "\n";
  const std::string long_field =
      std::string(id_a) + ",2024-07-01T12:00:00Z,1," + std::string(500, 'y') + "\n";
  const auto p = io::parse_csv_readings(h + long_line + good + long_field + good, "big.csv", o);
  REQUIRE(p.rejections.size() == 2);
  CHECK(p.rejections[0].why == reason::line_too_long);
  CHECK(p.rejections[0].source_row == 2);
  CHECK(p.rejections[1].why == reason::line_too_long);
  CHECK(p.rejections[1].source_row == 4);
  for (const auto& r : p.rejections)
    CHECK(r.detail.size() < 200);
  CHECK(p.batch.source_row == std::vector<std::int64_t>{3, 5});

  // A line exactly at the limit is read; one byte more is not.
  io::csv_options tight;
  tight.max_line_bytes = good.size() - 1;  // without the '\n'
  CHECK(io::parse_csv_readings(h + good, "t.csv", tight).batch.size() == 1);
  tight.max_line_bytes = good.size() - 2;
  CHECK(only_rejection(h + good, tight).why == reason::line_too_long);
}

TEST_CASE("echoed CSV values are truncated and their control characters escaped",
          "[io][csv][limits]") {
  const std::string h = "sensor_id,timestamp,value\n";
  const auto r = only_rejection(h + id_a + ",2024-07-01T12:00:00Z,\x1b]0;owned\x07\x1b[2J" +
                                std::string(300, '9') + "z\n");
  CHECK(r.why == reason::malformed_value);
  CHECK_THAT(r.detail, Catch::Contains("\\x1b]0;owned\\x07\\x1b[2J"));
  CHECK(r.detail.find('\x1b') == std::string::npos);
  CHECK(r.detail.find('\x07') == std::string::npos);
  CHECK(r.detail.size() < 200);
  const auto nul =
      only_rejection(h + id_a + ",2024-07-01T12:00:00Z,1" + std::string(1, '\0') + "2\n");
  CHECK_THAT(nul.detail, Catch::Contains("1\\x002"));
}

TEST_CASE("a quoted CSV field with text after its closing quote or no closing quote is rejected",
          "[io][csv]") {
  const std::string h = "sensor_id,timestamp,value\n";
  const std::string row = std::string(id_a) + ",2024-07-01T12:00:00Z,";
  CHECK(only_rejection(h + row + "\"1\"000\n").why == reason::malformed_value);
  CHECK(only_rejection(h + row + "\"2.5\"kWh\n").why == reason::malformed_value);
  CHECK(only_rejection(h + row + "\"2.5\n").why == reason::malformed_value);
  CHECK(only_rejection(h + "\"" + id_a + "\"x,2024-07-01T12:00:00Z,1\n").why ==
        reason::malformed_sensor_id);
  // Quoted fields that end at their quote (spaces allowed) still parse.
  const auto p = io::parse_csv_readings(h + row + "\"2.5\" \n", "q.csv");
  REQUIRE(p.rejections.empty());
  CHECK(p.batch.value == std::vector<double>{2.5});
}

TEST_CASE(
    "lines that straddle the reader's 1 MiB blocks are read whole, the last one without a "
    "line end too",
    "[io][csv][limits]") {
  // 40,000 CRLF rows (about 2.6 MB: lines cross block boundaries at arbitrary offsets), then a
  // last good row without a line end; and the same with an over-long last line instead.
  std::string csv = "sensor_id,timestamp,value\r\n";
  for (int i = 0; i < 40'000; ++i)
    csv += std::string(id_a) + ",2024-07-01T" + std::to_string(10 + i % 10) + ":" +
           std::to_string(10 + i % 50) + ":00Z," + std::to_string(i) + ".5\r\n";
  const std::string last = std::string(id_a) + ",2024-07-02T00:00:00Z,7";
  const auto p = io::parse_csv_readings(csv + last, "blocks.csv");
  CHECK(p.rejections.empty());
  REQUIRE(p.batch.size() == 40'001);
  for (std::size_t i = 0; i < 40'000; i += 997)
    CHECK(p.batch.value[i] == static_cast<double>(i) + 0.5);
  CHECK(p.batch.value.back() == 7.0);
  CHECK(p.batch.source_row.back() == 40'002);

  io::csv_options o;
  o.max_line_bytes = 100;
  const auto q = io::parse_csv_readings(csv + std::string(3'000'000, 'z'), "blocks.csv", o);
  CHECK(q.batch.size() == 40'000);
  REQUIRE(q.rejections.size() == 1);
  CHECK(q.rejections[0].why == reason::line_too_long);
  CHECK(q.rejections[0].source_row == 40'002);
}
