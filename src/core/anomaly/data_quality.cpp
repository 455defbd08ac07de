// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include <energy/anomaly/detectors.hpp>
#include <energy/quality.hpp>

#include "core/anomaly/detail.hpp"

namespace energy::anomaly {
namespace {

anomaly make(const meter_series& s, epoch_seconds start, epoch_seconds end, anomaly_kind kind,
             enum severity sev) {
  anomaly a;
  a.building_id = s.building_id;
  a.sensor_id = s.sensor_id;
  a.range = time_range{from_epoch(start), from_epoch(end)};
  a.kind = kind;
  a.severity = sev;
  return a;
}

/// Runs of consecutive, time-adjacent rows satisfying `pred`: calls emit(first, last).
template <class Pred, class Emit>
void for_each_run(const meter_series& s, Pred pred, Emit emit) {
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    if (!pred(i)) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < n && pred(j + 1) && s.ts[j + 1] - s.ts[j] == s.interval_seconds)
      ++j;
    emit(i, j);
    i = j + 1;
  }
}

milli total(const meter_series& s, std::size_t first, std::size_t last) {
  milli t = 0;
  for (std::size_t i = first; i <= last; ++i)
    t += s.value[i];
  return t;
}

/// One missing_data anomaly for `[from, to)` (nothing when empty); `note` ends the explanation.
void gap(const meter_series& s, epoch_seconds from, epoch_seconds to, std::string_view note,
         std::vector<anomaly>& out) {
  if (to <= from) return;
  const std::int64_t iv = s.interval_seconds;
  const std::int64_t count = (to - from + iv - 1) / iv;
  auto a = make(s, from, to, anomaly_kind::missing_data,
                count * iv >= 86400 ? severity::critical : severity::warning);
  a.score = static_cast<double>(count);
  a.explanation = fmt::format("{} interval{} missing from {} to {}{}", count, count == 1 ? "" : "s",
                              format_utc(a.range.start), format_utc(a.range.end), note);
  out.push_back(std::move(a));
}

void missing(const meter_series& s, const data_quality_options& o, std::vector<anomaly>& out) {
  const std::int64_t iv = s.interval_seconds;
  if (o.expected_range) {
    const auto from = to_epoch(o.expected_range->start);
    const auto to = to_epoch(o.expected_range->end);
    if (s.size() == 0) {
      gap(s, from, to, " (no readings at all)", out);
      return;
    }
    gap(s, from, std::min(to, s.ts.front()), " (before the first reading)", out);
    gap(s, std::max(from, s.ts.back() + iv), to, " (after the last reading)", out);
  }
  for (std::size_t i = 1; i < s.size(); ++i) {
    const std::int64_t d = s.ts[i] - s.ts[i - 1];
    if (d > iv)
      gap(s, s.ts[i - 1] + iv, s.ts[i],
          d % iv != 0 ? " (the next row is off the interval grid)" : "", out);
  }
}

void flatlines(const meter_series& s, const data_quality_options& o, std::vector<anomaly>& out) {
  const std::size_t n = s.size();
  // Run lengths of identical, time-adjacent values.
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  for_each_run(
      s, [](std::size_t) { return true; },
      [&](std::size_t first, std::size_t last) {
        for (std::size_t i = first; i <= last;) {
          std::size_t j = i;
          while (j + 1 <= last && s.value[j + 1] == s.value[i])
            ++j;
          runs.emplace_back(i, j);
          i = j + 1;
        }
      });
  if (runs.empty()) return;
  // The automatic limit of a run comes from the lengths of the *other* runs: a stuck run must not
  // raise its own bar (in a short series the stuck run itself is the 99.5th percentile and would
  // hide behind 3 x its own length).
  std::vector<double> lens(runs.size());
  for (std::size_t k = 0; k < runs.size(); ++k)
    lens[k] = static_cast<double>(runs[k].second - runs[k].first + 1);
  std::sort(lens.begin(), lens.end());
  const std::int64_t floor_len =
      (6 * 3600 + s.interval_seconds - 1) / s.interval_seconds;  // 6 hours
  auto limit_for = [&](double own) -> std::int64_t {
    if (o.flatline_min_intervals > 0) return o.flatline_min_intervals;
    const std::size_t m = lens.size() - 1;  // the others
    if (m == 0) return floor_len;
    // The 99.5th percentile (type 7) of `lens` without one element equal to `own`.
    const auto pos =
        static_cast<std::size_t>(std::lower_bound(lens.begin(), lens.end(), own) - lens.begin());
    const double p = energy::detail::quantile_of_sorted(
        m, 0.995, [&](std::size_t j) { return lens[j < pos ? j : j + 1]; });
    return std::max<std::int64_t>(floor_len, static_cast<std::int64_t>(3.0 * p));
  };
  std::vector<double> vals(n);
  for (std::size_t i = 0; i < n; ++i)
    vals[i] = static_cast<double>(s.value[i]);
  const double level = detail::median_inplace(vals);
  for (const auto& [first, last] : runs) {
    const auto len = static_cast<std::int64_t>(last - first + 1);
    if (len < floor_len && o.flatline_min_intervals <= 0) continue;
    const std::int64_t min_len = limit_for(static_cast<double>(len));
    if (len < min_len) continue;
    auto a = make(s, s.ts[first], s.ts[last] + s.interval_seconds, anomaly_kind::flatline,
                  len >= 4 * min_len ? severity::critical : severity::warning);
    a.score = static_cast<double>(len) / static_cast<double>(min_len);
    a.expected = static_cast<milli>(std::llround(level * static_cast<double>(len)));
    a.actual = total(s, first, last);
    a.explanation = fmt::format(
        "value stuck at {} for {} intervals from {} (runs of {} or more are not normal "
        "for this meter)",
        detail::amount(s.value[first], s.unit), len, format_utc(a.range.start), min_len);
    out.push_back(std::move(a));
  }
}

