// SPDX-License-Identifier: Apache-2.0
#include "hourly_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/stats/quantile.hpp"
#include "detail.hpp"

namespace energy::report::detail {

hourly_series hourly_from(const std::map<epoch_seconds, summary_row>& hours,
                          const std::vector<sensor>& sensors) {
  hourly_series h;
  h.ts.reserve(hours.size());
  h.kwh.reserve(hours.size());
  h.wh.reserve(hours.size());
  h.local_start.reserve(hours.size());
  for (const auto& [t, r] : hours) {
    const auto expected = expected_readings(sensors, r.period);
    h.ts.push_back(t);
    h.wh.push_back(r.consumption);
    h.kwh.push_back(r.reading_count >= expected ? from_milli(r.consumption)
                                                : std::numeric_limits<double>::quiet_NaN());
    h.local_start.push_back(r.local_start);
  }
  return h;
}

baseline::prediction hourly_model::predict(std::span<const epoch_seconds> ts,
                                           std::span<const double> temps) const {
  if (weather) return baseline::predict(towt, ts, temps);
  return baseline::predict(seasonal, ts);
}

std::vector<epoch_seconds> hour_grid(std::chrono::local_days first, std::chrono::local_days end,
                                     const time_zone& zone) {
  std::vector<epoch_seconds> out;
  for (auto d = first; d < end; d += std::chrono::days{1}) {
    const auto from = to_epoch(local_midnight(d, zone));
    const auto to = to_epoch(local_midnight(d + std::chrono::days{1}, zone));
    for (auto t = from; t < to; t += 3600)
      out.push_back(t);
  }
  return out;
}

std::optional<hourly_model> fit_hourly(const hourly_series& h,
                                       const baseline::temperature_series* temps, time_range fit,
                                       const time_zone& zone,
                                       std::span<const time_range> complete_days,
                                       std::string& why) {
  baseline::load_series load;
  load.interval_seconds = 3600;
  for (std::size_t i = 0; i < h.ts.size(); ++i) {
    if (h.ts[i] < to_epoch(fit.start) || h.ts[i] >= to_epoch(fit.end)) continue;
    if (!std::isfinite(h.kwh[i])) continue;
    load.ts.push_back(h.ts[i]);
    load.kwh.push_back(h.kwh[i]);
  }
  if (load.size() < min_fit_hours) {
    why = fmt::format(
        "no baseline: {} complete hours of history before the period (a baseline needs {}, "
        "28 days)",
        load.size(), min_fit_hours);
    return std::nullopt;
  }
  hourly_model m;
  m.fit_range = fit;
  std::vector<double> fit_temps;
  std::size_t with_temperature = 0;
  if (temps != nullptr && temps->size() > 0) {
    fit_temps = baseline::align_temperature(load.ts, *temps);
    with_temperature = static_cast<std::size_t>(std::count_if(
        fit_temps.begin(), fit_temps.end(), [](double v) { return std::isfinite(v); }));
  }
  if (with_temperature >= min_fit_hours) {
    const baseline::towt_options o{.zone = zone};
    m.towt = baseline::fit_towt(load, fit_temps, o);
    m.name = "towt";
    m.weather = true;
    m.fit_hours = m.towt.observations;
    m.level = m.towt.interval_level;
  } else {
    if (temps != nullptr && temps->size() > 0)
      why = fmt::format(
          "outdoor temperatures cover only {} of the {} fit hours: the baseline is weather-free",
          with_temperature, load.size());
    const baseline::seasonal_options o{.zone = zone};
    m.seasonal = baseline::fit_seasonal(load, o);
    m.name = "seasonal";
    m.fit_hours = m.seasonal.observations;
    m.level = m.seasonal.interval_level;
    fit_temps.assign(load.size(), 0.0);
  }
  const auto p = m.predict(load.ts, fit_temps);
  const std::size_t params = m.weather ? m.towt.parameters : m.seasonal.parameters;
  m.metrics = baseline::compute_metrics(load.kwh, p.expected, params);
  m.passes_guideline14 = baseline::passes_guideline14(m.metrics, baseline::data_resolution::hourly);

  // Daily residuals over complete days (every hour of the day is a fit row).
  std::vector<double> residuals;
  std::size_t row = 0;
  for (const auto& day : complete_days) {
    const auto from = to_epoch(day.start);
    const auto to = to_epoch(day.end);
    while (row < load.size() && load.ts[row] < from)
      ++row;
    double actual = 0, expected = 0;
    std::int64_t hours = 0;
    bool finite = true;
    for (auto r = row; r < load.size() && load.ts[r] < to; ++r) {
      actual += load.kwh[r];
      expected += p.expected[r];
      finite = finite && std::isfinite(p.expected[r]);
      ++hours;
    }
    if (finite && hours * 3600 == to - from) residuals.push_back(actual - expected);
  }
  m.residual_days = residuals.size();
  if (residuals.size() >= 7) {
    std::vector<double> work = residuals;  // a copy: the quantiles reorder, the sums keep order
    m.day_q_lo = energy::detail::quantile_inplace(work, (1.0 - m.level) / 2.0);
    m.day_q_hi = energy::detail::quantile_inplace(work, (1.0 + m.level) / 2.0);
    double mean = 0;
    for (double r : residuals)
      mean += r;
    mean /= static_cast<double>(residuals.size());
    double ss = 0;
    for (double r : residuals)
      ss += (r - mean) * (r - mean);
    m.day_sd = std::sqrt(ss / static_cast<double>(residuals.size() - 1));
  } else {
    m.day_q_lo = m.day_q_hi = m.day_sd = std::numeric_limits<double>::quiet_NaN();
  }
  return m;
}

}  // namespace energy::report::detail
