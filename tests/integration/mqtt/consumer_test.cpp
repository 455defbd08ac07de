// SPDX-License-Identifier: Apache-2.0
// The MQTT consumer against a real mosquitto (fixture mqtt_broker): payload forms into SQLite,
// acknowledgements, the error topic, tenant isolation, a broker restart.
#include <catch2/catch.hpp>

#include <energy/error.hpp>
#include <energy/storage/sqlite.hpp>
#include <energy/transport/mqtt.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <thread>

#include "mqtt_test_support.hpp"
#include "support/one_building.hpp"

namespace {

using namespace energy;
namespace mqtt = energy::transport::mqtt;
using energy::test::eventually;

const epoch_seconds t0 = 1'719'835'200;  // 2024-07-01T12:00:00Z

/// A SQLite file store in a fresh directory, removed afterwards.
struct temp_db {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("energy-mqtt-test-" + uuid::v7().to_string());
  std::unique_ptr<storage::store> store;
  temp_db() {
    std::filesystem::create_directories(dir);
    store = storage::open_sqlite_store(dir / "site.db");
  }
  ~temp_db() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

/// A consumer on its own thread; stopped and joined on destruction.
struct running_consumer {
  mqtt::consumer c;
  std::thread t;
  running_consumer(storage::store& st, mqtt::consumer_options o) : c(st, std::move(o)) {
    t = std::thread([this] { c.run(); });
    REQUIRE(eventually([&] { return c.stats().subscribed; }));
  }
  ~running_consumer() { finish(); }
  void finish() {
    c.stop();
    if (t.joinable()) t.join();
  }
};

mqtt::consumer_options options_for(int port) {
  mqtt::consumer_options o;
  o.broker.port = port;
  o.broker.client_id = "test-" + uuid::v7().to_string();
  return energy::test::below_test_root(o);
}

std::unique_ptr<mqtt::publisher> publisher_for(int port) {
  mqtt::publisher_options p;
  p.broker.port = port;
  return std::make_unique<mqtt::publisher>(p);
}

std::string topic(const energy::testing::one_building& site, const std::string& last) {
  return energy::test::topic_root() + "/" + site.tenant_id.to_string() + "/" +
         site.building_id.to_string() + "/" + last;
}

}  // namespace

TEST_CASE(
    "MQTT consumer stores single and batch and compact payloads in SQLite and acknowledges them "
    "once",
    "[mqtt]") {
  const int port = energy::test::fixture_broker_port();
  temp_db db;
  const auto site = energy::testing::put_one_building(*db.store, 2);
  const auto s0 = site.sensors[0].to_string();
  const auto s1 = site.sensors[1].to_string();
  auto o = options_for(port);
  {
    running_consumer rc(*db.store, o);
    auto pub = publisher_for(port);
    pub->publish(topic(site, s0), R"({"timestamp": "2024-07-01T12:00:00Z", "value": 1.5})");
    pub->publish(topic(site, "batch"),
                 R"({"readings": [{"sensor_id": ")" + s0 +
                     R"(", "timestamp": "2024-07-01T12:15:00Z", "value_kwh": 2.25},
                      {"sensor_id": ")" +
                     s1 + R"(", "timestamp": "2024-07-01T12:00:00Z", "value": 3}]})");
    pub->publish(topic(site, s1), std::to_string(t0 + 900) + ",4.125\n2024-07-01T12:30:00Z,5,1\n");
    REQUIRE(pub->wait_all_acknowledged(std::chrono::seconds(60)));
    REQUIRE(eventually([&] { return rc.c.stats().inserted == 5; }));
    rc.finish();
    const auto s = rc.c.stats();
    CHECK(s.messages == 3);
    CHECK(s.rejected == 0);
    CHECK(s.malformed_messages == 0);
  }
  const time_range all{from_epoch(t0), from_epoch(t0 + 86400)};
  const auto a = db.store->read_readings(site.sensors[0], all);
  REQUIRE(a.size() == 2);
  CHECK(a.ts[0] == t0);
  CHECK(a.value[0] == 1500);
  CHECK(a.value[1] == 2250);
  const auto b = db.store->read_readings(site.sensors[1], all);
  REQUIRE(b.size() == 3);
  CHECK(b.value[0] == 3000);
  CHECK(b.value[1] == 4125);
  CHECK(b.value[2] == 5000);
  CHECK(b.quality[2] == 1u);

  // Everything was acknowledged: the same session gets nothing back.
  running_consumer again(*db.store, o);
  auto pub = publisher_for(port);
  pub->publish(topic(site, s0), std::to_string(t0 + 3600) + ",7");  // a marker after the old ones
  REQUIRE(pub->wait_all_acknowledged(std::chrono::seconds(60)));
  REQUIRE(eventually([&] { return again.c.stats().inserted == 1; }));
  again.finish();
  CHECK(again.c.stats().messages == 1);
  CHECK(again.c.stats().unchanged == 0);
}

