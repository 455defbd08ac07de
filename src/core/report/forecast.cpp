// SPDX-License-Identifier: Apache-2.0
#include "forecast.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace energy::report::detail {

std::optional<forecast_result> build_forecast(
    const report_request& req, const period_window& horizon, const hourly_series& h,
    const baseline::temperature_series& temps, const std::map<epoch_seconds, summary_row>& days,
    const building_sensors& sensors, const time_zone& zone, std::vector<std::string>& notes) {
  const time_range fit{local_midnight(horizon.first_day - std::chrono::days{365}, zone),
                       horizon.range.start};
  std::string why;
  const auto fit_days = complete_days_in(days, sensors.electricity, fit);
  const auto model = fit_hourly(h, temps.size() ? &temps : nullptr, fit, zone, fit_days, why);
  if (!model) {
    notes.push_back("no forecast: " + why);
    return std::nullopt;
  }
  forecast_result f;
  f.horizon = horizon;
  f.model = model->name;
  f.weather_normalised = model->weather;
  f.interval_level = model->level;
  const auto grid = hour_grid(horizon.first_day, horizon.end_day, zone);
  std::size_t fallbacks = 0;
  const auto t = temperatures_at(grid, temps, fallbacks);
  if (model->weather)
    f.temperature_assumption =
        fallbacks == 0 ? "recorded outdoor temperatures"
                       : fmt::format(
                             "{} of {} hours use the temperature recorded 52 weeks earlier "
                             "(typical weather), the rest recorded temperatures",
                             fallbacks, grid.size());
  else
    f.temperature_assumption = "none: weather-free seasonal model";
  const auto p = model->predict(grid, t);

  f.days = daily_points(horizon, days, sensors.electricity, zone);
  attach_expected(f.days, grid, p, *model);
  for (auto& d : f.days) {
    // Only what was recorded by the report's clock counts as "so far".
    if (d.range.start < req.now)
      f.actual_so_far += d.consumption;
    else
      d.consumption = 0;
    if (!d.expected_kwh) continue;
    ++f.days_predicted;
    f.expected_kwh += *d.expected_kwh;
  }
  const double z = 1.6448536269514722;  // 90 % two-sided, normal approximation
  const double half = std::isfinite(model->day_sd)
                          ? z * model->day_sd * std::sqrt(static_cast<double>(f.days_predicted))
                          : std::nan("");
  f.lower_kwh = std::max(0.0, f.expected_kwh - half);
  f.upper_kwh = f.expected_kwh + half;
  if (f.days_predicted < horizon.days())
    notes.push_back(
        fmt::format("the forecast covers {} of the {} days of {} (hours without a "
                    "temperature or a fitted time-of-week slot have no prediction)",
                    f.days_predicted, horizon.days(), horizon.label));

  // Expected cost: the bills of the expected hourly load (demand then from hourly data).
  if (!req.tariffs.empty()) {
    billing::interval_series expected;
    expected.interval_seconds = 3600;
    for (std::size_t i = 0; i < grid.size(); ++i)
      if (const auto v = to_milli(p.expected[i])) {
        expected.start.push_back(grid[i]);
        expected.energy.push_back(std::max<milli>(0, *v));
      }
    std::vector<std::string> bill_notes;
    bool covered = false;
    const auto bills =
        compute_bills(expected, req.tariffs, horizon.range, zone, bill_notes, covered);
    if (covered) {
      // Demand charges are left out: the expected load is a mean, whose peaks understate the
      // peaks the building will set, so its demand charge would be a plausible wrong number.
      money total;
      for (const auto& part : bills)
        for (const auto& l : part.bill.lines)
          if (!billing::is_demand_charge(l.kind)) total += l.amount;
      f.expected_cost = total;
    } else {
      for (auto& n : bill_notes)
        notes.push_back("forecast cost: " + n);
    }
  }
  return f;
}

}  // namespace energy::report::detail
