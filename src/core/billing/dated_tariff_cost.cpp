// SPDX-License-Identifier: Apache-2.0
#include <energy/billing/dated_tariff_cost.hpp>

#include <energy/billing/bill.hpp>

#include <stdexcept>

namespace energy::billing {

void dated_tariff_cost::add_version(const uuid& building_id, std::chrono::year_month_day effective,
                                    tariff t) {
  if (!effective.ok())
    throw std::invalid_argument("dated_tariff_cost: the effective date is not a calendar date");
  t.validate();
  versions_[building_id].insert_or_assign(std::chrono::sys_days{effective}, std::move(t));
}

money dated_tariff_cost::cost(const building& b, sensor_type type, time_range hour,
                              milli quantity) const {
  const auto it = versions_.find(b.id);
  if (it == versions_.end() || type != sensor_type::electricity)
    return fallback_.cost(b, type, hour, quantity);
  const time_zone zone = find_zone(b.time_zone);
  // The bucket's local date, as a day count (sys_days and local_days count from the same epoch).
  const auto local_day = std::chrono::sys_days{
      std::chrono::floor<std::chrono::days>(zone.to_local(hour.start)).time_since_epoch()};
  auto version = it->second.upper_bound(local_day);
  if (version == it->second.begin()) return fallback_.cost(b, type, hour, quantity);
  --version;
  return energy_charge(version->second, hour.start, quantity, zone);
}

}  // namespace energy::billing
