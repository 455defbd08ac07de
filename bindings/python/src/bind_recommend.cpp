// SPDX-License-Identifier: Apache-2.0
// Efficiency recommendations over one building's electricity interval series, with their evidence.
#include "common.hpp"

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
                                "cooling_days_per_year"};
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
  return w;
}

std::optional<money> price_of(const pyb::handle& h, const char* what) {
  if (h.is_none()) return std::nullopt;
  return to_money(h, what);
}

}  // namespace

void bind_recommend(pyb::module_& m) {
  m.def(
      "recommend",
      [](const pyb::handle& building_id, const pyb::array& ts, const pyb::handle& value_milli,
         const std::string& zone, const pyb::handle& interval_seconds,
         std::optional<double> floor_area_ft2, const std::string& primary_use,
         const pyb::handle& energy_price, const pyb::handle& demand_price,
         const pyb::object& weather, const pyb::object& schedule) {
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
        std::vector<rc::recommendation> found;
        {
          pyb::gil_scoped_release release;
          found = rc::recommend(h);
        }
        pyb::list out;
        for (const auto& r : found) {
          pyb::list evidence;
          for (const auto& e : r.evidence) {
            pyb::dict item;
            item["label"] = e.label;
            item["value"] = e.value;
            item["unit"] = e.unit;
            item["start"] = e.period ? pyb::object(pyb::str(format_utc(e.period->start)))
                                     : pyb::object(pyb::none());
            item["end"] = e.period ? pyb::object(pyb::str(format_utc(e.period->end)))
                                   : pyb::object(pyb::none());
            evidence.append(item);
          }
          pyb::dict d;
          d["kind"] = std::string(rc::to_string(r.kind));
          d["title"] = r.title;
          d["explanation"] = r.explanation;
          d["evidence"] = evidence;
          d["annual_saving_kwh_milli"] = r.annual_saving_kwh;
          d["annual_saving"] = r.annual_saving.to_exact_string();
          out.append(d);
        }
        return out;
      },
      pyb::arg("building_id"), pyb::arg("ts"), pyb::arg("value_milli"), pyb::kw_only(),
      pyb::arg("zone"), pyb::arg("interval_seconds") = pyb::none(),
      pyb::arg("floor_area_ft2") = pyb::none(), pyb::arg("primary_use") = "",
      pyb::arg("energy_price") = pyb::none(), pyb::arg("demand_price") = pyb::none(),
      pyb::arg("weather") = pyb::none(), pyb::arg("schedule") = pyb::none(),
      "Efficiency recommendations that fired for the building's electricity interval series "
      "(value_milli: Wh per "
      "interval), ranked by annual money then kWh saving. Each is a dict: kind, title, "
      "explanation, evidence "
      "(label, value, unit, start, end), annual_saving_kwh_milli (Wh/yr), annual_saving (exact $ "
      "string). "
      "Prices are str/Decimal ($/kWh, $/kW-month); weather is a dict of "
      "recommend::weather_sensitivity fields "
      "(F); schedule a declared OperatingSchedule (else detected).");

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
