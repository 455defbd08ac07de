// SPDX-License-Identifier: Apache-2.0
// Samples -> reading batch: unit conversion to the sensor's unit, refusals for kind and unit
// mismatches, the sensor's interval grid; and the poller's argument checks and sink failures.
#include <catch2/catch.hpp>

#include <stdexcept>

#include <energy/transport/modbus_poller.hpp>
#include <energy/transport/modbus_store_sink.hpp>

#include "support/modbus_test_server.hpp"

using namespace energy;
using namespace energy::modbus;

namespace {

const register_map& map() {
  static const register_map m = parse_register_map(
      "energy-modbus-map 1\n"
      "register wh function=holding address=0 type=uint32 unit=Wh kind=cumulative_register\n"
      "register w function=holding address=2 type=float32 unit=W kind=instantaneous_power\n",
      "sink.map");
  return m;
}

sensor make(reading_kind kind, std::string unit, std::int32_t interval = 900) {
  return sensor{
      .id = uuid::v7(), .kind = kind, .unit = std::move(unit), .interval_seconds = interval};
}

}  // namespace

TEST_CASE("modbus to_reading_batch: converts units, keeps the grid, refuses mismatches",
          "[modbus]") {
  const auto kwh = make(reading_kind::cumulative_register, "kWh");
  const auto m3 = sensor{.id = uuid::v7(),
                         .type = sensor_type::water,
                         .kind = reading_kind::cumulative_register,
                         .unit = "m3"};
  const auto power = make(reading_kind::instantaneous_power, "kW");
  const ingest::sensor_directory directory({kwh, m3, power});
  const auto* wh = map().find("wh");
  const auto* w = map().find("w");
  const auto unknown = uuid::v7();
  const std::vector<sample> samples{
      {kwh.id, 1800, 123456.0, wh, 0},  // Wh into kWh: 123.456
      {kwh.id, 1815, 123460.0, wh, 0},  // off the 900 s grid: left out
      {m3.id, 1800, 5.0, wh, 0},        // Wh into m3: refused
      {power.id, 1800, 2500.0, wh, 0},  // a register bound to a power sensor: refused
      {power.id, 2700, 2500.0, w, 0},   // W into kW: 2.5
      {unknown, 1800, 1.0, wh, 0},      // unknown: passed on for ingest to reject
  };
  std::vector<ingest::rejection> refused;
  const auto batch = to_reading_batch(samples, directory, refused);
  REQUIRE(batch.size() == 3);
  CHECK(batch.sensor_id[0] == kwh.id);
  CHECK(batch.value[0] == Approx(123.456).epsilon(1e-15));
  CHECK(batch.source_row[0] == 0);
  CHECK(batch.sensor_id[1] == power.id);
  CHECK(batch.value[1] == Approx(2.5).epsilon(1e-15));
  CHECK(batch.ts[1] == 2700);
  CHECK(batch.sensor_id[2] == unknown);
  REQUIRE(refused.size() == 2);
  CHECK(refused[0].source_row == 2);
  CHECK(refused[0].why == ingest::reason::unsupported_unit);
  CHECK_THAT(refused[0].detail, Catch::Contains("unit Wh does not convert to the sensor's m3"));
  CHECK(refused[1].source_row == 3);
  CHECK_THAT(
      refused[1].detail,
      Catch::Contains("the register is cumulative_register, the sensor instantaneous_power"));
}

TEST_CASE("modbus poller: refuses bad meters and options", "[modbus]") {
  const auto shared = std::make_shared<const register_map>(map());
  const auto sink = [](std::span<const sample>) {};
  const auto m = [&](std::string name, std::string reg) {
    return meter{.name = std::move(name),
                 .host = "127.0.0.1",
                 .map = shared,
                 .sensors = {{std::move(reg), uuid::v7()}}};
  };
  CHECK_THROWS_WITH(poller({m("a", "wh"), m("a", "w")}, {}, sink),
                    Catch::Contains("two meters are named 'a'"));
  CHECK_THROWS_WITH(poller({m("a", "var")}, {}, sink),
                    Catch::Contains("meter 'a': its map 'sink' has no register 'var'"));
  CHECK_THROWS_WITH(poller({m("a", "wh")}, {.interval = std::chrono::seconds{0}}, sink),
                    Catch::Contains("interval must be at least 1 s"));
  CHECK_THROWS_WITH(poller({m("a", "wh")}, {.threads = 0}, sink),
                    Catch::Contains("threads must be 1..1024"));
  CHECK_THROWS_WITH(poller({m("a", "wh")}, {}, nullptr), Catch::Contains("no sink"));
  auto no_map = m("b", "wh");
  no_map.map = nullptr;
  CHECK_THROWS_WITH(poller({no_map}, {}, sink), Catch::Contains("meter 'b' has no register map"));
}

TEST_CASE("modbus poller: a failing sink is counted, polling goes on", "[modbus]") {
  energy::testing::modbus_test_server server;
  server.set_words(1, false, 0, {0, 7});
  int calls = 0;
  poller p({meter{.name = "m",
                  .host = "127.0.0.1",
                  .port = server.port(),
                  .map = std::make_shared<const register_map>(map()),
                  .sensors = {{"wh", uuid::v7()}}}},
           {.threads = 1}, [&](std::span<const sample>) {
             ++calls;
             throw std::runtime_error("database is locked");
           });
  p.poll_once(900);
  p.poll_once(915);
  const auto st = p.stats();
  CHECK(calls == 2);
  CHECK(st.sink_errors == 2);
  CHECK(st.last_sink_error == "database is locked");
  CHECK(st.samples == 0);                                // nothing counted as delivered
  CHECK(p.status().front().health == meter_health::ok);  // the meter itself answered
}
