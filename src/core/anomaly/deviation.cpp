// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include <energy/anomaly/detectors.hpp>

#include "core/anomaly/detail.hpp"
#include "core/enum_table.hpp"

namespace energy::anomaly {

namespace {
constexpr auto deviation_method_names = energy::detail::make_enum_table<deviation_method>(
    "deviation_method",
    {{deviation_method::cusum, "cusum"}, {deviation_method::smoothed_z, "smoothed_z"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(deviation_method) noexcept {
  return deviation_method_names;
}
std::string_view to_string(deviation_method m) noexcept {
  return deviation_method_names.name(m);
}

namespace {

/// The anomaly of one run of rows `[run.first, run.last]`, or nothing when its total departs from
/// the expected total by less than min_relative_deviation. `exp_used`: expected milli-units of
/// the rows that take part (NaN = none).
std::optional<anomaly> run_anomaly(const meter_series& series, const detail::flagged_run& run,
                                   std::span<const double> exp_used, const time_zone& zone,
                                   const deviation_options& options, double score, bool critical,
                                   std::string_view evidence) {
  const auto [exp_total, act_total] = detail::run_totals(run, exp_used, series.value);
  const auto diff = static_cast<double>(act_total - exp_total);
  if (std::fabs(diff) < options.min_relative_deviation * std::fabs(static_cast<double>(exp_total)))
    return std::nullopt;
  anomaly a;
  a.building_id = series.building_id;
  a.sensor_id = series.sensor_id;
  a.range = time_range{from_epoch(series.ts[run.first]),
                       from_epoch(series.ts[run.last] + series.interval_seconds)};
  a.kind = anomaly_kind::baseline_deviation;
  a.score = score;
  a.severity = critical ? severity::critical : severity::warning;
  a.expected = exp_total;
  a.actual = act_total;
  const double pct =
      exp_total != 0 ? 100.0 * diff / std::fabs(static_cast<double>(exp_total)) : 0.0;
  a.explanation =
      fmt::format("consumption {:.0f} % {} baseline from {} to {} ({} vs expected {}, {})",
                  std::fabs(pct), diff > 0 ? "above" : "below", format_local(a.range.start, zone),
                  format_local(a.range.end, zone), detail::amount(a.actual, series.unit),
                  detail::amount(a.expected, series.unit), evidence);
  return a;
}

/// deviation_method::smoothed_z (`expected` in milli-units).
std::vector<anomaly> smoothed_z(const meter_series& series, std::span<const double> expected,
                                const time_zone& zone, const deviation_options& options) {
  const std::size_t n = series.size();
  std::vector<anomaly> out;

  const auto slot = hour_of_week(series.ts, zone);
  std::vector<double> resid(n), abs_expected(n);
  for (std::size_t i = 0; i < n; ++i) {
    resid[i] = std::isfinite(expected[i]) ? static_cast<double>(series.value[i]) - expected[i]
                                          : detail::nan;
    abs_expected[i] = std::isfinite(expected[i]) ? std::fabs(expected[i]) : detail::nan;
  }

  // Robust centre and scale per local hour of the week, from the whole series.
  std::array<double, 168> centre{}, scale{};
  {
    auto groups = detail::group_by_slot(slot, resid, 168);
    auto levels = detail::group_by_slot(slot, abs_expected, 168);
    for (std::size_t s = 0; s < 168; ++s) {
      auto r = groups.slot(s);
      if (r.empty()) {
        centre[s] = detail::nan;
        continue;
      }
      centre[s] = detail::median_inplace(r);
      const double mad = detail::mad_inplace(r, centre[s]);
      const double level = detail::median_inplace(levels.slot(s));
      scale[s] = std::max({detail::mad_to_sigma * mad,
                           options.min_scale_fraction * (std::isnan(level) ? 0.0 : level), 1.0});
    }
  }

  // A season with larger residuals (summer cooling against a weather-free baseline) must not flag
  // as a whole: the scale is at least the robust sigma of all residuals within ±2 weeks.
  const auto local = detail::rolling_block_stats(series.ts, resid, 7 * 86400, 2);

  std::vector<std::int8_t> sign(n, 0);
  std::vector<double> z(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto s = slot[i];
    if (std::isnan(resid[i]) || std::isnan(centre[s])) continue;
    const double sc = std::isnan(local.sigma[i]) ? scale[s] : std::max(scale[s], local.sigma[i]);
    z[i] = (resid[i] - centre[s]) / sc;
  }
  // Centred moving mean of z over the rows within ±smoothing/2 in time (prefix sums).
  std::vector<double> prefix(n + 1, 0.0);
  std::vector<std::size_t> count(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const bool ok = !std::isnan(resid[i]) && !std::isnan(centre[slot[i]]);
    prefix[i + 1] = prefix[i] + (ok ? z[i] : 0.0);
    count[i + 1] = count[i] + (ok ? 1 : 0);
  }
  const std::int64_t half = options.smoothing_seconds / 2;
  std::vector<double> zs(n, 0.0);
  std::size_t lo = 0, hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    while (series.ts[lo] < series.ts[i] - half)
      ++lo;
    while (hi < n && series.ts[hi] <= series.ts[i] + half)
      ++hi;
    const std::size_t c = count[hi] - count[lo];
    if (c == 0 || std::isnan(resid[i])) continue;
    zs[i] = (prefix[hi] - prefix[lo]) / static_cast<double>(c);
    if (zs[i] > options.z_threshold)
      sign[i] = 1;
    else if (zs[i] < -options.z_threshold)
      sign[i] = -1;
  }

  const auto runs = detail::merge_flagged(series.ts, series.interval_seconds, sign, zs,
                                          options.merge_gap_seconds, options.min_duration_seconds);
  // Rows without a model value or slot statistics take no part in the totals.
  std::vector<double> exp_used(n, detail::nan);
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(resid[i])) exp_used[i] = expected[i];
  for (const auto& run : runs) {
    const double score = std::fabs(run.z_sum / static_cast<double>(run.flagged));
    if (auto a =
            run_anomaly(series, run, exp_used, zone, options, score,
                        score >= 2.0 * options.z_threshold, fmt::format("mean |z| {:.1f}", score)))
      out.push_back(std::move(*a));
  }
  return out;
}

/// deviation_method::cusum (`expected` in milli-units); see deviation_options.
std::vector<anomaly> cusum(const meter_series& series, std::span<const double> expected,
                           const time_zone& zone, const deviation_options& options) {
  constexpr std::int64_t day = 86400;
  const std::size_t n = series.size();
  std::vector<anomaly> out;
  const std::int64_t block = std::max<std::int64_t>(options.block_seconds, series.interval_seconds);
  if (options.block_seconds <= 0 || (block < day && day % block != 0))
    throw std::invalid_argument(
        fmt::format("detect_baseline_deviation: block_seconds {} must be positive and divide a day",
                    options.block_seconds));
  if (options.scale_window_seconds <= 0 || options.scale_radius_seconds < 0 ||
      !(options.cusum_h > 0) || !(options.cusum_cap > 0))
    throw std::invalid_argument(
        "detect_baseline_deviation: scale_window_seconds, cusum_h and cusum_cap must be positive "
        "and scale_radius_seconds not negative");

  // Per-row log ratio, floored by a fraction of the series' typical expected level.
  std::vector<double> level;
  level.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (std::isfinite(expected[i])) level.push_back(std::fabs(expected[i]));
  if (level.empty()) return out;
  const double floor = std::max(1.0, options.log_floor_fraction * detail::median_inplace(level));
  std::vector<double> ratio(n, detail::nan);
  for (std::size_t i = 0; i < n; ++i)
    if (std::isfinite(expected[i]))
      ratio[i] = std::log((std::max(0.0, static_cast<double>(series.value[i])) + floor) /
                          (std::max(0.0, expected[i]) + floor));

  // Blocks of local time: consecutive rows with the same block number (a repeated fall-back hour
  // stays in the block in progress). One value per block: the median of its rows' log ratios.
  struct block_value {
    std::int64_t number;      // local seconds / block
    std::size_t first, last;  // rows
    double value;
  };
  std::vector<block_value> blocks;
  {
    detail::offset_cache clock(zone);
    const std::int64_t per_block = std::max<std::int64_t>(1, block / series.interval_seconds);
    std::vector<double> tmp;
    std::int64_t current = std::numeric_limits<std::int64_t>::min();
    std::size_t first = 0;
    auto close = [&](std::size_t end) {
      tmp.clear();
      for (std::size_t j = first; j < end; ++j)
        if (!std::isnan(ratio[j])) tmp.push_back(ratio[j]);
      if (end > first && 2 * static_cast<std::int64_t>(tmp.size()) >= per_block)
        blocks.push_back({current, first, end - 1, detail::median_inplace(tmp)});
    };
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t b = std::max(current, detail::floor_div(clock.local(series.ts[i]), block));
      if (b != current) {
        if (i > 0) close(i);
        current = b;
        first = i;
      }
    }
    close(n);
  }
  if (blocks.empty()) return out;

  // Departure from the block's slot of the local week (weekday × block of the day).
  const std::int64_t per_day = block < day ? day / block : 1;
  auto slot_of = [&](std::int64_t number) {
    const std::int64_t start = number * block;
    const std::int64_t weekday = (detail::floor_div(start, day) + 3) % 7;  // 1970-01-01: Thursday
    const std::int64_t within = ((start % day + day) % day) / block % per_day;
    return static_cast<std::size_t>(weekday * per_day + within);
  };
  const auto slots = static_cast<std::size_t>(7 * per_day);
  std::vector<std::vector<double>> by_slot(slots);
  for (const auto& b : blocks)
    by_slot[slot_of(b.number)].push_back(b.value);
  std::vector<double> centre(slots, detail::nan);
  for (std::size_t s = 0; s < slots; ++s)
    if (!by_slot[s].empty()) centre[s] = detail::median_inplace(by_slot[s]);
  const std::size_t m = blocks.size();
  std::vector<double> d(m);
  for (std::size_t k = 0; k < m; ++k)
    d[k] = blocks[k].value - centre[slot_of(blocks[k].number)];

  // Scale: robust sigma of the means of d over every window of scale_window_seconds (trailing,
  // at least half its blocks present): the series' own multi-day variation; within
  // ±scale_radius_seconds of the block's day (the season's), else of the whole series.
  const std::int64_t window = std::max<std::int64_t>(1, options.scale_window_seconds / block);
  std::vector<double> mean_at(m, detail::nan);
  {
    double sum = 0.0;
    std::size_t lo = 0, count = 0;
    for (std::size_t k = 0; k < m; ++k) {
      sum += d[k];
      ++count;
      while (blocks[lo].number <= blocks[k].number - window) {
        sum -= d[lo];
        --count;
        ++lo;
      }
      if (2 * static_cast<std::int64_t>(count) >= window)
        mean_at[k] = sum / static_cast<double>(count);
    }
  }
  constexpr double min_scale = 0.01;
  auto robust_sigma = [](std::vector<double>& v) {
    const double mid = detail::median_inplace(v);
    return detail::mad_to_sigma * detail::mad_inplace(v, mid);
  };
  std::vector<double> tmp;
  for (const double x : mean_at)
    if (!std::isnan(x)) tmp.push_back(x);
  const double whole = tmp.empty() ? min_scale : std::max(min_scale, robust_sigma(tmp));
  std::vector<double> scale(m, whole);
  const std::int64_t radius = options.scale_radius_seconds / block;
  if (radius > 0) {
    std::size_t lo = 0, hi = 0;
    std::int64_t day_done = std::numeric_limits<std::int64_t>::min();
    double day_scale = whole;
    for (std::size_t k = 0; k < m; ++k) {
      const std::int64_t q = (blocks[k].number - blocks[0].number) / per_day;
      if (q != day_done) {
        const std::int64_t c = blocks[0].number + q * per_day;
        while (lo < m && blocks[lo].number < c - radius)
          ++lo;
        while (hi < m && blocks[hi].number <= c + radius)
          ++hi;
        tmp.clear();
        for (std::size_t j = lo; j < hi; ++j)
          if (!std::isnan(mean_at[j])) tmp.push_back(mean_at[j]);
        day_scale = 2 * static_cast<std::int64_t>(tmp.size()) >= radius
                        ? std::max(min_scale, robust_sigma(tmp))
                        : whole;
        day_done = q;
      }
      scale[k] = day_scale;
    }
  }

  // Two-sided CUSUM over the blocks; a missing block restarts it. A block longer than
  // block_seconds (the series' interval is) weighs as the blocks it spans, so cusum_h keeps its
  // meaning in time: a day of daily data adds what 12 two-hour blocks add.
  const double weight = static_cast<double>(block) / static_cast<double>(options.block_seconds);
  std::vector<double> exp_used(n, detail::nan);
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(ratio[i])) exp_used[i] = expected[i];
  for (const int sign : {1, -1}) {
    double s = 0.0, peak = 0.0, z_sum = 0.0, scale_sum = 0.0;
    std::size_t start = 0, last = 0, used = 0;
    auto report = [&] {
      if (peak < options.cusum_h) return;
      const detail::flagged_run run{blocks[start].first, blocks[last].last, sign, 0.0, 0};
      if (series.ts[run.last] + series.interval_seconds - series.ts[run.first] <
          options.min_duration_seconds)
        return;
      const double score = std::fabs(z_sum / static_cast<double>(used));
      if (auto a = run_anomaly(
              series, run, exp_used, zone, options, score, peak >= 2.0 * options.cusum_h,
              fmt::format("CUSUM {:.0f} against {:.0f}, scale {:.3f} in log ratio", peak,
                          options.cusum_h, scale_sum / static_cast<double>(used))))
        out.push_back(std::move(*a));
    };
    for (std::size_t k = 0; k < m; ++k) {
      if (k > 0 && blocks[k].number != blocks[k - 1].number + 1 && s > 0.0) {
        report();
        s = 0.0;
      }
      const double z = std::clamp(d[k] / scale[k], -options.cusum_cap, options.cusum_cap);
      const double next = std::max(0.0, s + weight * (sign * z - options.cusum_k));
      if (next > 0.0) {
        if (s == 0.0) {
          start = k;
          peak = 0.0;
          z_sum = 0.0;
          scale_sum = 0.0;
          used = 0;
        }
        peak = std::max(peak, next);
        if (sign * z > options.cusum_k) last = k;
        z_sum += d[k] / scale[k];
        scale_sum += scale[k];
        ++used;
      } else if (s > 0.0) {
        report();
      }
      s = next;
    }
    if (s > 0.0) report();
  }
  std::sort(out.begin(), out.end(),
            [](const anomaly& x, const anomaly& y) { return x.range.start < y.range.start; });
  return out;
}

}  // namespace

std::vector<anomaly> detect_baseline_deviation(const meter_series& series,
                                               const baseline::prediction& prediction,
                                               const time_zone& zone,
                                               const deviation_options& options) {
  series.validate();
  if (prediction.expected.size() != series.size())
    throw std::invalid_argument(
        fmt::format("detect_baseline_deviation: {} expected values for {} rows",
                    prediction.expected.size(), series.size()));
  const std::size_t n = series.size();
  if (n == 0) return {};
  // The model speaks the canonical unit (kWh), the series milli-units (Wh): compare in milli-units,
  // where the scale floors (one milli-unit) and the exact run totals live.
  std::vector<double> expected(n);
  for (std::size_t i = 0; i < n; ++i)
    expected[i] = prediction.expected[i] * 1000.0;
  return options.method == deviation_method::cusum ? cusum(series, expected, zone, options)
                                                   : smoothed_z(series, expected, zone, options);
}

}  // namespace energy::anomaly

template struct energy::detail::enum_names<energy::anomaly::deviation_method>;
