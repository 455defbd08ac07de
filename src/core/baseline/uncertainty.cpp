// SPDX-License-Identifier: Apache-2.0
#include <energy/baseline/uncertainty.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

#include "core/baseline/detail.hpp"
#include "core/baseline/stats.hpp"

namespace energy::baseline {

savings_uncertainty_terms savings_uncertainty(const savings_uncertainty_input& in) {
  detail::require(std::isfinite(in.cv_rmse) && in.cv_rmse >= 0,
                  "savings_uncertainty: cv_rmse must be finite and >= 0");
  detail::require(in.baseline_points > 0 && in.reporting_points > 0,
                  "savings_uncertainty: baseline_points and reporting_points must be > 0");
  detail::require(in.autocorrelation > -1 && in.autocorrelation < 1,
                  "savings_uncertainty: autocorrelation must be in (-1, 1)");
  detail::require(in.confidence > 0 && in.confidence < 1,
                  "savings_uncertainty: confidence must be in (0, 1)");
  detail::require(in.factor > 0 && std::isfinite(in.factor),
                  "savings_uncertainty: factor must be > 0");
  const auto n = static_cast<double>(in.baseline_points);
  const double rho = std::max(0.0, in.autocorrelation);
  savings_uncertainty_terms r;
  r.effective_points = n * (1.0 - rho) / (1.0 + rho);
  const double dof = r.effective_points - static_cast<double>(in.parameters);
  if (!(dof > 0))
    throw std::invalid_argument("savings_uncertainty: n' - p = " + std::to_string(dof) +
                                " (n' = " + std::to_string(r.effective_points) +
                                " effective points after the autocorrelation " +
                                "correction, p = " + std::to_string(in.parameters) +
                                "): too few points for the model");
  r.t_value = detail::student_t_quantile(in.confidence, dof);
  const double np = r.effective_points;
  r.uncertainty_at_unit_fraction =
      in.factor * r.t_value * in.cv_rmse *
      std::sqrt((n / np) * (1.0 + 2.0 / np) / static_cast<double>(in.reporting_points));
  return r;
}

double fractional_savings_uncertainty(const savings_uncertainty_input& in,
                                      double savings_fraction) {
  detail::require(savings_fraction > 0 && std::isfinite(savings_fraction),
                  "fractional_savings_uncertainty: savings_fraction must be > 0");
  return savings_uncertainty(in).uncertainty_at_unit_fraction / savings_fraction;
}

double savings_fraction_needed(const savings_uncertainty_input& in, double target) {
  detail::require(target > 0 && std::isfinite(target),
                  "savings_fraction_needed: target uncertainty must be > 0");
  return savings_uncertainty(in).uncertainty_at_unit_fraction / target;
}

double lag1_autocorrelation(std::span<const double> e) {
  double sa = 0, sb = 0;
  std::size_t k = 0;
  for (std::size_t i = 1; i < e.size(); ++i)
    if (std::isfinite(e[i - 1]) && std::isfinite(e[i])) {
      sa += e[i - 1];
      sb += e[i];
      ++k;
    }
  if (k < 3) return detail::nan;
  const double ma = sa / static_cast<double>(k), mb = sb / static_cast<double>(k);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 1; i < e.size(); ++i)
    if (std::isfinite(e[i - 1]) && std::isfinite(e[i])) {
      sab += (e[i - 1] - ma) * (e[i] - mb);
      saa += (e[i - 1] - ma) * (e[i - 1] - ma);
      sbb += (e[i] - mb) * (e[i] - mb);
    }
  if (saa <= 0 || sbb <= 0) return detail::nan;
  return sab / std::sqrt(saa * sbb);
}

}  // namespace energy::baseline
