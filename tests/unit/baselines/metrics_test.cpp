// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <energy/baseline/metrics.hpp>

#include "core/baseline/stats.hpp"

using namespace energy::baseline;

TEST_CASE("Metrics follow Guideline 14's definitions with n - p degrees of freedom",
          "[baseline][metrics]") {
  const std::vector<double> y{10, 12, 8, 10};
  const std::vector<double> f{9, 12, 9, 8};  // errors 1, 0, -1, 2
  const fit_metrics m = compute_metrics(y, f, 1);
  CHECK(m.n == 4);
  CHECK(m.mean_actual == Approx(10.0));
  CHECK(m.cv_rmse == Approx(std::sqrt(6.0 / 3.0) / 10.0));
  CHECK(m.nmbe == Approx(2.0 / (3.0 * 10.0)));
  CHECK(m.r_squared == Approx(1.0 - 6.0 / 8.0));
  CHECK(m.mape == Approx((0.1 + 0 + 0.125 + 0.2) / 4));
}

TEST_CASE("Rows with a NaN actual or prediction are not counted", "[baseline][metrics]") {
  const std::vector<double> y{10, std::nan(""), 8, 10};
  const std::vector<double> f{9, 12, std::nan(""), 8};
  const fit_metrics m = compute_metrics(y, f);
  CHECK(m.n == 2);
  CHECK(m.nmbe == Approx(3.0 / (2 * 10.0)));
}

TEST_CASE("Metrics need more rows than parameters", "[baseline][metrics]") {
  const std::vector<double> y{1, 2};
  CHECK_THROWS_AS(compute_metrics(y, y, 2), std::invalid_argument);
  CHECK_THROWS_AS(compute_metrics(y, std::vector<double>{1}), std::invalid_argument);
}

TEST_CASE("Guideline 14 thresholds are 30/10 % hourly and 15/5 % monthly, inclusive",
          "[baseline][metrics]") {
  fit_metrics m;
  m.cv_rmse = 0.30;
  m.nmbe = -0.10;
  CHECK(passes_guideline14(m, data_resolution::hourly));
  CHECK(passes_guideline14(m, data_resolution::daily));
  CHECK_FALSE(passes_guideline14(m, data_resolution::monthly));
  m.cv_rmse = 0.3001;
  CHECK_FALSE(passes_guideline14(m, data_resolution::hourly));
  m.cv_rmse = 0.15;
  m.nmbe = 0.05;
  CHECK(passes_guideline14(m, data_resolution::monthly));
  m.nmbe = 0.0501;
  CHECK_FALSE(passes_guideline14(m, data_resolution::monthly));
  m.cv_rmse = std::nan("");
  CHECK_FALSE(passes_guideline14(m, data_resolution::hourly));
}

TEST_CASE("Student t p-values match reference values", "[baseline][stats]") {
  // Reference values: scipy.stats.t.sf(|t|, dof) * 2.
  CHECK(detail::student_t_two_sided_p(2.0, 10) == Approx(0.0733880347707).epsilon(1e-9));
  CHECK(detail::student_t_two_sided_p(-1.0, 3) == Approx(0.39100221895577053).epsilon(1e-9));
  CHECK(detail::student_t_two_sided_p(5.0, 100) == Approx(2.4501734135037985e-06).epsilon(1e-7));
  CHECK(detail::student_t_two_sided_p(0.0, 7) == Approx(1.0));
  CHECK(detail::normal_quantile(0.95) == Approx(1.6448536269514722).epsilon(1e-12));
  CHECK(detail::normal_quantile(0.5) == Approx(0.0).margin(1e-14));
}
