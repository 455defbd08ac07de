// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <string>

#include <energy/decimal.hpp>
#include <energy/model.hpp>
#include <energy/money.hpp>
#include <energy/time.hpp>

namespace energy::aggregate {

/**
 * The cost hook of aggregation: prices one local-hour bucket's consumption. Aggregation calls it
 * once per hour bucket (sensor and building scope) and sums hourly costs into days and months,
 * so a tariff that depends on the hour (time-of-use) plugs in here.
 *
 * `hour` is the bucket's UTC range (a local hour, possibly shorter at a DST change);
 * `quantity` is its exact consumption in milli-units of the type's canonical unit (Wh for
 * electricity). Implementations must be deterministic (the same arguments give the same money),
 * because incremental aggregation recomputes buckets and expects identical results.
 *
 * Thread-safety: `cost` is const and is called from the aggregating thread only.
 */
class cost_model {
 public:
  virtual ~cost_model() = default;
  [[nodiscard]] virtual money cost(const building& b, sensor_type type, time_range hour,
                                   milli quantity) const = 0;
  /**
   * Names this model and its parameters, e.g. "flat_rate" or "tariff:3f9c0a1b2c3d4e5f": two
   * models that can price a bucket differently have different identities. Stores keep the identity
   * their summaries were priced with (`storage::summary_settings::cost_model`) and refresh refuses
   * a model with another one. Not empty.
   */
  [[nodiscard]] virtual std::string identity() const = 0;

 protected:
  cost_model() = default;
  cost_model(const cost_model&) = default;
  cost_model& operator=(const cost_model&) = default;
};

/**
 * The default estimate: electricity at the building's `flat_rate_per_kwh` (money per kWh × Wh,
 * rounded half away from zero to the micro-unit per hour bucket). Zero for other sensor types
 * (a $/kWh rate says nothing about m³ of gas) and for buildings without a flat rate.
 */
class flat_rate_cost final : public cost_model {
 public:
  [[nodiscard]] money cost(const building& b, sensor_type type, time_range hour,
                           milli quantity) const override;
  /// "flat_rate": the price comes from the building (its changes invalidate summaries by
  /// themselves).
  [[nodiscard]] std::string identity() const override { return "flat_rate"; }
};

}  // namespace energy::aggregate

ENERGY_API_END
