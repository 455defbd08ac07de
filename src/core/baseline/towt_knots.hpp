// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private: how TOWT fits place their temperature knots (hourly TOWT and TOWT on bills).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "core/baseline/detail.hpp"

namespace energy::baseline::detail {

inline constexpr int max_towt_segments = 12;

/// The k/S quantiles (k = 1..S-1) of the temperatures; a knot equal to the previous one is merged
/// so no segment is empty.
inline std::vector<double> quantile_knots(std::vector<double> temps, int segments) {
  std::vector<double> knots;
  for (int k = 1; k < segments; ++k) {
    const double q = quantile_inplace(temps, static_cast<double>(k) / segments);
    if (knots.empty() || q > knots.back()) knots.push_back(q);
  }
  return knots;
}

/// Fixed knots, pruned as the reference code does: while fewer than `min_beyond` temperatures lie
/// above the highest knot it is dropped, then the same below the lowest; one knot always stays.
inline std::vector<double> pruned_knots(std::vector<double> knots, const std::vector<double>& temps,
                                        std::size_t min_beyond) {
  auto count = [&](auto beyond) {
    return static_cast<std::size_t>(std::count_if(temps.begin(), temps.end(), beyond));
  };
  while (knots.size() > 1 && count([&](double v) { return v > knots.back(); }) < min_beyond)
    knots.pop_back();
  while (knots.size() > 1 && count([&](double v) { return v < knots.front(); }) < min_beyond)
    knots.erase(knots.begin());
  return knots;
}

/// Fixed knots given by a caller: at most 11, finite, strictly ascending.
inline void check_fixed_knots(const std::vector<double>& knots, const std::string& who) {
  require(knots.size() < static_cast<std::size_t>(max_towt_segments),
          who + ": more than 11 fixed_knots");
  for (std::size_t k = 0; k < knots.size(); ++k)
    require(std::isfinite(knots[k]) && (k == 0 || knots[k] > knots[k - 1]),
            who + ": fixed_knots[" + std::to_string(k) +
                "] is not finite or not above the previous knot");
}

}  // namespace energy::baseline::detail
