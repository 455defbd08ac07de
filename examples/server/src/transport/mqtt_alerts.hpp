// SPDX-License-Identifier: Apache-2.0
// Alerts over MQTT: when ENERGY_MQTT_ALERT_TOPIC is set (with ENERGY_MQTT_HOST), every alert
// event (opened, resolved) also goes to the notification outbox as an MQTT notification, and the
// delivery worker publishes it (QoS 1, the webhook's JSON document) with the library's publisher.
// Delivery is the outbox's: retried with backoff until the broker acknowledges it.
#pragma once

#include <memory>

#include "app/config.hpp"

namespace energy::server::transport {

class mqtt_alerts {
 public:
  /// nullptr when ENERGY_MQTT_ALERT_TOPIC or ENERGY_MQTT_HOST is unset. Installs the jobs
  /// module's MQTT channel (call before the scheduler starts); the destructor removes it (after
  /// the scheduler stopped). @throws std::invalid_argument for a malformed variable or pattern.
  [[nodiscard]] static std::unique_ptr<mqtt_alerts> from_config(const config& cfg);
  ~mqtt_alerts();
  mqtt_alerts(const mqtt_alerts&) = delete;
  mqtt_alerts& operator=(const mqtt_alerts&) = delete;

 private:
  struct impl;
  explicit mqtt_alerts(std::shared_ptr<impl> p);
  std::shared_ptr<impl> impl_;
};

}  // namespace energy::server::transport
