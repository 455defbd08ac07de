// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include <energy/anomaly/detectors.hpp>

#include "core/anomaly/detail.hpp"
#include "core/enum_table.hpp"

namespace energy::anomaly {

namespace {
constexpr auto schedule_status_names = energy::detail::make_enum_table<schedule_status>(
    "schedule_status", {{schedule_status::detected, "detected"},
                        {schedule_status::too_little_data, "too_little_data"},
                        {schedule_status::no_contrast, "no_contrast"},
                        {schedule_status::inconsistent_weeks, "inconsistent_weeks"},
                        {schedule_status::irregular_unoccupied, "irregular_unoccupied"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(schedule_status) noexcept {
  return schedule_status_names;
}
std::string_view to_string(schedule_status s) noexcept {
  return schedule_status_names.name(s);
}

bool operating_schedule::occupied(std::uint8_t how) const noexcept {
  if (!detected) return true;
  const auto& d = days[static_cast<std::size_t>(how / 24) % 7];
  const int h = how % 24;
  return d.occupied && h >= d.start_hour && h < d.end_hour;
}

std::int32_t operating_schedule::occupied_hours_per_week() const noexcept {
  if (!detected) return 168;
  std::int32_t h = 0;
  for (const auto& d : days)
    if (d.occupied) h += d.end_hour - d.start_hour;
  return h;
}

operating_schedule detect_schedule(const meter_series& series, const time_zone& zone,
                                   const schedule_options& options) {
  series.validate();
  operating_schedule out;
  out.reason = "no readings: no schedule can be detected";
  if (series.size() == 0) return out;
  const auto slot = hour_of_week(series.ts, zone);
  std::vector<double> v(series.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<double>(series.value[i]);
  auto groups = detail::group_by_slot(slot, v, 168);
  std::array<double, 168> profile{};
  std::vector<double> present;
  for (std::size_t s = 0; s < 168; ++s) {
    profile[s] = detail::median_inplace(groups.slot(s));
    if (!std::isnan(profile[s])) present.push_back(profile[s]);
  }
  if (present.size() < 84) {  // less than half the week observed: no schedule claim
    out.reason = fmt::format(
        "only {} of the 168 hours of the week have readings (at least 84 needed): no schedule "
        "detected, after-hours use is not judged",
        present.size());
    return out;
  }
  auto tmp = present;
  const double base = detail::quantile_inplace(tmp, 0.10);
  const double peak = detail::quantile_inplace(tmp, 0.90);
  if (peak <= 0.0 || peak < options.min_peak_to_base * std::max(base, 0.0)) {
    out.status = schedule_status::no_contrast;
    out.reason = fmt::format(
        "the busiest hours of the week ({} per interval, 90th percentile) are less than {:.2g} x "
        "the quietest ({}, 10th percentile): no operating schedule (24/7 or flat load), "
        "after-hours use is not judged",
        detail::amount(static_cast<milli>(std::llround(peak)), series.unit),
        options.min_peak_to_base,
        detail::amount(static_cast<milli>(std::llround(base)), series.unit));
    return out;
  }
  const double thr = base + options.threshold_fraction * (peak - base);
  std::vector<double> occ, unocc;
  for (std::size_t d = 0; d < 7; ++d) {
    int first = -1, last = -1;
    for (int h = 0; h < 24; ++h) {
      const double p = profile[d * 24 + static_cast<std::size_t>(h)];
      if (!std::isnan(p) && p > thr) {
        if (first < 0) first = h;
        last = h;
      }
    }
    if (first >= 0) out.days[d] = day_schedule{true, first, last + 1};
  }
  out.detected = true;
  // A real schedule repeats every week, not only in the cooling season: count the weeks whose
  // occupied hours run clearly above their unoccupied hours *and* whose readings fall on the
  // schedule's side of the midpoint (occupied above, unoccupied below). The second condition is
  // what tells an operating schedule from a weather-driven day/night swing: on a building without
  // a schedule (the Illinois series) summer weeks run above the midpoint for 17 hours a day and
  // mild weeks not at all, so the median profile shows a "schedule" that no single week follows
  // (about half of each week's readings agree with it, against 98 % in the reference office).
  {
    const auto ls = local_seconds(series.ts, zone);
    const std::int64_t first_week =
        detail::floor_div(ls.front() - 4 * 86400, 7 * 86400);  // weeks from Monday
    std::vector<std::vector<double>> occ_w, unocc_w;
    std::vector<std::size_t> agree_w;  // readings on the schedule's side of the midpoint
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto w =
          static_cast<std::size_t>(detail::floor_div(ls[i] - 4 * 86400, 7 * 86400) - first_week);
      if (w >= occ_w.size()) {
        occ_w.resize(w + 1);
        unocc_w.resize(w + 1);
        agree_w.resize(w + 1);
      }
      const bool occupied = out.occupied(slot[i]);
      (occupied ? occ_w : unocc_w)[w].push_back(v[i]);
      if ((v[i] > thr) == occupied) ++agree_w[w];
    }
    std::size_t weeks = 0, consistent = 0;
    const double need = std::sqrt(options.min_peak_to_base);
    for (std::size_t w = 0; w < occ_w.size(); ++w) {
      if (occ_w[w].size() < 8 || unocc_w[w].size() < 8) continue;
      ++weeks;
      const auto readings = static_cast<double>(occ_w[w].size() + unocc_w[w].size());
      const double o = detail::median_inplace(occ_w[w]);
      const double u = detail::median_inplace(unocc_w[w]);
      if (o > need * std::max(u, 0.0) && o > 0.0 &&
          static_cast<double>(agree_w[w]) >= options.min_week_agreement * readings)
        ++consistent;
    }
    if (weeks == 0 || static_cast<double>(consistent) <
                          options.min_consistent_weeks * static_cast<double>(weeks)) {
      const auto hours = out.occupied_hours_per_week();
      out = operating_schedule{};
      if (weeks == 0) {
        if (hours >= 150) out.status = schedule_status::no_contrast;
        out.reason = fmt::format(
            "no week has 8 or more readings in both its occupied and unoccupied hours (occupied "
            "{} hours a week): no schedule detected, after-hours use is not judged",
            hours);
        return out;
      }
      out.status = schedule_status::inconsistent_weeks;
      out.reason = fmt::format(
          "only {} of {} weeks repeat the {}-hour weekly schedule (occupied hours above {:.2f} x "
          "the unoccupied hours, {:.0f} % of the readings on their side of the midpoint; {:.0f} % "
          "of the weeks needed): no schedule detected, after-hours use is not judged",
          consistent, weeks, hours, need, 100.0 * options.min_week_agreement,
          100.0 * options.min_consistent_weeks);
      return out;
    }
  }
  for (std::size_t s = 0; s < 168; ++s) {
    if (std::isnan(profile[s])) continue;
    (out.occupied(static_cast<std::uint8_t>(s)) ? occ : unocc).push_back(profile[s]);
  }
  // After-hours waste is judged against the unoccupied hours: they must be steady. Variation of
  // each unoccupied hour of the week = 1.4826·MAD / median of its readings; take the median.
  {
    std::vector<double> variation;
    for (std::size_t s = 0; s < 168; ++s) {
      if (std::isnan(profile[s]) || out.occupied(static_cast<std::uint8_t>(s))) continue;
      auto g = groups.slot(s);
      const double c = detail::median_inplace(g);
      if (c <= 0.0) continue;
      variation.push_back(detail::mad_to_sigma * detail::mad_inplace(g, c) / c);
    }
    const double typical = detail::median_inplace(variation);
    if (!variation.empty() && typical > options.max_unoccupied_variation) {
      out = operating_schedule{};
      out.status = schedule_status::irregular_unoccupied;
      out.reason = fmt::format(
          "the unoccupied hours vary too much to tell waste from normal use (typical variation "
          "{:.2f} > {:.2f}, as in a home): after-hours use is not judged",
          typical, options.max_unoccupied_variation);
      return out;
    }
  }
  out.occupied_level = detail::median_inplace(occ);
  out.unoccupied_level = detail::median_inplace(unocc);
  out.status = schedule_status::detected;
  out.reason = fmt::format("occupied {} hours a week", out.occupied_hours_per_week());
  return out;
}

std::vector<anomaly> detect_after_hours(const meter_series& series, const time_zone& zone,
                                        const operating_schedule& schedule,
                                        const after_hours_options& options) {
  series.validate();
  std::vector<anomaly> out;
  if (!schedule.detected || series.size() == 0) return out;
  const std::size_t n = series.size();
  const auto slot = hour_of_week(series.ts, zone);
  std::vector<double> v(n);
  std::vector<std::uint8_t> unocc(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = static_cast<double>(series.value[i]);
    unocc[i] = schedule.occupied(slot[i]) ? 0 : 1;
  }
  // The unoccupied baseline of each row is the median of the same local hour of the week within
  // ±`baseline_weeks` weeks (unoccupied rows only): it follows the seasons (a winter evening runs
  // heating a little longer) while one bad week is outvoted. Scale: 1.4826·MAD of the same
  // samples, at least 10 % of the baseline.
  const std::int64_t week = 7 * 86400;
  const auto k_max = static_cast<std::int64_t>(options.baseline_weeks);
  std::vector<double> expect(n, detail::nan);
  std::vector<std::int8_t> sign(n, 0);
  std::vector<double> z(n, 0.0);
  std::vector<double> sample;
  for (std::size_t i = 0; i < n; ++i) {
    if (!unocc[i]) continue;
    sample.clear();
    for (std::int64_t k = -k_max; k <= k_max; ++k) {
      const epoch_seconds t = series.ts[i] + k * week;
      // Regular grids hit the row directly; otherwise binary search.
      const auto guess = static_cast<std::int64_t>(i) + k * week / series.interval_seconds;
      std::size_t j = n;
      if (guess >= 0 && guess < static_cast<std::int64_t>(n) &&
          series.ts[static_cast<std::size_t>(guess)] == t) {
        j = static_cast<std::size_t>(guess);
      } else {
        const auto it = std::lower_bound(series.ts.begin(), series.ts.end(), t);
        if (it != series.ts.end() && *it == t) j = static_cast<std::size_t>(it - series.ts.begin());
      }
      if (j < n && unocc[j] && slot[j] == slot[i]) sample.push_back(v[j]);
    }
    if (sample.size() < 3) continue;
    const double b = detail::median_inplace(sample);
    const double sc =
        std::max({detail::mad_to_sigma * detail::mad_inplace(sample, b), 0.1 * b, 1.0});
    expect[i] = b;
    z[i] = (v[i] - b) / sc;
    if (z[i] > options.z_threshold && v[i] > options.min_ratio * std::max(b, 1.0)) sign[i] = 1;
  }
  const auto runs = detail::merge_flagged(series.ts, series.interval_seconds, sign, z,
                                          options.merge_gap_seconds, options.min_duration_seconds);
  for (const auto& run : runs) {
    const auto [exp_total, act_total] = detail::run_totals(run, expect, series.value);
    anomaly a;
    a.building_id = series.building_id;
    a.sensor_id = series.sensor_id;
    a.range = time_range{from_epoch(series.ts[run.first]),
                         from_epoch(series.ts[run.last] + series.interval_seconds)};
    a.kind = anomaly_kind::after_hours_waste;
    a.score = run.z_sum / static_cast<double>(run.flagged);
    a.expected = exp_total;
    a.actual = act_total;
    a.severity =
        a.actual > 2 * std::max<milli>(a.expected, 1) ? severity::critical : severity::warning;
    const bool weekend = slot[run.first] >= 5 * 24;
    a.explanation = fmt::format(
        "{} use while the building is normally unoccupied, {} to {}: {} vs a typical {}",
        weekend ? "weekend" : "after-hours", format_local(a.range.start, zone),
        format_local(a.range.end, zone), detail::amount(a.actual, series.unit),
        detail::amount(a.expected, series.unit));
    out.push_back(std::move(a));
  }
  return out;
}

after_hours_result check_after_hours(const meter_series& series, const time_zone& zone,
                                     const schedule_options& schedule,
                                     const after_hours_options& options) {
  after_hours_result r;
  r.schedule = detect_schedule(series, zone, schedule);
  r.anomalies = detect_after_hours(series, zone, r.schedule, options);
  return r;
}

}  // namespace energy::anomaly

template struct energy::detail::enum_names<energy::anomaly::schedule_status>;
