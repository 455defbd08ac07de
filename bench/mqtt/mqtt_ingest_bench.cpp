// SPDX-License-Identifier: Apache-2.0
// MQTT ingest throughput: readings/s from the first publish until the last reading is committed to
// SQLite by energy::transport::mqtt::consumer, against the raw broker throughput of the same
// messages (first publish until a do-nothing libmosquitto QoS 1 subscriber received the last one),
// alternating, in the same run, with the same publisher (energy's, 100 messages in flight).
//
//   energy_mqtt_bench --port P [--rounds 2] [--messages 400] [--readings 1000] [--form
//   compact|json]
//
// ENERGY_BENCH_SMOKE=1 (the CTest smoke run) uses tiny sizes; the port then comes from the file
// named by ENERGY_MQTT_BROKER_PORT_FILE.
#include <energy/storage/sqlite.hpp>
#include <energy/transport/mqtt.hpp>

#include <mosquitto.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace energy;
namespace mqtt = energy::transport::mqtt;
using wall = std::chrono::steady_clock;

struct settings {
  int port = 0;
  int rounds = 2;
  int messages = 400;
  int readings = 1000;  // per message
  int sensors = 100;
  bool json = false;
};

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// One building, `sensors` meters; message k carries `readings` consecutive 15-minute readings of
/// sensor k % sensors (the shape of a gateway flushing one meter's buffer).
struct workload {
  uuid tenant = uuid::v7(), building = uuid::v7();
  /// A topic root of its own: the CTest smoke run shares the test broker.
  std::string root = "energy-bench-" + uuid::v7().to_string();
  std::vector<uuid> sensors;
  std::vector<std::pair<std::string, std::string>> messages;  // topic, payload

  explicit workload(const settings& s) {
    for (int i = 0; i < s.sensors; ++i)
      sensors.push_back(uuid::v7());
    const epoch_seconds t0 = 1'704'067'200;  // 2024-01-01T00:00:00Z
    const auto prefix = root + "/" + tenant.to_string() + "/" + building.to_string() + "/";
    for (int k = 0; k < s.messages; ++k) {
      const auto& sensor = sensors[static_cast<std::size_t>(k % s.sensors)];
      std::string body = s.json ? "{\"readings\":[" : "";
      for (int j = 0; j < s.readings; ++j) {
        const epoch_seconds ts =
            t0 + 900 * static_cast<epoch_seconds>((k / s.sensors) * s.readings + j);
        const auto value = std::to_string(j % 997) + "." + std::to_string(k % 10) + "25";
        if (s.json) {
          if (j > 0) body += ',';
          body += "{\"sensor_id\":\"" + sensor.to_string() + "\",\"timestamp\":\"" +
                  format_utc(from_epoch(ts)) + "\",\"value\":" + value + "}";
        } else {
          body += std::to_string(ts) + "," + value + "\n";
        }
      }
      if (s.json) body += "]}";
      messages.emplace_back(prefix + (s.json ? std::string("batch") : sensor.to_string()),
                            std::move(body));
    }
  }
};

void publish_all(int port, const workload& w) {
  mqtt::publisher_options p;
  p.broker.port = port;
  mqtt::publisher pub(p);
  for (const auto& [topic, body] : w.messages)
    pub.publish(topic, body);
  if (!pub.wait_all_acknowledged(std::chrono::minutes(10)))
    std::fprintf(stderr, "publish timeout\n");
}

struct result {
  double seconds = 0, cpu = 0;
};

/// The reference: a libmosquitto subscriber that only counts (clean session, subscribed before
/// the first publish).
result raw_round(int port, const workload& w) {
  struct counter {
    const workload* work = nullptr;
    std::atomic<std::size_t> n{0};
    std::atomic<bool> subscribed{false};
  } c;
  c.work = &w;
  mosquitto* m = mosquitto_new(nullptr, true, &c);
  mosquitto_message_callback_set(m, [](mosquitto*, void* p, const mosquitto_message*) {
    static_cast<counter*>(p)->n.fetch_add(1);
  });
  mosquitto_subscribe_callback_set(m, [](mosquitto*, void* p, int, int, const int*) {
    static_cast<counter*>(p)->subscribed = true;
  });
  mosquitto_connect_callback_set(m, [](mosquitto* mm, void* p, int) {
    const auto& root = static_cast<const counter*>(p)->work->root;
    mosquitto_subscribe(mm, nullptr, (root + "/+/+/+").c_str(), 1);
  });
  mosquitto_connect(m, "127.0.0.1", port, 30);
  mosquitto_loop_start(m);
  while (!c.subscribed)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double cpu0 = cpu_seconds();
  const auto start = wall::now();
  std::thread sender([&] { publish_all(port, w); });
  while (c.n.load() < w.messages.size())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  result r{std::chrono::duration<double>(wall::now() - start).count(), cpu_seconds() - cpu0};
  sender.join();
  mosquitto_disconnect(m);
  mosquitto_loop_stop(m, false);
  mosquitto_destroy(m);
  return r;
}

