// SPDX-License-Identifier: Apache-2.0
// Demonstrates: the MQTT transport end to end in one program — a consumer storing readings into
// SQLite while a publisher sends one message of each payload form (single JSON reading, the seed's
// JSON batch, compact text lines) and one bad reading, which is counted and reported on the error
// topic instead of being stored. Needs a broker: mqtt_quickstart <port> [host].
#include <energy/storage/sqlite.hpp>
#include <energy/transport/mqtt.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  using namespace energy;
  namespace mqtt = energy::transport::mqtt;
  if (argc < 2) {
    std::fprintf(stderr, "usage: mqtt_quickstart <broker port> [host]\n");
    return 2;
  }
  const auto file = std::filesystem::temp_directory_path() / "energy-mqtt-quickstart.db";
  std::filesystem::remove(file);
  auto db = storage::open_sqlite_store(file);

  const auto t0 = *parse_utc_timestamp("2024-01-01T00:00:00Z");
  const tenant acme{uuid::v7(), "Acme Properties", t0};
  const building hq{.id = uuid::v7(), .tenant_id = acme.id, .name = "HQ"};
  const sensor meter{.id = uuid::v7(), .building_id = hq.id, .created_at = t0};
  db->put_tenant(acme);
  db->put_building(hq);
  db->put_sensor(meter);

  mqtt::consumer_options o;
  o.broker.port = std::atoi(argv[1]);
  if (argc > 2) o.broker.host = argv[2];
  o.broker.client_id = "quickstart-" + uuid::v7().to_string();  // fixed id in production
  // A topic root of its own so the demo can share a broker; the default is
  // energy/{tenant}/{building}/{sensor}.
  const std::string root = "energy-quickstart-" + uuid::v7().to_string();
  o.topic_pattern = root + "/{tenant}/{building}/{sensor}";
  o.error_topic = root + "-errors/{tenant}/{building}";
  mqtt::consumer consumer(*db, o);
  std::thread loop([&] { consumer.run(); });

  mqtt::publisher_options p;
  p.broker.port = o.broker.port;
  p.broker.host = o.broker.host;
  mqtt::publisher out(p);
  // The consumer's session starts with its first subscription: publish after that.
  const auto connect_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!consumer.stats().subscribed) {
    if (std::chrono::steady_clock::now() > connect_deadline) {
      std::fprintf(stderr, "no subscription: %s\n", consumer.stats().last_error.c_str());
      consumer.stop();
      loop.join();
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  const std::string topic = root + "/" + acme.id.to_string() + "/" + hq.id.to_string() + "/";
  const std::string id = meter.id.to_string();
  // 1. single reading: the topic names the sensor
  out.publish(topic + id, R"({"timestamp": "2024-03-10T06:45:00Z", "value": 12.5})");
  // 2. the seed's batch, on the topic level "batch" (the readings name their sensors)
  out.publish(topic + "batch", R"({"readings": [{"sensor_id": ")" + id +
                                   R"(", "timestamp": "2024-03-10T07:00:00Z", "value_kwh": 12.25},
                   {"sensor_id": ")" +
                                   id +
                                   R"(", "timestamp": "2024-03-10T07:15:00Z", "value_kwh": -3}]})");
  // 3. compact lines: epoch seconds or RFC 3339, value, optional quality flags
  out.publish(topic + id, "1710055800,11.75\n2024-03-10T07:45:00Z,11.5,0\n");
  if (!out.wait_all_acknowledged(std::chrono::seconds(30))) return 1;

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (consumer.stats().readings_received < 5 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  consumer.stop();
  loop.join();

  const auto s = consumer.stats();
  std::printf(
      "received %llu readings: %llu stored, %llu rejected (%llu negative_value)\n",
      static_cast<unsigned long long>(s.readings_received),
      static_cast<unsigned long long>(s.inserted), static_cast<unsigned long long>(s.rejected),
      static_cast<unsigned long long>(s.rejected_by_reason[ingest::reason::negative_value]));
  const auto rows = db->read_readings(meter.id, {t0, t0 + std::chrono::days{366}});
  std::printf("the meter has %zu readings\n", rows.size());
  if (s.inserted == 4 && s.rejected == 1 && rows.size() == 4) std::printf("ok\n");
  std::filesystem::remove(file);
  return 0;
}
