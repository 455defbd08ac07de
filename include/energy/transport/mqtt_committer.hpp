// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <energy/ingest/ingest.hpp>
#include <energy/io/parsed_readings.hpp>
#include <energy/storage/store.hpp>
#include <energy/transport/mqtt_topic.hpp>
#include <energy/uuid.hpp>

/**
 * The broker-independent half of the MQTT consumer: collects received messages (topic + payload),
 * then stores all their readings in one ingest call (one commit) and says what became of each
 * message. Kept apart from the network loop so tenant isolation and payload handling are tested
 * without a broker.
 *
 * **Tenant isolation.** A message may only write sensors of the building its topic names, and
 * that building must belong to the topic's tenant; when the topic names a sensor, only that one.
 * Any other reading is rejected as `unknown_sensor` with the same detail whether the sensor
 * exists elsewhere or not at all (no probing of other tenants).
 *
 * Thread-safety: one thread at a time (it uses the store).
 */
namespace energy::transport::mqtt {

/// What became of one message that was not stored cleanly (whole-message errors and rejections).
struct message_outcome {
  std::string topic;
  std::string tenant;    ///< the topic's tenant segment as sent (may be invalid)
  std::string building;  ///< the topic's building segment as sent
  /// Whole-message problem (unreadable payload, topic not matching, too large); empty otherwise.
  std::string error;
  /// Rejected readings and notices; `source_row` is the position inside the payload (array index
  /// or line), `batch_index` is -1.
  std::vector<ingest::rejection> rejections;
  /// Sensor of each rejection (nil when the reading had none readable).
  std::vector<uuid> rejection_sensor;
};

struct commit_result {
  ingest::ingest_report report;           ///< the one ingest call (all messages together)
  std::size_t messages = 0;               ///< messages in this commit
  std::size_t malformed_messages = 0;     ///< refused whole
  std::vector<message_outcome> problems;  ///< only the messages with something to report
};

struct committer_options {
  std::string topic_pattern = "energy/{tenant}/{building}/{sensor}";
  std::size_t max_payload_bytes = 4u << 20;
  std::chrono::seconds directory_refresh{30};
  std::chrono::milliseconds directory_min_refresh{1'000};
  ingest::ingest_options ingest;
};

class message_committer {
 public:
  /// @throws std::invalid_argument for a topic pattern without {tenant} and {building}.
  message_committer(storage::store& st, committer_options options);

  /// Decodes and keeps one message for the next commit (never throws for bad input: a bad
  /// message becomes a whole-message error in the commit result).
  void add(std::string_view topic, std::string_view payload);
  [[nodiscard]] std::size_t pending_messages() const noexcept { return pending_.size(); }
  [[nodiscard]] std::size_t pending_readings() const noexcept { return pending_readings_; }

  /**
   * Stores the pending messages' readings in one ingest call and clears them. Returns only once
   * they are durable. @throws storage_error from the store: nothing is cleared then, so the
   * caller may retry or drop them with discard() (and let the broker redeliver).
   */
  [[nodiscard]] commit_result commit();
  void discard() noexcept;

 private:
  struct pending_message {
    std::string topic, tenant, building;
    std::optional<uuid> tenant_id, building_id, sensor_id;
    std::string error;
    io::parsed_readings readings;
  };
  void refresh_directory();
  [[nodiscard]] bool owns(const pending_message& m, const uuid& sensor_id) const;

  storage::store& store_;
  committer_options options_;
  topic_pattern pattern_;
  std::vector<pending_message> pending_;
  std::size_t pending_readings_ = 0;
  ingest::sensor_directory directory_;
  std::unordered_map<uuid, uuid> building_tenant_;
  std::chrono::steady_clock::time_point refreshed_at_{};
  bool ever_refreshed_ = false;
};

}  // namespace energy::transport::mqtt

ENERGY_API_END
