// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <unordered_map>

#include <energy/aggregate/cost.hpp>
#include <energy/billing/tariff.hpp>
#include <energy/uuid.hpp>

namespace energy::billing {

/**
 * The aggregation's cost estimate from each building's tariff: electricity in an hour bucket is
 * priced by `energy_charge` (the TOU period of that local hour, first tier, no demand or fixed
 * charges — an hour cannot know its share of those; bills come from `compute_bill`). Buildings
 * without a tariff fall back to their flat rate (`aggregate::flat_rate_cost`).
 *
 * Pass it as `refresh_options::costs` / `aggregator_options::costs`. A store refreshes only with
 * the model named in its settings: call `store.set_summary_settings({.cost_model =
 * costs.identity()})` once the tariffs are set (again after changing one). Thread-safety: `cost`
 * may be called from several threads once all tariffs are set.
 */
class tariff_cost final : public aggregate::cost_model {
 public:
  /// Sets (replaces) a building's tariff. @throws std::invalid_argument if the tariff is invalid.
  void set_tariff(const uuid& building_id, tariff t);
  [[nodiscard]] bool has_tariff(const uuid& building_id) const noexcept {
    return tariffs_.contains(building_id);
  }

  /// @throws std::invalid_argument when the building's time zone is unknown.
  [[nodiscard]] money cost(const building& b, sensor_type type, time_range hour,
                           milli quantity) const override;
  /// "tariff:" and a fingerprint of every building's energy periods and schedules (what `cost`
  /// reads): setting a different tariff gives a different identity.
  [[nodiscard]] std::string identity() const override;

 private:
  std::unordered_map<uuid, tariff> tariffs_;
  aggregate::flat_rate_cost fallback_;
};

}  // namespace energy::billing

ENERGY_API_END
