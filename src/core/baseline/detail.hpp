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

#include <date/tz.h>

#include <energy/time.hpp>

namespace energy::baseline::detail {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// UTC -> local wall-clock seconds in a zone, caching the current offset period so a sorted
/// series costs one tz lookup per DST transition instead of one per row.
class local_clock {
 public:
  explicit local_clock(const date::time_zone* zone) : zone_(zone) {}

  [[nodiscard]] std::int64_t local_seconds(epoch_seconds t) {
    const utc_seconds s = from_epoch(t);
    if (!valid_ || s < info_.begin || s >= info_.end) {
      info_ = zone_->get_info(s);
      valid_ = true;
    }
    return t + info_.offset.count();
  }

 private:
  const date::time_zone* zone_;
  date::sys_info info_{};
  bool valid_ = false;
};

[[nodiscard]] inline std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

/// Local day number (days since 1970-01-01 local) of local seconds.
[[nodiscard]] inline std::int64_t local_day(std::int64_t local) noexcept {
  return floor_div(local, 86400);
}

/// Hour-of-week slot (Monday 00:00 = 0) of local seconds. 1970-01-01 was a Thursday (slot day 3).
[[nodiscard]] inline std::uint8_t hour_of_week(std::int64_t local) noexcept {
  const std::int64_t day = local_day(local);
  const std::int64_t weekday = ((day + 3) % 7 + 7) % 7;
  const std::int64_t hour = (local - day * 86400) / 3600;
  return static_cast<std::uint8_t>(weekday * 24 + hour);
}

/// Month of year 0..11 of local seconds.
[[nodiscard]] inline int month_of_year(std::int64_t local) {
  const date::year_month_day ymd{date::sys_days{date::days{local_day(local)}}};
  return static_cast<int>(static_cast<unsigned>(ymd.month())) - 1;
}

/// Quantile with linear interpolation between order statistics (Hyndman & Fan type 7, the
/// numpy/R default) in O(n): partially reorders `v`. NaN for an empty input.
[[nodiscard]] inline double quantile(std::vector<double>& v, double p) {
  if (v.empty()) return nan;
  const double h = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const auto nth = v.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(v.begin(), nth, v.end());
  const double a = *nth;
  if (lo + 1 >= v.size()) return a;
  const double b = *std::min_element(nth + 1, v.end());  // the next order statistic
  return a + (h - static_cast<double>(lo)) * (b - a);
}

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
      lower[s] = quantile(r, pl);
      upper[s] = quantile(r, pu);
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
    pool_lo[g] = quantile(p, pl);
    pool_hi[g] = quantile(p, pu);
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

/// A model's zone is never assumed: an empty one (the options' default) is refused, because UTC
/// days and hours for a building elsewhere give a plausible, wrong baseline.
inline void require_zone(const std::string& zone, const char* function) {
  if (zone.empty())
    throw std::invalid_argument(std::string(function) +
                                ": options.zone is empty; give the building's IANA zone (\"UTC\" "
                                "only when the building keeps UTC time)");
}

}  // namespace energy::baseline::detail
