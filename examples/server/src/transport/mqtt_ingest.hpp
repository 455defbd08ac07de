// SPDX-License-Identifier: Apache-2.0
// energy-server's MQTT input: when ENERGY_MQTT_HOST is set, the library's MQTT consumer
// (energy::transport::mqtt::consumer) runs on its own thread with its own store connection, and
// its counters are exported to /metrics. Readings keep the library's guarantee: acknowledged to the
// broker only once committed; tenant isolation by topic (docs/transports.md#mqtt).
#pragma once

#include <memory>
#include <vector>

#include "app/config.hpp"

namespace energy::server {
class metrics;
class logger;
}  // namespace energy::server

namespace energy::server::transport {

class mqtt_ingest {
 public:
  /// nullptr when ENERGY_MQTT_HOST is unset or empty (MQTT off).
  /// @throws std::invalid_argument naming a malformed variable or a bad topic pattern.
  [[nodiscard]] static std::unique_ptr<mqtt_ingest> from_config(const config& cfg, metrics* stats,
                                                                logger* log);
  ~mqtt_ingest();
  mqtt_ingest(const mqtt_ingest&) = delete;
  mqtt_ingest& operator=(const mqtt_ingest&) = delete;

  /// Opens the store and starts the consumer thread. @throws storage_error from the store.
  void start();
  /// Commits what is pending, acknowledges it and disconnects; idempotent.
  void stop();

 private:
  struct impl;
  explicit mqtt_ingest(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace energy::server::transport
