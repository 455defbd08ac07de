// SPDX-License-Identifier: Apache-2.0
#include <energy/billing/tariff_cost.hpp>

#include <energy/billing/bill.hpp>

namespace energy::billing {

void tariff_cost::set_tariff(const uuid& building_id, tariff t) {
  t.validate();
  tariffs_.insert_or_assign(building_id, std::move(t));
}

money tariff_cost::cost(const building& b, sensor_type type, time_range hour,
                        milli quantity) const {
  const auto it = tariffs_.find(b.id);
  if (it == tariffs_.end() || type != sensor_type::electricity)
    return fallback_.cost(b, type, hour, quantity);
  // find_zone is a lookup in date's sorted zone table; the aggregator calls this once per hour
  // bucket.
  return energy_charge(it->second, hour.start, quantity, find_zone(b.time_zone));
}

}  // namespace energy::billing
