// SPDX-License-Identifier: Apache-2.0
// Real sample files from ENERGY_TEST_DATA_DIR/eemeter (OpenEEmeter samples, Apache-2.0; see
// ../shared/data/PROVENANCE.md). Skipped with a warning when the data directory is absent.
#include <energy/decimal.hpp>
#include <energy/ingest/ingest.hpp>
#include <energy/io/csv_readings.hpp>
#include <energy/storage/memory.hpp>

#include "store_fixture.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using namespace energy;
using energy::ingest::reason;

namespace {

std::filesystem::path eemeter(const char* name) {
  return std::filesystem::path(ENERGY_TEST_DATA_DIR) / "eemeter" / name;
}

bool have(const std::filesystem::path& p) {
  if (std::filesystem::exists(p)) return true;
  WARN("skipped: sample data file " << p.string()
                                    << " not found (set ENERGY_DATA_DIR to ../shared/data)");
  return false;
}

const uuid meter = uuid::parse("0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f88");

io::csv_options for_meter() {
  io::csv_options o;
  o.sensor_id = meter;
  return o;
}

/// Exact total of the value column, summed as decimal text (independent of the double path).
milli exact_sum(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  milli total = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // the samples have CRLF line ends
    const auto v = parse_milli(line.substr(line.rfind(',') + 1));
    REQUIRE(v.has_value());
    total += *v;
  }
  return total;
}

std::unique_ptr<storage::store> store_with_meter(std::int32_t interval_seconds) {
  sensor s;
  s.id = meter;
  s.interval_seconds = interval_seconds;
  s.created_at = *parse_utc_timestamp("2015-01-01T00:00:00Z");
  return io::test::store_with_sensor(s, "America/Chicago");
}

}  // namespace

TEST_CASE("the OpenEEmeter hourly file imports completely and its total is exact to the Wh",
          "[io][csv][data]") {
  const auto path = eemeter("il-electricity-cdd-only-hourly.csv");
  if (!have(path)) return;
  const auto parsed = io::read_csv_readings_file(path, for_meter());
  REQUIRE(parsed.rejections.empty());
  REQUIRE(parsed.batch.size() == 19'417);
  REQUIRE(parsed.batch.ts.front() == to_epoch(*parse_utc_timestamp("2015-11-22T06:00:00Z")));
  // The fall-back hour 2016-11-06 01:00 appears twice (CDT then CST): two distinct instants.
  const auto cdt = to_epoch(*parse_utc_timestamp("2016-11-06T06:00:00Z"));
  const auto cst = to_epoch(*parse_utc_timestamp("2016-11-06T07:00:00Z"));
  REQUIRE(std::count(parsed.batch.ts.begin(), parsed.batch.ts.end(), cdt) == 1);
  REQUIRE(std::count(parsed.batch.ts.begin(), parsed.batch.ts.end(), cst) == 1);

  auto st = store_with_meter(3600);
  ingest::ingest_options opt;
  opt.validation.now = *parse_utc_timestamp("2024-01-01T00:00:00Z");
  const auto report = ingest::ingest_batch(*st, parsed.batch, opt, parsed.rejections);
  REQUIRE(report.rejections.empty());
  REQUIRE(report.inserted == 19'417);
  const auto rows =
      st->read_readings(meter, {from_epoch(0), *parse_utc_timestamp("2030-01-01T00:00:00Z")});
  milli total = 0;
  for (const milli v : rows.value)
    total += v;
  REQUIRE(total == exact_sum(path));
}

TEST_CASE("the OpenEEmeter daily file's trailing 'nan' is rejected non_finite_value with its line",
          "[io][csv][data]") {
  const auto path = eemeter("il-electricity-cdd-only-daily.csv");
  if (!have(path)) return;
  const auto parsed = io::read_csv_readings_file(path, for_meter());
  REQUIRE(parsed.batch.size() == 810);
  auto st = store_with_meter(86400);
  ingest::ingest_options opt;
  opt.validation.now = *parse_utc_timestamp("2024-01-01T00:00:00Z");
  const auto report = ingest::ingest_batch(*st, parsed.batch, opt);
  REQUIRE(report.inserted == 809);
  REQUIRE(report.rejections.size() == 1);
  REQUIRE(report.rejections[0].why == reason::non_finite_value);
  REQUIRE(report.rejections[0].source_row == 811);
}

TEST_CASE("the OpenEEmeter temperature file reads through an explicit value column",
          "[io][csv][data]") {
  const auto path = eemeter("il-electricity-cdd-hdd-tempF.csv");
  if (!have(path)) return;
  auto opt = for_meter();
  opt.value_column = "tempF";
  const auto parsed = io::read_csv_readings_file(path, opt);
  REQUIRE(parsed.rejections.empty());
  REQUIRE(parsed.batch.size() == 19'417);
  REQUIRE(parsed.batch.value.front() == 21.01);
}

TEST_CASE(
    "the UK sample's naive local timestamps are all rejected malformed_timestamp, never guessed",
    "[io][csv][data]") {
  const auto path = eemeter("uk-electricity-hdd-only-hourly-sample-1.csv");
  if (!have(path)) return;
  const auto parsed = io::read_csv_readings_file(path, for_meter());
  REQUIRE(parsed.batch.empty());
  REQUIRE(parsed.rejections.size() == 22'536);
  REQUIRE(parsed.rejections.front().why == reason::malformed_timestamp);
  REQUIRE(parsed.rejections.front().source_row == 2);
  REQUIRE_THAT(parsed.rejections.front().detail, Catch::Contains("no offset"));
}
