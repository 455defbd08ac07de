// SPDX-License-Identifier: Apache-2.0
#include "core/baseline/slot_regression.hpp"

#include <algorithm>
#include <limits>

namespace energy::baseline::detail {

slot_regression::slot_regression(std::size_t slots, std::size_t columns)
    : d_(slots, 0.0),
      dy_(slots, 0.0),
      b_(Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(slots),
                               static_cast<Eigen::Index>(columns))),
      c_(Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(columns),
                               static_cast<Eigen::Index>(columns))),
      cy_(Eigen::VectorXd::Zero(static_cast<Eigen::Index>(columns))) {}

void slot_regression::add(std::size_t slot, std::size_t offset, std::span<const double> x, double y,
                          double w) {
  d_[slot] += w;
  dy_[slot] += w * y;
  const auto s = static_cast<Eigen::Index>(slot);
  const auto off = static_cast<Eigen::Index>(offset);
  for (std::size_t j = 0; j < x.size(); ++j) {
    const auto jj = off + static_cast<Eigen::Index>(j);
    const double wx = w * x[j];  // bit-identical to x[j] when w == 1
    b_(s, jj) += wx;
    cy_(jj) += wx * y;
    for (std::size_t k = 0; k <= j; ++k)
      c_(jj, off + static_cast<Eigen::Index>(k)) += wx * x[k];
  }
}

slot_regression::solution slot_regression::solve() const {
  const auto cols = c_.rows();
  const Eigen::MatrixXd c = c_.selfadjointView<Eigen::Lower>();
  // Eliminate the slot block: S = C - B' D^-1 B, r = cy - B' D^-1 dy.
  Eigen::MatrixXd schur = c;
  Eigen::VectorXd rhs = cy_;
  solution out;
  for (std::size_t s = 0; s < d_.size(); ++s) {
    if (d_[s] == 0) continue;
    ++out.slots_with_data;
    const Eigen::RowVectorXd bs = b_.row(static_cast<Eigen::Index>(s));
    schur.noalias() -= bs.transpose() * bs / d_[s];
    rhs.noalias() -= bs.transpose() * (dy_[s] / d_[s]);
  }
  // Columns that are identically zero (a mode with no slots) are dropped: beta = 0.
  std::vector<Eigen::Index> keep;
  for (Eigen::Index j = 0; j < cols; ++j)
    if (c(j, j) > 0) keep.push_back(j);
  const auto kn = static_cast<Eigen::Index>(keep.size());
  Eigen::MatrixXd sk(kn, kn);
  Eigen::VectorXd rk(kn);
  for (Eigen::Index a = 0; a < kn; ++a) {
    rk(a) = rhs(keep[static_cast<std::size_t>(a)]);
    for (Eigen::Index e = 0; e < kn; ++e)
      sk(a, e) = schur(keep[static_cast<std::size_t>(a)], keep[static_cast<std::size_t>(e)]);
  }
  Eigen::VectorXd beta_k(kn);
  out.rank = static_cast<std::size_t>(kn);
  if (kn > 0) {
    // Pivots are judged against the scale of the columns before elimination: after it, a
    // column that the slot indicators explain leaves only rounding noise.
    double scale = 0;
    for (Eigen::Index a = 0; a < kn; ++a)
      scale =
          std::max(scale, c(keep[static_cast<std::size_t>(a)], keep[static_cast<std::size_t>(a)]));
    const double tol = scale * 1e-10;
    Eigen::LDLT<Eigen::MatrixXd> ldlt(sk);
    const bool ok = ldlt.info() == Eigen::Success && (ldlt.vectorD().array() > tol).all();
    if (ok) {
      beta_k = ldlt.solve(rk);
    } else {
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(sk);
      const Eigen::VectorXd& ev = eig.eigenvalues();
      const Eigen::MatrixXd& q = eig.eigenvectors();
      Eigen::VectorXd qr = q.transpose() * rk;
      out.rank = 0;
      for (Eigen::Index a = 0; a < kn; ++a) {
        if (ev(a) > tol) {
          qr(a) /= ev(a);
          ++out.rank;
        } else {
          qr(a) = 0;
        }
      }
      beta_k = q * qr;
      out.rank_deficient = true;
    }
  }
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(cols);
  for (Eigen::Index a = 0; a < kn; ++a)
    beta(keep[static_cast<std::size_t>(a)]) = beta_k(a);
  out.beta.assign(beta.data(), beta.data() + cols);
  out.alpha.assign(d_.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t s = 0; s < d_.size(); ++s)
    if (d_[s] > 0) out.alpha[s] = (dy_[s] - b_.row(static_cast<Eigen::Index>(s)).dot(beta)) / d_[s];
  return out;
}

}  // namespace energy::baseline::detail
