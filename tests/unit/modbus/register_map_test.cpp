// SPDX-License-Identifier: Apache-2.0
// Register map files: the format, the shipped maps, and errors that name file, line and field.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <energy/error.hpp>
#include <energy/transport/modbus_map.hpp>
#include <energy/transport/modbus_poller.hpp>

#include "support/enum_names_check.hpp"

using namespace energy::modbus;

namespace {

std::string error_of(const std::string& text) {
  try {
    (void)parse_register_map(text, "maps/test.map");
  } catch (const energy::parse_error& e) {
    return e.what();
  }
  return "no error";
}

const std::string header = "energy-modbus-map 1\n";

std::string load_error() {
  try {
    (void)load_register_map("/nonexistent/dir/missing.map");
  } catch (const energy::parse_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("modbus map: parses registers with defaults and comments", "[modbus]") {
  const auto map = parse_register_map(header +
                                          "model Test meter   # trailing comment\n"
                                          "source Test manual, table 3\n"
                                          "\n"
                                          "# a comment line\n"
                                          "register energy function=input address=0x0048 "
                                          "type=uint32 order=cdab scale=0.1 unit=kWh "
                                          "kind=cumulative_register\n"
                                          "register power function=holding address=100 "
                                          "type=float32 unit=W kind=instantaneous_power\n",
                                      "maps/test.map");
  CHECK(map.name == "test");
  CHECK(map.model == "Test meter");
  CHECK(map.source == "Test manual, table 3");
  REQUIRE(map.registers.size() == 2);
  const auto* e = map.find("energy");
  REQUIRE(e != nullptr);
  CHECK(e->function == register_function::input);
  CHECK(e->address == 0x48);
  CHECK(e->type == register_type::uint32);
  CHECK(e->order == word_order::cdab);
  CHECK(e->scale == 0.1);
  CHECK(e->unit == "kWh");
  CHECK(e->kind == energy::reading_kind::cumulative_register);
  CHECK(e->line == 6);
  const auto* p = map.find("power");
  REQUIRE(p != nullptr);
  CHECK(p->order == word_order::abcd);
  CHECK(p->scale == 1.0);
  CHECK(map.find("nope") == nullptr);
}

TEST_CASE("modbus map: the shipped maps parse and bind an energy register", "[modbus]") {
  const auto dir = std::filesystem::path(ENERGY_SOURCE_DIR) / "share/modbus/maps";
  int count = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() != ".map") continue;
    INFO(f.path().string());
    const auto map = load_register_map(f.path());
    CHECK_FALSE(map.model.empty());
    CHECK_FALSE(map.source.empty());
    const auto* energy = map.find("import_energy");
    REQUIRE(energy != nullptr);
    CHECK(energy->kind == energy::reading_kind::cumulative_register);
    REQUIRE(map.find("total_power") != nullptr);
    ++count;
  }
  CHECK(count >= 3);
  // Spot checks against the documents' tables.
  const auto sdm = load_register_map(dir / "eastron_sdm630.map");
  CHECK(sdm.find("import_energy")->address == 72);  // 30073
  CHECK(sdm.find("import_energy")->function == register_function::input);
  const auto em24 = load_register_map(dir / "carlo_gavazzi_em24.map");
  CHECK(em24.find("import_energy")->order == word_order::cdab);
  CHECK(em24.find("import_energy")->scale == 0.1);
  const auto iem = load_register_map(dir / "schneider_iem3000.map");
  CHECK(iem.find("import_energy")->address == 3203);  // register 3204
  CHECK(iem.find("import_energy")->type == register_type::int64);
}

TEST_CASE("modbus map: errors name the file, the line and the field", "[modbus]") {
  const std::string good_tail =
      " function=input address=1 type=uint32 unit=kWh kind=cumulative_register";
  CHECK_THAT(error_of("register x" + good_tail),
             Catch::StartsWith("maps/test.map:1: the first line must be 'energy-modbus-map 1'"));
  CHECK_THAT(error_of("energy-modbus-map 2\n"), Catch::Contains("version '2' is not supported"));
  CHECK_THAT(error_of(header), Catch::Contains("defines no register"));
  CHECK_THAT(error_of(header + "register x function=input address=1 type=float unit=kWh "
                               "kind=cumulative_register\n"),
             Catch::StartsWith("maps/test.map:2: field 'type': 'float' is not one of uint16"));
  CHECK_THAT(
      error_of(header + "\n\nregister x function=coil address=1 type=uint32 unit=kWh "
                        "kind=cumulative_register\n"),
      Catch::StartsWith("maps/test.map:4: field 'function': 'coil' is not one of holding, input"));
  CHECK_THAT(error_of(header + "register x function=input address=65535 type=uint32 unit=kWh "
                               "kind=cumulative_register\n"),
             Catch::Contains("field 'address': '65535' is out of range 0..65534"));
  CHECK_THAT(error_of(header + "register x function=input address=0x1G type=uint32 unit=kWh "
                               "kind=cumulative_register\n"),
             Catch::Contains("field 'address': '0x1G' is not a whole number"));
  CHECK_THAT(error_of(header + "register x function=input type=uint32 unit=kWh "
                               "kind=cumulative_register\n"),
             Catch::Contains("maps/test.map:2: field 'address': missing"));
  CHECK_THAT(error_of(header + "register x" + good_tail + " scale=nan\n"),
             Catch::Contains("field 'scale': 'nan' is not a finite decimal number"));
  CHECK_THAT(error_of(header + "register x" + good_tail + " scale=0\n"),
             Catch::Contains("field 'scale': must not be 0"));
  CHECK_THAT(error_of(header + "register x" + good_tail + " colour=red\n"),
             Catch::Contains("field 'colour': unknown field for 'register'"));
  CHECK_THAT(error_of(header + "register x" + good_tail + " unit=Wh\n"),
             Catch::Contains("field 'unit': given twice"));
  CHECK_THAT(error_of(header + "register x function=input address=1 type=uint32 unit=furlong "
                               "kind=cumulative_register\n"),
             Catch::Contains("field 'unit': 'furlong' is not a unit the library accepts"));
  CHECK_THAT(error_of(header + "register x function=input address=1 type=uint32 unit=kW "
                               "kind=cumulative_register\n"),
             Catch::Contains("field 'unit': 'kW' is not a unit"));  // a power unit for a register
  CHECK_THAT(error_of(header + "register x function=input address=1 type=uint32 unit=kWh "
                               "kind=interval_energy\n"),
             Catch::Contains("field 'kind': 'interval_energy' is not one of"));
  CHECK_THAT(error_of(header + "register x" + good_tail + "\nregister x" + good_tail + "\n"),
             Catch::Contains("maps/test.map:3: register 'x' is already defined on line 2"));
  CHECK_THAT(error_of(header + "registr x" + good_tail + "\n"),
             Catch::Contains("maps/test.map:2: unknown keyword 'registr'"));
  CHECK_THAT(error_of(header + "register" + good_tail + "\n"), Catch::Contains("needs a name"));
  CHECK_THAT(error_of(header + "register x stray" + good_tail + "\n"),
             Catch::Contains("unexpected word 'stray'"));
  CHECK_THAT(load_error(), Catch::Contains("cannot read the register map"));
}

TEMPLATE_TEST_CASE("modbus enums have one name per value that parses back (enum_names.hpp)",
                   "[modbus][enum_names]", register_function, register_type, word_order,
                   meter_health) {
  energy::testing::check_enum_names<TestType>();
}
