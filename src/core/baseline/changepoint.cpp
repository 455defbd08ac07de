// SPDX-License-Identifier: Apache-2.0
#include <energy/baseline/changepoint.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/baseline/detail.hpp"
#include "core/baseline/stats.hpp"
#include "core/enum_table.hpp"

namespace energy::baseline {
namespace {

/// One period ready for regression: its length in days and its temperature values (the mean of
/// each of its days that has one, or the period's mean), each standing for `days_per_value` days.
struct period_temps {
  double days = 0;
  std::vector<double> values;
  double days_per_value = 1;
  bool covered = false;  ///< enough days with temperature
};

/// How a fit or prediction reads temperatures (the options' or the model's settings).
struct temperature_rules {
  time_zone zone;
  temperature_input input = temperature_input::samples;
  day_pairing pairing = day_pairing::local;
  std::size_t min_samples = 12;
  double min_coverage = 0.9;
};

/// Day numbering per the pairing rule: local days of the zone, or UTC days.
class day_clock {
 public:
  day_clock(const time_zone& zone, day_pairing pairing) : pairing_(pairing), clock_(zone) {}
  /// Seconds on the pairing's wall clock (local or UTC).
  std::int64_t wall(epoch_seconds t) { return pairing_ == day_pairing::utc ? t : clock_.local(t); }
  std::int64_t day(epoch_seconds t) { return detail::local_day(wall(t)); }

