// SPDX-License-Identifier: Apache-2.0
// Efficiency recommendations over one building's electricity interval series, with their evidence.
#include "common.hpp"

#include <energy/billing/tariff.hpp>
#include <energy/recommend/recommend.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <pybind11/stl.h>

namespace energy::py {

namespace rc = energy::recommend;

namespace {

std::optional<double> optional_double(const pyb::dict& d, const char* key) {
  if (!d.contains(key) || d[key].is_none()) return std::nullopt;
  return d[key].cast<double>();
}

rc::weather_sensitivity weather_of(const pyb::dict& d) {
  static const char* known[] = {"base_load_kwh_per_day",
                                "heating_slope_kwh_per_degf_day",
                                "heating_balance_point_degf",
                                "cooling_slope_kwh_per_degf_day",
                                "cooling_balance_point_degf",
                                "annual_hdd_degf",
                                "annual_cdd_degf",
                                "heating_days_per_year",
                                "cooling_days_per_year",
                                "daily_local_day",
                                "daily_mean_degf",
                                "fit"};
  for (const auto& [k, v] : d) {
    const auto key = pyb::str(k).cast<std::string>();
    if (std::find_if(std::begin(known), std::end(known), [&](const char* x) { return key == x; }) ==
        std::end(known))
      throw pyb::value_error(fmt::format("weather: unknown field '{}'", key));
  }
  rc::weather_sensitivity w;
  w.base_load_kwh_per_day = optional_double(d, "base_load_kwh_per_day").value_or(0.0);
  w.heating_slope_kwh_per_degf_day = optional_double(d, "heating_slope_kwh_per_degf_day");
  w.heating_balance_point_degf = optional_double(d, "heating_balance_point_degf");
  w.cooling_slope_kwh_per_degf_day = optional_double(d, "cooling_slope_kwh_per_degf_day");
  w.cooling_balance_point_degf = optional_double(d, "cooling_balance_point_degf");
  w.annual_hdd_degf = optional_double(d, "annual_hdd_degf").value_or(0.0);
  w.annual_cdd_degf = optional_double(d, "annual_cdd_degf").value_or(0.0);
  w.heating_days_per_year = optional_double(d, "heating_days_per_year").value_or(0.0);
  w.cooling_days_per_year = optional_double(d, "cooling_days_per_year").value_or(0.0);
  if (d.contains("daily_local_day") || d.contains("daily_mean_degf")) {
    if (!d.contains("daily_local_day") || !d.contains("daily_mean_degf"))
      throw pyb::value_error("weather: daily_local_day and daily_mean_degf go together");
    const auto days = d["daily_local_day"].cast<std::vector<std::int64_t>>();
    const auto temps = d["daily_mean_degf"].cast<std::vector<double>>();
    if (days.size() != temps.size())
      throw pyb::value_error("weather: daily_local_day and daily_mean_degf differ in length");
    for (std::size_t i = 0; i < days.size(); ++i)
      w.daily.push_back({days[i], temps[i]});
  }
  if (d.contains("fit") && !d["fit"].is_none()) {
    const auto f = d["fit"].cast<pyb::dict>();
    rc::weather_sensitivity::fit_check c;
    c.passes = f["passes"].cast<bool>();
    c.cv_rmse = f["cv_rmse"].cast<double>();
    c.nmbe = f["nmbe"].cast<double>();
    c.r_squared = f["r_squared"].cast<double>();
    c.observations = f["observations"].cast<std::size_t>();
    c.rules = f["rules"].cast<std::string>();
    c.failure = f["failure"].cast<std::string>();
    w.fit = std::move(c);
  }
  return w;
}

std::optional<money> price_of(const pyb::handle& h, const char* what) {
  if (h.is_none()) return std::nullopt;
  return to_money(h, what);
}

pyb::dict recommendation_dict(const rc::recommendation& r) {
  pyb::list evidence;
  for (const auto& e : r.evidence) {
    pyb::dict item;
    item["label"] = e.label;
    item["value"] = e.value;
    item["unit"] = e.unit;
    item["start"] =
        e.period ? pyb::object(pyb::str(format_utc(e.period->start))) : pyb::object(pyb::none());
    item["end"] =
        e.period ? pyb::object(pyb::str(format_utc(e.period->end))) : pyb::object(pyb::none());
    evidence.append(item);
  }
  pyb::dict d;
  d["kind"] = std::string(rc::to_string(r.kind));
  d["title"] = r.title;
  d["explanation"] = r.explanation;
  d["measure"] = r.measure;
  d["evidence"] = evidence;
  d["saving_kwh_milli"] = r.saving_kwh;
  // No price: None, never a plausible-looking "0".
  const auto money_or_none = [&](money m) {
    return r.priced ? pyb::object(pyb::str(m.to_exact_string())) : pyb::object(pyb::none());
  };
  d["saving"] = money_or_none(r.saving);
  d["saving_low"] = money_or_none(r.saving_low);
  d["saving_high"] = money_or_none(r.saving_high);
  d["per_year"] = r.per_year;
  d["coverage_days"] = r.coverage_days;
  d["basis"] = r.basis;
  d["confidence"] = std::string(rc::to_string(r.confidence));
  d["caveats"] = r.caveats;
  d["annual_saving_kwh_milli"] = r.annual_saving_kwh;
  d["annual_saving"] = r.annual_saving.to_exact_string();
  return d;
}

rc::recommend_result analyse_py(const pyb::handle& building_id, const pyb::object& ts,
                                const pyb::handle& value_milli, const std::string& zone,
                                const pyb::handle& interval_seconds,
                                std::optional<double> floor_area_ft2,
                                const std::string& primary_use, const pyb::handle& energy_price,
                                const pyb::handle& demand_price, const pyb::object& weather,
                                const pyb::object& schedule, const pyb::object& tariff) {
  const auto b = to_uuid(building_id, "building_id");
  const auto t = to_epoch_seconds(ts, "ts");
  const auto v = to_int64s(value_milli, "value_milli");
  const anomaly::meter_series series{
      b, std::nullopt, interval_or_inferred(interval_seconds, t), t, v, {}, "kWh"};
  series.validate();
  rc::building_history h{series, find_zone(zone)};
  h.floor_area_ft2 = floor_area_ft2;
  h.primary_use = primary_use;
  h.price.energy_per_kwh = price_of(energy_price, "energy_price");
  h.price.demand_per_kw_month = price_of(demand_price, "demand_price");
  if (!weather.is_none()) h.weather = weather_of(weather.cast<pyb::dict>());
  if (!schedule.is_none()) h.declared_schedule = schedule.cast<anomaly::operating_schedule>();
  if (!tariff.is_none()) h.tariff = tariff.cast<billing::tariff>();
  pyb::gil_scoped_release release;
  return rc::analyse(h);
}

const std::string inputs_doc =
    "value_milli: Wh per interval. tariff: an energy.Tariff (savings are bill differences under "
    "it); without one, energy_price/demand_price (str/Decimal, $/kWh, $/kW-month) price through a "
    "flat tariff, and `basis` says so. weather: the dict of ChangepointModel.weather(...) (the "
    "weather rules need its daily temperatures and a passing `fit`). schedule: a declared "
    "OperatingSchedule (else detected).";

/// Defines `name(building_id, ts, value_milli, *, zone, ...)`: the analysis, then `shape` of it.
template <typename Shape>
void def_analysis(pyb::module_& m, const char* name, Shape shape, const std::string& doc) {
  m.def(
      name,
      [shape](const pyb::handle& building_id, const pyb::object& ts, const pyb::handle& value_milli,
              const std::string& zone, const pyb::handle& interval_seconds,
              std::optional<double> floor_area_ft2, const std::string& primary_use,
              const pyb::handle& energy_price, const pyb::handle& demand_price,
              const pyb::object& weather, const pyb::object& schedule, const pyb::object& tariff) {
        return shape(analyse_py(building_id, ts, value_milli, zone, interval_seconds,
                                floor_area_ft2, primary_use, energy_price, demand_price, weather,
                                schedule, tariff));
      },
      pyb::arg("building_id"), pyb::arg("ts"), pyb::arg("value_milli"), pyb::kw_only(),
      pyb::arg("zone"), pyb::arg("interval_seconds") = pyb::none(),
      pyb::arg("floor_area_ft2") = pyb::none(), pyb::arg("primary_use") = "",
      pyb::arg("energy_price") = pyb::none(), pyb::arg("demand_price") = pyb::none(),
      pyb::arg("weather") = pyb::none(), pyb::arg("schedule") = pyb::none(),
      pyb::arg("tariff") = pyb::none(), (doc + inputs_doc).c_str());
}

pyb::list recommendation_list(const rc::recommend_result& result) {
  pyb::list out;
  for (const auto& r : result.recommendations)
    out.append(recommendation_dict(r));
  return out;
}

}  // namespace

void bind_recommend(pyb::module_& m) {
  def_analysis(m, "recommend", recommendation_list,
               "Efficiency recommendations that fired, ranked by realisable money (saving_low). "
               "Each is a dict: kind, title, explanation, measure, evidence (label, value, unit, "
               "start, end), saving_kwh_milli, saving/saving_low/saving_high (exact $ str, None "
               "when unpriced), per_year, coverage_days, basis, confidence, caveats; "
               "annual_saving(_kwh_milli) deprecated (0 unless per_year). ");
  def_analysis(
      m, "analyse_recommendations",
      [](const rc::recommend_result& result) {
        pyb::list skipped;
        for (const auto& x : result.skipped) {
          pyb::dict s;
          s["rule"] = x.rule;
          s["reason"] = x.reason;
          skipped.append(s);
        }
        pyb::dict d;
        d["recommendations"] = recommendation_list(result);
        d["skipped"] = skipped;
        d["basis"] = result.basis;
        d["coverage_days"] = result.coverage_days;
        d["per_year"] = result.per_year;
        return d;
      },
      "recommend() with the rules that could not run: a dict with recommendations, skipped "
      "(rule, reason), basis, coverage_days, per_year. ");

  m.def(
      "find_eui_benchmark",
      [](const std::string& primary_use) -> pyb::object {
        const auto b = rc::find_eui_benchmark(primary_use);
        if (!b) return pyb::none();
        pyb::dict d;
        d["primary_use"] = std::string(b->primary_use);
        d["property_type"] = std::string(b->property_type);
        d["site_kbtu_per_ft2"] = b->site_kbtu_per_ft2;
        d["site_kwh_per_ft2"] = b->site_kwh_per_ft2();
        return d;
      },
      pyb::arg("primary_use"), "ENERGY STAR median site EUI of a property type, or None.");
}

}  // namespace energy::py
