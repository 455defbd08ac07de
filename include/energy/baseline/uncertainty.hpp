// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * Savings uncertainty as M&V reports state it: ASHRAE Guideline 14-2014, Annex B (after Reddy &
 * Claridge 2000), for savings measured against a regression baseline:
 *
 *   FSU = dE_save / E_save = a * t * CV * sqrt( (n / n') * (1 + 2 / n') * (1 / m) ) / F
 *
 * - CV: CV(RMSE) of the baseline model (fraction, n - p in the denominator: compute_metrics);
 * - n baseline points, p model parameters, m reporting-period points (same resolution);
 * - n' = n * (1 - rho) / (1 + rho), the effective number of independent points, with rho the
 *   lag-1 autocorrelation of the baseline residuals (rho <= 0 uses n' = n: negative
 *   autocorrelation is not allowed to claim more information than there are points);
 * - t: Student t at the two-sided `confidence` with n' - p degrees of freedom (real-valued);
 * - a: the Guideline's empirical factor 1.26 (derived for monthly data; peers substitute other
 *   factors for daily data, hence the option);
 * - F: the savings fraction, savings / adjusted baseline use.
 * The result is the relative half-width of the savings' confidence interval (0.5 = +-50 %).
 * The savings fraction needed for a target FSU inverts the same formula.
 */

#include <cstddef>
#include <span>

namespace energy::baseline {

struct savings_uncertainty_input {
  double cv_rmse = 0;                ///< baseline CV(RMSE), fraction
  std::size_t baseline_points = 0;   ///< n
  std::size_t parameters = 0;        ///< p
  std::size_t reporting_points = 0;  ///< m
  double autocorrelation = 0;        ///< rho: lag-1 autocorrelation of the baseline residuals
  double confidence = 0.90;          ///< two-sided confidence level, (0, 1)
  double factor = 1.26;              ///< a: Guideline 14's empirical factor
};

/// Intermediate values of the formula, for reports that show their work.
struct savings_uncertainty_terms {
  double effective_points = 0;  ///< n'
  double t_value = 0;           ///< t at n' - p degrees of freedom
  /// a * t * CV * sqrt((n/n')(1 + 2/n')/m): the FSU of a savings fraction of 1.
  double uncertainty_at_unit_fraction = 0;
};

/**
 * @throws std::invalid_argument when cv_rmse is negative or not finite, n, m are zero,
 * rho is not in (-1, 1), confidence not in (0, 1), factor not positive, or n' - p <= 0 (too few
 * effective points for the model: the message gives n').
 */
[[nodiscard]] savings_uncertainty_terms savings_uncertainty(const savings_uncertainty_input& in);

/// FSU for savings fraction F (> 0). @throws std::invalid_argument as above, or F <= 0.
[[nodiscard]] double fractional_savings_uncertainty(const savings_uncertainty_input& in,
                                                    double savings_fraction);

/// The smallest savings fraction F whose FSU is at most `target` (> 0), e.g. 0.5 for the
/// "savings must exceed twice their uncertainty" rule.
[[nodiscard]] double savings_fraction_needed(const savings_uncertainty_input& in, double target);

/**
 * Lag-1 autocorrelation of residuals in time order: the Pearson correlation of the pairs
 * (e[i-1], e[i]) where both are finite (the definition nmecr and numpy's corrcoef use).
 * NaN when fewer than 3 pairs or a side has no variance.
 */
[[nodiscard]] double lag1_autocorrelation(std::span<const double> residuals);

}  // namespace energy::baseline

ENERGY_API_END
