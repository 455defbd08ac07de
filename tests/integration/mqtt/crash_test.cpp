// SPDX-License-Identifier: Apache-2.0
// The delivery guarantee under crashes: the consumer (examples/mqtt/mqtt_ingest, a separate
// process) is killed with SIGKILL at random points while a publisher sends a known sequence;
// after a final restart every published reading is stored, exactly once, with its value.
// ENERGY_MQTT_KILLS sets the number of kills (default 5; scripts/mqtt_crash_soak.sh runs more).
#include <catch2/catch.hpp>

#include <energy/storage/sqlite.hpp>
#include <energy/transport/mqtt.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "mqtt_test_support.hpp"
#include "support/one_building.hpp"

TEST_CASE("MQTT consumer killed with SIGKILL at random points stores every reading exactly once",
          "[mqtt][crash]") {
  using namespace energy;
  namespace mqtt = energy::transport::mqtt;
  const int port = energy::test::fixture_broker_port();
  const auto dir =
      std::filesystem::temp_directory_path() / ("energy-mqtt-crash-" + uuid::v7().to_string());
  std::filesystem::create_directories(dir);
  const auto file = dir / "site.db";
  auto db = storage::open_sqlite_store(file);
  const auto site = energy::testing::put_one_building(*db, 4);
  const std::string client_id = "crash-" + uuid::v7().to_string();
  const auto& root = energy::test::topic_root();
  energy::test::create_session(port, client_id, root + "/+/+/+");

  const int kills =
      std::getenv("ENERGY_MQTT_KILLS") ? std::atoi(std::getenv("ENERGY_MQTT_KILLS")) : 5;
  const int messages = 100 * (kills + 1), per_message = 25;
  const epoch_seconds t0 = 1'719'835'200;
  // Reading j of message i: sensor i % 4, its own timestamp, value (i * per_message + j + 1) Wh.
  const auto value_of = [&](int i, int j) { return i * per_message + j + 1; };
  std::atomic<bool> published{false};
  std::thread sender([&] {
    mqtt::publisher_options p;
    p.broker.port = port;
    mqtt::publisher pub(p);
    for (int i = 0; i < messages; ++i) {
      const auto& s = site.sensors[static_cast<std::size_t>(i % 4)];
      std::string body;
      for (int j = 0; j < per_message; ++j) {
        const epoch_seconds ts = t0 + 900 * static_cast<epoch_seconds>((i / 4) * per_message + j);
        body += std::to_string(ts) + "," + std::to_string(value_of(i, j)) + "e-3\n";
      }
      pub.publish(root + "/" + site.tenant_id.to_string() + "/" + site.building_id.to_string() +
                      "/" + s.to_string(),
                  body);
      std::this_thread::sleep_for(std::chrono::milliseconds(8));  // spread over the kills
    }
    published = pub.wait_all_acknowledged(std::chrono::seconds(120));
  });

  const std::vector<std::string> args = {"--store",       "sqlite:" + file.string(),
                                         "--port",        std::to_string(port),
                                         "--client-id",   client_id,
                                         "--topic",       root + "/{tenant}/{building}/{sensor}",
                                         "--error-topic", root + "-errors/{tenant}/{building}"};
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> pause_ms(100, 900);
  for (int k = 0; k < kills; ++k) {
    energy::test::ingest_process consumer(args);
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));  // the random point
    consumer.kill_hard();
  }
  sender.join();
  REQUIRE(published.load());
  const auto total = static_cast<std::int64_t>(messages) * per_message;
  {
    energy::test::ingest_process consumer(args);
    REQUIRE(energy::test::eventually([&] { return db->count_readings() >= total; },
                                     std::chrono::seconds(180)));
    CHECK(consumer.stop() == 0);
  }
  CHECK(db->count_readings() == total);
  const time_range all{from_epoch(t0), from_epoch(t0 + 900 * static_cast<epoch_seconds>(total))};
  for (int s = 0; s < 4; ++s) {
    const auto rows = db->read_readings(site.sensors[static_cast<std::size_t>(s)], all);
    REQUIRE(rows.size() == static_cast<std::size_t>(total / 4));
    std::size_t k = 0;
    for (int i = s; i < messages; i += 4)
      for (int j = 0; j < per_message; ++j, ++k) {
        REQUIRE(rows.ts[k] == t0 + 900 * static_cast<epoch_seconds>((i / 4) * per_message + j));
        REQUIRE(rows.value[k] == value_of(i, j));
        REQUIRE(rows.quality[k] == 0u);  // never replaced/corrected: stored once
      }
  }
  db.reset();
  std::filesystem::remove_all(dir);
}
