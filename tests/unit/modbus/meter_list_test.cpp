// SPDX-License-Identifier: Apache-2.0
// Meter list files: bindings, map loading relative to the list, errors with file/line/field.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <energy/error.hpp>
#include <energy/transport/modbus_poller.hpp>

using namespace energy::modbus;

namespace {

const std::filesystem::path maps_dir =
    std::filesystem::path(ENERGY_SOURCE_DIR) / "share/modbus/maps";
const std::string sensor_a = "0190a1b2-0000-7000-8000-000000000001";
const std::string sensor_b = "0190a1b2-0000-7000-8000-000000000002";
const std::string tenant = "0190a1b2-0000-7000-8000-0000000000aa";

std::string error_of(const std::string& text) {
  try {
    (void)parse_meter_list(text, "meters.conf", maps_dir);
  } catch (const energy::parse_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("modbus meter list: meters, endpoints and bindings", "[modbus]") {
  const auto meters = parse_meter_list(
      "energy-modbus-meters 1\n"
      "# main incomer behind a gateway\n"
      "meter main host=10.0.0.5 unit=3 map=eastron_sdm630.map tenant=" +
          tenant + " sensor.import_energy=" + sensor_a + " sensor.total_power=" + sensor_b +
          "\n"
          "meter chiller host=chiller.local port=1502 map=" +
          (maps_dir / "carlo_gavazzi_em24.map").string() + " sensor.import_energy=" + sensor_a +
          "\n",
      "meters.conf", maps_dir);
  REQUIRE(meters.size() == 2);
  CHECK(meters[0].name == "main");
  CHECK(meters[0].host == "10.0.0.5");
  CHECK(meters[0].port == 502);
  CHECK(meters[0].unit_id == 3);
  CHECK(meters[0].line == 3);
  REQUIRE(meters[0].tenant_id);
  CHECK(meters[0].tenant_id->to_string() == tenant);
  REQUIRE(meters[0].sensors.size() == 2);
  CHECK(meters[0].sensors[0].register_name == "import_energy");
  CHECK(meters[0].sensors[0].sensor_id.to_string() == sensor_a);
  CHECK(meters[0].map->name == "eastron_sdm630");
  CHECK(meters[1].port == 1502);
  CHECK(meters[1].unit_id == 1);
  CHECK_FALSE(meters[1].tenant_id);
  CHECK(meters[1].map->name == "carlo_gavazzi_em24");
}

TEST_CASE("modbus meter list: errors name the file, the line and the field", "[modbus]") {
  const std::string head = "energy-modbus-meters 1\n";
  const std::string ok = " host=h map=eastron_sdm630.map sensor.import_energy=" + sensor_a;
  CHECK_THAT(error_of("meter a" + ok), Catch::StartsWith("meters.conf:1: the first line must be"));
  CHECK_THAT(error_of(head + "meter a" + ok + " port=70000\n"),
             Catch::StartsWith("meters.conf:2: field 'port': '70000' is out of range 1..65535"));
  CHECK_THAT(error_of(head + "meter a" + ok + " unit=256\n"),
             Catch::Contains("meters.conf:2: field 'unit': '256' is out of range 0..255"));
  CHECK_THAT(
      error_of(head + "meter a map=eastron_sdm630.map sensor.import_energy=" + sensor_a + "\n"),
      Catch::Contains("field 'host': missing"));
  CHECK_THAT(error_of(head + "meter a host=h map=eastron_sdm630.map sensor.import_energy=xyz\n"),
             Catch::Contains("field 'sensor.import_energy': 'xyz' is not a UUID"));
  CHECK_THAT(
      error_of(head + "meter a host=h map=eastron_sdm630.map sensor.reactive=" + sensor_a + "\n"),
      Catch::Contains("field 'sensor.reactive': map 'eastron_sdm630' has no register 'reactive'"));
  CHECK_THAT(error_of(head + "meter a host=h map=eastron_sdm630.map\n"),
             Catch::Contains("no sensor bound"));
  CHECK_THAT(error_of(head + "meter a" + ok + "\n\nmeter a" + ok + "\n"),
             Catch::Contains("meters.conf:4: meter 'a' is already listed on line 2"));
  CHECK_THAT(error_of(head + "meter a" + ok + " tenant=acme\n"),
             Catch::Contains("field 'tenant': 'acme' is not a UUID"));
  CHECK_THAT(error_of(head + "meter a host=h map=missing.map sensor.x=" + sensor_a + "\n"),
             Catch::Contains("meters.conf:2: field 'map': ") &&
                 Catch::Contains("missing.map: cannot read"));
  CHECK_THAT(error_of(head + "metre a" + ok + "\n"), Catch::Contains("unknown keyword 'metre'"));
}

TEST_CASE("modbus meter list: a bad map's error names the map file and its line", "[modbus]") {
  const auto dir = std::filesystem::temp_directory_path() / "energy-modbus-meter-list-test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "broken.map") << "energy-modbus-map 1\n"
                                         "register e function=input address=1 type=uint32 "
                                         "order=abdc unit=kWh kind=cumulative_register\n";
    std::ofstream(dir / "meters.conf") << "energy-modbus-meters 1\nmeter m host=h map=broken.map "
                                          "sensor.e="
                                       << sensor_a << "\n";
  }
  std::string message;
  try {
    (void)load_meter_list(dir / "meters.conf");
  } catch (const energy::parse_error& e) {
    message = e.what();
  }
  CHECK_THAT(message, Catch::Contains("meters.conf:2: field 'map': "));
  CHECK_THAT(message, Catch::Contains("broken.map:2: field 'order': 'abdc' is not one of abcd"));
  std::filesystem::remove_all(dir);
}
