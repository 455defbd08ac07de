// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace energy {

/**
 * A 128-bit RFC 9562 UUID as a value type: ids of tenants, buildings, sensors, alert configs.
 *
 * Parsing is strict: exactly the canonical 36-character hyphenated form (8-4-4-4-12 hex digits,
 * either case). Braces, URNs, missing hyphens and surrounding spaces are rejected.
 * New ids are version 7 (Unix-millisecond time-ordered), so ids created later sort later,
 * which keeps B-tree inserts local in SQLite and PostgreSQL.
 *
 * Thread-safety: a value type; `uuid::v7()` may be called from any thread.
 */
class uuid {
 public:
  /// The nil UUID (all zero).
  constexpr uuid() noexcept = default;
  constexpr explicit uuid(const std::array<std::uint8_t, 16>& bytes) noexcept : bytes_(bytes) {}

  /// Parses the canonical form. @throws std::invalid_argument naming the text and the problem.
  [[nodiscard]] static uuid parse(std::string_view text);
  /// Parses the canonical form; std::nullopt when it is not one.
  [[nodiscard]] static std::optional<uuid> try_parse(std::string_view text) noexcept;
  /// A new version-7 UUID: 48-bit Unix milliseconds, then randomness; monotonic within a process.
  [[nodiscard]] static uuid v7();

  /// Lower-case canonical form, e.g. "0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f88".
  [[nodiscard]] std::string to_string() const;
  /// The same 36 characters (not NUL-terminated) without allocating: for callers that build many
  /// texts into their own buffers (column writers, Python strings).
  [[nodiscard]] std::array<char, 36> to_chars() const noexcept;
  [[nodiscard]] constexpr const std::array<std::uint8_t, 16>& bytes() const noexcept {
    return bytes_;
  }
  [[nodiscard]] constexpr bool is_nil() const noexcept { return *this == uuid{}; }
  [[nodiscard]] constexpr int version() const noexcept { return bytes_[6] >> 4; }

  friend constexpr auto operator<=>(const uuid&, const uuid&) noexcept = default;
  friend constexpr bool operator==(const uuid&, const uuid&) noexcept = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace energy

template <>
struct std::hash<energy::uuid> {
  std::size_t operator()(const energy::uuid& u) const noexcept {
    std::uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; ++i)
      hi = (hi << 8) | u.bytes()[static_cast<std::size_t>(i)];
    for (int i = 8; i < 16; ++i)
      lo = (lo << 8) | u.bytes()[static_cast<std::size_t>(i)];
    return static_cast<std::size_t>(hi ^ (lo * 0x9E3779B97F4A7C15ULL));
  }
};

ENERGY_API_END
