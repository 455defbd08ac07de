// SPDX-License-Identifier: Apache-2.0
#include "core/recommend/pricing.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/anomaly/detail.hpp"

namespace energy::recommend::detail {
namespace {

bool charges_demand(const billing::tariff& t) {
  auto any_rate = [](const std::vector<billing::rate_period>& periods) {
    for (const auto& p : periods)
      for (const auto& tier : p.tiers)
        if (tier.price().micros() != 0) return true;
    return false;
  };
  return any_rate(t.demand_periods) || any_rate(t.flat_demand_periods);
}

/// A price as stated, not rounded to cents: "0.115", "12.40".
std::string price_text(money m) {
  std::string s = m.to_exact_string();
  const auto dot = s.find('.');
  while (dot != std::string::npos && s.size() > dot + 3 && s.back() == '0')
    s.pop_back();
  return s;
}

}  // namespace

counterfactual_pricer::counterfactual_pricer(const anomaly::meter_series& series,
                                             const time_zone& zone,
                                             std::span<const std::int64_t> local_seconds,
                                             const std::optional<billing::tariff>& tariff,
                                             const prices& flat)
    : zone_(zone) {
  measured_.start.assign(series.ts.begin(), series.ts.end());
  measured_.energy.assign(series.value.begin(), series.value.end());
  measured_.interval_seconds = series.interval_seconds;
  const std::int32_t interval = series.interval_seconds;
  if (tariff) {
    tariff->validate();
    tariff_ = *tariff;
    priced_ = true;
    basis_ = fmt::format("tariff '{}'", tariff_.name.empty() ? tariff_.label : tariff_.name);
  } else if (flat.energy_per_kwh || flat.demand_per_kw_month) {
    // The flat prices as a one-period tariff, so that every saving goes through the same engine.
    tariff_.name = "flat prices";
    tariff_.energy_periods.push_back(billing::rate_period{
        {billing::rate_tier{std::nullopt, flat.energy_per_kwh.value_or(money{}), money{}}}});
    if (flat.demand_per_kw_month) {
      tariff_.flat_demand_periods.push_back(
          billing::rate_period{{billing::rate_tier{std::nullopt, *flat.demand_per_kw_month, {}}}});
      // No utility window is known: demand is the data interval's average power.
      tariff_.demand_window_minutes = std::max<std::int32_t>(1, interval / 60);
      caveats_.push_back(fmt::format(
          "demand priced on the data's {}-minute average power: no tariff states the utility's "
          "demand window",
          interval / 60));
    }
    tariff_.validate();
    priced_ = true;
    basis_ = "flat price";
    if (flat.energy_per_kwh) basis_ += fmt::format(" {} $/kWh", price_text(*flat.energy_per_kwh));
    if (flat.demand_per_kw_month)
      basis_ += fmt::format(" {} $/kW-month", price_text(*flat.demand_per_kw_month));
    basis_ += " (no tariff given: time-of-use, tiers and demand windows not priced)";
  } else {
    basis_ = "unpriced: no tariff and no flat price (kWh only)";
  }
  demand_charge_ = priced_ && charges_demand(tariff_);
  if (tariff && demand_charge_ && interval > tariff_.demand_window_minutes * 60)
    caveats_.push_back(fmt::format(
        "demand from {}-minute data against the tariff's {}-minute demand window: the billed "
        "peaks are likely higher than measured here, and the demand saving is approximate",
        interval / 60, tariff_.demand_window_minutes));

  // Billing months: local calendar months, clipped to the data.
  namespace ad = anomaly::detail;
  std::int64_t current = -1;
  epoch_seconds first = 0;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const std::chrono::year_month_day ymd{
        std::chrono::local_days{std::chrono::days{ad::floor_div(local_seconds[i], 86400)}}};
    const std::int64_t key = int(ymd.year()) * 12 + static_cast<int>(unsigned(ymd.month()));
    if (key != current) {
      if (current >= 0) months_.push_back({from_epoch(first), from_epoch(series.ts[i])});
      current = key;
      first = series.ts[i];
    }
  }
  if (current >= 0) months_.push_back({from_epoch(first), from_epoch(series.ts.back() + interval)});
  if (priced_)
    for (const auto& m : months_)
      measured_bills_.push_back(exact_total(measured_, m));
}

money counterfactual_pricer::exact_total(const billing::interval_series& data,
                                         time_range period) const {
  const auto b = billing::compute_bill(data, tariff_, zone_, period);
  money sum;
  for (const auto& line : b.lines)
    sum += line.exact;
  return sum;
}

priced_saving counterfactual_pricer::price(std::span<const milli> modified) const {
  priced_saving out;
  for (std::size_t i = 0; i < modified.size(); ++i)
    out.kwh += measured_.energy[i] - modified[i];
  if (!priced_) return out;
  billing::interval_series changed = measured_;
  changed.energy.assign(modified.begin(), modified.end());
  for (std::size_t m = 0; m < months_.size(); ++m) {
    const money s = measured_bills_[m] - exact_total(changed, months_[m]);
    out.monthly.push_back(s);
    out.saving += s;
  }
  return out;
}

}  // namespace energy::recommend::detail
