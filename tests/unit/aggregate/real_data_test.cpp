// SPDX-License-Identifier: Apache-2.0
// Real data: the OpenEEmeter Illinois sample (hourly kWh, US Central with DST, offsets in the file)
// and its daily companion file. Apache-2.0, see ../shared/data/PROVENANCE.md.
#include <energy/aggregate/aggregator.hpp>

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "il_csv.hpp"

#include <cstdlib>
#include <filesystem>
#include <map>

using namespace energy;
using namespace energy::aggregate;

namespace {

const std::string hourly_path =
    std::string(ENERGY_TEST_DATA_DIR) + "/eemeter/il-electricity-cdd-only-hourly.csv";
const std::string daily_path =
    std::string(ENERGY_TEST_DATA_DIR) + "/eemeter/il-electricity-cdd-only-daily.csv";

std::string local_date(std::chrono::local_seconds t) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace

TEST_CASE("Illinois hourly data sums to its local days, including 23- and 25-hour days",
          "[aggregate][real-data]") {
  if (!std::filesystem::exists(hourly_path) || !std::filesystem::exists(daily_path)) {
    WARN("sample data absent, nothing checked: " << hourly_path);
    return;
  }
  const auto hourly = test::read_start_value_csv(hourly_path);
  REQUIRE(hourly.size() == 19'417);

  test::portfolio p;
  const building b = p.add_building("America/Chicago");
  const sensor s = p.add_sensor(b, sensor_type::electricity, 3600);
  aggregator agg(p.buildings, p.sensors, {false, true, nullptr});
  // Independent: the file's own local date (its offsets come from the data provider, not our tz
  // code).
  std::map<std::string, std::pair<milli, std::int64_t>> by_text_date;
  milli file_total = 0;
  for (const auto& pt : hourly) {
    REQUIRE(pt.value);
    agg.add(s.id, to_epoch(pt.start), *pt.value);
    auto& cell = by_text_date[pt.start_text.substr(0, 10)];
    cell.first += *pt.value;
    ++cell.second;
    file_total += *pt.value;
  }
  const auto r = agg.finish();
  REQUIRE(r.daily.size() == by_text_date.size());
  std::map<std::string, const summary_row*> ours;
  for (const auto& d : r.daily) {
    const std::string day = local_date(d.local_start);
    ours[day] = &d;
    const auto& [sum, n] = by_text_date.at(day);
    CHECK(d.consumption == sum);
    CHECK(d.reading_count == n);
  }
  CHECK(ours.at("2016-03-13")->reading_count == 23);
  CHECK(ours.at("2016-03-13")->period.length() == std::chrono::hours{23});
  CHECK(ours.at("2016-11-06")->reading_count == 25);
  CHECK(ours.at("2017-03-12")->reading_count == 23);
  CHECK(ours.at("2017-11-05")->reading_count == 25);
  milli month_total = 0;
  for (const auto& m : r.monthly)
    month_total += m.consumption;
  CHECK(month_total == file_total);
  CHECK(r.monthly.size() == 28);  // 2015-11 .. 2018-02

  // The daily file was computed from unrounded hourly values; the hourly file is rounded to 0.01
  // kWh, so each local day may differ by up to 5 Wh per hour plus 5 Wh for the day's own rounding.
  const auto daily = test::read_start_value_csv(daily_path);
  std::size_t compared = 0;
  milli worst = 0;
  for (const auto& pt : daily) {
    if (!pt.value) continue;  // the trailing "nan" marks the end
    const auto& d = *ours.at(pt.start_text.substr(0, 10));
    CHECK(d.period.start == pt.start);  // the file's day starts where our local day starts
    const milli diff = std::llabs(d.consumption - *pt.value);
    CHECK(diff <= 5 * d.reading_count + 5);
    worst = std::max(worst, diff);
    ++compared;
  }
  CHECK(compared == 809);
  INFO("largest daily difference to the daily file: " << worst << " Wh");
  CHECK(worst > 0);  // the files really do differ by rounding: the comparison above is not vacuous
}
