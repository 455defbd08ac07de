// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace energy {

/**
 * Exact quantities: readings arrive as decimals such as DECIMAL(10,3) kWh. The library keeps every
 * stored reading value and every sum as a signed 64-bit count of thousandths of the sensor's unit
 * ("milli-units"), so energy is exact to the watt-hour (1 milli-kWh = 1 Wh) through storage and
 * sums, and a daily total equals the exact decimal sum of its readings. Floating point is used
 * only where statistics begin.
 *
 * Units by sensor type: electricity and thermal energy kWh (milli = Wh), demand kW (milli = W),
 * gas and water m³ (milli = litre), temperature °C (milli = m°C).
 */
using milli = std::int64_t;

/// Largest magnitude accepted from a double: far beyond any meter, far below int64 overflow in
/// sums.
inline constexpr double max_milli_input = 9.0e15;

/// `v` in milli-units, rounded half away from zero; std::nullopt for NaN, ±inf or |v| too large.
[[nodiscard]] inline std::optional<milli> to_milli(double v) noexcept {
  const double x = v * 1000.0;
  if (!(std::fabs(x) <= max_milli_input)) return std::nullopt;  // NaN fails the comparison too
  // llround without the libm call (this runs once per reading): below 2^53 the truncation and
  // the fraction x - t are exact, so rounding half away from zero here equals std::llround.
  // Branch-free: whether a kWh value like 1.234 lands just above or just below its integer in
  // binary is a coin toss, and a branch on it mispredicts about every other reading.
  const auto t = static_cast<milli>(x);
  const double frac = x - static_cast<double>(t);
  return t + static_cast<milli>(frac >= 0.5) - static_cast<milli>(frac <= -0.5);
}

/// Milli-units as a double (for statistics).
[[nodiscard]] constexpr double from_milli(milli v) noexcept {
  return static_cast<double>(v) / 1000.0;
}

/**
 * Parses decimal text exactly ("12", "-0.5", "10.250", "1e3" is rejected) into milli-units.
 * Digits beyond the third decimal are rounded half away from zero. std::nullopt when the text is
 * not a plain decimal number or overflows.
 */
[[nodiscard]] std::optional<milli> parse_milli(std::string_view text) noexcept;

/// Exact decimal text with three decimals: 12345 -> "12.345", -5 -> "-0.005".
[[nodiscard]] std::string format_milli(milli v);

}  // namespace energy

ENERGY_API_END
