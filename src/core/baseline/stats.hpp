// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private distribution functions for the change-point significance rules (not installed).

#include <cmath>
#include <limits>

namespace energy::baseline::detail {

/// Regularised incomplete beta I_x(a, b) by its continued fraction (modified Lentz), using the
/// symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where the fraction converges slowly.
inline double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1.0 - incomplete_beta(b, a, 1.0 - x);
  const double ln_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  constexpr double tiny = 1e-300;
  double f = 1, c = 1, d = 0;
  for (int i = 0; i <= 400; ++i) {
    const int m = i / 2;
    double num;
    if (i == 0) {
      num = 1;
    } else if (i % 2 == 0) {
      num = (m * (b - m) * x) / ((a + 2.0 * m - 1) * (a + 2.0 * m));
    } else {
      num = -((a + m) * (a + b + m) * x) / ((a + 2.0 * m) * (a + 2.0 * m + 1));
    }
    d = 1 + num * d;
    if (std::fabs(d) < tiny) d = tiny;
    d = 1 / d;
    c = 1 + num / c;
    if (std::fabs(c) < tiny) c = tiny;
    const double cd = c * d;
    f *= cd;
    if (std::fabs(1.0 - cd) < 1e-15) break;
  }
  return std::exp(ln_front) * (f - 1) / a;
}

/// Two-sided p-value of a Student t statistic with `dof` degrees of freedom.
inline double student_t_two_sided_p(double t, double dof) {
  if (!std::isfinite(t)) return 0;
  return incomplete_beta(dof / 2.0, 0.5, dof / (dof + t * t));
}

/// The t value with two-sided coverage `level` (the (1 + level) / 2 quantile of Student t with
/// `dof` degrees of freedom, real dof allowed), by bisection on the two-sided p-value.
inline double student_t_quantile(double level, double dof) {
  const double target = 1.0 - level;  // two-sided p-value at the answer
  double lo = 0, hi = 1;
  while (student_t_two_sided_p(hi, dof) > target && hi < 1e12)
    hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    if (student_t_two_sided_p(mid, dof) > target)
      lo = mid;
    else
      hi = mid;
  }
  return (lo + hi) / 2;
}

/// Standard normal quantile by bisection on erfc (deterministic, ~1e-15 accurate).
inline double normal_quantile(double p) {
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  double lo = -40, hi = 40;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = (lo + hi) / 2;
    if (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p)
      lo = mid;
    else
      hi = mid;
  }
  return (lo + hi) / 2;
}

}  // namespace energy::baseline::detail