 private:
  day_pairing pairing_;
  detail::offset_cache clock_;
};

std::string utc_text(epoch_seconds t) {
  return format_utc(from_epoch(t));
}

/// Day -> (sum, count) of the temperature values. Daily means must be one per day, and under
/// local pairing must not be stamped at 00:00 UTC of a date whose local day is the previous one.
std::map<std::int64_t, std::pair<double, std::size_t>> daily_temperatures(
    const temperature_series& temps, const temperature_rules& r, day_clock& clock) {
  if (temps.ts.size() != temps.value.size())
    throw std::invalid_argument("changepoint: temperature ts and value sizes differ");
  std::map<std::int64_t, std::pair<double, std::size_t>> daily;
  std::map<std::int64_t, std::size_t> first_index;
  bool all_utc_midnight = true;
  std::size_t shifted = temps.size();  // first value whose local date differs from its UTC date
  for (std::size_t i = 0; i < temps.size(); ++i) {
    if (!std::isfinite(temps.value[i])) continue;
    const std::int64_t d = clock.day(temps.ts[i]);
    auto& [sum, count] = daily[d];
    if (r.input == temperature_input::daily_means) {
      if (count > 0)
        throw std::invalid_argument("changepoint: two daily mean temperatures for the same " +
                                    std::string(r.pairing == day_pairing::utc ? "UTC" : "local") +
                                    " day (indices " + std::to_string(first_index[d]) + " and " +
                                    std::to_string(i) + ", " + utc_text(temps.ts[i]) + ")");
      first_index[d] = i;
      all_utc_midnight =
          all_utc_midnight && detail::floor_div(temps.ts[i], 86400) * 86400 == temps.ts[i];
      if (shifted == temps.size() && d != detail::floor_div(temps.ts[i], 86400)) shifted = i;
    }
    sum += temps.value[i];
    ++count;
  }
  if (r.input == temperature_input::daily_means && r.pairing == day_pairing::local &&
      all_utc_midnight && shifted < temps.size())
    throw std::invalid_argument(
        "changepoint: daily mean temperatures are stamped at 00:00 UTC, which falls on the "
        "previous local day in " +
        std::string(r.zone.name()) + " (index " + std::to_string(shifted) + ", " +
        utc_text(temps.ts[shifted]) +
        "); stamp each day's mean at its local midnight, or set day_pairing to utc if the means "
        "are of UTC days");
  return daily;
}

/// Why no period is usable: the counts behind the "fewer than 2 periods" refusal.
std::string unusable_reason(std::span<const usage_period> periods,
                            const std::vector<period_temps>& pt, const temperature_rules& r,
                            std::size_t thin_days) {
  std::size_t no_usage = 0, no_temp = 0;
  for (std::size_t p = 0; p < periods.size(); ++p) {
    if (!std::isfinite(periods[p].kwh))
      ++no_usage;
    else if (!pt[p].covered)
      ++no_temp;
  }
  std::string why =
      "fit_changepoint: fewer than 2 periods with usage and enough temperature days (" +
      std::to_string(periods.size()) + " periods: " + std::to_string(no_usage) +
      " without usage, " + std::to_string(no_temp) + " without temperature on " +
      std::to_string(std::lround(r.min_coverage * 100)) + " % of their days)";
  if (r.input == temperature_input::samples && thin_days > 0)
    why += "; " + std::to_string(thin_days) + " days have temperature samples but fewer than " +
           std::to_string(r.min_samples) +
           " (min_samples_per_day): for one value per day set temperatures to daily_means";
  return why;
}

std::vector<period_temps> period_temperatures(std::span<const usage_period> periods,
                                              const temperature_series& temps,
                                              const temperature_rules& r,
                                              std::size_t* thin_days = nullptr) {
  if (r.input == temperature_input::period_means)
    throw std::invalid_argument(
        "changepoint: temperatures is period_means: pass one temperature per period (span), "
        "not a temperature series");
  day_clock clock{r.zone, r.pairing};
  const auto daily = daily_temperatures(temps, r, clock);
  const std::size_t need = r.input == temperature_input::daily_means ? 1 : r.min_samples;
  if (thin_days) {
    *thin_days = 0;
    for (const auto& [d, sc] : daily)
      *thin_days += sc.second < need ? 1 : 0;
  }
  std::vector<period_temps> out(periods.size());
  for (std::size_t p = 0; p < periods.size(); ++p) {
    const usage_period& u = periods[p];
    if (u.end <= u.start)
      throw std::invalid_argument("changepoint: period " + std::to_string(p) + " has end <= start");
    const std::int64_t ls = clock.wall(u.start);
    const std::int64_t le = clock.wall(u.end);
    // Wall-clock length, so a 23- or 25-hour local day still counts as one day.
    out[p].days = static_cast<double>(le - ls) / 86400.0;
    const std::int64_t first = detail::local_day(ls);
    const std::int64_t last = detail::local_day(le - 1);
    std::size_t total = 0;
    for (std::int64_t d = first; d <= last; ++d) {
      ++total;
      const auto it = daily.find(d);
      if (it != daily.end() && it->second.second >= need)
        out[p].values.push_back(it->second.first / static_cast<double>(it->second.second));
    }
    out[p].covered =
        out[p].days > 0 && !out[p].values.empty() &&
        static_cast<double>(out[p].values.size()) >= r.min_coverage * static_cast<double>(total);
  }
  return out;
}

std::vector<period_temps> period_temperatures(std::span<const usage_period> periods,
                                              std::span<const double> period_temperature,
                                              const temperature_rules& r) {
  if (r.input != temperature_input::period_means)
    throw std::invalid_argument(
        "changepoint: one temperature per period needs temperatures = period_means (got " +
        std::string(to_string(r.input)) + ")");
  if (period_temperature.size() != periods.size())
    throw std::invalid_argument("changepoint: " + std::to_string(periods.size()) + " periods but " +
                                std::to_string(period_temperature.size()) + " period temperatures");
  day_clock clock{r.zone, r.pairing};
  std::vector<period_temps> out(periods.size());
  for (std::size_t p = 0; p < periods.size(); ++p) {
    const usage_period& u = periods[p];
    if (u.end <= u.start)
      throw std::invalid_argument("changepoint: period " + std::to_string(p) + " has end <= start");
    out[p].days = static_cast<double>(clock.wall(u.end) - clock.wall(u.start)) / 86400.0;
    out[p].days_per_value = out[p].days;
    if (std::isfinite(period_temperature[p])) out[p].values.push_back(period_temperature[p]);
    out[p].covered = out[p].days > 0 && !out[p].values.empty();
  }
  return out;
}

double mean_hdd(const std::vector<double>& day_temps, double b) {
  double s = 0;
  for (double t : day_temps)
    s += std::max(0.0, b - t);
  return s / static_cast<double>(day_temps.size());
}

double mean_cdd(const std::vector<double>& day_temps, double b) {
  double s = 0;
  for (double t : day_temps)
    s += std::max(0.0, t - b);
  return s / static_cast<double>(day_temps.size());
}

struct wls_result {
  bool ok = false;
  double coef[3] = {0, 0, 0};
  double p_value[3] = {0, 0, 0};
  double r2 = 0, adj_r2 = 0, sigma = 0;
};

/// Weighted least squares of y on [1, x1, x2][:k] with weights w.
wls_result wls(const std::vector<double>& y, const std::vector<double>& w,
               const std::vector<double>* x1, const std::vector<double>* x2) {
  const int k = 1 + (x1 ? 1 : 0) + (x2 ? 1 : 0);
  const std::size_t n = y.size();
  wls_result r;
  if (n <= static_cast<std::size_t>(k)) return r;
  Eigen::Matrix3d a = Eigen::Matrix3d::Zero();
  Eigen::Vector3d rhs = Eigen::Vector3d::Zero();
  auto row = [&](std::size_t i, double* v) {
    int c = 0;
    v[c++] = 1.0;
    if (x1) v[c++] = (*x1)[i];
    if (x2) v[c++] = (*x2)[i];
  };
  double v[3];
  for (std::size_t i = 0; i < n; ++i) {
    row(i, v);
    for (int j = 0; j < k; ++j) {
      rhs(j) += w[i] * v[j] * y[i];
      for (int l = 0; l < k; ++l)
        a(j, l) += w[i] * v[j] * v[l];
    }
  }
  const Eigen::MatrixXd ak = a.topLeftCorner(k, k);
  Eigen::LDLT<Eigen::MatrixXd> ldlt(ak);
  const Eigen::VectorXd piv = ldlt.vectorD();
  if (ldlt.info() != Eigen::Success || (piv.array() <= piv.cwiseAbs().maxCoeff() * 1e-12).any())
    return r;
  const Eigen::VectorXd beta = ldlt.solve(rhs.head(k));
  double sw = 0, swy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sw += w[i];
    swy += w[i] * y[i];
  }
  const double ybar = swy / sw;
  double ssr = 0, sst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    row(i, v);
    double f = 0;
    for (int j = 0; j < k; ++j)
      f += beta(j) * v[j];
    ssr += w[i] * (y[i] - f) * (y[i] - f);
    sst += w[i] * (y[i] - ybar) * (y[i] - ybar);
  }
  const double dof = static_cast<double>(n) - k;
  r.sigma = std::sqrt(ssr / dof);
  r.r2 = sst > 0 ? 1.0 - ssr / sst : (ssr <= 0 ? 1.0 : 0.0);
  r.adj_r2 = 1.0 - (1.0 - r.r2) * (static_cast<double>(n) - 1.0) / dof;
  const Eigen::MatrixXd cov = ldlt.solve(Eigen::MatrixXd::Identity(k, k)) * (ssr / dof);
  for (int j = 0; j < k; ++j) {
    r.coef[j] = beta(j);
    const double se = std::sqrt(std::max(0.0, cov(j, j)));
    r.p_value[j] =
        se > 0 ? detail::student_t_two_sided_p(beta(j) / se, dof) : (beta(j) != 0 ? 0.0 : 1.0);
  }
  r.ok = true;
  return r;
}

}  // namespace

