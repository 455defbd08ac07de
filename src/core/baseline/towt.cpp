// SPDX-License-Identifier: Apache-2.0
#include <energy/baseline/towt.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/baseline/detail.hpp"
#include "core/baseline/slot_regression.hpp"
#include "core/baseline/towt_knots.hpp"
#include "core/enum_table.hpp"

namespace energy::baseline {
namespace {

constexpr std::size_t tow_slots = hours_per_week;
constexpr int max_segments = detail::max_towt_segments;

constexpr std::int64_t seconds_per_day = 86400;

void check_interval(std::int64_t interval_seconds, const char* who) {
  if (interval_seconds == seconds_per_day) return;
  if (interval_seconds <= 0 || interval_seconds > 3600 || 3600 % interval_seconds != 0)
    throw std::invalid_argument(std::string(who) +
                                ": interval_seconds must divide 3600 or be 86400 (daily), got " +
                                std::to_string(interval_seconds));
}

/// Time-of-week slot of each row: the hour-of-week it starts in, or for daily rows (which must
/// start at a local midnight) the slot of the day's first hour, weekday * 24.
std::vector<std::uint8_t> slots_of(std::span<const epoch_seconds> ts, const time_zone& zone,
                                   std::int64_t interval_seconds, const char* who) {
  if (interval_seconds != seconds_per_day) return time_of_week(ts, zone);
  detail::offset_cache clock{zone};
  std::vector<std::uint8_t> out(ts.size());
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const std::int64_t local = clock.local(ts[i]);
    if (local != detail::local_day(local) * seconds_per_day)
      throw std::invalid_argument(
          std::string(who) + ": daily row " + std::to_string(i) + " (" +
          format_utc(from_epoch(ts[i])) + ") does not start at a local midnight in " +
          std::string(zone.name()) +
          "; a daily row is one local day, starting at its 00:00 local time");
    out[i] = detail::hour_of_week(local);
  }
  return out;
}

/// Fitted values of the occupancy regression. Single line: load ~ a + b*T in closed form.
/// Fixed hinges: load ~ a + b1*min(T - h1, 0) + b2*max(T - h2, 0) by a complete orthogonal
/// decomposition (minimum norm, so a hinge column without data is in effect dropped, as R's lm
/// does with an NA coefficient).
std::vector<double> occupancy_fit(const std::vector<double>& y, const std::vector<double>& t,
                                  const towt_options& o) {
  const auto n = static_cast<double>(y.size());
  std::vector<double> fit(y.size());
  if (o.occupancy == occupancy_rule::single_line) {
    double my = 0, mt = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      my += y[i];
      mt += t[i];
    }
    my /= n;
    mt /= n;
    double stt = 0, sty = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      stt += (t[i] - mt) * (t[i] - mt);
      sty += (t[i] - mt) * (y[i] - my);
    }
    const double b = stt > 0 ? sty / stt : 0.0;
    const double a = my - b * mt;
    for (std::size_t i = 0; i < y.size(); ++i)
      fit[i] = a + b * t[i];
    return fit;
  }
  const auto rows = static_cast<Eigen::Index>(y.size());
  Eigen::MatrixXd x(rows, 3);
  Eigen::VectorXd yy(rows);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const double ti = t[static_cast<std::size_t>(i)];
    yy(i) = y[static_cast<std::size_t>(i)];
    x(i, 0) = 1.0;
    x(i, 1) = std::min(ti - o.occupancy_hinges[0], 0.0);
    x(i, 2) = std::max(ti - o.occupancy_hinges[1], 0.0);
  }
  const Eigen::VectorXd f = x * x.completeOrthogonalDecomposition().solve(yy);
  for (std::size_t i = 0; i < y.size(); ++i)
    fit[i] = f(static_cast<Eigen::Index>(i));
  return fit;
}

