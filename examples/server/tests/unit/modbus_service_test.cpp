// SPDX-License-Identifier: Apache-2.0
// energy-server's Modbus polling: settings from ENERGY_MODBUS_*, a meter list whose readings land
// only in the meter's tenant's sensors (another tenant's sensor is rejected like an unknown one),
// and poll health in the metrics. Real SQLite file, real libmodbus server on loopback.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include <energy/storage/open.hpp>

#include "http/metrics.hpp"
#include "support/modbus_test_server.hpp"
#include "transport/modbus_service.hpp"
#include "transport/modbus_settings.hpp"

using namespace energy;
using namespace energy::server;

namespace {

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string settings_error(std::map<std::string, std::string> vars) {
  try {
    (void)transport::modbus_settings::from_environment(env_of(std::move(vars)));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

const epoch_seconds t0 = 1'767'571'200;  // 2026-01-05T00:00:00Z

struct temp_dir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("energy-modbus-service-" + uuid::v7().to_string());
  temp_dir() { std::filesystem::create_directories(path); }
  ~temp_dir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("modbus service: settings from the environment", "[modbus]") {
  const auto off = transport::modbus_settings::from_environment(env_of({}));
  CHECK(off.meter_list.empty());
  CHECK(off.interval == std::chrono::seconds{15});
  CHECK(transport::make_modbus_service(off, "sqlite::memory:", nullptr, nullptr) == nullptr);
  const auto on = transport::modbus_settings::from_environment(
      env_of({{"ENERGY_MODBUS_CONFIG", "/etc/energy/meters.conf"},
              {"ENERGY_MODBUS_INTERVAL", "60"},
              {"ENERGY_MODBUS_THREADS", "4"}}));
  CHECK(on.meter_list == "/etc/energy/meters.conf");
  CHECK(on.interval == std::chrono::seconds{60});
  CHECK(on.threads == 4);
  CHECK_THAT(settings_error({{"ENERGY_MODBUS_INTERVAL", "0"}}),
             Catch::Contains("ENERGY_MODBUS_INTERVAL='0': expected a whole number from 1"));
  CHECK_THAT(settings_error({{"ENERGY_MODBUS_THREADS", "many"}}),
             Catch::Contains("ENERGY_MODBUS_THREADS='many'"));
  CHECK_THAT(
      settings_error({{"ENERGY_MODBUS_INTERVAL", "2"}, {"ENERGY_MODBUS_TIMEOUT_MS", "1000"}}),
      Catch::Contains("must be shorter than ENERGY_MODBUS_INTERVAL"));
  bool listed = false;
  for (const auto& v : transport::modbus_settings::documented())
    listed = listed || v.name == "ENERGY_MODBUS_CONFIG";
  CHECK(listed);
}

TEST_CASE("modbus service: a meter's readings reach only its tenant's sensors", "[modbus]") {
  temp_dir dir;
  const std::string uri = "sqlite:" + (dir.path / "energy.db").string();
  const utc_seconds created{std::chrono::seconds{t0 - 86400}};
  const tenant a{uuid::v7(), "A", created}, b{uuid::v7(), "B", created};
  const building ba{.id = uuid::v7(), .tenant_id = a.id, .name = "A1", .time_zone = "UTC"};
  const building bb{.id = uuid::v7(), .tenant_id = b.id, .name = "B1", .time_zone = "UTC"};
  const auto make_sensor = [&](const building& on) {
    return sensor{.id = uuid::v7(),
                  .building_id = on.id,
                  .kind = reading_kind::cumulative_register,
                  .unit = "Wh",
                  .interval_seconds = 15,
                  .created_at = created};
  };
  const auto sa = make_sensor(ba), sb = make_sensor(bb);
  {
    auto st = storage::open_store_uri(uri);
    st->put_tenant(a);
    st->put_tenant(b);
    st->put_building(ba);
    st->put_building(bb);
    st->put_sensor(sa);
    st->put_sensor(sb);
  }
  testing::modbus_test_server device;
  std::ofstream(dir.path / "counter.map") << "energy-modbus-map 1\n"
                                             "register energy function=holding address=0 "
                                             "type=uint32 unit=Wh kind=cumulative_register\n";
  std::ofstream(dir.path / "meters.conf") << "energy-modbus-meters 1\n"
                                          << "meter own host=127.0.0.1 port=" << device.port()
                                          << " unit=1 map=counter.map tenant=" << a.id.to_string()
                                          << " sensor.energy=" << sa.id.to_string() << "\n"
                                          << "meter foreign host=127.0.0.1 port=" << device.port()
                                          << " unit=2 map=counter.map tenant=" << a.id.to_string()
                                          << " sensor.energy=" << sb.id.to_string() << "\n";

  metrics m;
  transport::modbus_settings settings;
  settings.meter_list = (dir.path / "meters.conf").string();
  transport::modbus_service service(settings, uri, &m, nullptr);
  for (int k = 0; k < 3; ++k) {
    device.set_words(1, false, 0, {0, static_cast<std::uint16_t>(1000 + 250 * k)});
    device.set_words(2, false, 0, {0, static_cast<std::uint16_t>(5000 + 250 * k)});
    service.poll_once(t0 + 15 * k);
  }
  auto st = storage::open_store_uri(uri);
  const time_range all{utc_seconds{std::chrono::seconds{t0}},
                       utc_seconds{std::chrono::seconds{t0 + 3600}}};
  const auto own = st->read_readings(sa.id, all);
  REQUIRE(own.size() == 2);
  CHECK(own.value[0] == 250);
  CHECK(own.value[1] == 250);
  CHECK(st->read_readings(sb.id, all).empty());  // tenant B's sensor: never written
  CHECK(m.value("energy_readings_rejected_total", {{"reason", "unknown_sensor"}}) == 3);
  CHECK(m.value("energy_modbus_polls_total", {{"outcome", "ok"}}) == 6);
  CHECK(m.value("energy_modbus_meter_up", {{"meter", "own"}}) == 1);
  CHECK(m.value("energy_modbus_meters", {{"health", "ok"}}) == 2);
  CHECK_THAT(m.render(), Catch::Contains("energy_modbus_samples_total 6"));
}

TEST_CASE("modbus service: a meter without tenant is refused at start, naming file and line",
          "[modbus]") {
  temp_dir dir;
  std::ofstream(dir.path / "counter.map") << "energy-modbus-map 1\n"
                                             "register energy function=holding address=0 "
                                             "type=uint32 unit=Wh kind=cumulative_register\n";
  std::ofstream(dir.path / "meters.conf") << "energy-modbus-meters 1\n\nmeter m host=127.0.0.1 "
                                             "map=counter.map sensor.energy="
                                          << uuid::v7().to_string() << "\n";
  transport::modbus_settings settings;
  settings.meter_list = (dir.path / "meters.conf").string();
  std::string error;
  try {
    transport::modbus_service service(settings, "sqlite::memory:", nullptr, nullptr);
  } catch (const std::invalid_argument& e) {
    error = e.what();
  }
  CHECK_THAT(error, Catch::Contains("meters.conf:3: field 'tenant': missing"));
}
