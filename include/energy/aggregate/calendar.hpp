// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <cstdint>
#include <string_view>

#include <energy/summary.hpp>
#include <energy/time.hpp>

namespace energy::aggregate {

/// One calendar bucket: the UTC half-open range of a local hour, day or month, and the local
/// wall-clock reading at its first instant (what a label shows).
struct bucket {
  time_range period;
  std::chrono::local_seconds local_start{};
  friend bool operator==(const bucket&, const bucket&) = default;
};

/**
 * Cuts the UTC timeline into local hours, days and months of one IANA zone.
 *
 * - Local hour: the UTC instants whose wall-clock reading lies in one whole local hour *and* share
 *   one UTC offset. For whole-hour offsets that is a UTC hour; for half-hour offsets
 *   (Asia/Kolkata) it starts at :30 UTC. A DST change splits hours where the offset changes, so the
 *   repeated fall-back hour is two buckets with distinct UTC starts, and a 30-minute shift
 *   (Australia/Lord_Howe) yields a half-hour bucket. Buckets never overlap and cover the timeline.
 * - Local day: from the first instant the wall clock reads the day's 00:00 (or, when midnight is
 *   skipped by a DST jump, the transition instant) to the same instant of the next day: 23, 24 or
 *   25 hours (23.5/24.5 on Lord Howe Island).
 * - Local month: likewise from the first instant of the month's first day.
 *
 * `local_start` is the wall-clock reading at `period.start` (e.g. 01:00 for both fall-back hours).
 *
 * Thread-safety: not thread-safe (it caches the last offset period, so that consecutive lookups
 * cost a comparison instead of a tz database search). Use one calendar per thread.
 */
class local_calendar {
 public:
  explicit local_calendar(const time_zone& zone);
  /// @throws std::invalid_argument naming the zone when it is unknown.
  explicit local_calendar(std::string_view iana_name);

  [[nodiscard]] const time_zone& zone() const noexcept { return zone_; }

  /// The local hour containing `t`.
  [[nodiscard]] bucket hour_of(utc_seconds t);
  /// The local day containing `t`.
  [[nodiscard]] bucket day_of(utc_seconds t);
  /// The local month containing `t`.
  [[nodiscard]] bucket month_of(utc_seconds t);
  /// hour_of / day_of / month_of by resolution.
  [[nodiscard]] bucket bucket_of(resolution res, utc_seconds t);

  /// UTC offset in effect at `t` (local = UTC + offset), seconds.
  [[nodiscard]] std::int64_t offset_at(epoch_seconds t);

  /// The local hour containing `t`, as epoch seconds (hot path of the aggregator; same rule as
  /// hour_of).
  void hour_span(epoch_seconds t, epoch_seconds& start, epoch_seconds& end);

 private:
  /// A maximal UTC range with one constant offset (tz transitions that keep the offset are merged).
  struct segment {
    epoch_seconds begin = 0;
    epoch_seconds end = 0;
    std::int64_t offset = 0;
  };
  const segment& segment_at(epoch_seconds t);
  /// UTC start of local calendar day `local_day` (days since 1970-01-01 on the wall clock).
  epoch_seconds day_start(std::int64_t local_day);
  /// Local day number (days since 1970-01-01 on the wall clock) of the day containing `e`.
  std::int64_t day_index(epoch_seconds e, epoch_seconds& start, epoch_seconds& end);
  bucket make_bucket(epoch_seconds start, epoch_seconds end);

  time_zone zone_;
  segment cache_{};  // empty ([0, 0)) until the first lookup
};

}  // namespace energy::aggregate

ENERGY_API_END
