// SPDX-License-Identifier: Apache-2.0
// Internal: fast local-calendar lookup for a monotone-ish sequence of UTC instants.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include <energy/time.hpp>

#include "core/time/local_clock.hpp"

namespace energy::billing::detail {

/// Month, hour and weekend flag of a UTC instant in a zone, as TOU schedules need them.
struct local_slot {
  std::uint8_t month0 = 0;  ///< 0..11
  std::uint8_t hour = 0;    ///< 0..23, local wall clock (a fall-back day has hour 1 twice)
  bool weekend = false;     ///< Saturday, Sunday or one of the clock's holidays, local
};

/**
 * Month, hour and weekend flag of UTC instants in one zone: the core's offset cache (one tz lookup
 * per DST change) plus a cache of the current local day (one calendar conversion and holiday
 * lookup per local day), so a year of 15-minute intervals costs a few comparisons per interval.
 */
class local_clock {
 public:
  /// `holidays`: local dates that count as weekend days (tariff::holidays), looked up once per
  /// local day; kept by reference (the tariff outlives the clock), so a clock built per hour
  /// bucket (energy_charge) copies nothing.
  /// @throws std::invalid_argument when `zone` is null.
  explicit local_clock(
      const time_zone& zone,
      const std::optional<std::vector<std::chrono::year_month_day>>& holidays = std::nullopt)
      : offsets_(zone), holidays_(holidays ? &*holidays : nullptr) {}

  local_slot at(epoch_seconds t) {
    const epoch_seconds local = offsets_.local(t);
    const epoch_seconds day = energy::detail::local_day(local);
    if (day != day_) set_day(day);
    slot_.hour = static_cast<std::uint8_t>(energy::detail::local_hour(local));
    return slot_;
  }

  /// Local day number (days since 1970-01-01 local) of `t`.
  epoch_seconds local_day(epoch_seconds t) { return energy::detail::local_day(offsets_.local(t)); }

  static constexpr epoch_seconds floor_div(epoch_seconds a, epoch_seconds b) noexcept {
    return energy::detail::floor_div(a, b);
  }

 private:
  void set_day(epoch_seconds day) {
    day_ = day;
    const std::chrono::sys_days d{std::chrono::days{day}};
    const std::chrono::year_month_day ymd{d};
    const std::chrono::weekday wd{d};
    slot_.month0 = static_cast<std::uint8_t>(static_cast<unsigned>(ymd.month()) - 1);
    slot_.weekend =
        wd == std::chrono::Saturday || wd == std::chrono::Sunday ||
        (holidays_ && std::find(holidays_->begin(), holidays_->end(), ymd) != holidays_->end());
  }

  energy::detail::offset_cache offsets_;
  const std::vector<std::chrono::year_month_day>* holidays_;  ///< nullptr: none given
  epoch_seconds day_ = std::numeric_limits<epoch_seconds>::min();
  local_slot slot_{};
};

}  // namespace energy::billing::detail
