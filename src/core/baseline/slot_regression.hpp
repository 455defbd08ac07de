// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private solver shared by TOWT and CalTRACK hourly (not installed): weighted least squares of a
// load on one indicator per time-of-week slot (no global intercept) plus a few dense temperature
// columns, without building the n x (slots + columns) design matrix.

#include <Eigen/Dense>

#include <cstddef>
#include <span>
#include <vector>

namespace energy::baseline::detail {

class slot_regression {
 public:
  /// `slots` indicator columns and `columns` dense columns (all zero until rows are added).
  slot_regression(std::size_t slots, std::size_t columns);

  /// One row with weight `w` (> 0): indicator `slot`, dense values `x` at columns
  /// [offset, offset + x.size()) (the others are zero), response `y`.
  void add(std::size_t slot, std::size_t offset, std::span<const double> x, double y,
           double w = 1.0);

  struct solution {
    std::vector<double> alpha;  ///< per slot; NaN for a slot without rows
    std::vector<double> beta;   ///< per dense column; 0 for a column that is zero on every row
    std::size_t slots_with_data = 0;
    std::size_t rank = 0;  ///< rank of the dense block after eliminating the slots
    bool rank_deficient = false;
  };

  /**
   * Normal equations by blocks: the diagonal slot block is eliminated analytically (Schur
   * complement), the small dense block is solved by LDLT; when a pivot falls below 1e-10 of the
   * columns' scale (columns collinear with the slots or each other) it falls back to the
   * minimum-norm solution through the eigen-decomposition of the Schur complement.
   */
  [[nodiscard]] solution solve() const;

 private:
  std::vector<double> d_, dy_;  // per slot: sum of weights, weighted sum of y
  Eigen::MatrixXd b_;           // slot x column weighted sums
  Eigen::MatrixXd c_;           // column Gram matrix (lower triangle accumulated)
  Eigen::VectorXd cy_;          // column x y
};

}  // namespace energy::baseline::detail
