// SPDX-License-Identifier: Apache-2.0
#include "jobs/mqtt_channel.hpp"

namespace energy::server::jobs {

namespace {
mqtt_channel& slot() {
  static mqtt_channel installed;
  return installed;
}
}  // namespace

void set_mqtt_channel(mqtt_channel channel) {
  slot() = std::move(channel);
}

const mqtt_channel* installed_mqtt_channel() noexcept {
  const auto& c = slot();
  return c.topic_for && c.publish ? &c : nullptr;
}

}  // namespace energy::server::jobs
