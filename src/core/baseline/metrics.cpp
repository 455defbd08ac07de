// SPDX-License-Identifier: Apache-2.0
#include <energy/baseline/metrics.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include "core/enum_table.hpp"

namespace energy::baseline {

fit_metrics compute_metrics(std::span<const double> actual, std::span<const double> predicted,
                            std::size_t parameters) {
  if (actual.size() != predicted.size())
    throw std::invalid_argument("compute_metrics: actual and predicted sizes differ");
  fit_metrics m;
  m.parameters = parameters;
  double sum_y = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (!std::isfinite(actual[i]) || !std::isfinite(predicted[i])) continue;
    ++m.n;
    sum_y += actual[i];
  }
  if (m.n <= parameters)
    throw std::invalid_argument("compute_metrics: need more rows (" + std::to_string(m.n) +
                                ") than parameters (" + std::to_string(parameters) + ")");
  m.mean_actual = sum_y / static_cast<double>(m.n);
  double sse = 0, sst = 0, bias = 0, ape = 0;
  std::size_t ape_n = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (!std::isfinite(actual[i]) || !std::isfinite(predicted[i])) continue;
    const double e = actual[i] - predicted[i];
    sse += e * e;
    bias += e;
    sst += (actual[i] - m.mean_actual) * (actual[i] - m.mean_actual);
    if (actual[i] != 0) {
      ape += std::fabs(e) / std::fabs(actual[i]);
      ++ape_n;
    }
  }
  const double dof = static_cast<double>(m.n - parameters);
  m.cv_rmse = std::sqrt(sse / dof) / m.mean_actual;
  m.nmbe = bias / (dof * m.mean_actual);
  m.r_squared = sst > 0 ? 1.0 - sse / sst : std::numeric_limits<double>::quiet_NaN();
  m.mape = ape_n > 0 ? ape / static_cast<double>(ape_n) : std::numeric_limits<double>::quiet_NaN();
  return m;
}

namespace {
constexpr auto data_resolution_names = energy::detail::make_enum_table<data_resolution>(
    "data_resolution", {{data_resolution::hourly, "hourly"},
                        {data_resolution::daily, "daily"},
                        {data_resolution::monthly, "monthly"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(data_resolution) noexcept {
  return data_resolution_names;
}
std::string_view to_string(data_resolution v) noexcept {
  return data_resolution_names.name(v);
}

bool passes_guideline14(const fit_metrics& m, data_resolution resolution) noexcept {
  const bool monthly = resolution == data_resolution::monthly;
  const double cv_max = monthly ? 0.15 : 0.30;
  const double nmbe_max = monthly ? 0.05 : 0.10;
  return std::isfinite(m.cv_rmse) && std::isfinite(m.nmbe) && m.cv_rmse <= cv_max &&
         std::fabs(m.nmbe) <= nmbe_max;
}

}  // namespace energy::baseline

template struct energy::detail::enum_names<energy::baseline::data_resolution>;
