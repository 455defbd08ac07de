// SPDX-License-Identifier: Apache-2.0
// The tz database behind energy::time_zone (private to the library's sources: adapters reach it
// through their private `src/` include path; public headers and programs use time_zone alone).
// Calendar arithmetic is std::chrono; date/tz is used only for what GCC 12's <chrono> lacks (the
// zone database: get_info, to_sys with a choice, locate_zone) and converted here, in one place.
#pragma once

#include <chrono>

#include <date/tz.h>

#include <energy/time.hpp>

namespace energy::detail {

/// The one door to time_zone's handle (a friend of time_zone).
struct time_zone_access {
  [[nodiscard]] static const date::time_zone& native(const time_zone& zone) noexcept {
    return *static_cast<const date::time_zone*>(zone.zone_);
  }
};

/// The tz library's zone behind `zone`.
[[nodiscard]] inline const date::time_zone& native(const time_zone& zone) noexcept {
  return time_zone_access::native(zone);
}

// date::local_t and std::chrono::local_t are distinct clocks with the same epoch (the wall
// clock's 1970-01-01 00:00): a reading converts by its count.

/// A std::chrono wall-clock reading as the tz library's.
template <class Duration>
[[nodiscard]] constexpr date::local_time<Duration> to_date_local(
    std::chrono::local_time<Duration> t) noexcept {
  return date::local_time<Duration>{t.time_since_epoch()};
}

/// What the tz database says of a wall-clock reading in `zone`: unique, nonexistent (skipped by
/// a spring-forward; `second.begin` is the transition instant) or ambiguous (a fall-back).
[[nodiscard]] inline date::local_info local_info_at(const time_zone& zone,
                                                    std::chrono::local_seconds t) {
  return native(zone).get_info(to_date_local(t));
}

}  // namespace energy::detail
