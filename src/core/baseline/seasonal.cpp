// SPDX-License-Identifier: Apache-2.0
#include <energy/baseline/seasonal.hpp>

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/baseline/detail.hpp"

namespace energy::baseline {

seasonal_model fit_seasonal(const load_series& load, const seasonal_options& options) {
  if (load.ts.size() != load.kwh.size())
    throw std::invalid_argument("fit_seasonal: ts and kwh sizes differ");
  if (load.interval_seconds <= 0 || load.interval_seconds > 3600 ||
      3600 % load.interval_seconds != 0)
    throw std::invalid_argument("fit_seasonal: interval_seconds must divide 3600");
  detail::require(options.interval_level > 0 && options.interval_level < 1,
                  "fit_seasonal: interval_level must be in (0, 1)");
  detail::offset_cache clock{options.zone};
  std::vector<std::uint8_t> slot;
  std::vector<std::uint8_t> month;
  std::vector<double> y;
  for (std::size_t i = 0; i < load.size(); ++i) {
    if (!std::isfinite(load.kwh[i])) continue;
    const std::int64_t local = clock.local(load.ts[i]);
    slot.push_back(detail::hour_of_week(local));
    month.push_back(static_cast<std::uint8_t>(detail::local_month0(local)));
    y.push_back(load.kwh[i]);
  }
  if (y.empty()) throw std::invalid_argument("fit_seasonal: no finite load value");

  seasonal_model m;
  m.zone = std::string(options.zone.name());
  m.interval_seconds = load.interval_seconds;
  m.interval_level = options.interval_level;
  std::array<double, hours_per_week> sum{}, cnt{};
  for (std::size_t i = 0; i < y.size(); ++i) {
    sum[slot[i]] += y[i];
    cnt[slot[i]] += 1;
  }
  m.profile.assign(hours_per_week, detail::nan);
  std::size_t slots = 0;
  for (std::size_t s = 0; s < hours_per_week; ++s)
    if (cnt[s] > 0) {
      m.profile[s] = sum[s] / cnt[s];
      ++slots;
    }
  std::array<double, 12> msum{}, mcnt{};
  for (std::size_t i = 0; i < y.size(); ++i) {
    msum[month[i]] += y[i] - m.profile[slot[i]];
    mcnt[month[i]] += 1;
  }
  m.month_offsets.assign(12, 0.0);
  m.month_seen.assign(12, 0);
  std::size_t months = 0;
  for (std::size_t k = 0; k < 12; ++k)
    if (mcnt[k] > 0) {
      m.month_offsets[k] = msum[k] / mcnt[k];
      m.month_seen[k] = 1;
      ++months;
    }
  m.observations = y.size();
  m.parameters = slots + months - 1;
  std::vector<std::vector<double>> res(hours_per_week);
  for (std::size_t i = 0; i < y.size(); ++i)
    res[slot[i]].push_back(y[i] - m.profile[slot[i]] - m.month_offsets[month[i]]);
  detail::slot_interval(res, std::vector<std::uint8_t>(hours_per_week, 0), m.interval_level,
                        options.min_slot_residuals, m.residual_lower, m.residual_upper);
  return m;
}

prediction predict(const seasonal_model& model, std::span<const epoch_seconds> ts) {
  if (model.profile.size() != hours_per_week || model.month_offsets.size() != 12 ||
      model.residual_lower.size() != hours_per_week ||
      model.residual_upper.size() != hours_per_week)
    throw std::invalid_argument("predict(seasonal): malformed model (coefficient vector sizes)");
  detail::offset_cache clock{find_zone(model.zone)};
  prediction p;
  p.expected.assign(ts.size(), detail::nan);
  p.lower.assign(ts.size(), detail::nan);
  p.upper.assign(ts.size(), detail::nan);
  for (std::size_t i = 0; i < ts.size(); ++i) {
    const std::int64_t local = clock.local(ts[i]);
    const std::size_t s = detail::hour_of_week(local);
    if (!std::isfinite(model.profile[s])) continue;
    const double e = model.profile[s] +
                     model.month_offsets[static_cast<std::size_t>(detail::local_month0(local))];
    p.expected[i] = e;
    p.lower[i] = e + model.residual_lower[s];
    p.upper[i] = e + model.residual_upper[s];
  }
  return p;
}

}  // namespace energy::baseline
