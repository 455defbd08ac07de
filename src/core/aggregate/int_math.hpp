// SPDX-License-Identifier: Apache-2.0
// Integer helpers of the aggregation code (private to energy::core).
#pragma once

#include <cstdint>

namespace energy::aggregate::detail {

/// a / b rounded toward negative infinity (b > 0): instants before 1970 floor to the earlier hour.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// GCC/Clang extension; __extension__ keeps -Wpedantic quiet about it.
__extension__ using int128 = __int128;

/// round(a × m / b) half away from zero, b > 0, with a 128-bit product (no overflow for any milli).
constexpr std::int64_t mul_div_round(std::int64_t a, std::int64_t m, std::int64_t b) noexcept {
  const int128 p = static_cast<int128>(a) * m;
  const int128 q = p >= 0 ? (p + b / 2) / b : -((-p + b / 2) / b);
  return static_cast<std::int64_t>(q);
}

}  // namespace energy::aggregate::detail
