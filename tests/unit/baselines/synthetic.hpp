// SPDX-License-Identifier: Apache-2.0
#pragma once

// Deterministic synthetic series with known structure for the baseline tests.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <energy/baseline/series.hpp>

namespace energy::baseline::synthetic {

/// A smooth annual + daily temperature cycle (°F) at time t.
inline double temperature_at(epoch_seconds t) {
  const double day = static_cast<double>(t) / 86400.0;
  return 55.0 + 25.0 * std::sin(2 * M_PI * (day - 100) / 365.25) +
         8.0 * std::sin(2 * M_PI * (day - 0.35));
}

/// Occupied schedule used by the generator: weekdays 08:00-18:00 local (slot = hour of week).
inline bool scheduled(std::size_t slot) {
  return slot < 120 && slot % 24 >= 8 && slot % 24 < 18;
}

struct towt_truth {
  std::vector<double> alpha;  // 168, kWh per hour
  double occupied_slope = 0.8, unoccupied_slope = 0.2;
};

inline towt_truth make_truth() {
  towt_truth t;
  t.alpha.resize(hours_per_week);
  for (std::size_t s = 0; s < hours_per_week; ++s)
    t.alpha[s] = scheduled(s) ? 60.0 + (s % 24) : 10.0 + 0.1 * (s % 7);
  return t;
}

/// Load generated from `truth` for intervals [start + i*interval) in `zone`, with Gaussian noise
/// of standard deviation `noise` (kWh per hour, scaled to the interval). Temperatures returned
/// in `temp`.
inline load_series make_load(const towt_truth& truth, epoch_seconds start, std::size_t n,
                             std::int64_t interval, std::string_view zone, double noise,
                             std::vector<double>& temp, unsigned seed = 7) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> eps(0.0, 1.0);
  load_series l;
  l.interval_seconds = interval;
  for (std::size_t i = 0; i < n; ++i)
    l.ts.push_back(start + static_cast<epoch_seconds>(i) * interval);
  const auto slots = time_of_week(l.ts, energy::time_zone{zone});
  const double scale = static_cast<double>(interval) / 3600.0;
  temp.clear();
  for (std::size_t i = 0; i < n; ++i) {
    const double t = temperature_at(l.ts[i]);
    temp.push_back(t);
    const double slope = scheduled(slots[i]) ? truth.occupied_slope : truth.unoccupied_slope;
    l.kwh.push_back(scale * (truth.alpha[slots[i]] + slope * t + noise * eps(rng)));
  }
  return l;
}

}  // namespace energy::baseline::synthetic
