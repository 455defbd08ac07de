// SPDX-License-Identifier: Apache-2.0
#include <stdexcept>

#include <fmt/format.h>

#include <energy/anomaly/detectors.hpp>

#include "core/anomaly/detail.hpp"

namespace energy::anomaly {

std::vector<anomaly> detect_threshold(const meter_series& series, const alert_config& config,
                                      const time_zone& zone) {
  series.validate();
  if (config.threshold <= 0)
    throw std::invalid_argument(
        fmt::format("detect_threshold: threshold must be positive, got {}", config.threshold));
  const std::int64_t window = config.window == alert_window::quarter_hour ? 900
                              : config.window == alert_window::hour       ? 3600
                                                                          : 86400;
  if (series.interval_seconds > window)
    throw std::invalid_argument(
        fmt::format("detect_threshold: a {} threshold cannot be judged from {}-second intervals",
                    to_string(config.window), series.interval_seconds));
  std::vector<anomaly> out;
  if (!config.is_enabled || series.size() == 0) return out;

  detail::offset_cache tz(zone);
  // Each window is identified by its UTC start and end. Sub-day windows are local clock
  // quarters/hours (a repeated fall-back hour is two windows); a day is the local calendar day.
  struct win {
    epoch_seconds start, end;
    milli total;
  };
  auto window_of = [&](epoch_seconds t) {
    const std::int64_t l = tz.local(t);
    const std::int64_t into = ((l % window) + window) % window;
    if (window < 86400) return std::pair{t - into, t - into + window};
    // Local midnight to the next local midnight, in UTC, via the zone (23/25-hour days).
    const auto day = std::chrono::local_days{std::chrono::days{(l - into) / 86400}};
    return std::pair{to_epoch(zone.first_instant(day)),
                     to_epoch(zone.first_instant(day + std::chrono::days{1}))};
  };

  std::vector<win> exceeding;
  win cur{0, 0, 0};
  bool have = false;
  auto flush = [&] {
    if (have && cur.total > config.threshold) exceeding.push_back(cur);
  };
  for (std::size_t i = 0; i < series.size(); ++i) {
    const epoch_seconds t = series.ts[i];
    if (!have || t >= cur.end || t < cur.start) {
      flush();
      const auto [s, e] = window_of(t);
      cur = win{s, e, 0};
      have = true;
    }
    cur.total += series.value[i];
  }
  flush();

  for (std::size_t i = 0; i < exceeding.size();) {
    std::size_t j = i;
    milli worst = exceeding[i].total;
    while (j + 1 < exceeding.size() && exceeding[j + 1].start == exceeding[j].end) {
      ++j;
      worst = std::max(worst, exceeding[j].total);
    }
    anomaly a;
    a.building_id = series.building_id;
    a.sensor_id = series.sensor_id;
    a.range = time_range{from_epoch(exceeding[i].start), from_epoch(exceeding[j].end)};
    a.kind = anomaly_kind::threshold_exceeded;
    a.expected = config.threshold;
    a.actual = worst;
    a.score = static_cast<double>(worst) / static_cast<double>(config.threshold);
    a.severity = a.score >= 1.5 ? severity::critical : severity::warning;
    a.explanation = fmt::format(
        "{} {} window{} from {} above the threshold of {} (largest {})", j - i + 1,
        to_string(config.window), j > i ? "s" : "", format_local(a.range.start, zone),
        detail::amount(config.threshold, series.unit), detail::amount(worst, series.unit));
    out.push_back(std::move(a));
    i = j + 1;
  }
  return out;
}

}  // namespace energy::anomaly
