// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace energy {

/// An instant, UTC, one-second resolution. Every timestamp in the library is one of these
/// (or its count of seconds since 1970-01-01T00:00:00Z, in columnar batches).
using utc_seconds = std::chrono::sys_seconds;

/// Seconds since the Unix epoch, UTC: the column type of timestamps in batches and stores.
using epoch_seconds = std::int64_t;

[[nodiscard]] constexpr epoch_seconds to_epoch(utc_seconds t) noexcept {
  return t.time_since_epoch().count();
}
[[nodiscard]] constexpr utc_seconds from_epoch(epoch_seconds s) noexcept {
  return utc_seconds{std::chrono::seconds{s}};
}

/// A half-open interval of instants `[start, end)`, UTC.
struct time_range {
  utc_seconds start{};
  utc_seconds end{};

  [[nodiscard]] constexpr bool contains(utc_seconds t) const noexcept {
    return start <= t && t < end;
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return end <= start; }
  [[nodiscard]] constexpr std::chrono::seconds length() const noexcept { return end - start; }
  friend constexpr bool operator==(const time_range&, const time_range&) noexcept = default;
};

/**
 * Parses an RFC 3339 / ISO 8601 timestamp with an explicit offset into UTC:
 * `2024-07-01T12:00:00Z`, `2024-07-01T08:00:00-04:00`, `2024-07-01 12:00:00+0000`,
 * `2024-07-01T12:00:00.250Z`. A fractional second is accepted only when it is zero unless
 * `allow_fraction` is set, in which case it is truncated toward the earlier second.
 * Returns std::nullopt for anything else, including timestamps without an offset (a reading
 * time without an offset is ambiguous at a fall-back hour, so the library never guesses).
 */
[[nodiscard]] std::optional<utc_seconds> parse_utc_timestamp(std::string_view text,
                                                             bool allow_fraction = false) noexcept;

/// `2024-07-01T12:00:00Z`.
[[nodiscard]] std::string format_utc(utc_seconds t);

namespace detail {
struct time_zone_access;  // the library's own sources reach the tz database through it
}  // namespace detail

/**
 * An IANA time zone ("America/New_York") of the system tz database: the one zone type of the
 * library. Every local calendar (local hours, days and months, billing periods, time-of-use
 * windows, reports) is taken in one of these; timestamps themselves are always UTC.
 *
 * A regular value type: cheap to copy (a handle into the process-wide tz database, which lives
 * until the program exits), compared by zone. A valid object always names a real zone; "no zone"
 * is spelled `std::optional<time_zone>` where an API allows it.
 *
 * Local calendars in public headers are C++20 `<chrono>` calendar types: a wall-clock reading is
 * a `std::chrono::local_seconds`, a local date a `std::chrono::local_days` or
 * `std::chrono::year_month_day`. No public header names another date library.
 *
 * Thread-safety: const member functions may be called concurrently.
 *
 * **Example**: `energy::time_zone ny{"America/New_York"};  ny.offset_at(t)  // -4 h or -5 h`
 */
class time_zone {
 public:
  /// @throws std::invalid_argument naming the zone when the tz database has no zone of that name.
  explicit time_zone(std::string_view iana_name);

  /// Coordinated Universal Time ("Etc/UTC").
  [[nodiscard]] static time_zone utc();

  /// The IANA name this zone was found under (a link such as "US/Eastern" names its target).
  [[nodiscard]] std::string_view name() const noexcept;

  /// The UTC offset in effect at `t` (local wall clock = UTC + offset).
  [[nodiscard]] std::chrono::seconds offset_at(utc_seconds t) const;

  /// The wall-clock reading of `t` in this zone.
  [[nodiscard]] std::chrono::local_seconds to_local(utc_seconds t) const;

  /**
   * The first UTC instant at which the wall clock reads `local`: the earlier one where a
   * fall-back makes the reading ambiguous, and the transition instant where a spring-forward
   * skips it (so a skipped local midnight starts the day at the jump).
   */
  [[nodiscard]] utc_seconds first_instant(std::chrono::local_seconds local) const;

  friend bool operator==(const time_zone& a, const time_zone& b) noexcept {
    return a.zone_ == b.zone_;
  }

 private:
  friend struct detail::time_zone_access;

  // The tz database's zone (opaque here: the tz library is an implementation detail, so a move
  // to C++20 <chrono> zones changes no signature). The database lives until the program exits.
  const void* zone_;
};

/// `time_zone{iana_name}`: looks up an IANA zone in the system tz database.
/// @throws std::invalid_argument naming the zone when it does not exist.
[[nodiscard]] time_zone find_zone(std::string_view iana_name);

/// True when `iana_name` names a zone of the system tz database.
[[nodiscard]] bool is_valid_zone(std::string_view iana_name) noexcept;

/// Local wall-clock rendering with offset, e.g. `2024-11-03T01:00:00-05:00`.
[[nodiscard]] std::string format_local(utc_seconds t, const time_zone& zone);

}  // namespace energy

ENERGY_API_END
