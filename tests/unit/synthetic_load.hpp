// SPDX-License-Identifier: Apache-2.0
// Deterministic synthetic building loads for the anomaly and recommendation tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include <energy/anomaly/anomaly.hpp>

namespace energy::testing {

inline energy::time_zone new_york() {
  return find_zone("America/New_York");
}
/// 2024-01-01T00:00 America/New_York, a Monday.
inline constexpr epoch_seconds jan1_2024_ny = 1704085200;

/// A series owned by the test, with a view for the detectors.
struct synthetic_series {
  std::vector<epoch_seconds> ts;
  std::vector<milli> value;
  std::int32_t interval = 3600;
  [[nodiscard]] anomaly::meter_series view() const {
    anomaly::meter_series m;
    m.building_id = uuid::parse("00000000-0000-7000-8000-0000000000aa");
    m.interval_seconds = interval;
    m.ts = ts;
    m.value = value;
    return m;
  }
};

/// Local weekday (0 = Monday) and hour of an instant in `zone`.
inline std::pair<int, int> local_day_hour(epoch_seconds t, const time_zone& zone) {
  const auto l = zone.to_local(from_epoch(t));
  const auto day = std::chrono::floor<std::chrono::days>(l);
  const int wd = static_cast<int>((std::chrono::weekday{day}.c_encoding() + 6) % 7);
  const int hour =
      static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(l - day).count());
  return {wd, hour};
}

/// An office: `occupied_kwh` per hour on weekdays [open, close) local, `base_kwh` otherwise,
/// ±`noise` relative uniform noise, from `start` (UTC) for `days` days at `interval` seconds.
/// `level(t, wd, hour, kwh_per_hour)` may rewrite the hourly level (to inject anomalies).
inline synthetic_series office(
    epoch_seconds start, int days, std::int32_t interval, const time_zone& zone,
    double occupied_kwh = 100.0, double base_kwh = 30.0, int open = 8, int close = 18,
    double noise = 0.05, std::uint64_t seed = 7,
    const std::function<double(epoch_seconds, int, int, double)>& level = {}) {
  synthetic_series s;
  s.interval = interval;
  std::mt19937_64 g(seed);
  const auto n = static_cast<std::size_t>(days) * static_cast<std::size_t>(86400 / interval);
  for (std::size_t i = 0; i < n; ++i) {
    const epoch_seconds t = start + static_cast<epoch_seconds>(i) * interval;
    const auto [wd, hour] = local_day_hour(t, zone);
    double kwh = (wd < 5 && hour >= open && hour < close) ? occupied_kwh : base_kwh;
    if (level) kwh = level(t, wd, hour, kwh);
    const double u = static_cast<double>(g() >> 11) * 0x1.0p-53;
    kwh *= 1.0 + noise * (2.0 * u - 1.0);
    s.ts.push_back(t);
    s.value.push_back(static_cast<milli>(std::llround(kwh * 1000.0 * interval / 3600.0)));
  }
  return s;
}

/// A building without an operating schedule: hourly, every day of the week alike, 10 kWh at
/// night and a weather-driven daytime swing (a half sine from 06:00 to 22:00 local) of 30 kWh in
/// hot weeks and 8 kWh in mild ones, alternating; ±2 % noise; and a 40 kWh spike from 01:00 to
/// 04:00 on every 11th night (from the 4th). Its median week shows a plausible 77-hour "schedule"
/// that no single week follows.
inline synthetic_series weather_swing(epoch_seconds start, int days, const time_zone& zone,
                                      std::uint64_t seed = 11) {
  synthetic_series s;
  std::mt19937_64 g(seed);
  for (int d = 0; d < days; ++d)
    for (int k = 0; k < 24; ++k) {
      const epoch_seconds t = start + (static_cast<epoch_seconds>(d) * 24 + k) * 3600;
      const int hour = local_day_hour(t, zone).second;
      const double swing = (d / 7) % 2 == 0 ? 30.0 : 8.0;
      double kwh = 10.0;
      if (hour >= 6 && hour < 22) kwh += swing * std::sin(3.14159265358979 * (hour - 6) / 16.0);
      if (d % 11 == 3 && hour >= 1 && hour < 4) kwh = 40.0;
      const double u = static_cast<double>(g() >> 11) * 0x1.0p-53;
      kwh *= 1.0 + 0.02 * (2.0 * u - 1.0);
      s.ts.push_back(t);
      s.value.push_back(static_cast<milli>(std::llround(kwh * 1000.0)));
    }
  return s;
}

}  // namespace energy::testing
