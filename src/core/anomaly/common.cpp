// SPDX-License-Identifier: Apache-2.0
#include <stdexcept>

#include <fmt/format.h>

#include "core/anomaly/detail.hpp"
#include "core/enum_table.hpp"

namespace energy::anomaly {

namespace {
constexpr auto anomaly_kind_names = energy::detail::make_enum_table<anomaly_kind>(
    "anomaly_kind", {{anomaly_kind::threshold_exceeded, "threshold_exceeded"},
                     {anomaly_kind::baseline_deviation, "baseline_deviation"},
                     {anomaly_kind::flatline, "flatline"},
                     {anomaly_kind::spike, "spike"},
                     {anomaly_kind::negative_value, "negative_value"},
                     {anomaly_kind::impossible_value, "impossible_value"},
                     {anomaly_kind::missing_data, "missing_data"},
                     {anomaly_kind::meter_reset, "meter_reset"},
                     {anomaly_kind::after_hours_waste, "after_hours_waste"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(anomaly_kind) noexcept {
  return anomaly_kind_names;
}
std::string_view to_string(anomaly_kind k) noexcept {
  return anomaly_kind_names.name(k);
}

namespace {
constexpr auto severity_names = energy::detail::make_enum_table<severity>(
    "severity",
    {{severity::info, "info"}, {severity::warning, "warning"}, {severity::critical, "critical"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(severity) noexcept {
  return severity_names;
}
std::string_view to_string(severity s) noexcept {
  return severity_names.name(s);
}

void meter_series::validate() const {
  if (interval_seconds <= 0)
    throw std::invalid_argument(
        fmt::format("meter_series: interval_seconds must be positive, got {}", interval_seconds));
  if (value.size() != ts.size())
    throw std::invalid_argument(
        fmt::format("meter_series: {} timestamps but {} values", ts.size(), value.size()));
  if (!quality.empty() && quality.size() != ts.size())
    throw std::invalid_argument(
        fmt::format("meter_series: {} timestamps but {} quality flags", ts.size(), quality.size()));
  for (std::size_t i = 1; i < ts.size(); ++i)
    if (ts[i] <= ts[i - 1])
      throw std::invalid_argument(
          fmt::format("meter_series: timestamps must be strictly increasing; row {} ({}) is not "
                      "after row {} ({})",
                      i, format_utc(from_epoch(ts[i])), i - 1, format_utc(from_epoch(ts[i - 1]))));
}

std::vector<std::uint8_t> hour_of_week(std::span<const epoch_seconds> ts, const time_zone& zone) {
  return energy::detail::hours_of_week(ts, zone);
}

std::vector<std::int64_t> local_seconds(std::span<const epoch_seconds> ts, const time_zone& zone) {
  detail::offset_cache tz(zone);
  std::vector<std::int64_t> out(ts.size());
  for (std::size_t i = 0; i < ts.size(); ++i)
    out[i] = tz.local(ts[i]);
  return out;
}

namespace detail {

double mad_inplace(std::span<double> v, double centre) {
  for (double& x : v)
    x = std::fabs(x - centre);
  return median_inplace(v);
}

slot_groups group_by_slot(std::span<const std::uint8_t> slot, std::span<const double> value,
                          std::size_t slots, std::span<const std::uint8_t> use) {
  slot_groups g;
  g.begin.assign(slots + 1, 0);
  auto keep = [&](std::size_t i) { return !std::isnan(value[i]) && (use.empty() || use[i] != 0); };
  for (std::size_t i = 0; i < slot.size(); ++i)
    if (keep(i)) ++g.begin[slot[i] + 1u];
  for (std::size_t s = 0; s < slots; ++s)
    g.begin[s + 1] += g.begin[s];
  g.values.resize(g.begin[slots]);
  std::vector<std::size_t> fill(g.begin.begin(), g.begin.end() - 1);
  for (std::size_t i = 0; i < slot.size(); ++i)
    if (keep(i)) g.values[fill[slot[i]]++] = value[i];
  return g;
}

std::vector<flagged_run> merge_flagged(std::span<const epoch_seconds> ts, std::int32_t interval,
                                       std::span<const std::int8_t> sign, std::span<const double> z,
                                       std::int64_t merge_gap, std::int64_t min_duration) {
  std::vector<flagged_run> out;
  flagged_run cur;
  bool open = false;
  auto close = [&] {
    if (open && ts[cur.last] + interval - ts[cur.first] >= min_duration) out.push_back(cur);
    open = false;
  };
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (sign[i] == 0) continue;
    if (open && sign[i] == cur.sign && ts[i] - (ts[cur.last] + interval) <= merge_gap) {
      cur.last = i;
      cur.z_sum += z[i];
      ++cur.flagged;
      continue;
    }
    close();
    cur = flagged_run{i, i, sign[i], z[i], 1};
    open = true;
  }
  close();
  return out;
}

local_stats rolling_block_stats(std::span<const epoch_seconds> ts, std::span<const double> x,
                                std::int64_t block_seconds, std::int64_t radius,
                                std::size_t min_count) {
  const std::size_t n = ts.size();
  local_stats out{std::vector<double>(n, nan), std::vector<double>(n, nan)};
  if (n == 0) return out;
  std::vector<std::size_t> block(n);
  for (std::size_t i = 0; i < n; ++i)
    block[i] = static_cast<std::size_t>((ts[i] - ts[0]) / block_seconds);
  const std::size_t nb = block[n - 1] + 1;
  std::vector<std::size_t> begin(nb + 1, 0);
  std::vector<double> vals;
  vals.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(x[i])) {
      vals.push_back(x[i]);
      ++begin[block[i] + 1];
    }
  for (std::size_t b = 0; b < nb; ++b)
    begin[b + 1] += begin[b];
  std::vector<double> tmp;
  std::vector<double> centre(nb, nan), sigma(nb, nan);
  const auto r = static_cast<std::size_t>(radius);
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t lo = begin[b >= r ? b - r : 0];
    const std::size_t hi = begin[std::min(nb, b + r + 1)];
    if (hi - lo < min_count) continue;
    tmp.assign(vals.begin() + static_cast<std::ptrdiff_t>(lo),
               vals.begin() + static_cast<std::ptrdiff_t>(hi));
    centre[b] = median_inplace(tmp);
    sigma[b] = mad_to_sigma * mad_inplace(tmp, centre[b]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    out.centre[i] = centre[block[i]];
    out.sigma[i] = sigma[block[i]];
  }
  return out;
}

std::pair<milli, milli> run_totals(const flagged_run& run, std::span<const double> expected,
                                   std::span<const milli> value) {
  double exp_total = 0.0;
  milli act_total = 0;
  for (std::size_t i = run.first; i <= run.last; ++i) {
    if (std::isnan(expected[i])) continue;
    exp_total += expected[i];
    act_total += value[i];
  }
  return {static_cast<milli>(std::llround(exp_total)), act_total};
}

std::string amount(milli v, std::string_view unit) {
  return fmt::format("{} {}", format_milli(v), unit);
}

}  // namespace detail
}  // namespace energy::anomaly

template struct energy::detail::enum_names<energy::anomaly::anomaly_kind>;

template struct energy::detail::enum_names<energy::anomaly::severity>;