TEST_CASE("MQTT consumer answers bad payloads on the error topic while good readings land",
          "[mqtt]") {
  const int port = energy::test::fixture_broker_port();
  temp_db db;
  const auto site = energy::testing::put_one_building(*db.store, 1);
  const auto s0 = site.sensors[0].to_string();
  energy::test::recorder errors(
      port, energy::test::topic_root() + "-errors/" + site.tenant_id.to_string() + "/#");
  running_consumer rc(*db.store, options_for(port));
  auto pub = publisher_for(port);
  pub->publish(topic(site, "batch"), std::to_string(t0) + ",1");           // 1: compact, no sensor
  pub->publish(topic(site, s0), "{\"timestamp\": ");                       // 2: broken JSON
  pub->publish(topic(site, s0), std::to_string(t0) + ",1\n" +              // 3: line 1 bad value,
                                    std::to_string(t0 + 900) + ",abc\n" +  //    lines 0, 2 land
                                    std::to_string(t0 + 1800) + ",-2\n" +  //    line 2: negative
                                    std::to_string(t0 + 2700) + ",3\n");
  pub->publish(topic(site, "not-a-uuid"), std::to_string(t0) + ",1");  // 4: bad topic level
  REQUIRE(pub->wait_all_acknowledged(std::chrono::seconds(60)));
  REQUIRE(eventually([&] { return errors.messages().size() == 4; }));
  rc.finish();
  const auto s = rc.c.stats();
  CHECK(s.messages == 4);
  CHECK(s.malformed_messages == 3);
  CHECK(s.inserted == 2);
  CHECK(s.rejected == 2);
  CHECK(s.rejected_by_reason[ingest::reason::malformed_value] == 1);
  CHECK(s.rejected_by_reason[ingest::reason::negative_value] == 1);
  CHECK(s.errors_published == 4);
  CHECK(db.store->count_readings() == 2);

  int whole = 0, rows = 0;
  for (const auto& [t, body] : errors.messages()) {
    CHECK(t == energy::test::topic_root() + "-errors/" + site.tenant_id.to_string() + "/" +
                   site.building_id.to_string());
    const auto doc = nlohmann::json::parse(body);
    if (doc.contains("error")) {
      ++whole;
      CHECK(!doc["error"].get<std::string>().empty());
    } else {
      const auto& list = doc["rejections"];
      REQUIRE(list.size() == 2);
      CHECK(list[0]["index"] == 1);
      CHECK(list[0]["reason"] == "malformed_value");
      CHECK(list[1]["index"] == 2);
      CHECK(list[1]["reason"] == "negative_value");
      CHECK(list[1]["sensor_id"] == s0);
      ++rows;
    }
  }
  CHECK(whole == 3);
  CHECK(rows == 1);
}

TEST_CASE("MQTT consumer refuses another tenant's sensor exactly like a missing one", "[mqtt]") {
  const int port = energy::test::fixture_broker_port();
  temp_db db;
  const auto mine = energy::testing::put_one_building(*db.store, 1);
  const auto theirs = energy::testing::put_one_building(*db.store, 1);
  energy::test::recorder errors(port, energy::test::topic_root() + "-errors/#");
  running_consumer rc(*db.store, options_for(port));
  auto pub = publisher_for(port);
  const auto ts = std::to_string(t0) + ",1";
  // Their sensor under my topic, my sensor under their building with my tenant, a sensor nobody
  // has: all three rejected with the same words; one good reading lands.
  pub->publish(topic(mine, theirs.sensors[0].to_string()), ts);
  pub->publish(energy::test::topic_root() + "/" + mine.tenant_id.to_string() + "/" +
                   theirs.building_id.to_string() + "/" + theirs.sensors[0].to_string(),
               ts);
  pub->publish(topic(mine, uuid::v7().to_string()), ts);
  pub->publish(topic(mine, "batch"), R"([{"sensor_id": ")" + theirs.sensors[0].to_string() +
                                         R"(", "timestamp": "2024-07-01T12:00:00Z", "value": 1}])");
  pub->publish(topic(mine, mine.sensors[0].to_string()), ts);
  REQUIRE(pub->wait_all_acknowledged(std::chrono::seconds(60)));
  REQUIRE(eventually([&] { return errors.messages().size() == 4; }));
  rc.finish();
  CHECK(rc.c.stats().inserted == 1);
  CHECK(rc.c.stats().rejected_by_reason[ingest::reason::unknown_sensor] == 4);
  CHECK(db.store->count_readings() == 1);
  const time_range all{from_epoch(t0), from_epoch(t0 + 86400)};
  CHECK(db.store->read_readings(theirs.sensors[0], all).empty());
  for (const auto& [t, body] : errors.messages()) {
    const auto doc = nlohmann::json::parse(body);
    REQUIRE(doc["rejections"].size() == 1);
    const auto detail = doc["rejections"][0]["detail"].get<std::string>();
    CHECK(detail.ends_with(" is not a sensor of this topic's tenant and building"));
  }
}