void spikes(const meter_series& s, const data_quality_options& o, std::vector<anomaly>& out) {
  const std::size_t n = s.size();
  if (n < 3) return;
  // Robust scale of the interval-to-interval change within ±2 weeks: a summer of large swings
  // (cooling) must not make every summer afternoon a spike, nor a quiet winter hide one.
  std::vector<double> diffs(n, detail::nan);
  for (std::size_t i = 1; i < n; ++i)
    if (s.ts[i] - s.ts[i - 1] == s.interval_seconds)
      diffs[i] = static_cast<double>(s.value[i] - s.value[i - 1]);
  const auto local = detail::rolling_block_stats(s.ts, diffs, 7 * 86400, 2);
  std::vector<double> all;
  all.reserve(n);
  for (double d : diffs)
    if (!std::isnan(d)) all.push_back(d);
  if (all.empty()) return;
  const double global_sd =
      detail::mad_to_sigma * detail::mad_inplace(all, detail::median_inplace(all));
  std::vector<double> vals(n);
  for (std::size_t i = 0; i < n; ++i)
    vals[i] = std::fabs(static_cast<double>(s.value[i]));
  const double level = std::max(detail::median_inplace(vals), 1.0);
  const double floor_need = o.spike_min_relative * level;
  // Robust level per hour of the week (local when a zone is given).
  std::vector<std::uint8_t> slot(n);
  if (o.zone) {
    slot = hour_of_week(s.ts, *o.zone);
  } else {
    for (std::size_t i = 0; i < n; ++i)
      slot[i] = energy::detail::hour_of_week(s.ts[i]);
  }
  std::array<double, 168> centre{}, spread{};
  {
    for (std::size_t i = 0; i < n; ++i)
      vals[i] = static_cast<double>(s.value[i]);
    auto groups = detail::group_by_slot(slot, vals, 168);
    for (std::size_t k = 0; k < 168; ++k) {
      auto g = groups.slot(k);
      centre[k] = detail::median_inplace(g);
      spread[k] =
          g.empty() ? 1.0 : std::max(detail::mad_to_sigma * detail::mad_inplace(g, centre[k]), 1.0);
    }
  }
  for (std::size_t i = 1; i + 1 < n; ++i) {
    if (s.ts[i] - s.ts[i - 1] != s.interval_seconds || s.ts[i + 1] - s.ts[i] != s.interval_seconds)
      continue;
    const auto v = static_cast<double>(s.value[i]);
    const auto a0 = static_cast<double>(s.value[i - 1]);
    const auto a1 = static_cast<double>(s.value[i + 1]);
    const double up = std::min(v - a0, v - a1);
    const double down = std::min(a0 - v, a1 - v);
    const double jump = std::max(up, down);
    const double sd = std::max(std::isnan(local.sigma[i]) ? global_sd : local.sigma[i], 1.0);
    const double need = std::max(o.spike_z * sd, floor_need);
    if (jump <= need) continue;
    const double level_z = (v - centre[slot[i]]) / spread[slot[i]];
    if ((up > down ? level_z : -level_z) <= o.spike_level_z) continue;
    auto a = make(s, s.ts[i], s.ts[i] + s.interval_seconds, anomaly_kind::spike,
                  jump > 3.0 * need ? severity::critical : severity::warning);
    a.score = jump / sd;
    a.expected = static_cast<milli>(std::llround(0.5 * (a0 + a1)));
    a.actual = s.value[i];
    a.explanation = fmt::format(
        "{} of {} at {} between neighbours {} and {} ({:.0f} robust SDs of the "
        "interval-to-interval change)",
        up > down ? "spike" : "dip", detail::amount(s.value[i], s.unit), format_utc(a.range.start),
        detail::amount(s.value[i - 1], s.unit), detail::amount(s.value[i + 1], s.unit), a.score);
    out.push_back(std::move(a));
  }
}

}  // namespace

