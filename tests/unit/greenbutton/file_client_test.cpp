// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <energy/greenbutton/utility_client.hpp>

#include "support/enum_names_check.hpp"

using namespace energy;
using namespace energy::greenbutton;
namespace fs = std::filesystem;

namespace {

const fs::path data_dir = fs::path(ENERGY_TEST_DATA_DIR) / "greenbutton";

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string t = (fs::temp_directory_path() / "energy-gbfiles-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

usage_query query(const std::string& usage_point, time_range range) {
  usage_query q;
  q.usage_point_id = usage_point;
  q.range = range;
  return q;
}

}  // namespace

TEST_CASE("the file client merges every XML file of a directory and selects usage points by id",
          "[greenbutton][client]") {
  if (!fs::exists(data_dir)) {
    WARN("shared sample data not present: skipped");
    return;
  }
  temp_dir dir;
  for (const auto& e : fs::directory_iterator(data_dir))
    if (e.path().extension() == ".xml") fs::copy_file(e.path(), dir.path / e.path().filename());
  std::ofstream(dir.path / "notes.txt") << "not a Green Button file";  // ignored: not *.xml
  auto client = open_file_client(dir.path);

  const time_range all{from_epoch(0), from_epoch(2'000'000'000)};
  const document both = client->fetch_usage(query("", all));
  REQUIRE(both.usage_points.size() == 2);
  REQUIRE(both.meter_readings.size() == 2);
  CHECK(both.meter_readings[0].readings.size() + both.meter_readings[1].readings.size() ==
        8760 + 480);
  for (std::size_t u = 0; u < 2; ++u)
    for (auto m : both.usage_points[u].meter_readings)
      CHECK(both.meter_readings[m].usage_point == u);

  // One day of the 15-minute OpenESPI usage point (2012-03-02T05:00Z .. 2012-03-03T05:00Z).
  const document one =
      client->fetch_usage(query("5446AF3F", {from_epoch(1330664400), from_epoch(1330750800)}));
  REQUIRE(one.usage_points.size() == 1);
  REQUIRE(one.meter_readings.size() == 1);
  CHECK(one.meter_readings[0].readings.size() == 96);
  CHECK(one.usage_points[0].title == "Front Electric Meter");

  const auto bills = client->fetch_bills(query("", all));
  REQUIRE(bills.size() == 2);
  CHECK(bills[0].period.start < bills[1].period.start);
  CHECK(client->fetch_bills(query("1", {from_epoch(0), from_epoch(1000)})).empty());

  SECTION("a malformed file in the directory is a parse_error naming it") {
    std::ofstream(dir.path / "zz-broken.xml") << "<feed><entry>";
    CHECK_THROWS_WITH(client->fetch_usage(query("", all)), Catch::Contains("zz-broken.xml"));
  }
  CHECK_THROWS_AS(open_file_client(dir.path / "missing"), std::invalid_argument);
  CHECK_THROWS_AS(client->fetch_usage(query("", {})),
                  std::invalid_argument);  // empty range selects nothing
}

TEST_CASE("time filters have one name per value that parses back (enum_names.hpp)",
          "[greenbutton][enum_names]") {
  energy::testing::check_enum_names<time_filter>();
  // The ESPI query parameters are "<name>-min".
  CHECK(to_string(time_filter::published) == "published");
  CHECK(to_string(time_filter::updated) == "updated");
}
