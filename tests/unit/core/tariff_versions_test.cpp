// SPDX-License-Identifier: Apache-2.0
// The calendar rules of stored tariff versions: dates, local midnights (also where midnight does
// not exist), the range a new version reprices, the version in effect, and the dated cost model.
#include <catch2/catch.hpp>

#include <energy/billing/dated_tariff_cost.hpp>
#include <energy/storage/tariffs.hpp>

#include <stdexcept>
#include <vector>

using namespace energy;
using std::chrono::day;
using std::chrono::year;

namespace {

storage::tariff_version version(std::chrono::year_month_day effective, std::int64_t revision) {
  storage::tariff_version v;
  v.effective = effective;
  v.revision = revision;
  v.urdb_json = "{}";
  return v;
}

}  // namespace

TEST_CASE("tariff dates are YYYY-MM-DD calendar dates and nothing else") {
  CHECK(storage::parse_date("2016-07-01") == year{2016} / 7 / 1);
  CHECK(storage::parse_date("2024-02-29") == year{2024} / 2 / 29);
  for (const char* bad : {"2023-02-29", "2016-13-01", "2016-7-01", "16-07-01", "2016-07-01T00",
                          "2016/07/01", "", "2016-07-0a", " 2016-07-01"})
    CHECK_FALSE(storage::parse_date(bad).has_value());
  CHECK(storage::format_date(year{987} / 3 / 4) == "0987-03-04");
}

TEST_CASE("local midnight is the first instant of the local date, after a gap when it has none") {
  const auto chicago = find_zone("America/Chicago");
  CHECK(format_utc(storage::local_midnight(year{2016} / 7 / 1, chicago)) == "2016-07-01T05:00:00Z");
  CHECK(format_utc(storage::local_midnight(year{2016} / 12 / 1, chicago)) ==
        "2016-12-01T06:00:00Z");
  // Havana springs forward at midnight: 2024-03-10 00:00 does not exist, the day starts at 01:00
  // CDT (05:00Z).
  const auto havana = find_zone("America/Havana");
  CHECK(format_utc(storage::local_midnight(year{2024} / 3 / 10, havana)) == "2024-03-10T05:00:00Z");
}

TEST_CASE("a new version reprices from its date to the next later version's date") {
  const auto chicago = find_zone("America/Chicago");
  const std::vector<storage::tariff_version> existing{version(year{2016} / 7 / 1, 1),
                                                      version(year{2016} / 9 / 1, 2)};
  const auto middle = storage::tariff_change_range(existing, year{2016} / 8 / 1, chicago);
  CHECK(format_utc(middle.start) == "2016-08-01T05:00:00Z");
  CHECK(format_utc(middle.end) == "2016-09-01T05:00:00Z");
  // The same date as an existing version (a superseding upload): up to the next later one.
  const auto same = storage::tariff_change_range(existing, year{2016} / 7 / 1, chicago);
  CHECK(format_utc(same.end) == "2016-09-01T05:00:00Z");
  // After every version: to the end of time.
  CHECK(storage::tariff_change_range(existing, year{2017} / 1 / 1, chicago).end ==
        storage::all_time().end);
}

TEST_CASE("the version in effect is the latest date not after the day, highest revision") {
  const std::vector<storage::tariff_version> v{version(year{2016} / 9 / 1, 2),
                                               version(year{2016} / 7 / 1, 1),
                                               version(year{2016} / 9 / 1, 3)};
  CHECK(storage::version_in_effect(v, year{2016} / 6 / 30) == nullptr);
  CHECK(storage::version_in_effect(v, year{2016} / 7 / 1)->revision == 1);
  CHECK(storage::version_in_effect(v, year{2016} / 8 / 31)->revision == 1);
  CHECK(storage::version_in_effect(v, year{2016} / 9 / 1)->revision == 3);
  CHECK(storage::version_in_effect({}, year{2016} / 9 / 1) == nullptr);
}

TEST_CASE("the dated cost model prices each local hour by the version of its local date") {
  building b;
  b.id = uuid::v7();
  b.time_zone = "America/Chicago";
  billing::dated_tariff_cost model;
  CHECK(model.identity() == "stored_tariffs");
  model.add_version(b.id, year{2016} / 7 / 1,
                    billing::flat_energy_tariff(money::from_micros(100'000)));  // $0.10/kWh
  model.add_version(b.id, year{2016} / 8 / 1,
                    billing::flat_energy_tariff(money::from_micros(200'000)));
  // A later upload for the same date replaces it.
  model.add_version(b.id, year{2016} / 8 / 1,
                    billing::flat_energy_tariff(money::from_micros(300'000)));
  auto hour = [](const char* utc) {
    const auto t = *parse_utc_timestamp(utc);
    return time_range{t, t + std::chrono::hours{1}};
  };
  const milli kwh2 = 2000;  // 2 kWh
  // 2016-08-01 04:00Z is 23:00 on July 31 in Chicago: July's price; 05:00Z is August's first hour.
  CHECK(model.cost(b, sensor_type::electricity, hour("2016-08-01T04:00:00Z"), kwh2).micros() ==
        200'000);
  CHECK(model.cost(b, sensor_type::electricity, hour("2016-08-01T05:00:00Z"), kwh2).micros() ==
        600'000);
  // Before the first version: the flat rate (none here: 0); other types never priced by $/kWh.
  CHECK(model.cost(b, sensor_type::electricity, hour("2016-07-01T04:00:00Z"), kwh2).micros() == 0);
  b.flat_rate_per_kwh = money::from_micros(50'000);
  CHECK(model.cost(b, sensor_type::electricity, hour("2016-07-01T04:00:00Z"), kwh2).micros() ==
        100'000);
  CHECK(model.cost(b, sensor_type::gas, hour("2016-08-01T05:00:00Z"), kwh2).micros() == 0);
  // A tariff that cannot bill is refused.
  CHECK_THROWS_AS(model.add_version(b.id, year{2016} / 9 / 1, billing::tariff{}),
                  std::invalid_argument);
}