TEST_CASE("MQTT consumer and publisher ride out a broker restart with every reading stored once",
          "[mqtt]") {
  energy::test::private_broker broker;
  temp_db db;
  const auto site = energy::testing::put_one_building(*db.store, 1);
  const auto s0 = site.sensors[0].to_string();
  auto o = options_for(broker.port());
  o.broker.reconnect_max = std::chrono::milliseconds(500);
  running_consumer rc(*db.store, o);
  auto pub = publisher_for(broker.port());
  const int n = 200;
  for (int i = 0; i < n / 2; ++i)
    pub->publish(topic(site, s0), std::to_string(t0 + 900 * i) + "," + std::to_string(i + 1));
  REQUIRE(pub->wait_all_acknowledged(std::chrono::seconds(60)));
  broker.restart();
  for (int i = n / 2; i < n; ++i)
    pub->publish(topic(site, s0), std::to_string(t0 + 900 * i) + "," + std::to_string(i + 1));
  REQUIRE(pub->wait_all_acknowledged(std::chrono::seconds(120)));
  // Wait for every reading to be new in the store, not for inserted + unchanged to reach n:
  // messages of the first half that were committed but not yet acknowledged at the restart
  // come back (unchanged), and they would make that sum reach n while later messages are still
  // on their way (a CI run failed the row count below that way).
  REQUIRE(eventually([&] { return rc.c.stats().inserted >= n; }, std::chrono::seconds(120)));
  rc.finish();
  CHECK(rc.c.stats().connects >= 2);
  CHECK(rc.c.stats().inserted == static_cast<std::uint64_t>(n));
  const auto rows =
      db.store->read_readings(site.sensors[0], {from_epoch(t0), from_epoch(t0 + 900 * n)});
  REQUIRE(rows.size() == static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    CHECK(rows.value[static_cast<std::size_t>(i)] == 1000 * (i + 1));
}

TEST_CASE("MQTT consumer and publisher use TLS with a username and password and report refusals",
          "[mqtt]") {
  energy::test::private_broker broker(/*secure=*/true);
  temp_db db;
  const auto site = energy::testing::put_one_building(*db.store, 1);
  mqtt::broker_options b;
  b.host = "localhost";  // the name the broker's certificate carries: it is verified
  b.port = broker.port();
  b.username = "energy";
  b.password = broker.password();
  b.tls = mqtt::broker_options::tls_options{.ca_file = broker.ca_file()};

  auto o = options_for(broker.port());
  o.broker = b;
  o.broker.client_id = "tls-" + uuid::v7().to_string();
  {
    running_consumer rc(*db.store, o);
    mqtt::publisher pub({.broker = b});
    pub.publish(topic(site, site.sensors[0].to_string()), std::to_string(t0) + ",2.5");
    REQUIRE(pub.wait_all_acknowledged(std::chrono::seconds(60)));
    REQUIRE(eventually([&] { return rc.c.stats().inserted == 1; }));
  }
  CHECK(db.store->count_readings() == 1);

  auto wrong = b;
  wrong.password = "not-" + broker.password();
  CHECK_THROWS_WITH(mqtt::publisher({.broker = wrong}), Catch::Contains("refused"));
  auto plain = b;
  plain.tls.reset();
  CHECK_THROWS_AS(
      mqtt::publisher({.broker = plain, .connect_timeout = std::chrono::milliseconds(2000)}),
      energy::error);

  o.broker.password = wrong.password;
  mqtt::consumer refused(*db.store, o);
  std::thread t([&] { refused.run(); });
  const bool reported = eventually([&] {
    return refused.stats().last_error.find("refused the connection") != std::string::npos;
  });
  refused.stop();
  t.join();
  CHECK(reported);
  CHECK(refused.stats().connects == 0);
}