std::vector<usage_period> local_day_totals(const load_series& load, const time_zone& zone) {
  if (load.ts.size() != load.kwh.size())
    throw std::invalid_argument("local_day_totals: ts and kwh sizes differ");
  if (load.interval_seconds <= 0 || 86400 % load.interval_seconds != 0)
    throw std::invalid_argument("local_day_totals: interval_seconds must divide one day");
  detail::offset_cache clock{zone};
  std::vector<usage_period> out;
  std::size_t i = 0;
  while (i < load.size()) {
    const std::int64_t day = detail::local_day(clock.local(load.ts[i]));
    // The day's UTC bounds from its local midnights (the zone's rules, not 86400 s).
    const std::chrono::local_seconds lm{std::chrono::seconds{day * 86400}};
    const std::chrono::local_seconds ln{std::chrono::seconds{(day + 1) * 86400}};
    const epoch_seconds start = to_epoch(zone.first_instant(lm));
    const epoch_seconds end = to_epoch(zone.first_instant(ln));
    double sum = 0;
    std::size_t count = 0;
    bool finite = true;
    epoch_seconds expect_ts = start;
    bool contiguous = true;
    for (; i < load.size() && load.ts[i] < end; ++i) {
      if (i > 0 && load.ts[i] <= load.ts[i - 1])
        throw std::invalid_argument("local_day_totals: timestamps not ascending at index " +
                                    std::to_string(i));
      contiguous = contiguous && load.ts[i] == expect_ts;
      expect_ts = load.ts[i] + load.interval_seconds;
      finite = finite && std::isfinite(load.kwh[i]);
      sum += load.kwh[i];
      ++count;
    }
    if (contiguous && finite && count > 0 &&
        static_cast<std::int64_t>(count) * load.interval_seconds == end - start)
      out.push_back({start, end, sum});
  }
  return out;
}

