// SPDX-License-Identifier: Apache-2.0
// The alerts table: history of every alert (open → acknowledged → resolved) and the rule that
// keeps one unresolved alert per (config, condition), so a condition that holds for hours gives
// one alert and one notification, not one per evaluation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/time.hpp>
#include <energy/uuid.hpp>

#include "db/sql.hpp"
#include "jobs/alert_rules.hpp"
#include "jobs/evaluate.hpp"

namespace energy::server::jobs {

struct alert_record {
  uuid id;
  uuid tenant_id;
  uuid building_id;
  uuid config_id;
  condition what = condition::threshold;
  std::string state;  ///< open, acknowledged, resolved
  std::string severity;
  std::string summary;
  nlohmann::json details = nlohmann::json::object();
  epoch_seconds opened_at = 0;
  epoch_seconds last_seen_at = 0;
  std::optional<epoch_seconds> acknowledged_at;
  std::optional<std::string> acknowledged_by;
  std::optional<std::string> ack_comment;
  std::optional<epoch_seconds> resolved_at;
};

/// What applying one finding did.
enum class alert_change : std::uint8_t { none, opened, still_open, resolved };

/// The alerts table on one connection. Reads are tenant-scoped: another tenant's alert is absent.
/// @throws storage_error from the database.
class alert_book {
 public:
  explicit alert_book(db::connection& db) : db_(db) {}

  /**
   * Applies one finding of `rule` at `now`, and enqueues the notifications of an opened or a
   * resolved alert in the outbox. Call inside a transaction (the evaluation job does), so the
   * alert and its notifications commit together:
   * - holds, nothing unresolved: opens an alert (opened);
   * - holds, one unresolved: refreshes last_seen_at/summary, no notification (still_open);
   * - does not hold, one unresolved: resolves it (resolved);
   * - a finding with an error changes nothing (none).
   */
  alert_change apply(const alert_rule& rule, const finding& f, epoch_seconds now);

  /// Alerts of a tenant, newest first; `state` filters (open, acknowledged, resolved);
  /// `before` pages: alerts opened before that (opened_at, id) cursor.
  [[nodiscard]] std::vector<alert_record> list(
      const uuid& tenant_id, const std::optional<std::string>& state, std::size_t limit,
      const std::optional<std::pair<epoch_seconds, std::string>>& before = {});
  [[nodiscard]] std::optional<alert_record> get(const uuid& tenant_id, const uuid& id);
  /// Resolves the unresolved alerts of `config_id` whose condition is not in `still_judged` (the
  /// config was deleted, disabled or lost that condition: nothing would ever resolve them). No
  /// notification: the change was the user's own. Returns how many.
  std::int64_t close_unjudged(const uuid& tenant_id, const uuid& config_id,
                              const std::vector<condition>& still_judged, epoch_seconds now);
  /// Marks an open alert acknowledged by `who` with `comment`. nullopt when the tenant has no
  /// such alert; the record unchanged when it is already acknowledged or resolved (see state).
  std::optional<alert_record> acknowledge(const uuid& tenant_id, const uuid& id,
                                          const std::string& who, const std::string& comment,
                                          epoch_seconds now);

 private:
  void notify(const alert_rule& rule, const alert_record& a, std::string_view event,
              epoch_seconds now);
  db::connection& db_;
};

}  // namespace energy::server::jobs
