// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <energy/ingest/ingest.hpp>
#include <energy/storage/store.hpp>
#include <energy/transport/mqtt_committer.hpp>
#include <energy/transport/mqtt_payload.hpp>
#include <energy/transport/mqtt_topic.hpp>

/**
 * MQTT transport (target energy::mqtt; libmosquitto stays inside it): a consumer that stores the
 * readings published to a topic pattern, and a publisher for alerts and summaries.
 * Guide: docs/transports.md#mqtt.
 *
 * **Delivery guarantee (consumer):** QoS 1, persistent session (clean_session = false, fixed
 * client id). A message is acknowledged (PUBACK) only after its readings are committed to the
 * store, so a consumer killed between receipt and commit gets the message again from the broker;
 * redelivered readings are no-ops (the store's duplicate policy: same value = unchanged).
 * At least once on the wire, exactly once in the store.
 *
 * **Example**:
 * ```cpp
 * auto db = energy::storage::open_sqlite_store("site.db");
 * energy::transport::mqtt::consumer_options o;
 * o.broker.port = 1883;
 * o.broker.client_id = "energy-ingest-1";   // fixed: the broker keeps the session under it
 * energy::transport::mqtt::consumer c(*db, o);
 * std::jthread t([&] { c.run(); });
 * ...
 * c.stop();                                 // from any thread: commits, acks, disconnects
 * ```
 */
namespace energy::transport::mqtt {

/// Where the broker is and how to log in. Secrets are kept in memory only.
struct broker_options {
  std::string host = "127.0.0.1";
  int port = 1883;
  /// MQTT client id. Required for a consumer (the persistent session is keyed by it); a
  /// publisher without one gets a random id.
  std::string client_id;
  std::string username;  ///< empty: anonymous
  std::string password;
  std::chrono::seconds keepalive{30};
  /// TLS to the broker; unset: plain TCP. The broker certificate is always verified against
  /// `ca_file`/`ca_dir` (at least one is required), including its host name.
  struct tls_options {
    std::string ca_file;
    std::string ca_dir;
    std::string cert_file;  ///< client certificate (optional, with key_file)
    std::string key_file;
  };
  std::optional<tls_options> tls;
  /// First and longest wait between reconnection attempts (doubling in between).
  std::chrono::milliseconds reconnect_min{250};
  std::chrono::milliseconds reconnect_max{10'000};
};

struct consumer_options {
  broker_options broker;
  /// Topics to read; see topic_pattern. {tenant} and {building} are required.
  std::string topic_pattern = "energy/{tenant}/{building}/{sensor}";
  /// Where rejections are published (QoS 1), per message; same placeholders. Must not overlap
  /// the input subscription (checked: std::invalid_argument). Empty: rejections are only counted.
  std::string error_topic = "energy-errors/{tenant}/{building}";
  /// A commit happens when the broker has nothing more to read right now, or when the pending
  /// batch reaches one of these bounds (messages, readings, age of its oldest message).
  std::size_t batch_max_messages = 2'000;
  std::size_t batch_max_readings = 100'000;
  std::chrono::milliseconds batch_max_age{200};
  /// Larger payloads are refused whole (reported on the error topic), never parsed.
  std::size_t max_payload_bytes = 4u << 20;
  /// How long the sensor and building lists are trusted; unknown ids refresh them sooner
  /// (at most once per `directory_min_refresh`).
  std::chrono::seconds directory_refresh{30};
  std::chrono::milliseconds directory_min_refresh{1'000};
  ingest::ingest_options ingest;
};

/// Counters since the consumer was created (a snapshot; see consumer::stats).
struct consumer_stats {
  std::uint64_t messages = 0;            ///< messages received (redeliveries included)
  std::uint64_t malformed_messages = 0;  ///< refused whole (payload, topic or size)
  std::uint64_t readings_received = 0;
  std::uint64_t inserted = 0;
  std::uint64_t unchanged = 0;  ///< already stored with the same value (redeliveries)
  std::uint64_t replaced = 0;
  std::uint64_t duplicates = 0;  ///< identical repeats within one commit (stored once)
  std::uint64_t rejected = 0;    ///< readings dropped, each reported on the error topic
  std::uint64_t commits = 0;     ///< store transactions (batches)
  std::uint64_t commit_failures = 0;
  std::uint64_t errors_published = 0;
  std::uint64_t connects = 0;  ///< successful CONNACKs (1 + reconnections)
  bool connected = false;
  /// The broker confirmed the subscription at least once (the persistent session exists: from
  /// now on, messages published while the consumer is away are kept for it).
  bool subscribed = false;
  std::string last_error;  ///< the latest connection or commit problem (empty: none)
  ingest::reason_counts rejected_by_reason;
};

/**
 * Reads readings from the broker into a store. Owns one libmosquitto client and drives its
 * network loop itself (so PUBACKs wait for the commit). `run()` blocks until `stop()`.
 * Connection problems never throw from run(): it reconnects with backoff and reports them in
 * stats().last_error. A commit that fails (storage_error) acknowledges nothing: the connection
 * is dropped without sending the PUBACKs and the broker redelivers after reconnection.
 *
 * Thread-safety: run() on one thread; stop() and stats() from any thread. The store is used only
 * by the thread in run().
 */
class consumer {
 public:
  /// @throws std::invalid_argument for bad options (no client id, bad topic patterns, an error
  ///         topic the subscription would read back, a zero bound).
  consumer(storage::store& st, consumer_options options);
  ~consumer();
  consumer(const consumer&) = delete;
  consumer& operator=(const consumer&) = delete;

  /// Connects, subscribes and ingests until stop(); then commits what is pending, sends its
  /// acknowledgements and disconnects. Returns at once when stop() came first; call it once.
  void run();
  /// Asks run() to finish (returns at once).
  void stop() noexcept;
  [[nodiscard]] consumer_stats stats() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

struct publisher_options {
  broker_options broker;
  /// How long the constructor waits for the broker's CONNACK.
  std::chrono::milliseconds connect_timeout{10'000};
  /// QoS 1 messages on the wire at once, awaiting their PUBACK (libmosquitto's default is 20);
  /// further ones wait in the client's queue.
  unsigned max_inflight = 100;
};

/**
 * Publishes messages at QoS 1 (alerts, summaries) through a libmosquitto client with its own
 * network thread; reconnects by itself, and messages published while disconnected are sent
 * after reconnection.
 *
 * Thread-safety: every member may be called from any thread.
 */
class publisher {
 public:
  /// Connects and waits for the CONNACK. @throws energy::error naming the broker and the reason
  /// (refused credentials, unreachable, TLS failure) when not connected within connect_timeout.
  explicit publisher(publisher_options options);
  ~publisher();
  publisher(const publisher&) = delete;
  publisher& operator=(const publisher&) = delete;

  /// Queues `payload` on `topic` at QoS 1. @throws std::invalid_argument for a topic that is not
  /// a valid MQTT topic name (empty, wildcards); energy::error when libmosquitto refuses it.
  void publish(std::string_view topic, std::string_view payload, bool retain = false);
  /// Waits until the broker acknowledged every message published so far; false on timeout.
  [[nodiscard]] bool wait_all_acknowledged(std::chrono::milliseconds timeout);
  /// Messages published but not yet acknowledged.
  [[nodiscard]] std::size_t unacknowledged() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace energy::transport::mqtt

ENERGY_API_END
