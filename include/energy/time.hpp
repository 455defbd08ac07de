// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

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

/// Looks up an IANA zone ("America/New_York") in the system tz database.
/// @throws std::invalid_argument naming the zone when it does not exist.
[[nodiscard]] const date::time_zone* find_zone(std::string_view iana_name);

/// True when `iana_name` names a zone of the system tz database.
[[nodiscard]] bool is_valid_zone(std::string_view iana_name) noexcept;

/// Local wall-clock rendering with offset, e.g. `2024-11-03T01:00:00-05:00`.
[[nodiscard]] std::string format_local(utc_seconds t, const date::time_zone* zone);

}  // namespace energy

ENERGY_API_END
