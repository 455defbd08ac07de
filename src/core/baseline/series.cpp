// SPDX-License-Identifier: Apache-2.0
#include <energy/baseline/series.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/baseline/detail.hpp"

namespace energy::baseline {

namespace {

/// Indices of `sensor`'s rows ordered by timestamp, the last row winning on equal timestamps.
std::vector<std::size_t> sensor_rows(const reading_rows& rows, const uuid& sensor) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows.sensor_id[i] == sensor) idx.push_back(i);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return rows.ts[a] < rows.ts[b]; });
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    if (!out.empty() && rows.ts[out.back()] == rows.ts[idx[k]])
      out.back() = idx[k];
    else
      out.push_back(idx[k]);
  }
  return out;
}

}  // namespace

load_series load_from_readings(const reading_rows& rows, const uuid& sensor,
                               std::int64_t interval_seconds) {
  if (interval_seconds <= 0)
    throw std::invalid_argument("load_from_readings: interval_seconds must be positive");
  load_series l;
  l.interval_seconds = interval_seconds;
  for (std::size_t i : sensor_rows(rows, sensor)) {
    l.ts.push_back(rows.ts[i]);
    l.kwh.push_back(from_milli(rows.value[i]));
  }
  return l;
}

temperature_series temperature_from_readings(const reading_rows& rows, const uuid& sensor) {
  temperature_series t;
  for (std::size_t i : sensor_rows(rows, sensor)) {
    t.ts.push_back(rows.ts[i]);
    t.value.push_back(from_milli(rows.value[i]));
  }
  return t;
}

std::vector<double> align_temperature(std::span<const epoch_seconds> at,
                                      const temperature_series& temps, const gap_rule& rule) {
  if (temps.ts.size() != temps.value.size())
    throw std::invalid_argument("align_temperature: temperature ts and value sizes differ");
  if (rule.max_gap_seconds < 0)
    throw std::invalid_argument("align_temperature: negative max_gap_seconds");
  // Valid samples only (NaN = missing), checked ascending.
  std::vector<epoch_seconds> ts;
  std::vector<double> v;
  ts.reserve(temps.size());
  v.reserve(temps.size());
  for (std::size_t i = 0; i < temps.size(); ++i) {
    if (i > 0 && temps.ts[i] <= temps.ts[i - 1])
      throw std::invalid_argument(
          "align_temperature: temperature timestamps not strictly ascending at index " +
          std::to_string(i));
    if (std::isfinite(temps.value[i])) {
      ts.push_back(temps.ts[i]);
      v.push_back(temps.value[i]);
    }
  }
  std::vector<double> out(at.size(), detail::nan);
  std::size_t hint = 0;
  for (std::size_t i = 0; i < at.size(); ++i) {
    const epoch_seconds t = at[i];
    // Advance the hint for ascending queries; restart with a binary search otherwise.
    if (hint > 0 && ts[hint - 1] >= t) hint = 0;
    std::size_t j;  // first sample >= t
    if (hint == 0) {
      j = static_cast<std::size_t>(std::lower_bound(ts.begin(), ts.end(), t) - ts.begin());
    } else {
      j = hint;
      while (j < ts.size() && ts[j] < t)
        ++j;
    }
    hint = j;
    if (j < ts.size() && ts[j] == t) {
      out[i] = v[j];
    } else if (j > 0 && j < ts.size() && ts[j] - ts[j - 1] <= rule.max_gap_seconds) {
      const double w = static_cast<double>(t - ts[j - 1]) / static_cast<double>(ts[j] - ts[j - 1]);
      out[i] = v[j - 1] + w * (v[j] - v[j - 1]);
    }
  }
  return out;
}

std::vector<std::uint8_t> time_of_week(std::span<const epoch_seconds> ts, const time_zone& zone) {
  return energy::detail::hours_of_week(ts, zone);
}

}  // namespace energy::baseline
