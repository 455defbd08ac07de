// SPDX-License-Identifier: Apache-2.0
// The publisher lets libmosquitto run its own network thread (loop_start): it reconnects by
// itself and resends unacknowledged QoS 1 messages. We only track which message ids the broker
// has acknowledged, so callers can wait for delivery.
#include <energy/error.hpp>
#include <energy/transport/mqtt.hpp>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <unordered_set>

#include "client_setup.hpp"

namespace energy::transport::mqtt {

struct publisher::impl {
  explicit impl(publisher_options o) : options(std::move(o)) {
    detail::init_library();
    const auto& b = options.broker;
    // A publisher keeps no session: a clean session with the given id or a random one.
    client.reset(mosquitto_new(b.client_id.empty() ? nullptr : b.client_id.c_str(), true, this));
    if (!client) throw std::runtime_error("MQTT publisher: mosquitto_new failed");
    mosquitto_connect_callback_set(client.get(), &impl::on_connect);
    mosquitto_publish_callback_set(client.get(), &impl::on_publish);
    detail::apply_broker_options(client.get(), b);
    mosquitto_max_inflight_messages_set(client.get(), options.max_inflight);
    int rc = mosquitto_connect_async(client.get(), b.host.c_str(), b.port,
                                     static_cast<int>(b.keepalive.count()));
    if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_ERRNO)  // ERRNO: the loop retries the TCP connect
      throw error("MQTT publisher: cannot connect to " + detail::broker_name(b) + ": " +
                  detail::error_text(rc));
    rc = mosquitto_loop_start(client.get());
    if (rc != MOSQ_ERR_SUCCESS)
      throw error("MQTT publisher: cannot start the network thread: " + detail::error_text(rc));
    std::unique_lock lock(mutex);
    const bool answered =
        changed.wait_for(lock, options.connect_timeout, [&] { return connack >= 0; });
    if (!answered || connack != 0) {
      const std::string why =
          !answered ? "no answer within " + std::to_string(options.connect_timeout.count()) + " ms"
                    : std::string("refused: ") + mosquitto_connack_string(connack);
      lock.unlock();
      shut_down();
      throw error("MQTT publisher: broker " + detail::broker_name(b) + " " + why);
    }
  }

  ~impl() { shut_down(); }

  void shut_down() noexcept {
    if (!client || stopped) return;
    stopped = true;
    mosquitto_disconnect(client.get());
    mosquitto_loop_stop(client.get(), false);
  }

  static void on_connect(mosquitto*, void* self, int rc) {
    auto& me = *static_cast<impl*>(self);
    std::lock_guard lock(me.mutex);
    me.connack = rc;
    me.changed.notify_all();
  }

  static void on_publish(mosquitto*, void* self, int mid) {
    auto& me = *static_cast<impl*>(self);
    std::lock_guard lock(me.mutex);
    // The acknowledgement may overtake publish()'s own bookkeeping of the id.
    if (me.outstanding.erase(mid) == 0) me.early.insert(mid);
    me.changed.notify_all();
  }

  publisher_options options;
  detail::client_handle client;
  bool stopped = false;
  mutable std::mutex mutex;
  std::condition_variable changed;
  int connack = -1;
  std::unordered_set<int> outstanding;  ///< published, not yet acknowledged
  std::unordered_set<int> early;        ///< acknowledged before publish() recorded them
};

publisher::publisher(publisher_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}
publisher::~publisher() = default;

void publisher::publish(std::string_view topic, std::string_view payload, bool retain) {
  const std::string name(topic);
  if (name.empty() || mosquitto_pub_topic_check(name.c_str()) != MOSQ_ERR_SUCCESS)
    throw std::invalid_argument("MQTT publisher: " + ingest::shown_value(topic) +
                                " is not a topic name one may publish to (empty, or + or #)");
  int mid = 0;
  const int rc = mosquitto_publish(impl_->client.get(), &mid, name.c_str(),
                                   static_cast<int>(payload.size()), payload.data(), 1, retain);
  // NO_CONN: libmosquitto queued the message and resends it after reconnection (the broker
  // restart test relies on this); wait_all_acknowledged() tells when it arrived.
  if (rc != MOSQ_ERR_SUCCESS && !(rc == MOSQ_ERR_NO_CONN && mid != 0))
    throw error("MQTT publisher: publishing to " + name + " failed: " + detail::error_text(rc));
  std::lock_guard lock(impl_->mutex);
  if (impl_->early.erase(mid) == 0) impl_->outstanding.insert(mid);
}

bool publisher::wait_all_acknowledged(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->outstanding.empty(); });
}

std::size_t publisher::unacknowledged() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->outstanding.size();
}

}  // namespace energy::transport::mqtt
