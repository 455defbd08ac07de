// SPDX-License-Identifier: Apache-2.0
// Internal: fast local-calendar lookup for a monotone-ish sequence of UTC instants.
#pragma once

#include <cstdint>
#include <limits>

#include <energy/time.hpp>

namespace energy::billing::detail {

/// Month, hour and weekend flag of a UTC instant in a zone, as TOU schedules need them.
struct local_slot {
  std::uint8_t month0 = 0;  ///< 0..11
  std::uint8_t hour = 0;    ///< 0..23, local wall clock (a fall-back day has hour 1 twice)
  bool weekend = false;     ///< Saturday or Sunday, local
};

/**
 * Caches the zone's current UTC offset (valid over [begin, end) of the tz rule) and the
 * current local day, so a year of 15-minute intervals costs one tz lookup per DST change and
 * one calendar conversion per local day instead of one each per interval.
 */
class local_clock {
 public:
  explicit local_clock(const date::time_zone* zone) : zone_(zone) {}

  local_slot at(epoch_seconds t) {
    if (t < begin_ || t >= end_) refresh(t);
    const epoch_seconds local = t + offset_;
    const epoch_seconds day = floor_div(local, 86'400);
    if (day != day_) set_day(day);
    slot_.hour = static_cast<std::uint8_t>((local - day * 86'400) / 3'600);
    return slot_;
  }

  /// Local day number (days since 1970-01-01 local) of `t`.
  epoch_seconds local_day(epoch_seconds t) {
    if (t < begin_ || t >= end_) refresh(t);
    return floor_div(t + offset_, 86'400);
  }

  static epoch_seconds floor_div(epoch_seconds a, epoch_seconds b) noexcept {
    const epoch_seconds q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
  }

 private:
  void refresh(epoch_seconds t) {
    const auto info = zone_->get_info(from_epoch(t));
    begin_ = to_epoch(info.begin);
    end_ = to_epoch(info.end);
    offset_ = info.offset.count();
  }
  void set_day(epoch_seconds day) {
    day_ = day;
    const date::sys_days d{date::days{day}};
    const date::year_month_day ymd{d};
    const date::weekday wd{d};
    slot_.month0 = static_cast<std::uint8_t>(static_cast<unsigned>(ymd.month()) - 1);
    slot_.weekend = wd == date::Saturday || wd == date::Sunday;
  }

  const date::time_zone* zone_;
  epoch_seconds begin_ = std::numeric_limits<epoch_seconds>::max();
  epoch_seconds end_ = std::numeric_limits<epoch_seconds>::min();
  epoch_seconds offset_ = 0;
  epoch_seconds day_ = std::numeric_limits<epoch_seconds>::min();
  local_slot slot_{};
};

}  // namespace energy::billing::detail
