// SPDX-License-Identifier: Apache-2.0
#include <energy/baseline/changepoint.hpp>

#include <Eigen/Dense>

#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/baseline/detail.hpp"
#include "core/baseline/stats.hpp"

namespace energy::baseline {
namespace {

/// One period ready for regression: its length in days and the mean temperature of each of its
/// local days that has one.
struct period_temps {
  double days = 0;
  std::vector<double> day_temps;
  bool covered = false;  ///< enough days with temperature
};

std::vector<period_temps> period_temperatures(std::span<const usage_period> periods,
                                              const temperature_series& temps,
                                              const std::string& zone, std::size_t min_samples,
                                              double min_coverage) {
  if (temps.ts.size() != temps.value.size())
    throw std::invalid_argument("changepoint: temperature ts and value sizes differ");
  detail::local_clock clock{find_zone(zone)};
  std::map<std::int64_t, std::pair<double, std::size_t>> daily;  // local day -> (sum, count)
  for (std::size_t i = 0; i < temps.size(); ++i) {
    if (!std::isfinite(temps.value[i])) continue;
    auto& [sum, count] = daily[detail::local_day(clock.local_seconds(temps.ts[i]))];
    sum += temps.value[i];
    ++count;
  }
  std::vector<period_temps> out(periods.size());
  for (std::size_t p = 0; p < periods.size(); ++p) {
    const usage_period& u = periods[p];
    if (u.end <= u.start)
      throw std::invalid_argument("changepoint: period " + std::to_string(p) + " has end <= start");
    const std::int64_t ls = clock.local_seconds(u.start);
    const std::int64_t le = clock.local_seconds(u.end);
    // Wall-clock length, so a 23- or 25-hour local day still counts as one day.
    out[p].days = static_cast<double>(le - ls) / 86400.0;
    const std::int64_t first = detail::local_day(ls);
    const std::int64_t last = detail::local_day(le - 1);
    std::size_t total = 0;
    for (std::int64_t d = first; d <= last; ++d) {
      ++total;
      const auto it = daily.find(d);
      if (it != daily.end() && it->second.second >= min_samples)
        out[p].day_temps.push_back(it->second.first / static_cast<double>(it->second.second));
    }
    out[p].covered =
        out[p].days > 0 && !out[p].day_temps.empty() &&
        static_cast<double>(out[p].day_temps.size()) >= min_coverage * static_cast<double>(total);
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

std::vector<usage_period> local_day_totals(const load_series& load, std::string_view zone) {
  if (load.ts.size() != load.kwh.size())
    throw std::invalid_argument("local_day_totals: ts and kwh sizes differ");
  if (load.interval_seconds <= 0 || 86400 % load.interval_seconds != 0)
    throw std::invalid_argument("local_day_totals: interval_seconds must divide one day");
  const date::time_zone* z = find_zone(zone);
  detail::local_clock clock{z};
  std::vector<usage_period> out;
  std::size_t i = 0;
  while (i < load.size()) {
    const std::int64_t day = detail::local_day(clock.local_seconds(load.ts[i]));
    // The day's UTC bounds from its local midnights (the zone's rules, not 86400 s).
    const date::local_seconds lm{std::chrono::seconds{day * 86400}};
    const date::local_seconds ln{std::chrono::seconds{(day + 1) * 86400}};
    const epoch_seconds start = to_epoch(z->to_sys(lm, date::choose::earliest));
    const epoch_seconds end = to_epoch(z->to_sys(ln, date::choose::earliest));
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

const char* to_string(changepoint_kind k) noexcept {
  switch (k) {
    case changepoint_kind::intercept_only:
      return "intercept_only";
    case changepoint_kind::heating_only:
      return "heating_only";
    case changepoint_kind::cooling_only:
      return "cooling_only";
    case changepoint_kind::heating_cooling:
      return "heating_cooling";
  }
  return "unknown";
}

changepoint_options changepoint_options::celsius(std::string zone) {
  changepoint_options o;
  o.zone = std::move(zone);
  o.balance_min = -1;
  o.balance_max = 32;
  o.balance_step = 0.5;
  o.min_total_degree_days = 20.0 * 5.0 / 9.0;
  return o;
}

changepoint_model fit_changepoint(std::span<const usage_period> periods,
                                  const temperature_series& temps, const changepoint_options& o) {
  detail::require_zone(o.zone, "fit_changepoint");
  detail::require(o.balance_step > 0 && o.balance_max >= o.balance_min,
                  "fit_changepoint: bad balance-point grid");
  detail::require(o.max_p_value > 0 && o.max_p_value <= 1,
                  "fit_changepoint: max_p_value must be in (0, 1]");
  detail::require(o.interval_level > 0 && o.interval_level < 1,
                  "fit_changepoint: interval_level must be in (0, 1)");
  detail::require(o.min_day_coverage > 0 && o.min_day_coverage <= 1,
                  "fit_changepoint: min_day_coverage must be in (0, 1]");
  const auto pt =
      period_temperatures(periods, temps, o.zone, o.min_samples_per_day, o.min_day_coverage);
  std::vector<double> y, w;
  std::vector<const std::vector<double>*> dt;
  for (std::size_t p = 0; p < periods.size(); ++p) {
    if (!pt[p].covered || !std::isfinite(periods[p].kwh)) continue;
    y.push_back(periods[p].kwh / pt[p].days);
    w.push_back(pt[p].days);
    dt.push_back(&pt[p].day_temps);
  }
  if (y.size() < 2)
    throw std::invalid_argument(
        "fit_changepoint: fewer than 2 periods with usage and enough temperature days");
  const std::size_t n = y.size();

  std::vector<double> grid;
  for (double b = o.balance_min; b <= o.balance_max + 1e-9 * o.balance_step; b += o.balance_step)
    grid.push_back(b);
  // Degree days per grid point, and sufficiency.
  std::vector<std::vector<double>> hdd(grid.size(), std::vector<double>(n)),
      cdd(grid.size(), std::vector<double>(n));
  std::vector<bool> h_ok(grid.size()), c_ok(grid.size());
  for (std::size_t g = 0; g < grid.size(); ++g) {
    std::size_t hdays = 0, cdays = 0;
    double htot = 0, ctot = 0;
    for (std::size_t i = 0; i < n; ++i) {
      for (double t : *dt[i]) {
        hdays += t < grid[g] ? 1 : 0;
        cdays += t > grid[g] ? 1 : 0;
      }
      hdd[g][i] = mean_hdd(*dt[i], grid[g]);
      cdd[g][i] = mean_cdd(*dt[i], grid[g]);
      htot += hdd[g][i] * w[i];
      ctot += cdd[g][i] * w[i];
    }
    h_ok[g] = hdays >= o.min_days_with_degree_days && htot >= o.min_total_degree_days;
    c_ok[g] = cdays >= o.min_days_with_degree_days && ctot >= o.min_total_degree_days;
  }

  changepoint_model best;
  best.zone = o.zone;
  best.interval_level = o.interval_level;
  best.min_samples_per_day = o.min_samples_per_day;
  best.min_day_coverage = o.min_day_coverage;
  best.observations = n;
  {
    const wls_result r = wls(y, w, nullptr, nullptr);
    if (!r.ok) throw std::invalid_argument("fit_changepoint: intercept-only fit failed");
    best.kind = changepoint_kind::intercept_only;
    best.base_load = r.coef[0];
    best.heating_balance_point = best.cooling_balance_point = detail::nan;
    best.heating_p_value = best.cooling_p_value = detail::nan;
    best.r_squared = r.r2;
    best.adj_r_squared = r.adj_r2;
    best.residual_sd = r.sigma;
    best.parameters = 1;
  }
  auto significant = [&](double coef, double p) { return coef > 0 && p < o.max_p_value; };
  auto consider = [&](changepoint_kind kind, const wls_result& r, double bh, double bc) {
    // Strictly greater: ties keep the earlier (simpler, lower balance point) candidate.
    if (!r.ok || !(r.adj_r2 > best.adj_r_squared)) return;
    changepoint_model m = best;
    m.kind = kind;
    m.base_load = r.coef[0];
    m.heating_slope = m.cooling_slope = 0;
    m.heating_balance_point = m.cooling_balance_point = detail::nan;
    m.heating_p_value = m.cooling_p_value = detail::nan;
    int c = 1;
    if (kind == changepoint_kind::heating_only || kind == changepoint_kind::heating_cooling) {
      m.heating_slope = r.coef[c];
      m.heating_p_value = r.p_value[c];
      m.heating_balance_point = bh;
      ++c;
    }
    if (kind == changepoint_kind::cooling_only || kind == changepoint_kind::heating_cooling) {
      m.cooling_slope = r.coef[c];
      m.cooling_p_value = r.p_value[c];
      m.cooling_balance_point = bc;
      ++c;
    }
    m.parameters = static_cast<std::size_t>(c);
    m.r_squared = r.r2;
    m.adj_r_squared = r.adj_r2;
    m.residual_sd = r.sigma;
    best = std::move(m);
  };
  for (std::size_t g = 0; g < grid.size(); ++g) {
    if (h_ok[g]) {
      const wls_result r = wls(y, w, &hdd[g], nullptr);
      if (r.ok && significant(r.coef[1], r.p_value[1]))
        consider(changepoint_kind::heating_only, r, grid[g], 0);
    }
    if (c_ok[g]) {
      const wls_result r = wls(y, w, &cdd[g], nullptr);
      if (r.ok && significant(r.coef[1], r.p_value[1]))
        consider(changepoint_kind::cooling_only, r, 0, grid[g]);
    }
  }
  for (std::size_t gh = 0; gh < grid.size(); ++gh) {
    if (!h_ok[gh]) continue;
    for (std::size_t gc = gh; gc < grid.size(); ++gc) {
      if (!c_ok[gc]) continue;
      const wls_result r = wls(y, w, &hdd[gh], &cdd[gc]);
      if (r.ok && significant(r.coef[1], r.p_value[1]) && significant(r.coef[2], r.p_value[2]))
        consider(changepoint_kind::heating_cooling, r, grid[gh], grid[gc]);
    }
  }
  return best;
}

prediction predict(const changepoint_model& m, std::span<const usage_period> periods,
                   const temperature_series& temps) {
  const auto pt =
      period_temperatures(periods, temps, m.zone, m.min_samples_per_day, m.min_day_coverage);
  const double z = detail::normal_quantile(0.5 + m.interval_level / 2.0);
  prediction p;
  p.expected.assign(periods.size(), detail::nan);
  p.lower.assign(periods.size(), detail::nan);
  p.upper.assign(periods.size(), detail::nan);
  const bool heating =
      m.kind == changepoint_kind::heating_only || m.kind == changepoint_kind::heating_cooling;
  const bool cooling =
      m.kind == changepoint_kind::cooling_only || m.kind == changepoint_kind::heating_cooling;
  for (std::size_t i = 0; i < periods.size(); ++i) {
    if (!pt[i].covered) continue;
    double upd = m.base_load;
    if (heating) upd += m.heating_slope * mean_hdd(pt[i].day_temps, m.heating_balance_point);
    if (cooling) upd += m.cooling_slope * mean_cdd(pt[i].day_temps, m.cooling_balance_point);
    const double days = pt[i].days;
    p.expected[i] = upd * days;
    const double half = z * m.residual_sd * std::sqrt(days);
    p.lower[i] = p.expected[i] - half;
    p.upper[i] = p.expected[i] + half;
  }
  return p;
}

}  // namespace energy::baseline
