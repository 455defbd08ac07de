// SPDX-License-Identifier: Apache-2.0
// MQTT into PostgreSQL: the consumer against a real broker and a real PostgreSQL (fixture
// mqtt_pg_servers), including a redelivered batch that must change nothing.
#include <catch2/catch.hpp>

#include <energy/storage/postgres.hpp>
#include <energy/transport/mqtt.hpp>

#include <thread>

#include "integration/postgres/pg_test_support.hpp"
#include "mqtt_test_support.hpp"
#include "support/one_building.hpp"

TEST_CASE("MQTT consumer stores batches into PostgreSQL and a re-sent batch changes nothing",
          "[mqtt][postgres]") {
  using namespace energy;
  namespace mqtt = energy::transport::mqtt;
  const int port = energy::test::fixture_broker_port();
  auto db = storage::open_postgres_store(energy::test::postgres_uri("mqtt-postgres"),
                                         energy::test::test_options("mqtt"));
  const auto site = energy::testing::put_one_building(*db, 3);
  const epoch_seconds t0 = 1'719'835'200;
  std::string batch = "{\"readings\": [";
  for (int i = 0; i < 300; ++i) {
    if (i > 0) batch += ",";
    batch += "{\"sensor_id\": \"" + site.sensors[static_cast<std::size_t>(i % 3)].to_string() +
             "\", \"timestamp\": \"" + format_utc(from_epoch(t0 + 900 * (i / 3))) +
             "\", \"value\": " + std::to_string(i) + ".5}";
  }
  batch += "]}";

  mqtt::consumer_options o;
  o.broker.port = port;
  energy::test::below_test_root(o);
  o.broker.client_id = "pg-" + uuid::v7().to_string();
  mqtt::consumer c(*db, o);
  std::thread loop([&] { c.run(); });
  REQUIRE(energy::test::eventually([&] { return c.stats().subscribed; }));
  {
    mqtt::publisher_options p;
    p.broker.port = port;
    mqtt::publisher pub(p);
    const auto topic = energy::test::topic_root() + "/" + site.tenant_id.to_string() + "/" +
                       site.building_id.to_string() + "/batch";
    pub.publish(topic, batch);
    pub.publish(topic, batch);  // a redelivery, as after a crash
    REQUIRE(pub.wait_all_acknowledged(std::chrono::seconds(60)));
  }
  REQUIRE(energy::test::eventually([&] { return c.stats().readings_received >= 600; }));
  c.stop();
  loop.join();
  const auto s = c.stats();
  CHECK(s.inserted == 300);
  CHECK(s.unchanged + s.duplicates == 300);  // one commit or two
  CHECK(s.rejected == 0);
  CHECK(db->count_readings() == 300);
  const auto rows =
      db->read_readings(site.sensors[1], {from_epoch(t0), from_epoch(t0 + 86400 * 2)});
  REQUIRE(rows.size() == 100);
  for (std::size_t k = 0; k < rows.size(); ++k)
    CHECK(rows.value[k] == static_cast<milli>(3 * k + 1) * 1000 + 500);
}
