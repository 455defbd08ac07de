// SPDX-License-Identifier: Apache-2.0
// The consumer's network loop. libmosquitto 2.0 has no manual-ack API and sends a QoS 1 PUBACK
// from inside its read path, before on_message. With mosquitto_threaded_set(true) and our own
// loop, that PUBACK is only queued; it reaches the socket at the next mosquitto_loop_write. So
// the loop reads a batch, commits it, and only then writes: a consumer that dies before the
// commit never acknowledged those messages and the broker redelivers them (persistent session).
// This relies on libmosquitto internals (verified for 2.0.11 through 2.0.20); the kill -9 test in
// tests/integration/mqtt keeps it honest.
#include <energy/error.hpp>
#include <energy/transport/mqtt.hpp>

#include <poll.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "client_setup.hpp"

namespace energy::transport::mqtt {

namespace {
using clock = std::chrono::steady_clock;

committer_options committer_settings(const consumer_options& o) {
  return {.topic_pattern = o.topic_pattern,
          .max_payload_bytes = o.max_payload_bytes,
          .directory_refresh = o.directory_refresh,
          .directory_min_refresh = o.directory_min_refresh,
          .ingest = o.ingest};
}

/// The error-topic document for one message.
std::string problem_document(const message_outcome& o) {
  nlohmann::json doc = {{"topic", o.topic}};
  if (!o.error.empty()) {
    doc["error"] = o.error;
  } else {
    auto list = nlohmann::json::array();
    for (std::size_t i = 0; i < o.rejections.size(); ++i) {
      const auto& r = o.rejections[i];
      list.push_back({{"index", r.source_row},
                      {"reason", ingest::to_string(r.why)},
                      {"detail", r.detail},
                      {"dropped", ingest::drops_reading(r.why)},
                      {"sensor_id", o.rejection_sensor[i].is_nil()
                                        ? nlohmann::json(nullptr)
                                        : nlohmann::json(o.rejection_sensor[i].to_string())}});
    }
    doc["rejections"] = std::move(list);
  }
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

struct consumer::impl {
  impl(storage::store& st, consumer_options o)
      : options(std::move(o)),
        input(options.topic_pattern),
        committer(st, committer_settings(options)) {
    if (options.broker.client_id.empty())
      throw std::invalid_argument(
          "MQTT consumer: a client id is required (the broker keeps the persistent session "
          "under it)");
    if (options.batch_max_messages == 0 || options.batch_max_readings == 0 ||
        options.batch_max_age.count() <= 0)
      throw std::invalid_argument("MQTT consumer: batch bounds must be positive");
    if (!options.error_topic.empty()) {
      errors.emplace(options.error_topic);
      if (errors->may_match(input.subscription()))
        throw std::invalid_argument("MQTT consumer: the error topic \"" + options.error_topic +
                                    "\" overlaps the input subscription \"" + input.subscription() +
                                    "\": the consumer would read its own reports");
    }
    detail::init_library();
    client.reset(mosquitto_new(options.broker.client_id.c_str(), false, this));
    if (!client) throw std::runtime_error("MQTT consumer: mosquitto_new failed (out of memory)");
    configure();
  }

  /// Callbacks, credentials and TLS on a new or reinitialised client.
  void configure() {
    mosquitto_threaded_set(client.get(), true);  // PUBACKs wait for our loop_write
    mosquitto_connect_callback_set(client.get(), &impl::on_connect);
    mosquitto_disconnect_callback_set(client.get(), &impl::on_disconnect);
    mosquitto_message_callback_set(client.get(), &impl::on_message);
    mosquitto_subscribe_callback_set(client.get(), &impl::on_subscribe);
    detail::apply_broker_options(client.get(), options.broker);
  }

  static void on_connect(mosquitto* m, void* self, int rc) {
    auto& me = *static_cast<impl*>(self);
    std::lock_guard lock(me.stats_mutex);
    if (rc != 0) {
      me.stats.last_error = "broker " + detail::broker_name(me.options.broker) +
                            " refused the connection: " + mosquitto_connack_string(rc);
      me.refused = true;
      return;
    }
    ++me.stats.connects;
    me.stats.connected = true;
    me.backoff = me.options.broker.reconnect_min;  // a good session: start over
    // The persistent session keeps the subscription; subscribing again is harmless and covers a
    // session the broker lost (restart without persistence).
    const auto filter = me.input.subscription();
    mosquitto_subscribe(m, nullptr, filter.c_str(), 1);
  }

  static void on_subscribe(mosquitto*, void* self, int, int count, const int* granted) {
    auto& me = *static_cast<impl*>(self);
    std::lock_guard lock(me.stats_mutex);
    if (count >= 1 && granted[0] <= 2) {
      me.stats.subscribed = true;
    } else {
      me.stats.last_error = "broker refused the subscription to " + me.input.subscription();
    }
  }

  static void on_disconnect(mosquitto*, void* self, int) {
    auto& me = *static_cast<impl*>(self);
    std::lock_guard lock(me.stats_mutex);
    me.stats.connected = false;
  }

  static void on_message(mosquitto*, void* self, const mosquitto_message* msg) {
    auto& me = *static_cast<impl*>(self);
    if (me.committer.pending_messages() == 0) me.batch_started = clock::now();
    me.committer.add(msg->topic ? std::string_view(msg->topic) : std::string_view(),
                     std::string_view(static_cast<const char*>(msg->payload),
                                      static_cast<std::size_t>(std::max(msg->payloadlen, 0))));
    std::lock_guard lock(me.stats_mutex);
    ++me.stats.messages;
  }

  [[nodiscard]] bool batch_full() const {
    return committer.pending_messages() >= options.batch_max_messages ||
           committer.pending_readings() >= options.batch_max_readings;
  }
  [[nodiscard]] bool batch_old() const {
    return clock::now() - batch_started >= options.batch_max_age;
  }

  void note_error(std::string what) {
    std::lock_guard lock(stats_mutex);
    stats.last_error = std::move(what);
  }

  /// Sleeps `d` in short slices, returning early when stop() is called.
  void pause(std::chrono::milliseconds d) {
    const auto until = clock::now() + d;
    while (!stop_requested.load() && clock::now() < until)
      std::this_thread::sleep_for(
          std::min<clock::duration>(std::chrono::milliseconds(50), until - clock::now()));
  }

  /// Commits the pending batch and queues its error reports. Returns false when the commit
  /// failed: then nothing may be acknowledged and the caller drops the connection.
  bool commit_pending() {
    commit_result result;
    try {
      result = committer.commit();
    } catch (const std::exception& e) {
      committer.discard();  // the broker redelivers: none of it was acknowledged
      std::lock_guard lock(stats_mutex);
      ++stats.commit_failures;
      stats.last_error = std::string("commit failed, messages left to the broker: ") + e.what();
      return false;
    }
    std::size_t published = 0;
    if (errors) {
      for (const auto& p : result.problems) {
        const auto topic = errors->expand(p.tenant.empty() ? "_" : p.tenant,
                                          p.building.empty() ? "_" : p.building);
        const auto body = problem_document(p);
        if (mosquitto_publish(client.get(), nullptr, topic.c_str(), static_cast<int>(body.size()),
                              body.data(), 1, false) == MOSQ_ERR_SUCCESS)
          ++published;
      }
    }
    const auto& r = result.report;
    const auto reasons = ingest::count_reasons(r.rejections);
    std::lock_guard lock(stats_mutex);
    ++stats.commits;
    stats.malformed_messages += result.malformed_messages;
    stats.readings_received += r.received;
    stats.inserted += r.inserted;
    stats.unchanged += r.unchanged;
    stats.replaced += r.replaced;
    stats.duplicates += r.duplicates;
    stats.rejected += r.rejected;
    stats.errors_published += published;
    for (std::size_t i = 0; i < ingest::reason_count; ++i)
      stats.rejected_by_reason.by_reason[i] += reasons.by_reason[i];
    return true;
  }

  /// Forgets the connection without writing anything more (queued PUBACKs included), so the
  /// broker redelivers every unacknowledged message.
  void drop_connection() {
    mosquitto_reinitialise(client.get(), options.broker.client_id.c_str(), false, this);
    configure();
    socket_up = false;
    ever_connected = false;  // reinitialise forgot host and port: connect afresh
    std::lock_guard lock(stats_mutex);
    stats.connected = false;
  }

  void connect() {
    const auto& b = options.broker;
    const int rc = ever_connected ? mosquitto_reconnect(client.get())
                                  : mosquitto_connect(client.get(), b.host.c_str(), b.port,
                                                      static_cast<int>(b.keepalive.count()));
    if (rc != MOSQ_ERR_SUCCESS) {
      note_error("cannot connect to MQTT broker " + detail::broker_name(b) + ": " +
                 detail::error_text(rc));
      pause(backoff);
      backoff = std::min(backoff * 2, b.reconnect_max);
      return;
    }
    ever_connected = true;
    socket_up = true;
  }

  /// One turn: wait for the socket, read a batch, commit it, then write (PUBACKs, reports).
  void turn() {
    const int fd = mosquitto_socket(client.get());
    pollfd p{fd, POLLIN, 0};
    const bool holding = committer.pending_messages() > 0;  // no writing before the commit
    if (!holding && mosquitto_want_write(client.get())) p.events |= POLLOUT;
    int wait_ms = 100;
    if (holding) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          batch_started + options.batch_max_age - clock::now());
      wait_ms = static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 100));
    }
    ::poll(&p, 1, wait_ms);
    bool lost = (p.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0;
    bool more = false;
    // TLS may hold decrypted bytes that poll() cannot see: read anyway (EAGAIN is harmless).
    if (!lost && ((p.revents & POLLIN) != 0 || options.broker.tls)) {
      for (;;) {
        if (mosquitto_loop_read(client.get(), 1) != MOSQ_ERR_SUCCESS) {
          lost = true;
          break;
        }
        pollfd q{fd, POLLIN, 0};
        more = ::poll(&q, 1, 0) > 0 && (q.revents & POLLIN) != 0;
        if (!more || batch_full()) break;
      }
    }
    if (committer.pending_messages() > 0 && (lost || !more || batch_full() || batch_old())) {
      if (!commit_pending()) {
        drop_connection();
        pause(backoff);
        return;
      }
    }
    if (lost) {
      // Unacknowledged messages come back after reconnection; the committed ones are no-ops.
      // Wait before reconnecting: a broker that refuses us (credentials) must not be hammered.
      socket_up = false;
      {
        std::lock_guard lock(stats_mutex);
        stats.connected = false;
        if (!refused)  // keep the broker's reason for closing on us
          stats.last_error =
              "connection to MQTT broker " + detail::broker_name(options.broker) + " lost";
        refused = false;
      }
      pause(backoff);
      backoff = std::min(backoff * 2, options.broker.reconnect_max);
      return;
    }
    if (committer.pending_messages() == 0 &&
        mosquitto_loop_write(client.get(), 1) != MOSQ_ERR_SUCCESS) {
      socket_up = false;
      return;
    }
    if (mosquitto_loop_misc(client.get()) != MOSQ_ERR_SUCCESS) socket_up = false;  // keepalive
  }

