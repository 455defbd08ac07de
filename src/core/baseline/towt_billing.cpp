// SPDX-License-Identifier: Apache-2.0
#include <energy/baseline/towt_billing.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/baseline/detail.hpp"
#include "core/baseline/stats.hpp"
#include "core/baseline/towt_knots.hpp"

namespace energy::baseline {
namespace {

constexpr std::int64_t seconds_per_hour = 3600;
/// A bill longer than this is refused: no utility bills over years, and a bill's hours are held
/// in memory while it is read.
constexpr std::int64_t max_bill_hours = 400 * 24;
/// Bills and gaps are kept far from the int64 limits (±36 billion years), so that a bill's hours
/// and the gap rule's window around them cannot overflow.
constexpr std::int64_t max_instant = std::int64_t{1} << 60;
constexpr std::int64_t max_gap_seconds = 400 * 86400;

/// The hours of one bill with their outdoor temperature (NaN where the gap rule gives none).
struct bill_hours {
  std::vector<epoch_seconds> start;  ///< start of each hour, UTC
  std::vector<double> temperature;
  std::size_t covered = 0;  ///< hours with a temperature
};

std::string describe(const usage_period& b, std::size_t i) {
  return "bill " + std::to_string(i) + " [" + format_utc(from_epoch(b.start)) + ", " +
         format_utc(from_epoch(b.end)) + ")";
}

/// The hours [start, end) of bill `i` and their temperatures. Only the samples within
/// `max_gap_seconds` of the bill are aligned: an interpolation never uses a sample farther away.
bill_hours hours_of(const usage_period& b, std::size_t i, const temperature_series& temps,
                    const gap_rule& gaps, const char* who) {
  const auto outside = [](epoch_seconds t) { return t < -max_instant || t > max_instant; };
  if (outside(b.start) || outside(b.end))
    throw std::invalid_argument(std::string(who) + ": bill " + std::to_string(i) + " [" +
                                std::to_string(b.start) + ", " + std::to_string(b.end) +
                                ") s since 1970 is outside the supported time range");
  if (b.end <= b.start)
    throw std::invalid_argument(std::string(who) + ": " + describe(b, i) + " has end <= start");
  const std::int64_t span = b.end - b.start;
  if (span % seconds_per_hour != 0)
    throw std::invalid_argument(std::string(who) + ": " + describe(b, i) +
                                " is not a whole number of hours");
  if (span / seconds_per_hour > max_bill_hours)
    throw std::invalid_argument(std::string(who) + ": " + describe(b, i) +
                                " is longer than 400 days");
  bill_hours h;
  const auto n = static_cast<std::size_t>(span / seconds_per_hour);
  h.start.resize(n);
  for (std::size_t k = 0; k < n; ++k)
    h.start[k] = b.start + static_cast<std::int64_t>(k) * seconds_per_hour;
  const auto first =
      std::lower_bound(temps.ts.begin(), temps.ts.end(), b.start - gaps.max_gap_seconds) -
      temps.ts.begin();
  const auto last =
      std::upper_bound(temps.ts.begin(), temps.ts.end(), h.start.back() + gaps.max_gap_seconds) -
      temps.ts.begin();
  temperature_series near;
  near.ts.assign(temps.ts.begin() + first, temps.ts.begin() + last);
  near.value.assign(temps.value.begin() + first, temps.value.begin() + last);
  h.temperature = align_temperature(h.start, near, gaps);
  h.covered = static_cast<std::size_t>(std::count_if(h.temperature.begin(), h.temperature.end(),
                                                     [](double t) { return std::isfinite(t); }));
  return h;
}

void check_temperatures(const temperature_series& temps, const char* who) {
  if (temps.ts.size() != temps.value.size())
    throw std::invalid_argument(std::string(who) + ": temperature ts and value sizes differ");
  for (std::size_t i = 1; i < temps.ts.size(); ++i)
    if (temps.ts[i] <= temps.ts[i - 1])
      throw std::invalid_argument(std::string(who) +
                                  ": temperature timestamps not strictly ascending at index " +
                                  std::to_string(i));
}

bool covered_enough(const bill_hours& h, double min_coverage) {
  return h.covered > 0 &&
         static_cast<double>(h.covered) >= min_coverage * static_cast<double>(h.start.size());
}

void check_options(const towt_billing_options& o) {
  const std::string who = "fit_towt_billing";
  detail::require(
      o.temperature_segments >= 1 && o.temperature_segments <= detail::max_towt_segments,
      who + ": temperature_segments must be 1..12");
  detail::check_fixed_knots(o.fixed_knots, who);
  detail::require(o.occupied_slots.empty() || o.occupied_slots.size() == hours_per_week,
                  who + ": occupied_slots must be empty (one mode) or 168 flags, got " +
                      std::to_string(o.occupied_slots.size()));
  detail::require(o.min_hour_coverage > 0 && o.min_hour_coverage <= 1,
                  who + ": min_hour_coverage must be in (0, 1]");
  detail::require(o.interval_level > 0 && o.interval_level < 1,
                  who + ": interval_level must be in (0, 1)");
  detail::require(o.gaps.max_gap_seconds >= 0 && o.gaps.max_gap_seconds <= max_gap_seconds,
                  who + ": max_gap_seconds must be in 0..400 days");
  detail::require(o.min_residual_degrees_of_freedom >= 1,
                  who + ": min_residual_degrees_of_freedom must be at least 1");
}

}  // namespace

towt_billing_model fit_towt_billing(std::span<const usage_period> bills,
                                    const temperature_series& temps,
                                    const towt_billing_options& o) {
  constexpr const char* who = "fit_towt_billing";
  check_options(o);
  check_temperatures(temps, who);
  const auto occupied_of = [&](std::uint8_t slot) {
    return !o.occupied_slots.empty() && o.occupied_slots[slot] != 0;
  };

  // The usable bills: a usage, and enough hours with a temperature.
  struct usable_bill {
    std::size_t hours = 0;
    double kwh = 0;
    std::vector<double> temperature;  ///< covered hours only
    std::vector<std::uint8_t> occupied;
  };
  std::vector<usable_bill> used;
  std::vector<double> all_temps;
  std::size_t without_usage = 0, thin = 0;
  for (std::size_t i = 0; i < bills.size(); ++i) {
    const bill_hours h = hours_of(bills[i], i, temps, o.gaps, who);
    if (!std::isfinite(bills[i].kwh)) {
      ++without_usage;
      continue;
    }
    if (!covered_enough(h, o.min_hour_coverage)) {
      ++thin;
      continue;
    }
    usable_bill u{.hours = h.start.size(), .kwh = bills[i].kwh};
    const std::vector<std::uint8_t> slots = time_of_week(h.start, o.zone);
    for (std::size_t k = 0; k < h.start.size(); ++k) {
      if (!std::isfinite(h.temperature[k])) continue;
      u.temperature.push_back(h.temperature[k]);
      u.occupied.push_back(occupied_of(slots[k]) ? 1 : 0);
      all_temps.push_back(h.temperature[k]);
    }
    used.push_back(std::move(u));
  }
  if (used.empty())
    throw std::invalid_argument(std::string(who) + ": no usable bill (" +
                                std::to_string(without_usage) + " without usage, " +
                                std::to_string(thin) + " with too few hours of temperature)");

  towt_billing_model m;
  towt_model& hourly = m.hourly;
  hourly.zone = std::string(o.zone.name());
  hourly.interval_seconds = seconds_per_hour;
  hourly.interval_level = o.interval_level;
  hourly.knots = o.fixed_knots.empty() ? detail::quantile_knots(all_temps, o.temperature_segments)
                                       : detail::pruned_knots(o.fixed_knots, all_temps,
                                                              o.min_hours_beyond_outer_knot);
  const std::size_t segs = hourly.knots.size() + 1;

  // Per-hour means of the columns: per mode, the share of covered hours in it and the mean of
  // its temperature components (occupied mode first). Modes without hours are left out.
  bool mode_seen[2] = {false, false};
  for (const auto& u : used)
    for (std::uint8_t occ : u.occupied)
      mode_seen[occ] = true;
  std::array<Eigen::Index, 2> offset{-1, -1};
  Eigen::Index cols = 0;
  for (int mode : {1, 0})
    if (mode_seen[mode]) {
      offset[static_cast<std::size_t>(mode)] = cols;
      cols += static_cast<Eigen::Index>(1 + segs);
    }
  const auto n = static_cast<Eigen::Index>(used.size());
  const auto p = static_cast<std::size_t>(cols);
  if (used.size() < p + o.min_residual_degrees_of_freedom)
    throw std::invalid_argument(
        std::string(who) + ": " + std::to_string(used.size()) + " usable bills for " +
        std::to_string(p) + " parameters (needs " +
        std::to_string(p + o.min_residual_degrees_of_freedom) + "; " +
        std::to_string(without_usage) + " without usage, " + std::to_string(thin) +
        " with too few hours of temperature): use fewer temperature_segments or more bills");

  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(n, cols);
  Eigen::VectorXd y(n), w(n);
  std::array<double, detail::max_towt_segments> comp{};
  for (Eigen::Index r = 0; r < n; ++r) {
    const usable_bill& u = used[static_cast<std::size_t>(r)];
    const double per = 1.0 / static_cast<double>(u.temperature.size());
    for (std::size_t k = 0; k < u.temperature.size(); ++k) {
      const Eigen::Index off = offset[u.occupied[k]];
      temperature_components(u.temperature[k], hourly.knots, std::span<double>(comp.data(), segs));
      x(r, off) += per;
      for (std::size_t j = 0; j < segs; ++j)
        x(r, off + 1 + static_cast<Eigen::Index>(j)) += per * comp[j];
    }
    y(r) = u.kwh / static_cast<double>(u.hours);
    w(r) = static_cast<double>(u.hours);
  }

  // Weighted least squares through a rank-revealing QR of the row-scaled design. A rank below
  // the column count is refused: bills that cannot tell two segments apart would give an
  // arbitrary split that predicts plausible, wrong numbers outside the fit's weather.
  const Eigen::VectorXd sw = w.cwiseSqrt();
  const Eigen::MatrixXd a = sw.asDiagonal() * x;
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(a);
  qr.setThreshold(1e-10);
  if (qr.rank() < cols)
    throw std::invalid_argument(
        std::string(who) + ": the bills cannot separate the model's " + std::to_string(p) +
        " columns (rank " + std::to_string(qr.rank()) +
        "): their temperature components are collinear; use fewer temperature_segments or other "
        "fixed_knots");
  const Eigen::VectorXd theta = qr.solve(sw.cwiseProduct(y));

  const Eigen::VectorXd fitted = x * theta;
  const double wsum = w.sum();
  const double ymean = w.dot(y) / wsum;
  double ss_res = 0, ss_tot = 0;
  for (Eigen::Index r = 0; r < n; ++r) {
    ss_res += w(r) * (y(r) - fitted(r)) * (y(r) - fitted(r));
    ss_tot += w(r) * (y(r) - ymean) * (y(r) - ymean);
  }
  const double dof = static_cast<double>(n) - static_cast<double>(p);
  m.residual_sd = std::sqrt(ss_res / dof);
  m.r_squared = ss_tot > 0 ? 1.0 - ss_res / ss_tot : detail::nan;
  m.adj_r_squared =
      ss_tot > 0 ? 1.0 - (1.0 - m.r_squared) * (static_cast<double>(n) - 1.0) / dof : detail::nan;
  m.interval_level = o.interval_level;
  m.min_hour_coverage = o.min_hour_coverage;
  m.gaps = o.gaps;
  m.observations = used.size();
  m.parameters = p;

  // The hourly model: each slot takes its mode's intercept; a mode without hours has NaN
  // intercepts (its slots cannot be predicted) and zero slopes.
  hourly.occupied.assign(hours_per_week, 0);
  hourly.tow_coefficients.assign(hours_per_week, detail::nan);
  hourly.occupied_slopes.assign(segs, 0.0);
  hourly.unoccupied_slopes.assign(segs, 0.0);
  for (std::size_t s = 0; s < hours_per_week; ++s) {
    const int mode = occupied_of(static_cast<std::uint8_t>(s)) ? 1 : 0;
    hourly.occupied[s] = static_cast<std::uint8_t>(mode);
    if (offset[static_cast<std::size_t>(mode)] >= 0)
      hourly.tow_coefficients[s] = theta(offset[static_cast<std::size_t>(mode)]);
  }
  for (int mode : {1, 0}) {
    const Eigen::Index off = offset[static_cast<std::size_t>(mode)];
    if (off < 0) continue;
    auto& slopes = mode == 1 ? hourly.occupied_slopes : hourly.unoccupied_slopes;
    for (std::size_t j = 0; j < segs; ++j)
      slopes[j] = theta(off + 1 + static_cast<Eigen::Index>(j));
  }
  hourly.residual_lower.assign(hours_per_week, detail::nan);
  hourly.residual_upper.assign(hours_per_week, detail::nan);
  hourly.observations = 0;  // no hourly rows were fitted
  hourly.parameters = p;
  return m;
}

prediction predict(const towt_billing_model& model, std::span<const usage_period> periods,
                   const temperature_series& temps) {
  constexpr const char* who = "predict(towt_billing)";
  detail::require(model.interval_level > 0 && model.interval_level < 1,
                  std::string(who) + ": interval_level must be in (0, 1)");
  detail::require(model.gaps.max_gap_seconds >= 0 && model.gaps.max_gap_seconds <= max_gap_seconds,
                  std::string(who) + ": max_gap_seconds must be in 0..400 days");
  check_temperatures(temps, who);
  const double z = detail::normal_quantile(0.5 + model.interval_level / 2.0);
  prediction p;
  p.expected.assign(periods.size(), detail::nan);
  p.lower.assign(periods.size(), detail::nan);
  p.upper.assign(periods.size(), detail::nan);
  for (std::size_t i = 0; i < periods.size(); ++i) {
    const bill_hours h = hours_of(periods[i], i, temps, model.gaps, who);
    if (!covered_enough(h, model.min_hour_coverage)) continue;
    // The hourly model itself, so bill totals and the hourly load they imply never disagree.
    const prediction hourly = predict(model.hourly, h.start, h.temperature);
    double sum = 0;
    std::size_t count = 0;
    for (double e : hourly.expected)
      if (std::isfinite(e)) {
        sum += e;
        ++count;
      }
    if (count == 0 || count < h.covered) continue;  // a slot the bills never covered
    const double hours = static_cast<double>(h.start.size());
    p.expected[i] = sum / static_cast<double>(count) * hours;
    const double half = z * model.residual_sd * std::sqrt(hours);
    p.lower[i] = p.expected[i] - half;
    p.upper[i] = p.expected[i] + half;
  }
  return p;
}

}  // namespace energy::baseline
