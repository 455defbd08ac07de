// SPDX-License-Identifier: Apache-2.0
// Daily series of a report: stored day summaries per local day, and the model's daily expectation.
#include <algorithm>
#include <cmath>

#include "detail.hpp"
#include "hourly_model.hpp"

namespace energy::report::detail {

std::vector<day_point> daily_points(const period_window& w,
                                    const std::map<epoch_seconds, summary_row>& days,
                                    const std::vector<sensor>& sensors, const time_zone& zone) {
  std::vector<day_point> out;
  for (auto d = w.first_day; d < w.end_day; d += std::chrono::days{1}) {
    day_point p;
    p.day = d;
    p.range = {local_midnight(d, zone), local_midnight(d + std::chrono::days{1}, zone)};
    const auto expected = expected_readings(sensors, p.range);
    if (auto it = days.find(to_epoch(p.range.start)); it != days.end()) {
      p.consumption = it->second.consumption;
      p.peak_demand = it->second.peak_demand;
      p.cost = it->second.cost;
      p.coverage = expected > 0 ? static_cast<double>(it->second.reading_count) /
                                      static_cast<double>(expected)
                                : 0.0;
    }
    out.push_back(p);
  }
  return out;
}

std::vector<time_range> complete_days_in(const std::map<epoch_seconds, summary_row>& days,
                                         const std::vector<sensor>& sensors, time_range range) {
  std::vector<time_range> out;
  for (auto it = days.lower_bound(to_epoch(range.start));
       it != days.end() && it->first < to_epoch(range.end); ++it)
    if (it->second.reading_count >= expected_readings(sensors, it->second.period))
      out.push_back(it->second.period);
  return out;
}

/// Temperatures at `ts`; where the record has none, the same hour 52 weeks earlier (typical
/// weather for a forecast). `fallbacks` counts the substituted hours.
std::vector<double> temperatures_at(std::span<const epoch_seconds> ts,
                                    const baseline::temperature_series& temps,
                                    std::size_t& fallbacks) {
  fallbacks = 0;
  if (temps.size() == 0) return std::vector<double>(ts.size(), 0.0);
  auto out = baseline::align_temperature(ts, temps);
  std::vector<epoch_seconds> back(ts.begin(), ts.end());
  for (auto& t : back)
    t -= 364 * 86400;
  const auto year_ago = baseline::align_temperature(back, temps);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!std::isfinite(out[i]) && std::isfinite(year_ago[i])) {
      out[i] = year_ago[i];
      ++fallbacks;
    }
  return out;
}

/// Expected kWh per local day of `days` from hourly predictions on `grid` (NaN if any hour lacks
/// a prediction), with the model's daily band.
void attach_expected(std::vector<day_point>& days, std::span<const epoch_seconds> grid,
                     const baseline::prediction& p, const hourly_model& m) {
  std::size_t g = 0;
  for (auto& d : days) {
    double sum = 0;
    bool finite = true;
    while (g < grid.size() && grid[g] < to_epoch(d.range.start))
      ++g;
    for (; g < grid.size() && grid[g] < to_epoch(d.range.end); ++g) {
      sum += p.expected[g];
      finite = finite && std::isfinite(p.expected[g]);
    }
    if (!finite) continue;
    d.expected_kwh = sum;
    if (std::isfinite(m.day_q_lo)) {
      d.lower_kwh = std::max(0.0, sum + m.day_q_lo);
      d.upper_kwh = sum + m.day_q_hi;
    }
  }
}

}  // namespace energy::report::detail
