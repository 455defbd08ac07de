// SPDX-License-Identifier: Apache-2.0
// eemeter 4 / OpenDSM daily model evaluation. The evaluation order (coefficient expansion by
// form, the adjustments by the fitted temperature range, the smoothing coefficients and the
// piecewise model) follows eemeter's prediction path as described in docs/baselines.md; the code
// is this library's own.
#include <energy/baseline/eemeter_daily.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/enum_table.hpp"

namespace energy::baseline {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void refuse(const std::string& what) {
  throw std::invalid_argument("eemeter daily model: " + what);
}

/// eemeter's clip bounds of the smoothing exponent: the logs of sqrt(tiny * 1e20) and
/// sqrt(max * 1e-20) (opendsm/common/utils.py), computed the same way.
double ln_min_exponent() {
  static const double v = std::log(std::pow(std::numeric_limits<double>::min() * 1e20, 0.5));
  return v;
}
double ln_max_exponent() {
  static const double v = std::log(std::pow(std::numeric_limits<double>::max() * 1e-20, 0.5));
  return v;
}

/// The seven coefficients of eemeter's full model: heating (bp, beta >= 0 as magnitude, k),
/// cooling (bp, beta, k) and the intercept.
struct full_coefficients {
  double hdd_bp = 0, hdd_beta = 0, hdd_k = 0;
  double cdd_bp = 0, cdd_beta = 0, cdd_k = 0;
  double intercept = 0;
};

/// One signed slope (negative: heating) as the full model's coefficients, both balance points at
/// `bp`.
full_coefficients single_slope(double bp, double beta, double k, double intercept) {
  full_coefficients x;
  x.hdd_bp = x.cdd_bp = bp;
  x.intercept = intercept;
  if (beta < 0) {
    x.hdd_beta = -beta;
    x.hdd_k = k;
  } else {
    x.cdd_beta = beta;
    x.cdd_k = k;
  }
  return x;
}

/// The submodel's coefficients expanded to the full model and adjusted by its fitted range, then
/// (hdd_tidd_cdd_smooth) its fractional k turned into °F with the balance points moved inwards.
full_coefficients expand(const eemeter_daily_submodel& s) {
  full_coefficients x;
  switch (s.form) {
    case eemeter_daily_form::tidd:
      x.intercept = s.intercept;
      break;
    case eemeter_daily_form::hdd_tidd:
    case eemeter_daily_form::tidd_cdd: {
      const bool h = s.form == eemeter_daily_form::hdd_tidd;
      double bp = h ? s.hdd_bp : s.cdd_bp;
      const double beta = h ? s.hdd_beta : s.cdd_beta;
      if (bp < s.t_min_seg)
        bp = s.t_min_seg;
      else if (bp > s.t_max_seg)
        bp = s.t_max_seg;
      x = single_slope(bp, beta, 0.0, s.intercept);
      break;
    }
    case eemeter_daily_form::hdd_tidd_smooth:
      x = single_slope(s.hdd_bp, s.hdd_beta, s.hdd_k, s.intercept);
      break;
    case eemeter_daily_form::tidd_cdd_smooth:
      x = single_slope(s.cdd_bp, s.cdd_beta, s.cdd_k, s.intercept);
      break;
    case eemeter_daily_form::hdd_tidd_cdd:
      x = {s.hdd_bp, s.hdd_beta, 0.0, s.cdd_bp, s.cdd_beta, 0.0, s.intercept};
      break;
    case eemeter_daily_form::hdd_tidd_cdd_smooth:
      x = {s.hdd_bp, s.hdd_beta, s.hdd_k, s.cdd_bp, s.cdd_beta, s.cdd_k, s.intercept};
      break;
  }
  // Range adjustments (eemeter passes the fitted T_min / T_max here).
  if (x.cdd_bp < x.hdd_bp) {
    std::swap(x.hdd_bp, x.cdd_bp);
    std::swap(x.hdd_beta, x.cdd_beta);
    std::swap(x.hdd_k, x.cdd_k);
  }
  if (x.hdd_bp != x.cdd_bp) {
    if (x.cdd_bp >= s.t_max)
      x.cdd_beta = 0;
    else if (x.hdd_bp <= s.t_min)
      x.hdd_beta = 0;
  }
  if (x.hdd_beta == 0) x.hdd_k = 0;
  if (x.cdd_beta == 0) x.cdd_k = 0;

  if (s.form == eemeter_daily_form::hdd_tidd_cdd_smooth) {
    constexpr double min_fraction = 0.01;
    double fh = x.hdd_k;
    double fc = x.cdd_k;
    if (fh < min_fraction && fc < min_fraction) {
      x.hdd_k = 0;
      x.cdd_k = 0;
    } else {
      const double sum = fh + fc;
      if (sum > 1) {
        fh /= sum;
        fc /= sum;
      }
      const double gap = x.cdd_bp - x.hdd_bp;
      x.hdd_k = fh * gap;
      x.cdd_k = fc * gap;
      x.hdd_bp = x.hdd_bp + x.hdd_k;
      x.cdd_bp = x.cdd_bp - x.cdd_k;
    }
  }
  return x;
}

/// eemeter's piecewise full model at one temperature.
double full_model(full_coefficients x, double t_min, double t_max, double t) {
  if (x.hdd_beta == 0 && x.cdd_beta == 0) return x.intercept;
  if (x.cdd_bp < x.hdd_bp) {
    std::swap(x.hdd_bp, x.cdd_bp);
    std::swap(x.hdd_beta, x.cdd_beta);
    std::swap(x.hdd_k, x.cdd_k);
  }
  const bool same = x.hdd_bp == x.cdd_bp;
  double bp = 0, beta = 0, k = 0;
  if (t < x.hdd_bp || (same && x.cdd_bp >= t_max)) {
    bp = x.hdd_bp;
    beta = -x.hdd_beta;
    k = x.hdd_k;
  } else if (t > x.cdd_bp || (same && x.hdd_bp <= t_min)) {
    bp = x.cdd_bp;
    beta = x.cdd_beta;
    k = -x.cdd_k;
  }
  if (beta == 0) return x.intercept;
  const double linear = beta * (t - bp) + x.intercept;
  if (k == 0) return linear;
  const double e = std::clamp((1 / k) * (t - bp), ln_min_exponent(), ln_max_exponent());
  return std::abs(beta * k) * (std::exp(e) - 1) + linear;
}

double to_fahrenheit(double t, temperature_unit u) {
  return u == temperature_unit::celsius ? 32 + (t * 1.8) : t;
}

/// Monday = 0 ... Sunday = 6.
unsigned monday_index(std::chrono::year_month_day d) {
  return (std::chrono::weekday{std::chrono::sys_days{d}}.iso_encoding() + 6) % 7;
}

std::chrono::year_month_day local_date(const time_zone& zone, epoch_seconds t) {
  return std::chrono::year_month_day{
      std::chrono::floor<std::chrono::days>(zone.to_local(from_epoch(t)))};
}

double predict_one(const eemeter_daily_model& m, std::chrono::year_month_day day, double temp,
                   double& f_unc) {
  f_unc = nan;
  const std::size_t i = eemeter_daily_submodel_of(m, day);
  if (i == eemeter_no_submodel || !std::isfinite(temp)) return nan;  // eemeter drops such days
  const eemeter_daily_submodel& s = m.submodels[i];
  f_unc = s.f_unc;
  return eemeter_daily_evaluate(s, to_fahrenheit(temp, m.unit));
}

void put(prediction& p, std::size_t i, double expected, double f_unc) {
  p.expected[i] = expected;
  const bool interval = std::isfinite(expected) && std::isfinite(f_unc);
  p.lower[i] = interval ? expected - f_unc : nan;
  p.upper[i] = interval ? expected + f_unc : nan;
}

bool needs(eemeter_daily_form f, int which) {
  // which: 0 hdd_bp/hdd_beta, 1 hdd_k, 2 cdd_bp/cdd_beta, 3 cdd_k
  using F = eemeter_daily_form;
  switch (which) {
    case 0:
      return f == F::hdd_tidd || f == F::hdd_tidd_smooth || f == F::hdd_tidd_cdd ||
             f == F::hdd_tidd_cdd_smooth;
    case 1:
      return f == F::hdd_tidd_smooth || f == F::hdd_tidd_cdd_smooth;
    case 2:
      return f == F::tidd_cdd || f == F::tidd_cdd_smooth || f == F::hdd_tidd_cdd ||
             f == F::hdd_tidd_cdd_smooth;
    default:
      return f == F::tidd_cdd_smooth || f == F::hdd_tidd_cdd_smooth;
  }
}

}  // namespace

