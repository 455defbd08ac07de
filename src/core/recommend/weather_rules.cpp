// SPDX-License-Identifier: Apache-2.0
// The weather rules: a balance point outside its customary range, or a slope above the
// heuristic per floor area. Each prices its measure day by day on the building's own daily
// temperatures, and runs only on a change-point fit that passes the library's quality rules.
#include <cmath>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "core/anomaly/detail.hpp"
#include "core/recommend/rules.hpp"

namespace energy::recommend::detail {
namespace {

namespace ad = energy::anomaly::detail;

/// Degree-days of one day at balance point `b` (heating: below, cooling: above).
double degree_days(bool heating, double b, double t) {
  return std::max(0.0, heating ? b - t : t - b);
}

/// `modified` with `kwh_less(T)` kWh taken off every local day that has a temperature,
/// proportionally to each interval's share of the day; the number of days priced.
std::size_t reduce_by_day(const context& c, std::vector<milli>& modified,
                          const std::function<double(double)>& kwh_less) {
  std::map<std::int64_t, double> temp;
  for (const auto& d : c.h.weather->daily)
    temp[d.local_day] = d.mean_degf;
  std::size_t days = 0;
  const std::size_t n = modified.size();
  std::size_t a = 0;
  while (a < n) {
    const std::int64_t day = ad::floor_div(c.local[a], 86400);
    std::size_t b = a;
    milli total = 0;
    for (; b < n && ad::floor_div(c.local[b], 86400) == day; ++b)
      total += modified[b];
    const auto it = temp.find(day);
    if (it != temp.end() && total > 0) {
      ++days;
      // A partial day (at the ends of the data, or with gaps) takes its share of the day only.
      const double share =
          std::min(1.0, static_cast<double>(b - a) * c.h.series.interval_seconds / 86400.0);
      const double less_wh =
          std::min(kwh_less(it->second) * 1000.0 * share, static_cast<double>(total));
      for (std::size_t i = a; i < b; ++i)
        modified[i] -= static_cast<milli>(
            std::llround(less_wh * static_cast<double>(modified[i]) / static_cast<double>(total)));
    }
    a = b;
  }
  return days;
}

/// Whether the weather rules may run; the reason they may not, recorded as skipped.
bool usable(const context& c, std::string_view rule) {
  if (!c.h.weather) {
    c.skip(std::string(rule),
           "no weather model: fit a change-point model and pass weather_from(model, periods, "
           "temperatures)");
    return false;
  }
  const auto& w = *c.h.weather;
  if (!w.fit) {
    c.skip(std::string(rule),
           "the change-point fit's quality is unknown (weather_from was not given the usage "
           "periods): no weather claim");
    return false;
  }
  if (!w.fit->passes) {
    c.skip(std::string(rule), fmt::format("no weather model: change-point fit failed: {} ({})",
                                          w.fit->failure, w.fit->rules));
    return false;
  }
  if (w.daily.empty()) {
    c.skip(std::string(rule), "no daily temperatures to price the measure on");
    return false;
  }
  return true;
}

void add_fit_evidence(const weather_sensitivity& w, std::vector<evidence_item>& ev) {
  ev.push_back({"fit CV(RMSE)", 100.0 * w.fit->cv_rmse, "%", {}});
  ev.push_back({"fit NMBE", 100.0 * w.fit->nmbe, "%", {}});
  ev.push_back({"fit R2", w.fit->r_squared, "", {}});
  ev.push_back({"fit passes: " + w.fit->rules, 1.0, "", {}});
}

}  // namespace

void weather_rules(const context& c, std::vector<recommendation>& out) {
  if (!usable(c, "weather_sensitivity")) return;
  const auto& w = *c.h.weather;
  // Balance point outside its range: moved to the range's edge. Per day, the saving is the
  // slope × the degree-days between the two balance points for that day's temperature (a day
  // between them saves only its part beyond the model's balance point, not the full difference).
  auto balance_rule = [&](const std::optional<double>& balance, const std::optional<double>& slope,
                          double edge, bool heating) {
    if (!balance || !slope || (heating ? *balance <= edge : *balance >= edge)) return;
    auto modified = c.measured();
    double dd_between = 0.0;
    const std::size_t days = reduce_by_day(c, modified, [&](double t) {
      const double dd = degree_days(heating, *balance, t) - degree_days(heating, edge, t);
      dd_between += dd;
      return *slope * dd;
    });
    if (days == 0) {
      c.skip("weather_sensitivity", "no day of the meter data has a daily temperature");
      return;
    }
    const std::string_view what = heating ? "heating" : "cooling";
    auto r = make(recommendation_kind::weather_sensitivity,
                  heating ? "Lower the heating balance point" : "Raise the cooling balance point");
    r.measure = fmt::format(
        "each day with a temperature: use lowered by {:.1f} kWh per degree-day between {:.1f} "
        "and {:.0f} °F at that day's mean temperature",
        *slope, *balance, edge);
    r.evidence = {{fmt::format("{} balance point", what), *balance, "degF", {}},
                  {fmt::format("{} slope", what), *slope, "kWh/(degF day)", {}},
                  {"degree-days between the balance points", dd_between, "degF day", c.period},
                  {"days priced", static_cast<double>(days), "days", c.period}};
    add_fit_evidence(w, r.evidence);
    finish(c, r, modified, {});
    r.explanation = fmt::format(
        "{} starts when the daily mean outdoor temperature {} {:.1f} °F, {} the expected {:.0f} "
        "°F: check {}. Over the {} days with data the days {} {:.0f} °F add {:.0f} degree-days "
        "at {:.1f} kWh per °F·day; {} saves {}.",
        heating ? "Heating" : "Cooling", heating ? "falls below" : "rises above", *balance,
        heating ? "above" : "below", edge,
        heating ? "heating setpoints, setbacks and simultaneous heating and cooling"
                : "cooling setpoints and the economizer (free cooling)",
        days, heating ? "below" : "above", *balance, dd_between, *slope,
        heating ? "lowering it" : "raising it",
        r.priced ? "$" + r.saving.to_string() + (r.per_year ? " a year" : " in that period")
                 : fmt::format("{:.0f} kWh", from_milli(r.saving_kwh)));
    out.push_back(std::move(r));
  };
  balance_rule(w.heating_balance_point_degf, w.heating_slope_kwh_per_degf_day,
               c.o.max_heating_balance_point_degf, true);
  balance_rule(w.cooling_balance_point_degf, w.cooling_slope_kwh_per_degf_day,
               c.o.min_cooling_balance_point_degf, false);
  if (!c.h.floor_area_ft2 || *c.h.floor_area_ft2 <= 0.0) {
    c.skip("weather_sensitivity", "slope per floor area: no floor area");
    return;
  }
  const double k = *c.h.floor_area_ft2 / 1000.0;
  auto slope_rule = [&](const std::optional<double>& slope, const std::optional<double>& balance,
                        double limit, bool heating) {
    if (!slope || !balance || *slope / k <= limit) return;
    const std::string_view what = heating ? "heating" : "cooling";
    auto modified = c.measured();
    double dd = 0.0;
    reduce_by_day(c, modified, [&](double t) {
      dd += degree_days(heating, *balance, t);
      return (*slope - limit * k) * degree_days(heating, *balance, t);
    });
    auto r = make(recommendation_kind::weather_sensitivity,
                  fmt::format("Reduce the {} sensitivity to weather", what));
    r.measure = fmt::format(
        "each day with a temperature: use lowered by {:.1f} kWh per degree-day beyond {:.1f} °F",
        *slope - limit * k, *balance);
    r.evidence = {
        {fmt::format("{} slope per 1000 ft2", what), *slope / k, "kWh/(degF day 1000 ft2)", {}},
        {"degree-days in the data", dd, "degF day", c.period}};
    add_fit_evidence(w, r.evidence);
    saving_basis b;
    b.heuristic = true;  // the per-area limit is a rule of thumb
    finish(c, r, modified, std::move(b));
    r.explanation = fmt::format(
        "The {} slope is {:.2f} kWh per °F·day per 1000 ft², above {:.1f}: the envelope, "
        "ventilation rate or {} plant efficiency deserve a look. At {:.1f} the building would "
        "save {} ({:.0f} degree-days in the data).",
        what, *slope / k, limit, what, limit,
        r.priced ? "$" + r.saving.to_string() + (r.per_year ? " a year" : " in that period")
                 : fmt::format("{:.0f} kWh", from_milli(r.saving_kwh)),
        dd);
    out.push_back(std::move(r));
  };
  slope_rule(w.heating_slope_kwh_per_degf_day, w.heating_balance_point_degf,
             c.o.max_heating_slope_per_1000ft2, true);
  slope_rule(w.cooling_slope_kwh_per_degf_day, w.cooling_balance_point_degf,
             c.o.max_cooling_slope_per_1000ft2, false);
}

}  // namespace energy::recommend::detail