/// Occupied slots: more than `occupied_threshold` of the slot's occupancy-regression residuals
/// are positive.
std::vector<std::uint8_t> detect_occupancy(const std::vector<double>& y,
                                           const std::vector<double>& t,
                                           const std::vector<std::uint8_t>& slot,
                                           const towt_options& o) {
  const std::vector<double> fit = occupancy_fit(y, t, o);
  std::array<std::size_t, tow_slots> positive{}, count{};
  for (std::size_t i = 0; i < y.size(); ++i) {
    ++count[slot[i]];
    if (y[i] - fit[i] > 0) ++positive[slot[i]];
  }
  std::vector<std::uint8_t> occ(tow_slots, 0);
  std::size_t occupied = 0;
  for (std::size_t s = 0; s < tow_slots; ++s) {
    occ[s] = count[s] > 0 && static_cast<double>(positive[s]) >
                                 o.occupied_threshold * static_cast<double>(count[s])
                 ? 1
                 : 0;
    occupied += occ[s];
  }
  // The reference code keeps the occupied mode only when more than two slots are in it.
  if (o.occupancy == occupancy_rule::fixed_hinges && occupied <= 2)
    std::fill(occ.begin(), occ.end(), 0);
  return occ;
}

}  // namespace

namespace {
constexpr auto occupancy_rule_names = energy::detail::make_enum_table<occupancy_rule>(
    "occupancy_rule", {{occupancy_rule::single_line, "single_line"},
                       {occupancy_rule::fixed_hinges, "fixed_hinges"},
                       {occupancy_rule::given, "given"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(occupancy_rule) noexcept {
  return occupancy_rule_names;
}
std::string_view to_string(occupancy_rule r) noexcept {
  return occupancy_rule_names.name(r);
}

towt_model make_towt_model(const towt_parameters& p) {
  check_interval(p.interval_seconds, "make_towt_model");
  detail::require(p.knots.size() < static_cast<std::size_t>(max_segments),
                  "make_towt_model: more than 11 knots");
  for (std::size_t k = 0; k < p.knots.size(); ++k)
    detail::require(std::isfinite(p.knots[k]) && (k == 0 || p.knots[k] > p.knots[k - 1]),
                    "make_towt_model: knots[" + std::to_string(k) +
                        "] is not finite or not above the previous knot");
  const std::size_t segs = p.knots.size() + 1;
  auto sized = [](std::size_t got, std::size_t want, const char* field) {
    detail::require(got == want, std::string("make_towt_model: ") + field + " has " +
                                     std::to_string(got) + " elements, expected " +
                                     std::to_string(want));
  };
  sized(p.occupied.size(), tow_slots, "occupied");
  sized(p.tow_coefficients.size(), tow_slots, "tow_coefficients");
  sized(p.occupied_slopes.size(), segs, "occupied_slopes (knots + 1)");
  sized(p.unoccupied_slopes.size(), segs, "unoccupied_slopes (knots + 1)");
  for (std::size_t j = 0; j < segs; ++j)
    detail::require(std::isfinite(p.occupied_slopes[j]) && std::isfinite(p.unoccupied_slopes[j]),
                    "make_towt_model: slope " + std::to_string(j) + " is not finite");
  towt_model m;
  m.zone = std::string(p.zone.name());
  m.interval_seconds = p.interval_seconds;
  m.knots = p.knots;
  m.occupied.resize(tow_slots);
  bool modes[2] = {false, false};
  std::size_t alphas = 0;
  for (std::size_t s = 0; s < tow_slots; ++s) {
    m.occupied[s] = p.occupied[s] != 0 ? 1 : 0;
    if (std::isfinite(p.tow_coefficients[s])) {
      ++alphas;
      modes[m.occupied[s]] = true;
    }
  }
  m.tow_coefficients = p.tow_coefficients;
  m.occupied_slopes = p.occupied_slopes;
  m.unoccupied_slopes = p.unoccupied_slopes;
  m.residual_lower.assign(tow_slots, detail::nan);
  m.residual_upper.assign(tow_slots, detail::nan);
  m.observations = 0;
  m.parameters = alphas + segs * ((modes[0] ? 1 : 0) + (modes[1] ? 1 : 0));
  return m;
}

void temperature_components(double t, std::span<const double> knots, std::span<double> out) {
  const std::size_t k = knots.size();
  if (out.size() != k + 1)
    throw std::invalid_argument("temperature_components: out must have knots+1 elements");
  if (k == 0) {
    out[0] = t;
    return;
  }
  out[0] = std::min(t, knots[0]);
  for (std::size_t j = 1; j < k; ++j)
    out[j] = std::clamp(t - knots[j - 1], 0.0, knots[j] - knots[j - 1]);
  out[k] = std::max(t - knots[k - 1], 0.0);
}

towt_model fit_towt(const load_series& load, std::span<const double> temperature,
                    const towt_options& options) {
  if (load.ts.size() != load.kwh.size() || load.ts.size() != temperature.size())
    throw std::invalid_argument("fit_towt: ts, kwh and temperature must have the same size (" +
                                std::to_string(load.ts.size()) + ", " +
                                std::to_string(load.kwh.size()) + ", " +
                                std::to_string(temperature.size()) + ")");
  check_interval(load.interval_seconds, "fit_towt");
  detail::require(options.temperature_segments >= 1 && options.temperature_segments <= max_segments,
                  "fit_towt: temperature_segments must be 1..12");
  detail::require(options.occupied_threshold > 0 && options.occupied_threshold < 1,
                  "fit_towt: occupied_threshold must be in (0, 1)");
  detail::require(options.interval_level > 0 && options.interval_level < 1,
                  "fit_towt: interval_level must be in (0, 1)");
  if (options.occupancy == occupancy_rule::fixed_hinges)
    detail::require(options.occupancy_hinges.size() == 2 &&
                        std::isfinite(options.occupancy_hinges[0]) &&
                        std::isfinite(options.occupancy_hinges[1]) &&
                        options.occupancy_hinges[0] < options.occupancy_hinges[1],
                    "fit_towt: occupancy rule fixed_hinges needs occupancy_hinges = {low, high}, "
                    "ascending, in the unit of the temperatures ({50, 65} for °F as the "
                    "reference code, {10, 18.333} for °C)");
  if (options.occupancy == occupancy_rule::given)
    detail::require(options.occupied_slots.size() == tow_slots,
                    "fit_towt: occupancy rule given needs occupied_slots with 168 flags, got " +
                        std::to_string(options.occupied_slots.size()));
  detail::check_fixed_knots(options.fixed_knots, "fit_towt");
  const std::vector<std::uint8_t> all_slots =
      slots_of(load.ts, options.zone, load.interval_seconds, "fit_towt");

  // Usable rows.
  std::vector<double> y, t;
  std::vector<std::uint8_t> slot;
  y.reserve(load.size());
  t.reserve(load.size());
  slot.reserve(load.size());
  for (std::size_t i = 0; i < load.size(); ++i) {
    if (!std::isfinite(load.kwh[i]) || !std::isfinite(temperature[i])) continue;
    y.push_back(load.kwh[i]);
    t.push_back(temperature[i]);
    slot.push_back(all_slots[i]);
  }
  if (y.empty())
    throw std::invalid_argument(
        "fit_towt: no row with both a finite load and a finite temperature");

  towt_model m;
  m.zone = std::string(options.zone.name());
  m.interval_seconds = load.interval_seconds;
  m.interval_level = options.interval_level;
  m.knots = options.fixed_knots.empty()
                ? detail::quantile_knots(t, options.temperature_segments)
                : detail::pruned_knots(options.fixed_knots, t, options.min_rows_beyond_outer_knot);
  if (options.occupancy == occupancy_rule::given) {
    m.occupied.resize(tow_slots);
    for (std::size_t k = 0; k < tow_slots; ++k)
      m.occupied[k] = options.occupied_slots[k] != 0 ? 1 : 0;
  } else {
    m.occupied = detect_occupancy(y, t, slot, options);
  }
  const std::size_t segs = m.knots.size() + 1;
  const std::size_t tp = 2 * segs;  // temperature parameters: occupied block then unoccupied block

  // Weighted least squares on the slot indicators and both modes' temperature blocks (occupied
  // block first), by blocks without a design matrix (slot_regression.hpp).
  detail::slot_regression reg(tow_slots, tp);
  std::array<double, max_segments> comp{};
  for (std::size_t i = 0; i < y.size(); ++i) {
    const std::size_t s = slot[i];
    temperature_components(t[i], m.knots, std::span<double>(comp.data(), segs));
    reg.add(s, m.occupied[s] ? 0 : segs, std::span<const double>(comp.data(), segs), y[i]);
  }
  const detail::slot_regression::solution sol = reg.solve();
  m.rank_deficient = sol.rank_deficient;
  m.tow_coefficients = sol.alpha;
  m.occupied_slopes.assign(sol.beta.begin(), sol.beta.begin() + static_cast<std::ptrdiff_t>(segs));
  m.unoccupied_slopes.assign(sol.beta.begin() + static_cast<std::ptrdiff_t>(segs), sol.beta.end());
  m.observations = y.size();
  m.parameters = sol.slots_with_data + sol.rank;

  // Residual quantiles per slot for prediction intervals.
  std::vector<std::vector<double>> res(tow_slots);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const std::size_t s = slot[i];
    temperature_components(t[i], m.knots, std::span<double>(comp.data(), segs));
    const auto& slopes = m.occupied[s] ? m.occupied_slopes : m.unoccupied_slopes;
    double e = m.tow_coefficients[s];
    for (std::size_t j = 0; j < segs; ++j)
      e += slopes[j] * comp[j];
    res[s].push_back(y[i] - e);
  }
  detail::slot_interval(res, m.occupied, m.interval_level, options.min_slot_residuals,
                        m.residual_lower, m.residual_upper);
  return m;
}

prediction predict(const towt_model& model, std::span<const epoch_seconds> ts,
                   std::span<const double> temperature) {
  if (ts.size() != temperature.size())
    throw std::invalid_argument("predict(towt): ts and temperature sizes differ");
  const std::size_t segs = model.knots.size() + 1;
  if (segs > static_cast<std::size_t>(max_segments) || model.occupied.size() != tow_slots ||
      model.tow_coefficients.size() != tow_slots || model.occupied_slopes.size() != segs ||
      model.unoccupied_slopes.size() != segs || model.residual_lower.size() != tow_slots ||
      model.residual_upper.size() != tow_slots)
    throw std::invalid_argument("predict(towt): malformed model (coefficient vector sizes)");
  const std::vector<std::uint8_t> slots =
      slots_of(ts, find_zone(model.zone), model.interval_seconds, "predict(towt)");
  prediction p;
  p.expected.assign(ts.size(), detail::nan);
  p.lower.assign(ts.size(), detail::nan);
  p.upper.assign(ts.size(), detail::nan);
  std::array<double, max_segments> comp{};
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const std::size_t s = slots[i];
    if (!std::isfinite(temperature[i]) || !std::isfinite(model.tow_coefficients[s])) continue;
    temperature_components(temperature[i], model.knots, std::span<double>(comp.data(), segs));
    const auto& slopes = model.occupied[s] ? model.occupied_slopes : model.unoccupied_slopes;
    double e = model.tow_coefficients[s];
    for (std::size_t j = 0; j < segs; ++j)
      e += slopes[j] * comp[j];
    p.expected[i] = e;
    p.lower[i] = e + model.residual_lower[s];
    p.upper[i] = e + model.residual_upper[s];
  }
  return p;
}

}  // namespace energy::baseline

template struct energy::detail::enum_names<energy::baseline::occupancy_rule>;
