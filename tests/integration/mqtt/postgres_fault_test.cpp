// SPDX-License-Identifier: Apache-2.0
// A commit that fails acknowledges nothing: PostgreSQL (a server of this test's own, fixture
// mqtt_pg_restart_servers) goes down while messages arrive; the consumer's commits fail, it drops
// the connection without acknowledging, and once the database is back the broker's redelivery
// stores every reading.
#include <catch2/catch.hpp>

#include <energy/storage/postgres.hpp>
#include <energy/transport/mqtt.hpp>

#include <cstdlib>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <thread>

#include "integration/postgres/pg_test_support.hpp"
#include "mqtt_test_support.hpp"
#include "support/one_building.hpp"

namespace {

/// True while something accepts TCP connections on 127.0.0.1:port.
bool accepting(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

int port_of(const std::string& uri) {
  const auto colon = uri.rfind(':');
  return std::atoi(uri.c_str() + colon + 1);
}

}  // namespace

TEST_CASE("MQTT consumer acknowledges nothing while PostgreSQL is down and stores it all after",
          "[mqtt][postgres]") {
  using namespace energy;
  namespace mqtt = energy::transport::mqtt;
  const int port = energy::test::fixture_broker_port();
  const auto uri = energy::test::postgres_uri("mqtt-postgres-restart");
  auto db = storage::open_postgres_store(uri, energy::test::test_options("mqttfault"));
  const auto site = energy::testing::put_one_building(*db, 1);
  const auto topic = energy::test::topic_root() + "/" + site.tenant_id.to_string() + "/" +
                     site.building_id.to_string() + "/" + site.sensors[0].to_string();
  const epoch_seconds t0 = 1'719'835'200;
  const auto line = [&](int i) {
    return std::to_string(t0 + 900 * i) + "," + std::to_string(i + 1);
  };

  mqtt::consumer_options o;
  o.broker.port = port;
  energy::test::below_test_root(o);
  o.broker.client_id = "pgfault-" + uuid::v7().to_string();
  o.broker.reconnect_max = std::chrono::milliseconds(1000);
  mqtt::consumer c(*db, o);
  std::thread loop([&] { c.run(); });
  REQUIRE(energy::test::eventually([&] { return c.stats().subscribed; }));
  mqtt::publisher pub({.broker = {.port = port}});
  for (int i = 0; i < 10; ++i)
    pub.publish(topic, line(i));
  REQUIRE(energy::test::eventually([&] { return c.stats().inserted == 10; }));

  // Down for 4 s (the store gives up after ~150 ms of retries), publishing meanwhile.
  const std::string servers = std::getenv("ENERGY_TEST_SERVERS");
  std::thread outage([&] {
    const std::string cmd =
        "PG_STOP_MODE=immediate PG_DOWN_SECONDS=4 bash " ENERGY_TEST_SERVERS_SCRIPT
        " postgres restart " +
        servers + "/mqtt-postgres-restart";
    CHECK(std::system(cmd.c_str()) == 0);
  });
  REQUIRE(energy::test::eventually([&] { return !accepting(port_of(uri)); }));
  for (int i = 10; i < 50; ++i)
    pub.publish(topic, line(i));
  REQUIRE(pub.wait_all_acknowledged(std::chrono::seconds(60)));
  outage.join();

  REQUIRE(energy::test::eventually([&] { return c.stats().inserted == 50; },
                                   std::chrono::seconds(120)));
  c.stop();
  loop.join();
  CHECK(c.stats().commit_failures >= 1);
  CHECK(c.stats().connects >= 2);  // the connection was dropped so the broker would redeliver
  const auto rows = db->read_readings(site.sensors[0], {from_epoch(t0), from_epoch(t0 + 900 * 50)});
  REQUIRE(rows.size() == 50);
  for (std::size_t i = 0; i < rows.size(); ++i)
    CHECK(rows.value[i] == static_cast<milli>(i + 1) * 1000);
}
