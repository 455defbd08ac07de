// SPDX-License-Identifier: Apache-2.0
#include "transport/mqtt_alerts.hpp"

#include <mutex>
#include <stdexcept>

#include <energy/transport/mqtt.hpp>

#include "jobs/mqtt_channel.hpp"
#include "transport/mqtt_config.hpp"

namespace energy::server::transport {

namespace mqtt = energy::transport::mqtt;

struct mqtt_alerts::impl {
  mqtt::publisher_options options;
  mqtt::topic_pattern topic;
  std::chrono::seconds timeout{10};
  std::mutex mutex;
  std::unique_ptr<mqtt::publisher> publisher;  // connected on first use: start-up never waits

  impl(mqtt::publisher_options o, std::string pattern)
      : options(std::move(o)), topic(std::move(pattern)) {}

  std::string publish(const std::string& to, const std::string& body) {
    std::lock_guard lock(mutex);
    try {
      if (!publisher) publisher = std::make_unique<mqtt::publisher>(options);
      publisher->publish(to, body);
      if (publisher->wait_all_acknowledged(timeout)) return {};
      return "the MQTT broker did not acknowledge within " + std::to_string(timeout.count()) + " s";
    } catch (const std::exception& e) {
      publisher.reset();  // a fresh connection next attempt
      return e.what();
    }
  }
};

mqtt_alerts::mqtt_alerts(std::shared_ptr<impl> p) : impl_(std::move(p)) {
  std::weak_ptr<impl> self = impl_;
  jobs::set_mqtt_channel(
      {.topic_for =
           [self](const uuid& tenant, const uuid& building) {
             const auto me = self.lock();
             return me ? me->topic.expand(tenant.to_string(), building.to_string()) : std::string();
           },
       .publish =
           [self](const std::string& to, const std::string& body) {
             const auto me = self.lock();
             return me ? me->publish(to, body) : std::string("the MQTT alert publisher is stopped");
           }});
}

mqtt_alerts::~mqtt_alerts() {
  jobs::set_mqtt_channel({});
}

std::unique_ptr<mqtt_alerts> mqtt_alerts::from_config(const config& cfg) {
  const auto pattern = cfg.get("ENERGY_MQTT_ALERT_TOPIC").value_or("");
  if (pattern.empty()) return nullptr;
  auto broker = mqtt_broker(cfg);
  if (!broker)
    throw std::invalid_argument("ENERGY_MQTT_ALERT_TOPIC='" + pattern +
                                "' needs ENERGY_MQTT_HOST (the broker)");
  if (pattern.find_first_of("+#") != std::string::npos)
    throw std::invalid_argument("ENERGY_MQTT_ALERT_TOPIC='" + pattern +
                                "': a topic to publish to cannot contain + or #");
  broker->client_id = cfg.get("ENERGY_MQTT_ALERT_CLIENT_ID").value_or("");
  if (broker->client_id.empty()) broker->client_id = "energy-server-alerts";
  mqtt::publisher_options o{.broker = *broker};
  auto p = std::make_shared<impl>(o, pattern);  // topic_pattern checks the placeholders
  return std::unique_ptr<mqtt_alerts>(new mqtt_alerts(std::move(p)));
}

}  // namespace energy::server::transport