namespace {
constexpr auto eemeter_daily_form_names = energy::detail::make_enum_table<eemeter_daily_form>(
    "eemeter_daily_form", {{eemeter_daily_form::tidd, "tidd"},
                           {eemeter_daily_form::hdd_tidd, "hdd_tidd"},
                           {eemeter_daily_form::tidd_cdd, "tidd_cdd"},
                           {eemeter_daily_form::hdd_tidd_smooth, "hdd_tidd_smooth"},
                           {eemeter_daily_form::tidd_cdd_smooth, "tidd_cdd_smooth"},
                           {eemeter_daily_form::hdd_tidd_cdd, "hdd_tidd_cdd"},
                           {eemeter_daily_form::hdd_tidd_cdd_smooth, "hdd_tidd_cdd_smooth"}});
constexpr auto eemeter_season_names = energy::detail::make_enum_table<eemeter_season>(
    "eemeter_season", {{eemeter_season::summer, "summer"},
                       {eemeter_season::shoulder, "shoulder"},
                       {eemeter_season::winter, "winter"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(eemeter_daily_form) noexcept {
  return eemeter_daily_form_names;
}
[[maybe_unused]] static constexpr const auto& names_of(eemeter_season) noexcept {
  return eemeter_season_names;
}
std::string_view to_string(eemeter_daily_form f) noexcept {
  return eemeter_daily_form_names.name(f);
}
std::string_view to_string(eemeter_season s) noexcept {
  return eemeter_season_names.name(s);
}

std::size_t eemeter_daily_submodel_of(const eemeter_daily_model& model,
                                      std::chrono::year_month_day day) {
  if (!day.ok()) return eemeter_no_submodel;
  const auto month = static_cast<unsigned>(day.month()) - 1;
  const auto season = static_cast<std::size_t>(model.month_season[month]);
  const unsigned wd = monday_index(day);
  for (std::size_t i = 0; i < model.submodels.size(); ++i) {
    const auto& s = model.submodels[i];
    if (season < s.seasons.size() && s.seasons[season] && s.days[wd]) return i;
  }
  return eemeter_no_submodel;
}

double eemeter_daily_evaluate(const eemeter_daily_submodel& submodel, double temperature_f) {
  if (!std::isfinite(temperature_f)) return nan;
  return full_model(expand(submodel), submodel.t_min, submodel.t_max, temperature_f);
}

void validate(const eemeter_daily_model& model) {
  (void)time_zone{model.zone};  // throws std::invalid_argument naming an unknown zone
  if (model.unit != temperature_unit::fahrenheit && model.unit != temperature_unit::celsius)
    refuse("unit must be fahrenheit or celsius");
  if (model.submodels.empty()) refuse("no submodel");
  if (model.min_samples_per_day == 0) refuse("min_samples_per_day must be positive");
  std::array<std::array<int, 7>, 3> owner{};
  for (auto& row : owner)
    row.fill(-1);
  for (std::size_t i = 0; i < model.submodels.size(); ++i) {
    const auto& s = model.submodels[i];
    const std::string name = "submodel '" + s.split + "'";
    if (std::none_of(s.seasons.begin(), s.seasons.end(), [](bool b) { return b; }))
      refuse(name + " has no season");
    if (std::none_of(s.days.begin(), s.days.end(), [](bool b) { return b; }))
      refuse(name + " has no day");
    for (std::size_t se = 0; se < 3; ++se)
      for (std::size_t d = 0; d < 7; ++d) {
        if (!s.seasons[se] || !s.days[d]) continue;
        if (owner[se][d] >= 0)
          refuse(name + " overlaps submodel '" +
                 model.submodels[static_cast<std::size_t>(owner[se][d])].split + "'");
        owner[se][d] = static_cast<int>(i);
      }
    auto finite = [&](double v, const char* what) {
      if (!std::isfinite(v)) refuse(name + ": " + what + " must be finite");
    };
    finite(s.intercept, "intercept");
    if (needs(s.form, 0)) {
      finite(s.hdd_bp, "hdd_bp");
      finite(s.hdd_beta, "hdd_beta");
    }
    if (needs(s.form, 1)) finite(s.hdd_k, "hdd_k");
    if (needs(s.form, 2)) {
      finite(s.cdd_bp, "cdd_bp");
      finite(s.cdd_beta, "cdd_beta");
    }
    if (needs(s.form, 3)) finite(s.cdd_k, "cdd_k");
    finite(s.t_min, "T_min");
    finite(s.t_max, "T_max");
    finite(s.t_min_seg, "T_min_seg");
    finite(s.t_max_seg, "T_max_seg");
  }
}

prediction predict_daily_means(const eemeter_daily_model& model,
                               const temperature_series& daily_means) {
  validate(model);
  if (daily_means.ts.size() != daily_means.value.size())
    refuse("daily means: " + std::to_string(daily_means.value.size()) + " values for " +
           std::to_string(daily_means.ts.size()) + " timestamps");
  const time_zone zone{model.zone};
  const std::size_t n = daily_means.ts.size();
  prediction p{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    double f_unc = nan;
    const double e =
        predict_one(model, local_date(zone, daily_means.ts[i]), daily_means.value[i], f_unc);
    put(p, i, e, f_unc);
  }
  return p;
}

prediction predict(const eemeter_daily_model& model, std::span<const usage_period> days,
                   const temperature_series& samples) {
  validate(model);
  if (samples.ts.size() != samples.value.size())
    refuse("samples: " + std::to_string(samples.value.size()) + " values for " +
           std::to_string(samples.ts.size()) + " timestamps");
  if (!std::is_sorted(samples.ts.begin(), samples.ts.end()))
    refuse("samples must be in ascending time order");
  const time_zone zone{model.zone};
  const std::size_t n = days.size();
  prediction p{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    const usage_period& d = days[i];
    const auto local = std::chrono::floor<std::chrono::days>(zone.to_local(from_epoch(d.start)));
    const epoch_seconds start = to_epoch(zone.first_instant(local));
    const epoch_seconds end = to_epoch(zone.first_instant(local + std::chrono::days{1}));
    if (d.start != start || d.end != end)
      refuse("period " + std::to_string(i) + " [" + format_utc(from_epoch(d.start)) + ", " +
             format_utc(from_epoch(d.end)) + ") is not one local day of " + model.zone);
    const auto lo = std::lower_bound(samples.ts.begin(), samples.ts.end(), start);
    const auto hi = std::lower_bound(lo, samples.ts.end(), end);
    double sum = 0;
    std::size_t count = 0;
    for (auto it = lo; it != hi; ++it) {
      const double v = samples.value[static_cast<std::size_t>(it - samples.ts.begin())];
      if (std::isnan(v)) continue;
      sum += v;
      ++count;
    }
    const double mean = count >= model.min_samples_per_day ? sum / static_cast<double>(count) : nan;
    double f_unc = nan;
    const double e = predict_one(model, std::chrono::year_month_day{local}, mean, f_unc);
    put(p, i, e, f_unc);
  }
  return p;
}

}  // namespace energy::baseline

template struct energy::detail::enum_names<energy::baseline::eemeter_daily_form>;
template struct energy::detail::enum_names<energy::baseline::eemeter_season>;