namespace {
constexpr auto changepoint_kind_names = energy::detail::make_enum_table<changepoint_kind>(
    "changepoint_kind", {{changepoint_kind::intercept_only, "intercept_only"},
                         {changepoint_kind::heating_only, "heating_only"},
                         {changepoint_kind::cooling_only, "cooling_only"},
                         {changepoint_kind::heating_cooling, "heating_cooling"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(changepoint_kind) noexcept {
  return changepoint_kind_names;
}
std::string_view to_string(changepoint_kind k) noexcept {
  return changepoint_kind_names.name(k);
}

namespace {
constexpr auto temperature_input_names = energy::detail::make_enum_table<temperature_input>(
    "temperature_input", {{temperature_input::samples, "samples"},
                          {temperature_input::daily_means, "daily_means"},
                          {temperature_input::period_means, "period_means"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(temperature_input) noexcept {
  return temperature_input_names;
}
std::string_view to_string(temperature_input t) noexcept {
  return temperature_input_names.name(t);
}

namespace {
constexpr auto day_pairing_names = energy::detail::make_enum_table<day_pairing>(
    "day_pairing", {{day_pairing::local, "local"}, {day_pairing::utc, "utc"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(day_pairing) noexcept {
  return day_pairing_names;
}
std::string_view to_string(day_pairing p) noexcept {
  return day_pairing_names.name(p);
}

changepoint_options changepoint_options::celsius(time_zone zone) {
  changepoint_options o{.zone = zone};
  o.balance_min = -1;
  o.balance_max = 32;
  o.balance_step = 0.5;
  o.min_total_degree_days = 20.0 * 5.0 / 9.0;
  return o;
}

namespace {
// Bounds that keep the candidate list (every candidate is fitted and reported) in memory: the
// CalTRACK grid has 61 points and 1,891 heating+cooling pairs.
constexpr std::size_t max_balance_points = 10000;
constexpr std::size_t max_pairs = 250000;
}  // namespace

std::vector<double> balance_point_grid(const changepoint_options& o) {
  detail::require(o.balance_step > 0 && o.balance_max >= o.balance_min &&
                      std::isfinite(o.balance_min) && std::isfinite(o.balance_max),
                  "changepoint: bad balance-point grid (step must be > 0, max >= min)");
  detail::require((o.balance_max - o.balance_min) / o.balance_step < max_balance_points,
                  "changepoint: balance-point grid has more than " +
                      std::to_string(max_balance_points) + " points; use a coarser step");
  std::vector<double> grid;
  // Index-based, so a step like 0.1 does not accumulate rounding over the grid.
  for (std::size_t k = 0;; ++k) {
    const double b = o.balance_min + static_cast<double>(k) * o.balance_step;
    if (b > o.balance_max + 1e-9 * o.balance_step) break;
    grid.push_back(b);
  }
  return grid;
}

namespace {

void check_options(const changepoint_options& o) {
  detail::require(o.max_p_value > 0 && o.max_p_value <= 1,
                  "fit_changepoint: max_p_value must be in (0, 1]");
  detail::require(o.interval_level > 0 && o.interval_level < 1,
                  "fit_changepoint: interval_level must be in (0, 1)");
  detail::require(o.min_day_coverage > 0 && o.min_day_coverage <= 1,
                  "fit_changepoint: min_day_coverage must be in (0, 1]");
  detail::require(!o.kinds.empty(), "fit_changepoint: no candidate kinds");
  for (double b : o.heating_balance_points)
    detail::require(std::isfinite(b), "fit_changepoint: heating balance point is not finite");
  for (double b : o.cooling_balance_points)
    detail::require(std::isfinite(b), "fit_changepoint: cooling balance point is not finite");
}

temperature_rules rules_of(const changepoint_options& o) {
  return {o.zone, o.temperatures, o.pairing, o.min_samples_per_day, o.min_day_coverage};
}

temperature_rules rules_of(const changepoint_model& m) {
  return {find_zone(m.zone), m.temperatures, m.pairing, m.min_samples_per_day, m.min_day_coverage};
}

/// Degree days of every usable period at balance point b, and their sufficiency.
struct degree_days {
  std::vector<double> per_period;
  bool sufficient = false;
};

degree_days degree_days_at(const std::vector<const period_temps*>& pt, const std::vector<double>& w,
                           double b, const changepoint_options& o, bool heating) {
  degree_days out;
  out.per_period.resize(pt.size());
  double days = 0, total = 0;
  for (std::size_t i = 0; i < pt.size(); ++i) {
    for (double t : pt[i]->values)
      days += (heating ? t < b : t > b) ? pt[i]->days_per_value : 0.0;
    out.per_period[i] = heating ? mean_hdd(pt[i]->values, b) : mean_cdd(pt[i]->values, b);
    total += out.per_period[i] * w[i];
  }
  out.sufficient =
      days >= static_cast<double>(o.min_days_with_degree_days) && total >= o.min_total_degree_days;
  return out;
}

changepoint_candidate candidate_of(changepoint_kind kind, const wls_result& r, double bh, double bc,
                                   bool sufficient, double max_p) {
  changepoint_candidate c;
  c.kind = kind;
  c.heating_balance_point = c.cooling_balance_point = detail::nan;
  c.heating_p_value = c.cooling_p_value = detail::nan;
  c.sufficient = sufficient;
  const bool h =
      kind == changepoint_kind::heating_only || kind == changepoint_kind::heating_cooling;
  const bool cl =
      kind == changepoint_kind::cooling_only || kind == changepoint_kind::heating_cooling;
  if (h) c.heating_balance_point = bh;
  if (cl) c.cooling_balance_point = bc;
  c.parameters = 1 + (h ? 1 : 0) + (cl ? 1 : 0);
  if (!r.ok) {
    c.base_load = c.r_squared = c.adj_r_squared = c.residual_sd = detail::nan;
    c.reason = sufficient ? "singular fit (too few periods or no variation in degree days)"
                          : "insufficient degree days";
    return c;
  }
  c.base_load = r.coef[0];
  int k = 1;
  std::string reason;
  auto term = [&](double& slope, double& p, const char* name) {
    slope = r.coef[k];
    p = r.p_value[k];
    ++k;
    if (!reason.empty()) return;
    if (!(slope > 0))
      reason = std::string(name) + " slope not positive";
    else if (!(p < max_p))
      reason = std::string(name) + " slope p-value not below max_p_value";
  };
  if (h) term(c.heating_slope, c.heating_p_value, "heating");
  if (cl) term(c.cooling_slope, c.cooling_p_value, "cooling");
  c.r_squared = r.r2;
  c.adj_r_squared = r.adj_r2;
  c.residual_sd = r.sigma;
  if (!sufficient) reason = "insufficient degree days";
  c.reason = reason;
  c.qualifies = reason.empty();
  return c;
}

changepoint_fit fit_prepared(std::span<const usage_period> periods,
                             const std::vector<period_temps>& pt, const changepoint_options& o,
                             std::size_t thin_days) {
  std::vector<double> y, w;
  std::vector<const period_temps*> used;
  for (std::size_t p = 0; p < periods.size(); ++p) {
    if (!pt[p].covered || !std::isfinite(periods[p].kwh)) continue;
    y.push_back(periods[p].kwh / pt[p].days);
    w.push_back(pt[p].days);
    used.push_back(&pt[p]);
  }
  if (y.size() < 2)
    throw std::invalid_argument(unusable_reason(periods, pt, rules_of(o), thin_days));

  const std::vector<double> grid = balance_point_grid(o);
  const std::vector<double>& hgrid =
      o.heating_balance_points.empty() ? grid : o.heating_balance_points;
  const std::vector<double>& cgrid =
      o.cooling_balance_points.empty() ? grid : o.cooling_balance_points;
  auto wanted = [&](changepoint_kind k) {
    return std::find(o.kinds.begin(), o.kinds.end(), k) != o.kinds.end();
  };
  detail::require(hgrid.size() <= max_balance_points && cgrid.size() <= max_balance_points,
                  "fit_changepoint: more than " + std::to_string(max_balance_points) +
                      " heating or cooling balance points");
  detail::require(
      !wanted(changepoint_kind::heating_cooling) || hgrid.size() * cgrid.size() <= max_pairs,
      "fit_changepoint: " + std::to_string(hgrid.size()) + " heating x " +
          std::to_string(cgrid.size()) + " cooling balance points are more than " +
          std::to_string(max_pairs) + " heating+cooling candidates; narrow the grid or the lists");
  std::vector<degree_days> hdd, cdd;
  for (double b : hgrid)
    hdd.push_back(degree_days_at(used, w, b, o, true));
  for (double b : cgrid)
    cdd.push_back(degree_days_at(used, w, b, o, false));

  changepoint_fit fit;
  if (wanted(changepoint_kind::intercept_only)) {
    const wls_result r = wls(y, w, nullptr, nullptr);
    fit.candidates.push_back(candidate_of(changepoint_kind::intercept_only, r, 0, 0, true, 1.0));
    fit.candidates.back().qualifies = r.ok;  // intercept-only has no slope to test
  }
  for (std::size_t g = 0; g < std::max(hgrid.size(), cgrid.size()); ++g) {
    if (g < hgrid.size() && wanted(changepoint_kind::heating_only))
      fit.candidates.push_back(candidate_of(changepoint_kind::heating_only,
                                            wls(y, w, &hdd[g].per_period, nullptr), hgrid[g], 0,
                                            hdd[g].sufficient, o.max_p_value));
    if (g < cgrid.size() && wanted(changepoint_kind::cooling_only))
      fit.candidates.push_back(candidate_of(changepoint_kind::cooling_only,
                                            wls(y, w, &cdd[g].per_period, nullptr), 0, cgrid[g],
                                            cdd[g].sufficient, o.max_p_value));
  }
  if (wanted(changepoint_kind::heating_cooling))
    for (std::size_t gh = 0; gh < hgrid.size(); ++gh)
      for (std::size_t gc = 0; gc < cgrid.size(); ++gc) {
        if (hgrid[gh] > cgrid[gc]) continue;
        fit.candidates.push_back(candidate_of(
            changepoint_kind::heating_cooling, wls(y, w, &hdd[gh].per_period, &cdd[gc].per_period),
            hgrid[gh], cgrid[gc], hdd[gh].sufficient && cdd[gc].sufficient, o.max_p_value));
      }

  // Highest adjusted R^2 among qualifying candidates; strictly greater, so ties keep the earlier
  // (simpler, lower balance point) candidate.
  bool found = false;
  for (std::size_t i = 0; i < fit.candidates.size(); ++i) {
    const changepoint_candidate& c = fit.candidates[i];
    if (!c.qualifies) continue;
    if (!found || c.adj_r_squared > fit.candidates[fit.selected].adj_r_squared) {
      fit.selected = i;
      found = true;
    }
  }
  if (!found)
    throw std::invalid_argument(
        "fit_changepoint: no candidate qualifies (intercept_only is not among the kinds tried, "
        "and no slope is positive, significant and backed by sufficient degree days)");
  const changepoint_candidate& c = fit.candidates[fit.selected];
  changepoint_model& m = fit.model;
  m.kind = c.kind;
  m.zone = std::string(o.zone.name());
  m.base_load = c.base_load;
  m.heating_slope = c.heating_slope;
  m.heating_balance_point = c.heating_balance_point;
  m.cooling_slope = c.cooling_slope;
  m.cooling_balance_point = c.cooling_balance_point;
  m.heating_p_value = c.heating_p_value;
  m.cooling_p_value = c.cooling_p_value;
  m.r_squared = c.r_squared;
  m.adj_r_squared = c.adj_r_squared;
  m.residual_sd = c.residual_sd;
  m.interval_level = o.interval_level;
  m.min_samples_per_day = o.min_samples_per_day;
  m.min_day_coverage = o.min_day_coverage;
  m.temperatures = o.temperatures;
  m.pairing = o.pairing;
  m.observations = y.size();
  m.parameters = c.parameters;
  return fit;
}

prediction predict_prepared(const changepoint_model& m, const std::vector<period_temps>& pt) {
  detail::require(m.interval_level > 0 && m.interval_level < 1,
                  "predict(changepoint): interval_level must be in (0, 1)");
  const double z = detail::normal_quantile(0.5 + m.interval_level / 2.0);
  prediction p;
  p.expected.assign(pt.size(), detail::nan);
  p.lower.assign(pt.size(), detail::nan);
  p.upper.assign(pt.size(), detail::nan);
  const bool heating =
      m.kind == changepoint_kind::heating_only || m.kind == changepoint_kind::heating_cooling;
  const bool cooling =
      m.kind == changepoint_kind::cooling_only || m.kind == changepoint_kind::heating_cooling;
  for (std::size_t i = 0; i < pt.size(); ++i) {
    if (!pt[i].covered) continue;
    double upd = m.base_load;
    if (heating) upd += m.heating_slope * mean_hdd(pt[i].values, m.heating_balance_point);
    if (cooling) upd += m.cooling_slope * mean_cdd(pt[i].values, m.cooling_balance_point);
    const double days = pt[i].days;
    p.expected[i] = upd * days;
    // An unknown residual SD (a model given by its parameters) leaves the interval NaN.
    const double half = z * m.residual_sd * std::sqrt(days);
    p.lower[i] = p.expected[i] - half;
    p.upper[i] = p.expected[i] + half;
  }
  return p;
}

}  // namespace

changepoint_fit fit_changepoint_candidates(std::span<const usage_period> periods,
                                           const temperature_series& temps,
                                           const changepoint_options& o) {
  check_options(o);
  std::size_t thin_days = 0;
  const auto pt = period_temperatures(periods, temps, rules_of(o), &thin_days);
  return fit_prepared(periods, pt, o, thin_days);
}

changepoint_fit fit_changepoint_candidates(std::span<const usage_period> periods,
                                           std::span<const double> period_temperature,
                                           const changepoint_options& o) {
  check_options(o);
  const auto pt = period_temperatures(periods, period_temperature, rules_of(o));
  return fit_prepared(periods, pt, o, 0);
}

changepoint_model fit_changepoint(std::span<const usage_period> periods,
                                  const temperature_series& temps, const changepoint_options& o) {
  return fit_changepoint_candidates(periods, temps, o).model;
}

changepoint_model fit_changepoint(std::span<const usage_period> periods,
                                  std::span<const double> period_temperature,
                                  const changepoint_options& o) {
  return fit_changepoint_candidates(periods, period_temperature, o).model;
}

changepoint_model make_changepoint_model(const changepoint_parameters& p) {
  const bool h = std::isfinite(p.heating_balance_point);
  const bool c = std::isfinite(p.cooling_balance_point);
  detail::require(std::isfinite(p.base_load), "make_changepoint_model: base_load is not finite");
  detail::require(!h || std::isfinite(p.heating_slope),
                  "make_changepoint_model: heating_slope is not finite");
  detail::require(!c || std::isfinite(p.cooling_slope),
                  "make_changepoint_model: cooling_slope is not finite");
  detail::require(h || p.heating_slope == 0,
                  "make_changepoint_model: heating_slope given without a heating balance point");
  detail::require(c || p.cooling_slope == 0,
                  "make_changepoint_model: cooling_slope given without a cooling balance point");
  detail::require(!(h && c) || p.heating_balance_point <= p.cooling_balance_point,
                  "make_changepoint_model: heating balance point above the cooling one");
  detail::require(std::isnan(p.residual_sd) || p.residual_sd >= 0,
                  "make_changepoint_model: residual_sd is negative");
  detail::require(p.interval_level > 0 && p.interval_level < 1,
                  "make_changepoint_model: interval_level must be in (0, 1)");
  detail::require(p.min_day_coverage > 0 && p.min_day_coverage <= 1,
                  "make_changepoint_model: min_day_coverage must be in (0, 1]");
  changepoint_model m;
  m.kind = h && c ? changepoint_kind::heating_cooling
           : h    ? changepoint_kind::heating_only
           : c    ? changepoint_kind::cooling_only
                  : changepoint_kind::intercept_only;
  m.zone = std::string(p.zone.name());
  m.base_load = p.base_load;
  m.heating_slope = h ? p.heating_slope : 0;
  m.heating_balance_point = h ? p.heating_balance_point : detail::nan;
  m.cooling_slope = c ? p.cooling_slope : 0;
  m.cooling_balance_point = c ? p.cooling_balance_point : detail::nan;
  // Statistics of a fit that did not happen are unknown, not zero.
  m.heating_p_value = m.cooling_p_value = detail::nan;
  m.r_squared = m.adj_r_squared = detail::nan;
  m.residual_sd = p.residual_sd;
  m.interval_level = p.interval_level;
  m.min_samples_per_day = p.min_samples_per_day;
  m.min_day_coverage = p.min_day_coverage;
  m.temperatures = p.temperatures;
  m.pairing = p.pairing;
  m.observations = 0;
  m.parameters = 1 + (h ? 1 : 0) + (c ? 1 : 0);
  return m;
}

prediction predict(const changepoint_model& m, std::span<const usage_period> periods,
                   const temperature_series& temps) {
  return predict_prepared(m, period_temperatures(periods, temps, rules_of(m)));
}

prediction predict(const changepoint_model& m, std::span<const usage_period> periods,
                   std::span<const double> period_temperature) {
  return predict_prepared(m, period_temperatures(periods, period_temperature, rules_of(m)));
}

}  // namespace energy::baseline

template struct energy::detail::enum_names<energy::baseline::changepoint_kind>;

template struct energy::detail::enum_names<energy::baseline::temperature_input>;

template struct energy::detail::enum_names<energy::baseline::day_pairing>;
