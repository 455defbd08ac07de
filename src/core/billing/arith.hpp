// SPDX-License-Identifier: Apache-2.0
// Internal: exact integer scaling shared by the billing sources.
#pragma once

#include <cstdint>

namespace energy::billing::detail {

__extension__ using int128 = __int128;  // GCC/Clang extension; __extension__ keeps -Wpedantic quiet

/// a × num / den (den > 0), rounded half away from zero, exact in 128 bits.
inline std::int64_t muldiv_round(std::int64_t a, std::int64_t num, std::int64_t den) noexcept {
  const int128 p = static_cast<int128>(a) * num;
  int128 q = p / den;
  const int128 r = p % den;
  const int128 twice = r < 0 ? -2 * r : 2 * r;
  if (twice >= den) q += p < 0 ? -1 : 1;
  return static_cast<std::int64_t>(q);
}

}  // namespace energy::billing::detail