  void run() {
    backoff = options.broker.reconnect_min;
    while (!stop_requested.load()) {
      if (!socket_up) {
        connect();
        continue;
      }
      turn();
    }
    if (committer.pending_messages() > 0 && !commit_pending()) {
      drop_connection();
      return;
    }
    if (socket_up) {
      // Send the last PUBACKs and reports, then say goodbye (the session stays on the broker).
      for (int i = 0; i < 50 && mosquitto_want_write(client.get()); ++i) {
        if (mosquitto_loop_write(client.get(), 1) != MOSQ_ERR_SUCCESS) break;
        if (mosquitto_want_write(client.get()))
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      mosquitto_disconnect(client.get());
      mosquitto_loop_write(client.get(), 1);
      socket_up = false;
    }
    std::lock_guard lock(stats_mutex);
    stats.connected = false;
  }

  consumer_options options;
  topic_pattern input;
  std::optional<topic_pattern> errors;
  message_committer committer;
  detail::client_handle client;
  std::atomic<bool> stop_requested{false};
  bool socket_up = false;
  bool ever_connected = false;
  bool refused = false;  ///< the last CONNACK said no (set on this thread, in loop_read)
  std::chrono::milliseconds backoff{250};
  clock::time_point batch_started{};
  mutable std::mutex stats_mutex;
  consumer_stats stats;
};

consumer::consumer(storage::store& st, consumer_options options)
    : impl_(std::make_unique<impl>(st, std::move(options))) {}
consumer::~consumer() = default;

void consumer::run() {
  impl_->run();
}

void consumer::stop() noexcept {
  impl_->stop_requested.store(true);
}

consumer_stats consumer::stats() const {
  std::lock_guard lock(impl_->stats_mutex);
  return impl_->stats;
}

}  // namespace energy::transport::mqtt
