// SPDX-License-Identifier: Apache-2.0
#include <energy/billing/tariff_cost.hpp>

#include <energy/billing/bill.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace energy::billing {
namespace {

/// FNV-1a, 64 bit: a stable fingerprint (std::hash may differ between builds).
class fingerprint {
 public:
  void add(std::uint64_t v) noexcept {
    for (int i = 0; i < 8; ++i) {
      h_ ^= (v >> (8 * i)) & 0xffu;
      h_ *= 0x100000001b3ull;
    }
  }
  [[nodiscard]] std::uint64_t value() const noexcept { return h_; }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace

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

std::string tariff_cost::identity() const {
  // What `cost` reads: each building's energy periods, their weekday/weekend schedules and
  // the holidays.
  std::vector<uuid> ids;
  ids.reserve(tariffs_.size());
  for (const auto& [id, t] : tariffs_)
    ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  fingerprint f;
  for (const uuid& id : ids) {
    for (const std::uint8_t byte : id.bytes())
      f.add(byte);
    const tariff& t = tariffs_.at(id);
    f.add(t.energy_periods.size());
    for (const rate_period& p : t.energy_periods) {
      f.add(p.tiers.size());
      for (const rate_tier& tier : p.tiers) {
        f.add(tier.max ? 1 : 0);
        f.add(static_cast<std::uint64_t>(tier.max.value_or(0)));
        f.add(static_cast<std::uint64_t>(tier.rate.micros()));
        f.add(static_cast<std::uint64_t>(tier.adj.micros()));
      }
    }
    for (const auto* schedule : {&t.energy_weekday, &t.energy_weekend})
      for (const auto& month : *schedule)
        for (const std::uint8_t period : month)
          f.add(period);
    // Holidays move hours to the weekend schedule: a changed list changes the cost. Added only
    // when given, so the identity of a tariff without them is what earlier versions stored.
    if (t.holidays) {
      f.add(0x686f6c6964617973ull);  // "holidays"
      f.add(t.holidays->size());
      std::vector<std::int64_t> days;
      for (const auto& d : *t.holidays)
        days.push_back(std::chrono::sys_days{d}.time_since_epoch().count());
      std::sort(days.begin(), days.end());
      for (const std::int64_t d : days)
        f.add(static_cast<std::uint64_t>(d));
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(f.value()));
  return std::string("tariff:") + hex;
}

}  // namespace energy::billing
