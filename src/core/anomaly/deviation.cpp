// SPDX-License-Identifier: Apache-2.0
#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include <energy/anomaly/detectors.hpp>

#include "core/anomaly/detail.hpp"

namespace energy::anomaly {

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
  std::vector<anomaly> out;
  if (n == 0) return out;
  // The model speaks the canonical unit (kWh), the series milli-units (Wh): compare in milli-units,
  // where the scale floors (one milli-unit) and the exact run totals live.
  std::vector<double> expected(n);
  for (std::size_t i = 0; i < n; ++i)
    expected[i] = prediction.expected[i] * 1000.0;

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
    const auto [exp_total, act_total] = detail::run_totals(run, exp_used, series.value);
    const auto diff = static_cast<double>(act_total - exp_total);
    if (std::fabs(diff) <
        options.min_relative_deviation * std::fabs(static_cast<double>(exp_total)))
      continue;
    anomaly a;
    a.building_id = series.building_id;
    a.sensor_id = series.sensor_id;
    a.range = time_range{from_epoch(series.ts[run.first]),
                         from_epoch(series.ts[run.last] + series.interval_seconds)};
    a.kind = anomaly_kind::baseline_deviation;
    a.score = std::fabs(run.z_sum / static_cast<double>(run.flagged));
    a.severity = a.score >= 2.0 * options.z_threshold ? severity::critical : severity::warning;
    a.expected = exp_total;
    a.actual = act_total;
    const double pct =
        exp_total != 0 ? 100.0 * diff / std::fabs(static_cast<double>(exp_total)) : 0.0;
    a.explanation = fmt::format(
        "consumption {:.0f} % {} baseline from {} to {} ({} vs expected {}, mean |z| {:.1f})",
        std::fabs(pct), diff > 0 ? "above" : "below", format_local(a.range.start, zone),
        format_local(a.range.end, zone), detail::amount(a.actual, series.unit),
        detail::amount(a.expected, series.unit), a.score);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace energy::anomaly
