// SPDX-License-Identifier: Apache-2.0
#include <energy/baseline/caltrack_hourly.hpp>
#include <energy/baseline/towt.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "core/baseline/detail.hpp"
#include "core/baseline/slot_regression.hpp"
#include "core/time/local_clock.hpp"
#include "core/enum_table.hpp"

namespace energy::baseline {
namespace {

constexpr std::size_t tow_slots = hours_per_week;
constexpr std::int64_t hour = 3600;
constexpr std::array<const char*, 12> month_abbrev = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};

/// °F as the reference computes it from °C (eemeter's `degc`: 32 + T * 1.8).
double to_fahrenheit(double t, temperature_unit u) {
  return u == temperature_unit::celsius ? 32 + (t * 1.8) : t;
}

void check_options(const caltrack_hourly_options& o) {
  detail::require(o.unit != temperature_unit::unspecified,
                  "fit_caltrack_hourly: options.unit is unspecified; say whether the temperatures "
                  "are fahrenheit or celsius (the reference's constants are °F and °C input is "
                  "converted, as eemeter's degc=True does)");
  detail::require(o.neighbour_month_weight >= 0 && o.neighbour_month_weight <= 1,
                  "fit_caltrack_hourly: neighbour_month_weight must be in [0, 1]");
  detail::require(o.occupancy_threshold > 0 && o.occupancy_threshold < 1,
                  "fit_caltrack_hourly: occupancy_threshold must be in (0, 1)");
  detail::require(std::isfinite(o.occupancy_cooling_balance_point) &&
                      std::isfinite(o.occupancy_heating_balance_point),
                  "fit_caltrack_hourly: occupancy balance points must be finite");
  detail::require(o.bin_endpoints.size() <= 20, "fit_caltrack_hourly: more than 20 bin_endpoints");
  for (std::size_t k = 0; k < o.bin_endpoints.size(); ++k)
    detail::require(std::isfinite(o.bin_endpoints[k]) &&
                        (k == 0 || o.bin_endpoints[k] > o.bin_endpoints[k - 1]),
                    "fit_caltrack_hourly: bin_endpoints[" + std::to_string(k) +
                        "] is not finite or not above the previous endpoint");
  detail::require(o.max_baseline_days >= 0 && o.min_baseline_days >= 0 &&
                      o.min_month_coverage >= 0 && o.min_month_coverage <= 1,
                  "fit_caltrack_hourly: max_baseline_days and min_baseline_days must be >= 0 and "
                  "min_month_coverage "
                  "in [0, 1]");
}

/// CalTRACK's data sufficiency: baseline length and each calendar month's hourly coverage. Every
/// shortfall is collected so that one error says all that is short.
void check_sufficiency(const load_series& load, const std::vector<std::uint8_t>& usable,
                       const std::vector<int>& month, energy::detail::offset_cache& clock,
                       const caltrack_hourly_options& o) {
  const auto [lo, hi] = std::minmax_element(load.ts.begin(), load.ts.end());
  const std::int64_t span = *hi + hour - *lo;
  const double days = static_cast<double>(span) / 86400;
  std::vector<std::string> shortfalls;
  const std::string range =
      format_utc(from_epoch(*lo)) + " to " + format_utc(from_epoch(*hi + hour));
  if (o.max_baseline_days > 0 && days > o.max_baseline_days)
    shortfalls.push_back(fmt::format(
        "the baseline spans {:.2f} days ({}), more than max_baseline_days = {}; pass the last "
        "year",
        days, range, o.max_baseline_days));
  if (o.min_baseline_days > 0 && days < o.min_baseline_days)
    shortfalls.push_back(
        fmt::format("the baseline spans {:.2f} days ({}), less than min_baseline_days = {}", days,
                    range, o.min_baseline_days));
  if (o.min_month_coverage > 0) {
    std::array<double, 12> hours{}, valid{};
    for (std::int64_t t = *lo; t <= *hi; t += hour)
      hours[static_cast<std::size_t>(energy::detail::local_month0(clock.local(t)))] += 1;
    for (std::size_t i = 0; i < usable.size(); ++i)
      if (usable[i]) valid[static_cast<std::size_t>(month[i])] += 1;
    std::string short_months;
    for (std::size_t m = 0; m < 12; ++m) {
      const double cover = hours[m] > 0 ? std::min(1.0, valid[m] / hours[m]) : 0.0;
      if (cover >= o.min_month_coverage) continue;
      if (!short_months.empty()) short_months += ", ";
      short_months += hours[m] > 0 ? fmt::format("{} {:.1f} % ({} of {} h)", month_abbrev[m],
                                                 100 * cover, valid[m], hours[m])
                                   : fmt::format("{} not in the baseline", month_abbrev[m]);
    }
    if (!short_months.empty())
      shortfalls.push_back(fmt::format(
          "every calendar month needs {:.0f} % of its hours with a finite load and temperature "
          "(min_month_coverage); short: {}",
          100 * o.min_month_coverage, short_months));
  }
  if (shortfalls.empty()) return;
  std::string msg =
      "fit_caltrack_hourly: data sufficiency (CalTRACK 2.0: a 365-day baseline, "
      "90 % hourly coverage per month): ";
  for (std::size_t k = 0; k < shortfalls.size(); ++k)
    msg += (k == 0 ? "" : "; ") + shortfalls[k];
  throw std::invalid_argument(msg);
}

std::size_t mode_offset(const caltrack_hourly_segment& s, std::size_t slot) {
  return s.occupied[slot] ? 0 : s.occupied_bin_endpoints.size() + 1;
}

std::span<const double> mode_endpoints(const caltrack_hourly_segment& s, std::size_t slot) {
  return s.occupied[slot] ? std::span<const double>(s.occupied_bin_endpoints)
                          : std::span<const double>(s.unoccupied_bin_endpoints);
}

/// Fits one segment on the usable rows with their segment weights (rows of weight 0 skipped).
caltrack_hourly_segment fit_segment(std::string name, const std::vector<double>& y,
                                    const std::vector<double>& tf,
                                    const std::vector<std::uint8_t>& slot,
                                    const std::vector<double>& weight,
                                    const caltrack_hourly_options& o) {
  caltrack_hourly_segment seg;
  seg.name = std::move(name);
  std::vector<double> sy, st, sw;
  std::vector<std::uint8_t> ss;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (weight[i] <= 0) continue;
    sy.push_back(y[i]);
    st.push_back(tf[i]);
    ss.push_back(slot[i]);
    sw.push_back(weight[i]);
  }
  seg.occupied = caltrack_occupancy(sy, st, ss, sw, o.occupancy_cooling_balance_point,
                                    o.occupancy_heating_balance_point, o.occupancy_threshold);
  std::vector<double> occ_t, unocc_t;
  for (std::size_t i = 0; i < st.size(); ++i)
    (seg.occupied[ss[i]] ? occ_t : unocc_t).push_back(st[i]);
  seg.occupied_bin_endpoints = caltrack_bin_endpoints(occ_t, o.bin_endpoints, o.min_bin_count);
  seg.unoccupied_bin_endpoints = caltrack_bin_endpoints(unocc_t, o.bin_endpoints, o.min_bin_count);
  const std::size_t no = seg.occupied_bin_endpoints.size() + 1;
  const std::size_t nu = seg.unoccupied_bin_endpoints.size() + 1;
  detail::slot_regression reg(tow_slots, no + nu);
  std::vector<double> comp(std::max(no, nu));
  for (std::size_t i = 0; i < sy.size(); ++i) {
    const std::span<const double> e = mode_endpoints(seg, ss[i]);
    const std::span<double> c(comp.data(), e.size() + 1);
    caltrack_bin_features(st[i], e, c);
    reg.add(ss[i], mode_offset(seg, ss[i]), c, sy[i], sw[i]);
  }
  const detail::slot_regression::solution sol = reg.solve();
  seg.tow_coefficients = sol.alpha;
  seg.occupied_slopes.assign(sol.beta.begin(), sol.beta.begin() + static_cast<std::ptrdiff_t>(no));
  seg.unoccupied_slopes.assign(sol.beta.begin() + static_cast<std::ptrdiff_t>(no), sol.beta.end());
  seg.observations = sy.size();
  seg.parameters = sol.slots_with_data + sol.rank;
  seg.rank_deficient = sol.rank_deficient;
  return seg;
}

}  // namespace

