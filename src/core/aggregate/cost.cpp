// SPDX-License-Identifier: Apache-2.0
#include <energy/aggregate/cost.hpp>

namespace energy::aggregate {

money flat_rate_cost::cost(const building& b, sensor_type type, time_range /*hour*/,
                           milli quantity) const {
  if (type != sensor_type::electricity || !b.flat_rate_per_kwh) return money{};
  return price_times(*b.flat_rate_per_kwh, quantity);
}

}  // namespace energy::aggregate
