// SPDX-License-Identifier: Apache-2.0
// The notification outbox: one row per (alert event, recipient). Rows are written in the same
// transaction as the alert change they announce and delivered later by the delivery worker, so a
// slow or failing SMTP relay or webhook never blocks evaluation or ingest, and nothing announced
// is lost when the process dies (the row stays pending and is retried).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <energy/time.hpp>
#include <energy/uuid.hpp>

#include "db/sql.hpp"

namespace energy::server::jobs {

enum class channel : std::uint8_t { email, webhook, mqtt };
[[nodiscard]] std::string_view to_string(channel c) noexcept;

struct notification {
  uuid id;
  uuid tenant_id;
  uuid alert_id;
  std::string event;  ///< "alert.opened", "alert.resolved"
  jobs::channel channel = jobs::channel::email;
  std::string target;                 ///< e-mail address, webhook URL or MQTT topic
  std::optional<std::string> secret;  ///< webhook HMAC key
  std::string subject;                ///< e-mail subject
  std::string body;                   ///< e-mail text, or the webhook's JSON document
  std::string state = "pending";      ///< pending, sent, failed (gave up)
  std::int64_t attempts = 0;
  epoch_seconds next_attempt_at = 0;
  std::optional<std::string> last_error;
  epoch_seconds created_at = 0;
  std::optional<epoch_seconds> sent_at;
};

struct retry_policy {
  int max_attempts = 8;
  std::chrono::seconds first_delay{30};
  std::chrono::seconds max_delay{3600};
  /// Delay after the `attempts`-th failure: first_delay × 2^(attempts−1), capped.
  [[nodiscard]] std::chrono::seconds delay_after(std::int64_t attempts) const noexcept;
};

/// The notification_outbox table on one connection. @throws storage_error from the database.
class outbox {
 public:
  explicit outbox(db::connection& db) : db_(db) {}
  void enqueue(const notification& n);
  /**
   * Claims up to `limit` due rows (pending, next_attempt_at <= now) for `claim_seconds`: their
   * next_attempt_at moves past the claim, so another replica's worker skips them while this one
   * delivers, and a worker that dies leaves them due again afterwards. Returns the claimed rows.
   */
  [[nodiscard]] std::vector<notification> claim_due(epoch_seconds now, std::size_t limit,
                                                    std::int64_t claim_seconds);
  void mark_sent(const uuid& id, epoch_seconds now);
  /// Records a failed attempt: retried after the policy's delay, or `failed` for good after
  /// max_attempts. Returns true when it gave up.
  bool mark_failed(const notification& n, const std::string& error, epoch_seconds now,
                   const retry_policy& policy);
  /// Rows of one alert (tests, the alert detail).
  [[nodiscard]] std::vector<notification> for_alert(const uuid& alert_id);

 private:
  db::connection& db_;
};

}  // namespace energy::server::jobs
