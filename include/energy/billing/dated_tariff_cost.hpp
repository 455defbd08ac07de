// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <map>
#include <string>
#include <unordered_map>

#include <energy/aggregate/cost.hpp>
#include <energy/billing/tariff.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

namespace energy::billing {

/**
 * The aggregation's cost estimate from tariffs that change over time: each building has dated
 * tariff versions, and an hour bucket is priced by the version in effect on the bucket's local
 * date (the building's zone) — the latest version whose effective date is not after it — with
 * `energy_charge` (TOU period of that local hour, first tier; no demand or fixed charges, as
 * `tariff_cost`). Electricity of a building without a version in effect on that date (none set,
 * or all later) falls back to its flat rate (`aggregate::flat_rate_cost`), as do other types.
 *
 * Its identity is the fixed "stored_tariffs": the model stands for the tariff versions kept in
 * a store (`storage::tariff_port`, loaded by `io::stored_tariff_cost`), and the store itself
 * invalidates the summaries a new version reprices. Build it from the store's versions right
 * before each refresh; a model built by hand with other tariffs must not refresh such a store.
 *
 * Thread-safety: `cost` may be called from several threads once all versions are added.
 */
class dated_tariff_cost final : public aggregate::cost_model {
 public:
  static constexpr const char* identity_text = "stored_tariffs";

  /// Adds a building's version effective from local date `effective`; replaces a version with
  /// the same date (a later upload supersedes). @throws std::invalid_argument if the tariff is
  /// invalid (`tariff::validate`) or the date is not a calendar date.
  void add_version(const uuid& building_id, std::chrono::year_month_day effective, tariff t);
  [[nodiscard]] bool has_versions(const uuid& building_id) const noexcept {
    return versions_.contains(building_id);
  }

  /// @throws std::invalid_argument when the building's time zone is unknown.
  [[nodiscard]] money cost(const building& b, sensor_type type, time_range hour,
                           milli quantity) const override;
  [[nodiscard]] std::string identity() const override { return identity_text; }

 private:
  std::unordered_map<uuid, std::map<std::chrono::sys_days, tariff>> versions_;
  aggregate::flat_rate_cost fallback_;
};

}  // namespace energy::billing

ENERGY_API_END
