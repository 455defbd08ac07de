// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * Goodness-of-fit metrics with the ASHRAE Guideline 14-2014 definitions (Annex B / §5.3.2.4):
 *
 *   CV(RMSE) = sqrt( sum (y_i - yhat_i)^2 / (n - p) ) / ybar
 *   NMBE     = sum (y_i - yhat_i) / ( (n - p) * ybar )          (positive: model under-predicts)
 *   R^2      = 1 - sum (y_i - yhat_i)^2 / sum (y_i - ybar)^2
 *   MAPE     = mean over y_i != 0 of |y_i - yhat_i| / |y_i|
 *
 * n counts the rows where both actual and predicted are finite; p is the number of model
 * parameters (pass the model's parameter count for in-sample calibration metrics, 0 for
 * out-of-sample evaluation, where no degrees of freedom were spent on those rows).
 * Values are fractions (0.30 = 30 %).
 */

#include <cstddef>
#include <span>
#include <string_view>

#include <energy/enum_names.hpp>

namespace energy::baseline {

struct fit_metrics {
  std::size_t n = 0;           ///< rows used (both values finite)
  std::size_t parameters = 0;  ///< p
  double mean_actual = 0;      ///< ybar
  double cv_rmse = 0;
  double nmbe = 0;
  double r_squared = 0;
  double mape = 0;  ///< NaN when every actual is zero
};

/// @throws std::invalid_argument when the spans differ in size or n <= p.
[[nodiscard]] fit_metrics compute_metrics(std::span<const double> actual,
                                          std::span<const double> predicted,
                                          std::size_t parameters = 0);

/// Guideline 14 calibration criteria by data resolution: hourly CV(RMSE) <= 30 % and
/// |NMBE| <= 10 %; monthly 15 % and 5 %. (Guideline 14 does not define daily criteria; the
/// library checks daily models against the hourly ones, as is common practice.)
enum class data_resolution { hourly, daily, monthly };
/// "hourly", "daily", "monthly"; parse with `parse<data_resolution>` (energy/enum_names.hpp).
[[nodiscard]] std::string_view to_string(data_resolution r) noexcept;

[[nodiscard]] bool passes_guideline14(const fit_metrics& m, data_resolution resolution) noexcept;

}  // namespace energy::baseline

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::baseline::data_resolution>;

ENERGY_API_END