std::vector<anomaly> detect_data_quality(const meter_series& s, const data_quality_options& o) {
  s.validate();
  std::vector<anomaly> out;
  missing(s, o, out);
  if (s.size() == 0) return out;

  for_each_run(
      s, [&](std::size_t i) { return s.value[i] < 0; },
      [&](std::size_t first, std::size_t last) {
        auto a = make(s, s.ts[first], s.ts[last] + s.interval_seconds, anomaly_kind::negative_value,
                      severity::critical);
        a.actual = total(s, first, last);
        a.score = static_cast<double>(last - first + 1);
        a.explanation =
            fmt::format("{} negative value{} from {} (total {}): consumption cannot be negative",
                        last - first + 1, last > first ? "s" : "", format_utc(a.range.start),
                        detail::amount(a.actual, s.unit));
        out.push_back(std::move(a));
      });
  if (o.max_value) {
    const milli bound = *o.max_value;
    for_each_run(
        s, [&](std::size_t i) { return s.value[i] > bound; },
        [&](std::size_t first, std::size_t last) {
          auto a = make(s, s.ts[first], s.ts[last] + s.interval_seconds,
                        anomaly_kind::impossible_value, severity::critical);
          a.expected = bound * static_cast<milli>(last - first + 1);
          a.actual = total(s, first, last);
          a.score =
              static_cast<double>(a.actual) / static_cast<double>(std::max<milli>(a.expected, 1));
          a.explanation =
              fmt::format("{} value{} from {} above the meter's physical bound of {} per interval",
                          last - first + 1, last > first ? "s" : "", format_utc(a.range.start),
                          detail::amount(bound, s.unit));
          out.push_back(std::move(a));
        });
  }
  flatlines(s, o, out);
  spikes(s, o, out);
  if (!s.quality.empty()) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      if ((s.quality[i] & quality::meter_reset) == 0) continue;
      auto a = make(s, s.ts[i], s.ts[i] + s.interval_seconds, anomaly_kind::meter_reset,
                    severity::warning);
      a.actual = s.value[i];
      a.score = 1.0;
      a.explanation =
          fmt::format("meter register went backwards (reset or replacement) in the interval at {}",
                      format_utc(a.range.start));
      out.push_back(std::move(a));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const anomaly& a, const anomaly& b) {
    return a.range.start != b.range.start ? a.range.start < b.range.start : a.kind < b.kind;
  });
  return out;
}

std::vector<anomaly> detect_register_resets(const uuid& building_id,
                                            const std::optional<uuid>& sensor_id,
                                            std::span<const epoch_seconds> ts,
                                            std::span<const double> reg,
                                            std::optional<double> register_max) {
  if (ts.size() != reg.size())
    throw std::invalid_argument(fmt::format(
        "detect_register_resets: {} timestamps but {} register values", ts.size(), reg.size()));
  for (std::size_t i = 1; i < ts.size(); ++i)
    if (ts[i] <= ts[i - 1])
      throw std::invalid_argument(fmt::format(
          "detect_register_resets: timestamps must be strictly increasing at row {}", i));
  std::vector<anomaly> out;
  for (std::size_t i = 1; i < ts.size(); ++i) {
    if (!std::isfinite(reg[i]) || !std::isfinite(reg[i - 1]) || reg[i] >= reg[i - 1]) continue;
    if (register_max && reg[i - 1] >= 0.9 * *register_max && reg[i] <= 0.1 * *register_max)
      continue;  // rollover
    anomaly a;
    a.building_id = building_id;
    a.sensor_id = sensor_id;
    a.range = time_range{from_epoch(ts[i - 1]), from_epoch(ts[i])};
    a.kind = anomaly_kind::meter_reset;
    a.severity = severity::warning;
    a.expected = to_milli(reg[i - 1]).value_or(0);
    a.actual = to_milli(reg[i]).value_or(0);
    a.score = reg[i - 1] - reg[i];
    a.explanation =
        fmt::format("register fell from {} to {} between {} and {}: reset or meter replacement",
                    reg[i - 1], reg[i], format_utc(a.range.start), format_utc(a.range.end));
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace energy::anomaly
