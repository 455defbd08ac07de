// SPDX-License-Identifier: Apache-2.0
// The one UTC -> local wall-clock conversion of the core (private to energy::core): aggregation,
// anomaly detection, baselines, billing and reports all read local hours, days and weekdays
// through it, so they agree at every DST change and share one way of caching the tz database.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <vector>

#include <date/tz.h>

#include <energy/time.hpp>

#include "core/time/native_zone.hpp"

namespace energy::detail {

inline constexpr std::int64_t seconds_per_hour = 3'600;
inline constexpr std::int64_t seconds_per_day = 86'400;

/// a / b rounded toward negative infinity (b > 0): instants before 1970 floor to the earlier day.
[[nodiscard]] constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// Local day number (days since 1970-01-01 on the wall clock) of local seconds.
[[nodiscard]] constexpr std::int64_t local_day(std::int64_t local_secs) noexcept {
  return floor_div(local_secs, seconds_per_day);
}
/// Local weekday, 0 = Monday .. 6 = Sunday, of local seconds (1970-01-01 was a Thursday).
[[nodiscard]] constexpr std::int32_t local_weekday(std::int64_t local_secs) noexcept {
  return static_cast<std::int32_t>(((local_day(local_secs) + 3) % 7 + 7) % 7);
}
/// Local hour of the day, 0..23, of local seconds.
[[nodiscard]] constexpr std::int32_t local_hour(std::int64_t local_secs) noexcept {
  return static_cast<std::int32_t>((local_secs - local_day(local_secs) * seconds_per_day) /
                                   seconds_per_hour);
}
/// The time-of-week slot of local seconds: the hour of the week, Monday 00:00-01:00 = 0 ..
/// Sunday 23:00-24:00 = 167. Every hour-of-week profile of the library uses this numbering.
[[nodiscard]] constexpr std::uint8_t hour_of_week(std::int64_t local_secs) noexcept {
  return static_cast<std::uint8_t>(local_weekday(local_secs) * 24 + local_hour(local_secs));
}
/// Month of the year, 0 = January .. 11 = December, of local seconds.
[[nodiscard]] inline std::int32_t local_month0(std::int64_t local_secs) noexcept {
  const std::chrono::year_month_day ymd{
      std::chrono::sys_days{std::chrono::days{local_day(local_secs)}}};
  return static_cast<std::int32_t>(static_cast<unsigned>(ymd.month())) - 1;
}

/// A maximal UTC range `[begin, end)` with one offset (local = UTC + offset), seconds.
struct offset_span {
  epoch_seconds begin = 0;
  epoch_seconds end = 0;
  std::int64_t offset = 0;
};

/**
 * The maximal UTC range around `t` over which `zone`'s offset is constant. tz records that change
 * only the abbreviation or the DST flag, not the offset, are merged: consumers that cut hours at
 * offset changes (the aggregation calendar) then keep such an hour whole.
 */
[[nodiscard]] inline offset_span constant_offset_span(const date::time_zone& zone,
                                                      epoch_seconds t) {
  const auto info = zone.get_info(from_epoch(t));
  offset_span s{to_epoch(info.begin), to_epoch(info.end), info.offset.count()};
  // The loops are bounded: each step moves to a strictly earlier/later tz record, and the
  // year bounds stop them at the ends of the database's range.
  constexpr epoch_seconds earliest = -5'364'662'400;  // 1800-01-01T00:00:00Z
  constexpr epoch_seconds latest = 13'569'465'600;    // 2400-01-01T00:00:00Z
  for (int i = 0; i < 16 && s.begin > earliest; ++i) {
    const auto prev = zone.get_info(from_epoch(s.begin - 1));
    if (prev.offset.count() != s.offset) break;
    s.begin = to_epoch(prev.begin);
  }
  for (int i = 0; i < 16 && s.end < latest; ++i) {
    const auto next = zone.get_info(from_epoch(s.end));
    if (next.offset.count() != s.offset) break;
    s.end = to_epoch(next.end);
  }
  return s;
}

/**
 * UTC -> local offset of one zone, caching the current constant-offset span, so a sorted series
 * costs one tz lookup per DST change instead of one per row, and the common case is two
 * comparisons (inline).
 *
 * Not thread-safe (the cache); one per thread.
 */
class offset_cache {
 public:
  explicit offset_cache(const time_zone& zone) : zone_(&native(zone)) {}

  /// The constant-offset range containing `t`.
  [[nodiscard]] const offset_span& span_at(epoch_seconds t) {
    if (t < span_.begin || t >= span_.end) span_ = constant_offset_span(*zone_, t);
    return span_;
  }
  /// UTC offset in effect at `t`, seconds.
  [[nodiscard]] std::int64_t offset(epoch_seconds t) { return span_at(t).offset; }
  /// Wall-clock seconds (since 1970-01-01 local) of the UTC instant `t`.
  [[nodiscard]] std::int64_t local(epoch_seconds t) { return t + offset(t); }

 private:
  const date::time_zone* zone_;  // the tz database lives until exit
  // Empty until the first lookup: begin > end makes every t miss.
  offset_span span_{std::numeric_limits<epoch_seconds>::max(),
                    std::numeric_limits<epoch_seconds>::min(), 0};
};

/// The time-of-week slot (see hour_of_week) of each UTC instant of `ts` in `zone`.
[[nodiscard]] inline std::vector<std::uint8_t> hours_of_week(std::span<const epoch_seconds> ts,
                                                             const time_zone& zone) {
  offset_cache clock(zone);
  std::vector<std::uint8_t> out(ts.size());
  for (std::size_t i = 0; i < ts.size(); ++i)
    out[i] = hour_of_week(clock.local(ts[i]));
  return out;
}

}  // namespace energy::detail
