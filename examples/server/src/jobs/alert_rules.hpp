// SPDX-License-Identifier: Apache-2.0
// Alert configurations ("alert configs" in the API): the seed's alert_configs row (threshold per
// window, e-mail, enabled) extended with the other conditions and a webhook. One config holds one
// or more conditions; each condition is evaluated, opened and resolved on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <energy/decimal.hpp>
#include <energy/model.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

#include "db/sql.hpp"

namespace energy::server::jobs {

enum class condition : std::uint8_t {
  threshold,           ///< the seed's: consumption of a local window above threshold
  peak_demand,         ///< an interval's average demand above a limit (kW)
  data_gap,            ///< a sensor silent for longer than allowed
  flatline,            ///< a sensor repeating one value (stuck meter)
  baseline_deviation,  ///< sustained departure from the building's own weekly baseline
};

[[nodiscard]] std::string_view to_string(condition c) noexcept;
[[nodiscard]] std::optional<condition> parse_condition(std::string_view s) noexcept;

struct alert_rule {
  uuid id;
  uuid tenant_id;
  uuid building_id;
  std::string name;
  std::optional<milli> threshold;  ///< Wh per `window` (the seed's threshold_kwh, exact)
  alert_window window = alert_window::hour;
  std::optional<milli> peak_demand;               ///< W (kW × 1000)
  std::optional<std::int64_t> gap_seconds;        ///< silence that counts as a gap
  std::optional<std::int64_t> flatline_seconds;   ///< minimum flat run; 0 = the library's automatic
  std::optional<std::int64_t> deviation_percent;  ///< minimum departure of the event total, %
  std::vector<std::string> emails;
  std::optional<std::string> webhook_url;
  std::optional<std::string> webhook_secret;  ///< HMAC-SHA256 key of the webhook signature
  bool enabled = true;
  epoch_seconds created_at = 0;
  epoch_seconds updated_at = 0;

  /// The conditions this config sets, in enum order.
  [[nodiscard]] std::vector<condition> conditions() const;
};

/// The server_alert_configs table on one connection. Every read is scoped by tenant: another
/// tenant's config is absent (nullopt / false), exactly like a missing one.
/// @throws storage_error from the database.
class alert_rules {
 public:
  explicit alert_rules(db::connection& db) : db_(db) {}
  void insert(const alert_rule& r);
  /// False when no config of that tenant has the id.
  bool update(const alert_rule& r);
  bool remove(const uuid& tenant_id, const uuid& id);
  [[nodiscard]] std::optional<alert_rule> get(const uuid& tenant_id, const uuid& id);
  [[nodiscard]] std::vector<alert_rule> for_building(const uuid& tenant_id,
                                                     const uuid& building_id);
  /// Every enabled config of every tenant, ordered by building (the evaluation job's input).
  [[nodiscard]] std::vector<alert_rule> all_enabled();

 private:
  db::connection& db_;
};

}  // namespace energy::server::jobs
