// SPDX-License-Identifier: Apache-2.0
// ASHRAE Guideline 14 savings uncertainty against hand computations of the Annex B formula,
// with t values from a printed Student t table (two-sided 90 %: df 10 -> 1.812, df 28 -> 1.701).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <energy/baseline/uncertainty.hpp>

using namespace energy::baseline;

TEST_CASE("Fractional savings uncertainty equals the Guideline 14 formula by hand",
          "[baseline][uncertainty]") {
  // n = 36 daily-like points, rho = 0.5 -> n' = 36 * 0.5 / 1.5 = 12; p = 2 -> 10 dof, t = 1.812.
  savings_uncertainty_input in;
  in.cv_rmse = 0.10;
  in.baseline_points = 36;
  in.parameters = 2;
  in.reporting_points = 12;
  in.autocorrelation = 0.5;
  const savings_uncertainty_terms t = savings_uncertainty(in);
  CHECK(t.effective_points == Approx(12.0));
  CHECK(t.t_value == Approx(1.812).margin(5e-4));
  // 1.26 * 1.812 * 0.10 * sqrt((36/12) * (1 + 2/12) / 12) / F, F = 0.10:
  // sqrt(3 * 1.1666667 / 12) = sqrt(0.2916667) = 0.5400617 -> 1.26 * 1.812 * 0.5400617 = 1.2330.
  const double by_hand = 1.26 * 1.812 * 0.10 * std::sqrt(3.0 * (1.0 + 2.0 / 12.0) / 12.0) / 0.10;
  CHECK(fractional_savings_uncertainty(in, 0.10) == Approx(by_hand).epsilon(5e-4));
  // Savings needed for +-50 %: F = FSU(F=1) / 0.5 = 0.12330 * 2.
  CHECK(savings_fraction_needed(in, 0.5) == Approx(by_hand * 0.10 / 0.5).epsilon(5e-4));

  // No autocorrelation: n' = n = 30, p = 2 -> 28 dof, t = 1.701; monthly-like m = 12, F = 0.2.
  in.baseline_points = 30;
  in.autocorrelation = 0;
  in.cv_rmse = 0.05;
  const double hand2 = 1.26 * 1.701 * 0.05 * std::sqrt(1.0 * (1.0 + 2.0 / 30.0) / 12.0) / 0.2;
  CHECK(fractional_savings_uncertainty(in, 0.2) == Approx(hand2).epsilon(5e-4));
  // Negative autocorrelation does not inflate n'.
  in.autocorrelation = -0.4;
  CHECK(savings_uncertainty(in).effective_points == Approx(30.0));
  // 95 % two-sided, df 28: 2.048.
  in.confidence = 0.95;
  CHECK(savings_uncertainty(in).t_value == Approx(2.048).margin(5e-4));
}

TEST_CASE("Savings uncertainty refuses too few effective points and bad inputs",
          "[baseline][uncertainty]") {
  savings_uncertainty_input in;
  in.cv_rmse = 0.2;
  in.baseline_points = 12;
  in.parameters = 3;
  in.reporting_points = 12;
  in.autocorrelation = 0.8;  // n' = 12 * 0.2 / 1.8 = 1.33 < p
  CHECK_THROWS_WITH(savings_uncertainty(in), Catch::Contains("too few points"));
  in.autocorrelation = 1.0;
  CHECK_THROWS_AS(savings_uncertainty(in), std::invalid_argument);
  in.autocorrelation = 0;
  CHECK_THROWS_AS(fractional_savings_uncertainty(in, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(savings_fraction_needed(in, -1.0), std::invalid_argument);
}

TEST_CASE("Lag-1 autocorrelation of residuals", "[baseline][uncertainty]") {
  // Alternating signs: every consecutive pair is (a, -a): correlation -1.
  const std::vector<double> alt = {1, -1, 1, -1, 1, -1, 1};
  CHECK(lag1_autocorrelation(alt) == Approx(-1.0));
  // A straight line: pairs (k, k+1) lie on a line: correlation +1.
  const std::vector<double> line = {1, 2, 3, 4, 5, 6};
  CHECK(lag1_autocorrelation(line) == Approx(1.0));
  // By hand: e = 1, 3, 2, 4 -> pairs (1,3), (3,2), (2,4): a = 1,3,2 (mean 2), b = 3,2,4 (mean 3);
  // sab = (-1)(0) + (1)(-1) + (0)(1) = -1, saa = 2, sbb = 2 -> -0.5.
  const std::vector<double> e = {1, 3, 2, 4};
  CHECK(lag1_autocorrelation(e) == Approx(-0.5));
  // Pairs with a NaN are skipped; fewer than 3 pairs is NaN.
  const std::vector<double> gaps = {1, 3, std::nan(""), 2, 4};
  CHECK(std::isnan(lag1_autocorrelation(gaps)));
}
