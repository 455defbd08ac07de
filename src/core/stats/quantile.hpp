// SPDX-License-Identifier: Apache-2.0
// The one quantile definition of the core (private to energy::core): baselines, anomaly
// detectors, recommendations and reports all use it, so "the 90th percentile" means one number.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <span>

namespace energy::detail {

/**
 * Where the q-quantile of n sorted values lies, by linear interpolation between order statistics:
 * Hyndman & Fan (1996) type 7, the default of R, numpy and pandas. With h = q (n - 1), the
 * quantile is x[lo] + frac (x[lo + 1] - x[lo]) where lo = floor(h) and frac = h - lo (0-based
 * order statistics). q = 0.5 is the usual median (the mean of the two middle values for even n).
 * q is clamped to [0, 1]; n must be > 0.
 */
struct quantile_position {
  std::size_t lo = 0;
  double frac = 0.0;
};
[[nodiscard]] inline quantile_position type7_position(std::size_t n, double q) noexcept {
  const double h = std::clamp(q, 0.0, 1.0) * static_cast<double>(n - 1);
  const auto lo = std::min(static_cast<std::size_t>(std::floor(h)), n - 1);
  return {lo, h - static_cast<double>(lo)};
}

/// The type-7 q-quantile of the sorted values `at(0) <= .. <= at(n - 1)`; NaN when n == 0.
template <class At>
[[nodiscard]] double quantile_of_sorted(std::size_t n, double q, At at) {
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const auto p = type7_position(n, q);
  const double a = at(p.lo);
  if (p.lo + 1 >= n || p.frac <= 0.0) return a;
  return a + p.frac * (at(p.lo + 1) - a);
}

/// The type-7 q-quantile of ascending `sorted`; NaN when empty.
[[nodiscard]] inline double quantile_sorted(std::span<const double> sorted, double q) {
  return quantile_of_sorted(sorted.size(), q, [&](std::size_t i) { return sorted[i]; });
}

/// The type-7 q-quantile of `v` in O(n), partially reordering `v`; NaN when empty.
[[nodiscard]] inline double quantile_inplace(std::span<double> v, double q) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto p = type7_position(v.size(), q);
  const auto nth = v.begin() + static_cast<std::ptrdiff_t>(p.lo);
  std::nth_element(v.begin(), nth, v.end());
  const double a = *nth;
  if (p.lo + 1 >= v.size() || p.frac <= 0.0) return a;
  const double b = *std::min_element(std::next(nth), v.end());  // the next order statistic
  return a + p.frac * (b - a);
}

/// The median of `v` (type 7 at q = 0.5), partially reordering `v`; NaN when empty.
[[nodiscard]] inline double median_inplace(std::span<double> v) {
  return quantile_inplace(v, 0.5);
}

}  // namespace energy::detail