namespace {
constexpr auto temperature_unit_names = energy::detail::make_enum_table<temperature_unit>(
    "temperature_unit", {{temperature_unit::unspecified, "unspecified"},
                         {temperature_unit::fahrenheit, "fahrenheit"},
                         {temperature_unit::celsius, "celsius"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(temperature_unit) noexcept {
  return temperature_unit_names;
}
std::string_view to_string(temperature_unit u) noexcept {
  return temperature_unit_names.name(u);
}

namespace {
constexpr auto caltrack_segmentation_names = energy::detail::make_enum_table<caltrack_segmentation>(
    "caltrack_segmentation", {{caltrack_segmentation::three_month_weighted, "three_month_weighted"},
                              {caltrack_segmentation::single, "single"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(caltrack_segmentation) noexcept {
  return caltrack_segmentation_names;
}
std::string_view to_string(caltrack_segmentation s) noexcept {
  return caltrack_segmentation_names.name(s);
}

std::string caltrack_segment_name(int month) {
  const auto at = [](int m) { return month_abbrev[static_cast<std::size_t>((m % 12 + 12) % 12)]; };
  return fmt::format("{}-{}-{}-weighted", at(month - 1), at(month), at(month + 1));
}

double caltrack_segment_weight(int segment_month, int row_month, double neighbour_weight) noexcept {
  const int d = ((row_month - segment_month) % 12 + 12) % 12;
  if (d == 0) return 1.0;
  return d == 1 || d == 11 ? neighbour_weight : 0.0;
}

std::vector<double> caltrack_bin_endpoints(std::span<const double> temperatures,
                                           std::vector<double> candidates, std::size_t min_count) {
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::vector<double> temps;
  for (double t : temperatures)
    if (!std::isnan(t)) temps.push_back(t);
  std::sort(temps.begin(), temps.end());
  std::vector<double> kept = candidates;
  for (;;) {
    // Counts of the right-closed bins (-inf, e0], (e0, e1], ..., (ek, inf).
    std::vector<std::size_t> count(kept.size() + 1, 0);
    for (double t : temps)
      ++count[static_cast<std::size_t>(std::lower_bound(kept.begin(), kept.end(), t) -
                                       kept.begin())];
    if (count.size() == 1) break;
    std::set<double> drop;
    // From the outside in: the distribution is thinnest at its edges.
    if (count.front() < min_count) drop.insert(kept.front());
    if (count.back() < min_count) drop.insert(kept.back());
    if (drop.empty())
      for (std::size_t i = 1; i + 1 < count.size(); ++i)
        if (count[i] < min_count) drop.insert(kept[i]);  // merge bin i into the next one
    if (drop.empty()) break;
    std::erase_if(kept, [&](double e) { return drop.contains(e); });
  }
  return kept;
}

void caltrack_bin_features(double t, std::span<const double> endpoints, std::span<double> out) {
  temperature_components(t, endpoints, out);  // the same piecewise-linear basis as TOWT
}

std::vector<std::uint8_t> caltrack_occupancy(std::span<const double> kwh,
                                             std::span<const double> temperature_f,
                                             std::span<const std::uint8_t> slot,
                                             std::span<const double> weight,
                                             double cooling_balance_point,
                                             double heating_balance_point, double threshold) {
  std::vector<std::uint8_t> occ(tow_slots, 0);
  const auto n = static_cast<Eigen::Index>(kwh.size());
  if (n == 0) return occ;
  // Whitened design: each row scaled by sqrt(weight), as weighted least squares does.
  Eigen::MatrixXd x(n, 3);
  Eigen::VectorXd yy(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const double sw = std::sqrt(weight[k]);
    x(i, 0) = sw;
    x(i, 1) = sw * std::max(temperature_f[k] - cooling_balance_point, 0.0);
    x(i, 2) = sw * std::max(heating_balance_point - temperature_f[k], 0.0);
    yy(i) = sw * kwh[k];
  }
  const Eigen::Vector3d b = x.completeOrthogonalDecomposition().solve(yy);
  std::array<std::size_t, tow_slots> positive{}, count{};
  for (std::size_t i = 0; i < kwh.size(); ++i) {
    const double fit = b(0) + b(1) * std::max(temperature_f[i] - cooling_balance_point, 0.0) +
                       b(2) * std::max(heating_balance_point - temperature_f[i], 0.0);
    ++count[slot[i]];
    if (kwh[i] - fit > 0) ++positive[slot[i]];
  }
  for (std::size_t s = 0; s < tow_slots; ++s)
    occ[s] =
        count[s] > 0 && static_cast<double>(positive[s]) > threshold * static_cast<double>(count[s])
            ? 1
            : 0;
  return occ;
}

caltrack_hourly_model fit_caltrack_hourly(const load_series& load,
                                          std::span<const double> temperature,
                                          const caltrack_hourly_options& options) {
  check_options(options);
  if (load.ts.size() != load.kwh.size() || load.ts.size() != temperature.size())
    throw std::invalid_argument(
        "fit_caltrack_hourly: ts, kwh and temperature must have the same size (" +
        std::to_string(load.ts.size()) + ", " + std::to_string(load.kwh.size()) + ", " +
        std::to_string(temperature.size()) + ")");
  if (load.interval_seconds != hour)
    throw std::invalid_argument(
        "fit_caltrack_hourly: CalTRACK hourly needs hourly rows (interval_seconds = 3600), got " +
        std::to_string(load.interval_seconds) + "; sum sub-hourly data to hours first");
  if (load.ts.empty()) throw std::invalid_argument("fit_caltrack_hourly: no rows");
  energy::detail::offset_cache clock{options.zone};
  const std::vector<std::uint8_t> all_slots = time_of_week(load.ts, options.zone);

  std::vector<std::uint8_t> usable(load.size(), 0);
  std::vector<int> month(load.size());
  std::vector<double> y, tf, w_all;
  std::vector<std::uint8_t> slot;
  std::vector<int> row_month;
  for (std::size_t i = 0; i < load.size(); ++i) {
    month[i] = energy::detail::local_month0(clock.local(load.ts[i]));
    if (!std::isfinite(load.kwh[i]) || !std::isfinite(temperature[i])) continue;
    usable[i] = 1;
    y.push_back(load.kwh[i]);
    tf.push_back(to_fahrenheit(temperature[i], options.unit));
    slot.push_back(all_slots[i]);
    row_month.push_back(month[i]);
  }
  if (y.empty())
    throw std::invalid_argument(
        "fit_caltrack_hourly: no row with both a finite load and a finite temperature");
  check_sufficiency(load, usable, month, clock, options);

  caltrack_hourly_model m;
  m.zone = std::string(options.zone.name());
  m.unit = options.unit;
  m.segmentation = options.segmentation;
  m.candidate_bin_endpoints = options.bin_endpoints;
  std::vector<double> weight(y.size(), 1.0);
  if (options.segmentation == caltrack_segmentation::single) {
    m.segments.push_back(fit_segment("all", y, tf, slot, weight, options));
    return m;
  }
  for (int s = 0; s < 12; ++s) {
    for (std::size_t i = 0; i < y.size(); ++i)
      weight[i] = caltrack_segment_weight(s, row_month[i], options.neighbour_month_weight);
    m.segments.push_back(fit_segment(caltrack_segment_name(s), y, tf, slot, weight, options));
  }
  return m;
}

prediction predict(const caltrack_hourly_model& model, std::span<const epoch_seconds> ts,
                   std::span<const double> temperature) {
  if (ts.size() != temperature.size())
    throw std::invalid_argument("predict(caltrack_hourly): ts and temperature sizes differ");
  const std::size_t want = model.segmentation == caltrack_segmentation::single ? 1 : 12;
  if (model.segments.size() != want)
    throw std::invalid_argument(
        "predict(caltrack_hourly): malformed model: " + std::to_string(model.segments.size()) +
        " segments, expected " + std::to_string(want));
  if (model.unit == temperature_unit::unspecified)
    throw std::invalid_argument("predict(caltrack_hourly): model unit is unspecified");
  for (std::size_t k = 0; k < model.segments.size(); ++k) {
    const caltrack_hourly_segment& s = model.segments[k];
    if (s.occupied.size() != tow_slots || s.tow_coefficients.size() != tow_slots ||
        s.occupied_slopes.size() != s.occupied_bin_endpoints.size() + 1 ||
        s.unoccupied_slopes.size() != s.unoccupied_bin_endpoints.size() + 1)
      throw std::invalid_argument("predict(caltrack_hourly): malformed model: segment " +
                                  std::to_string(k) + " (" + s.name +
                                  ") has wrong coefficient vector sizes");
  }
  energy::detail::offset_cache clock{find_zone(model.zone)};
  prediction p;
  p.expected.assign(ts.size(), detail::nan);
  p.lower.assign(ts.size(), detail::nan);
  p.upper.assign(ts.size(), detail::nan);
  std::vector<double> comp(model.candidate_bin_endpoints.size() + 1);
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (!std::isfinite(temperature[i])) continue;
    const std::int64_t local = clock.local(ts[i]);
    const caltrack_hourly_segment& seg =
        model.segments[want == 1 ? 0
                                 : static_cast<std::size_t>(energy::detail::local_month0(local))];
    const std::size_t s = detail::hour_of_week(local);
    if (!std::isfinite(seg.tow_coefficients[s])) continue;
    const std::span<const double> e = mode_endpoints(seg, s);
    if (comp.size() < e.size() + 1) comp.resize(e.size() + 1);
    const std::span<double> c(comp.data(), e.size() + 1);
    caltrack_bin_features(to_fahrenheit(temperature[i], model.unit), e, c);
    const std::vector<double>& slopes =
        seg.occupied[s] ? seg.occupied_slopes : seg.unoccupied_slopes;
    double v = seg.tow_coefficients[s];
    for (std::size_t j = 0; j < c.size(); ++j)
      v += slopes[j] * c[j];
    p.expected[i] = v;
  }
  return p;
}

}  // namespace energy::baseline

template struct energy::detail::enum_names<energy::baseline::temperature_unit>;

template struct energy::detail::enum_names<energy::baseline::caltrack_segmentation>;
