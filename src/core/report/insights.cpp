// SPDX-License-Identifier: Apache-2.0
#include "insights.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include <energy/report/format.hpp>

namespace energy::report::detail {
namespace {

recommend::evidence_item item(std::string label, double value, std::string unit,
                              std::optional<time_range> period = {}) {
  return {std::move(label), value, std::move(unit), period};
}

std::string direction(double percent) {
  return percent >= 0 ? "above" : "below";
}

void consumption_insight(report& r) {
  const auto& k = r.headline;
  insight i;
  i.topic = "consumption";
  i.text = fmt::format("Consumption in {} was {} kWh", r.window.label, format_kwh(k.consumption));
  i.evidence.push_back(item("consumption", from_milli(k.consumption), "kWh", r.window.range));
  for (const auto* c : {&k.previous_period, &k.same_period_last_year}) {
    const bool prev = c == &k.previous_period;
    if (c->percent) {
      i.text +=
          fmt::format("{} {} {} ({}: {} kWh)", prev ? "," : ";", format_percent(*c->percent),
                      prev ? "against the previous period" : "against the same period last year",
                      c->reference.label, format_kwh(c->reference_consumption));
      i.evidence.push_back(item(prev ? "previous period" : "same period last year",
                                from_milli(c->reference_consumption), "kWh", c->reference.range));
      i.evidence.push_back(
          item(prev ? "change vs previous period" : "change vs last year", *c->percent, "%"));
    }
  }
  i.text += ".";
  r.insights.push_back(std::move(i));
}

void peak_insight(report& r) {
  const auto& k = r.headline;
  if (!k.peak_day || k.peak_demand <= 0) return;
  insight i;
  i.topic = "peak";
  i.text = fmt::format("Peak demand was {} kW (highest {}-minute average) on {}.",
                       format_kw(k.peak_demand), k.demand_window_minutes, format_date(*k.peak_day));
  i.evidence.push_back(item("peak demand", from_milli(k.peak_demand), "kW"));
  r.insights.push_back(std::move(i));
}

void baseline_insight(report& r) {
  if (!r.baseline || r.baseline->days_compared == 0) return;
  const auto& b = *r.baseline;
  insight i;
  i.topic = "baseline";
  const bool outside = b.actual_kwh > b.upper_kwh || b.actual_kwh < b.lower_kwh;
  i.text = fmt::format(
      "Over {} days with complete data, consumption was {} kWh against {} kWh expected by the {} "
      "baseline ({} {}; {:.0f}% band {} to {} kWh{}).",
      b.days_compared, format_kwh(b.actual_kwh), format_kwh(b.expected_kwh),
      b.weather_normalised ? "weather-normalised" : "weather-free",
      format_percent(b.deviation_percent), direction(b.deviation_percent), 100.0 * b.interval_level,
      format_kwh(b.lower_kwh), format_kwh(b.upper_kwh),
      outside ? ", outside the band" : ", within the band");
  i.evidence = {item("actual", b.actual_kwh, "kWh"),
                item("expected", b.expected_kwh, "kWh"),
                item("band lower", b.lower_kwh, "kWh"),
                item("band upper", b.upper_kwh, "kWh"),
                item("deviation", b.deviation_percent, "%"),
                item("baseline CV(RMSE)", 100.0 * b.cv_rmse, "%")};
  r.insights.push_back(std::move(i));
}

void eui_insight(report& r) {
  const auto& k = r.headline;
  if (!k.eui_kbtu_per_ft2_year) return;
  insight i;
  i.topic = "eui";
  i.text = fmt::format(
      "Electricity use intensity, annualised from {} days, is {} kBtu/ft²/yr ({} "
      "kWh/ft²/yr)",
      r.window.days(), format_number(*k.eui_kbtu_per_ft2_year, 1),
      format_number(*k.eui_kwh_per_ft2_year, 2));
  i.evidence.push_back(item("EUI", *k.eui_kbtu_per_ft2_year, "kBtu/ft²/yr"));
  if (k.benchmark) {
    i.text += fmt::format(
        "; the ENERGY STAR median site EUI for the property type {} is {} kBtu/ft²/yr (all fuels)",
        k.benchmark->property_type, format_number(k.benchmark->site_kbtu_per_ft2, 1));
    i.evidence.push_back(item("benchmark median", k.benchmark->site_kbtu_per_ft2, "kBtu/ft²/yr"));
  }
  i.text += ".";
  r.insights.push_back(std::move(i));
}

void coverage_insight(report& r) {
  const auto& k = r.headline;
  if (k.readings >= k.expected_readings) return;
  insight i;
  i.topic = "coverage";
  i.text = fmt::format(
      "{} of {} expected readings are missing ({} coverage): totals under-count "
      "the period by the missing intervals.",
      k.expected_readings - k.readings, k.expected_readings,
      format_number(100.0 * k.coverage, 1) + "%");
  i.evidence = {item("readings", static_cast<double>(k.readings), "readings"),
                item("expected readings", static_cast<double>(k.expected_readings), "readings")};
  r.insights.push_back(std::move(i));
}

void anomaly_insight(report& r) {
  if (r.anomalies.empty()) return;
  const auto& top = r.anomalies.front();
  insight i;
  i.topic = "anomaly";
  i.text = fmt::format("{} anomal{} found; the most severe ({}, {}): {}", r.anomalies.size(),
                       r.anomalies.size() == 1 ? "y" : "ies", anomaly::to_string(top.kind),
                       anomaly::to_string(top.severity), top.explanation);
  i.evidence = {item("anomalies", static_cast<double>(r.anomalies.size()), "anomalies"),
                item("expected", from_milli(top.expected), "kWh", top.range),
                item("actual", from_milli(top.actual), "kWh", top.range)};
  r.insights.push_back(std::move(i));
}

void recommendation_insight(report& r) {
  if (r.recommendations.empty()) return;
  const auto& top = r.recommendations.front();
  insight i;
  i.topic = "recommendation";
  std::vector<std::string> parts;
  const std::string per = format_saving_period(top.per_year, top.coverage_days);
  if (top.saving_kwh > 0) {
    parts.push_back(format_kwh(top.saving_kwh) + " kWh");
    i.evidence.push_back(item("saving over " + per, from_milli(top.saving_kwh), "kWh"));
  }
  if (top.priced && top.saving.micros() > 0) {
    parts.push_back(format_money(top.saving) + " " + r.currency);
    i.evidence.push_back(item("saving over " + per, top.saving.to_double(), r.currency));
  }
  i.text = fmt::format("Largest saving: {}, about {} {}", top.title,
                       parts.empty() ? std::string("nothing measurable")
                                     : fmt::format("{}", fmt::join(parts, " and ")),
                       top.per_year ? std::string("a year") : "over the " + per);
  i.text += ".";
  r.insights.push_back(std::move(i));
}

void forecast_insight(report& r) {
  if (!r.forecast) return;
  const auto& f = *r.forecast;
  insight i;
  i.topic = "forecast";
  i.text =
      fmt::format("{} is forecast at {} kWh ({:.0f}% band {} to {} kWh) over {} predicted days",
                  f.horizon.label, format_kwh(f.expected_kwh), 100.0 * f.interval_level,
                  format_kwh(f.lower_kwh), format_kwh(f.upper_kwh), f.days_predicted);
  i.evidence = {item("forecast", f.expected_kwh, "kWh", f.horizon.range),
                item("band lower", f.lower_kwh, "kWh"), item("band upper", f.upper_kwh, "kWh")};
  if (f.expected_cost) {
    i.text += fmt::format(", costing about {} {} before demand charges",
                          format_money(*f.expected_cost), r.currency);
    i.evidence.push_back(item("expected cost", f.expected_cost->to_double(), r.currency));
  }
  i.text += ".";
  r.insights.push_back(std::move(i));
}

}  // namespace

insight insight_no_data(const building& b, const period_window& w,
                        std::size_t electricity_sensors) {
  insight i;
  i.topic = "coverage";
  i.text = electricity_sensors == 0
               ? fmt::format(
                     "{} has no active electricity sensor, so there is nothing to report "
                     "for {}.",
                     b.name, w.label)
               : fmt::format(
                     "No electricity readings were recorded for {} in {} ({} to {}): "
                     "there is nothing to report for this period.",
                     b.name, w.label, format_date(w.first_day),
                     format_date(w.end_day - std::chrono::days{1}));
  i.evidence.push_back(item("readings", 0.0, "readings", w.range));
  return i;
}

void add_building_insights(report& r) {
  consumption_insight(r);
  peak_insight(r);
  baseline_insight(r);
  forecast_insight(r);
  eui_insight(r);
  anomaly_insight(r);
  recommendation_insight(r);
  coverage_insight(r);
}

void add_comparison_insights(report& r) {
  const comparison_row* highest = nullptr;
  const comparison_row* rise = nullptr;
  for (const auto& row : r.comparison) {
    if (row.rank == 1) highest = &row;
    if (row.change_percent && (!rise || *row.change_percent > *rise->change_percent)) rise = &row;
  }
  if (highest) {
    insight i;
    i.topic = "ranking";
    i.text = fmt::format(
        "{} has the highest electricity use intensity: {} kWh/ft²/yr annualised "
        "({} kWh in {}).",
        highest->name, format_number(*highest->eui_kwh_per_ft2_year, 2),
        format_kwh(highest->consumption), r.window.label);
    i.evidence = {item("EUI", *highest->eui_kwh_per_ft2_year, "kWh/ft²/yr"),
                  item("consumption", from_milli(highest->consumption), "kWh", r.window.range)};
    r.insights.push_back(std::move(i));
  }
  if (rise) {
    insight i;
    i.topic = "change";
    i.text = fmt::format("{} changed most against the previous period: {}.", rise->name,
                         format_percent(*rise->change_percent));
    i.evidence = {item("change vs previous period", *rise->change_percent, "%")};
    r.insights.push_back(std::move(i));
  }
  const auto unranked = std::count_if(r.comparison.begin(), r.comparison.end(),
                                      [](const auto& row) { return row.rank == 0; });
  if (unranked > 0) {
    insight i;
    i.topic = "coverage";
    i.text = fmt::format("{} of {} buildings are not ranked (no floor area or no data).", unranked,
                         r.comparison.size());
    i.evidence = {item("unranked buildings", static_cast<double>(unranked), "buildings")};
    r.insights.push_back(std::move(i));
  }
}

}  // namespace energy::report::detail
