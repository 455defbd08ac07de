// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private helpers shared by the baseline models (not installed).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <energy/time.hpp>

#include "core/stats/quantile.hpp"
#include "core/time/local_clock.hpp"

namespace energy::baseline::detail {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// One local clock, one time-of-week numbering and one quantile definition for the whole core.
using energy::detail::floor_div;
using energy::detail::hour_of_week;
using energy::detail::local_day;
using energy::detail::local_month0;
using energy::detail::offset_cache;
using energy::detail::quantile_inplace;

/// Per-slot residual quantiles for prediction intervals: slots with fewer than `min_count`
/// residuals use the pooled residuals of their group (`group[slot]`, e.g. occupancy mode;
/// all zeros for one pool). Writes lower/upper (size = slots). Reorders the residuals.
inline void slot_interval(std::vector<std::vector<double>>& residuals_by_slot,
                          const std::vector<std::uint8_t>& group, double level,
                          std::size_t min_count, std::vector<double>& lower,
                          std::vector<double>& upper) {
  const double pl = (1.0 - level) / 2.0;
  const double pu = (1.0 + level) / 2.0;
  const std::size_t slots = residuals_by_slot.size();
  lower.assign(slots, nan);
  upper.assign(slots, nan);
  bool need_pool = false;
  for (std::size_t s = 0; s < slots; ++s) {
    auto& r = residuals_by_slot[s];
    if (r.size() >= min_count && !r.empty()) {
      lower[s] = quantile_inplace(r, pl);
      upper[s] = quantile_inplace(r, pu);
    } else {
      need_pool = true;
    }
  }
  if (!need_pool) return;
  std::vector<std::vector<double>> pooled(2);
  for (std::size_t s = 0; s < slots; ++s) {
    auto& p = pooled[group[s] != 0 ? 1 : 0];
    p.insert(p.end(), residuals_by_slot[s].begin(), residuals_by_slot[s].end());
  }
  double pool_lo[2], pool_hi[2];
  for (std::size_t g = 0; g < 2; ++g) {
    // A group without residuals borrows the other's (one of the two always has data when fitted).
    auto& p = pooled[pooled[g].empty() ? 1 - g : g];
    pool_lo[g] = quantile_inplace(p, pl);
    pool_hi[g] = quantile_inplace(p, pu);
  }
  for (std::size_t s = 0; s < slots; ++s) {
    if (std::isfinite(lower[s])) continue;
    lower[s] = pool_lo[group[s] != 0 ? 1 : 0];
    upper[s] = pool_hi[group[s] != 0 ? 1 : 0];
  }
}

inline void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

}  // namespace energy::baseline::detail
