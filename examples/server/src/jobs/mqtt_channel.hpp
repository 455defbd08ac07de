// SPDX-License-Identifier: Apache-2.0
// The MQTT notification channel as the jobs module sees it: a topic per alert and a function that
// publishes one message. The MQTT transport (transport/mqtt_alerts.cpp) installs it at start-up,
// before the scheduler and the delivery worker start, and removes it after they stopped; the
// jobs module needs no MQTT library. Unset (the default): alerts are not published over MQTT.
#pragma once

#include <functional>
#include <string>

#include <energy/uuid.hpp>

namespace energy::server::jobs {

struct mqtt_channel {
  /// The topic of an alert of this tenant and building.
  std::function<std::string(const uuid& tenant, const uuid& building)> topic_for;
  /// Publishes `body` on `topic` and waits for the broker's acknowledgement; returns the error
  /// (empty: delivered). Called from the delivery worker's thread.
  std::function<std::string(const std::string& topic, const std::string& body)> publish;
};

/// Installs the channel (an empty `mqtt_channel{}` removes it). Not thread-safe:
/// call only while no job or delivery thread runs.
void set_mqtt_channel(mqtt_channel channel);
/// The installed channel, or nullptr.
[[nodiscard]] const mqtt_channel* installed_mqtt_channel() noexcept;

}  // namespace energy::server::jobs