/// The measurement: the consumer committing into a fresh SQLite file (default durability).
result consumer_round(int port, const workload& w, const settings& s) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("energy-mqtt-bench-" + uuid::v7().to_string());
  std::filesystem::create_directories(dir);
  result r;
  {
    auto db = storage::open_sqlite_store(dir / "bench.db");
    db->put_tenant({w.tenant, "bench", {}});
    building b;
    b.id = w.building;
    b.tenant_id = w.tenant;
    b.name = "bench";
    db->put_building(b);
    for (const auto& id : w.sensors) {
      sensor se;
      se.id = id;
      se.building_id = w.building;
      db->put_sensor(se);
    }
    mqtt::consumer_options o;
    o.broker.port = port;
    o.broker.client_id = "bench-" + uuid::v7().to_string();
    o.topic_pattern = w.root + "/{tenant}/{building}/{sensor}";
    o.error_topic = w.root + "-errors/{tenant}/{building}";
    mqtt::consumer c(*db, o);
    std::thread loop([&] { c.run(); });
    while (!c.stats().subscribed)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto total =
        static_cast<std::uint64_t>(s.messages) * static_cast<std::uint64_t>(s.readings);
    const double cpu0 = cpu_seconds();
    const auto start = wall::now();
    std::thread sender([&] { publish_all(port, w); });
    while (c.stats().inserted < total)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    r = {std::chrono::duration<double>(wall::now() - start).count(), cpu_seconds() - cpu0};
    sender.join();
    c.stop();
    loop.join();
    const auto st = c.stats();
    std::printf("  consumer: %llu commits for %llu messages, %llu rejected\n",
                static_cast<unsigned long long>(st.commits),
                static_cast<unsigned long long>(st.messages),
                static_cast<unsigned long long>(st.rejected));
    // Leave no persistent session behind on the broker.
    mosquitto* m = mosquitto_new(o.broker.client_id.c_str(), true, nullptr);
    if (mosquitto_connect(m, "127.0.0.1", port, 30) == MOSQ_ERR_SUCCESS) {
      mosquitto_disconnect(m);
      mosquitto_loop(m, 100, 1);
    }
    mosquitto_destroy(m);
  }
  std::filesystem::remove_all(dir);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  const bool smoke = std::getenv("ENERGY_BENCH_SMOKE") != nullptr;
  if (smoke) {
    s.rounds = 1;
    s.messages = 20;
    s.readings = 50;
    s.sensors = 5;
    if (const char* f = std::getenv("ENERGY_MQTT_BROKER_PORT_FILE")) std::ifstream(f) >> s.port;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--port")
      s.port = std::atoi(v.c_str());
    else if (a == "--rounds")
      s.rounds = std::atoi(v.c_str());
    else if (a == "--messages")
      s.messages = std::atoi(v.c_str());
    else if (a == "--readings")
      s.readings = std::atoi(v.c_str());
    else if (a == "--form")
      s.json = v == "json";
  }
  if (s.port <= 0) {
    std::fprintf(stderr, "energy_mqtt_bench: --port of a running broker is required\n");
    return 2;
  }
  mosquitto_lib_init();
  const workload w(s);
  std::size_t bytes = 0;
  for (const auto& m : w.messages)
    bytes += m.second.size();
  const double readings = static_cast<double>(s.messages) * s.readings;
  std::printf("%d messages x %d readings (%s payloads, %.1f MB), %d sensors\n", s.messages,
              s.readings, s.json ? "JSON batch" : "compact", static_cast<double>(bytes) / 1e6,
              s.sensors);
  for (int round = 1; round <= s.rounds; ++round) {
    const auto raw = raw_round(s.port, w);
    const auto ours = consumer_round(s.port, w, s);
    std::printf(
        "round %d: raw broker %.0f readings/s (%.2f s, %.2f s CPU in this process) | consumer into "
        "SQLite %.0f readings/s (%.2f s, %.2f s CPU) | ratio %.2f\n",
        round, readings / raw.seconds, raw.seconds, raw.cpu, readings / ours.seconds, ours.seconds,
        ours.cpu, raw.seconds / ours.seconds);
  }
  return 0;
}
