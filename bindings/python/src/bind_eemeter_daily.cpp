// SPDX-License-Identifier: Apache-2.0
// eemeter 4 / OpenDSM daily models: load DailyModel.to_json() and predict (energy/io/
// eemeter_daily_json.hpp, energy/baseline/eemeter_daily.hpp).
#include "common.hpp"

#include <energy/baseline/eemeter_daily.hpp>
#include <energy/io/eemeter_daily_json.hpp>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

namespace energy::py {

void bind_eemeter_daily(pyb::module_& m);

namespace {

namespace bl = energy::baseline;

pyb::dict columns(bl::prediction&& p) {
  pyb::dict out;
  out["expected"] = to_numpy(std::move(p.expected));
  out["lower"] = to_numpy(std::move(p.lower));
  out["upper"] = to_numpy(std::move(p.upper));
  return out;
}

bl::temperature_series series_of(const pyb::object& ts, const pyb::handle& values,
                                 const char* ts_name, const char* value_name) {
  bl::temperature_series t;
  t.ts = to_epoch_seconds(ts, ts_name);
  t.value = to_doubles(values, value_name);
  if (t.value.size() != t.ts.size())
    throw pyb::value_error(fmt::format("{} has {} values but {} has {}", value_name, t.value.size(),
                                       ts_name, t.ts.size()));
  return t;
}

bl::temperature_unit unit_of(const std::string& unit) {
  const auto u = try_parse<bl::temperature_unit>(unit);
  if (!u || *u == bl::temperature_unit::unspecified)
    throw pyb::value_error("unit: '" + unit + "': expected fahrenheit or celsius");
  return *u;
}

std::vector<std::string> season_names(const std::array<bool, 3>& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i]) out.emplace_back(bl::to_string(static_cast<bl::eemeter_season>(i)));
  return out;
}

}  // namespace

void bind_eemeter_daily(pyb::module_& m) {
  using S = bl::eemeter_daily_submodel;
  pyb::class_<S>(m, "EemeterDailySubmodel",
                 "One split of an eemeter 4 daily model with eemeter's coefficients (NaN where the "
                 "form has none; °F; use per day).")
      .def_readonly("split", &S::split)
      .def_property_readonly("form", [](const S& s) { return std::string(bl::to_string(s.form)); })
      .def_property_readonly("seasons", [](const S& s) { return season_names(s.seasons); })
      .def_property_readonly(
          "days", [](const S& s) { return std::vector<bool>(s.days.begin(), s.days.end()); })
      .def_readonly("intercept", &S::intercept)
      .def_readonly("hdd_bp", &S::hdd_bp)
      .def_readonly("hdd_beta", &S::hdd_beta)
      .def_readonly("hdd_k", &S::hdd_k)
      .def_readonly("cdd_bp", &S::cdd_bp)
      .def_readonly("cdd_beta", &S::cdd_beta)
      .def_readonly("cdd_k", &S::cdd_k)
      .def_readonly("t_min", &S::t_min)
      .def_readonly("t_max", &S::t_max)
      .def_readonly("t_min_seg", &S::t_min_seg)
      .def_readonly("t_max_seg", &S::t_max_seg)
      .def_readonly("f_unc", &S::f_unc)
      .def(
          "evaluate",
          [](const S& s, const pyb::handle& temperature_f) {
            auto t = to_doubles(temperature_f, "temperature_f");
            for (double& v : t)
              v = bl::eemeter_daily_evaluate(s, v);
            return to_numpy(std::move(t));
          },
          pyb::arg("temperature_f"), "Use per day at daily mean temperatures in °F.")
      .def("__repr__", [](const S& s) {
        return fmt::format("<EemeterDailySubmodel {} {}>", s.split, bl::to_string(s.form));
      });

  using M = bl::eemeter_daily_model;
  pyb::class_<M>(m, "EemeterDailyModel",
                 "An eemeter 4 / OpenDSM daily model (load_eemeter_daily_model): submodels by "
                 "season and weekday/weekend, predicting use per local day.")
      .def_readonly("zone", &M::zone)
      .def_property_readonly("unit", [](const M& x) { return std::string(bl::to_string(x.unit)); })
      .def_property_readonly("month_seasons",
                             [](const M& x) {
                               std::vector<std::string> out;
                               for (const auto s : x.month_season)
                                 out.emplace_back(bl::to_string(s));
                               return out;
                             })
      .def_property_readonly(
          "weekend",
          [](const M& x) { return std::vector<bool>(x.weekend.begin(), x.weekend.end()); })
      .def_readonly("submodels", &M::submodels)
      .def_readonly("min_samples_per_day", &M::min_samples_per_day)
      .def_readonly("disqualification", &M::disqualification)
      .def(
          "predict",
          [](const M& model, const pyb::object& start, const pyb::object& end,
             const pyb::object& temperature_ts, const pyb::handle& temperature) {
            const auto s = to_epoch_seconds(start, "start");
            const auto e = to_epoch_seconds(end, "end");
            if (e.size() != s.size())
              throw pyb::value_error("start and end must have the same length");
            std::vector<bl::usage_period> days(s.size());
            for (std::size_t i = 0; i < s.size(); ++i)
              days[i] = {s[i], e[i], 0.0};
            const auto temps =
                series_of(temperature_ts, temperature, "temperature_ts", "temperature");
            bl::prediction p;
            {
              pyb::gil_scoped_release release;
              p = bl::predict(model, days, temps);
            }
            return columns(std::move(p));
          },
          pyb::arg("start"), pyb::arg("end"), pyb::arg("temperature_ts"), pyb::arg("temperature"),
          "Predicted use of each local day [start, end) (each exactly one local day of the model's "
          "zone) from temperature samples in the model's unit: the day's mean, NaN with fewer than "
          "min_samples_per_day samples. Returns {'expected','lower','upper'}; lower/upper are "
          "expected -/+ the submodel's f_unc.")
      .def(
          "predict_daily_means",
          [](const M& model, const pyb::object& ts, const pyb::handle& temperature) {
            const auto temps = series_of(ts, temperature, "ts", "temperature");
            bl::prediction p;
            {
              pyb::gil_scoped_release release;
              p = bl::predict_daily_means(model, temps);
            }
            return columns(std::move(p));
          },
          pyb::arg("ts"), pyb::arg("temperature"),
          "Predicted use of the local day containing each ts (e.g. its local midnight, "
          "datetime64[ns] UTC) at that day's mean temperature in the model's unit.")
      .def("__repr__", [](const M& x) {
        return fmt::format("<EemeterDailyModel zone={} unit={} submodels={}>", x.zone,
                           bl::to_string(x.unit), x.submodels.size());
      });

  m.def(
      "load_eemeter_daily_model",
      [](const std::string& json, const std::string& zone, const std::string& unit) {
        return io::eemeter_daily_model_from_json(json, time_zone{zone}, unit_of(unit));
      },
      pyb::arg("json"), pyb::kw_only(), pyb::arg("zone"), pyb::arg("unit"),
      "eemeter 4 / OpenDSM DailyModel.to_json() text for a building in `zone`, predicting from "
      "temperatures in `unit` ('fahrenheit' or 'celsius'). Raises ParseError naming the field "
      "(unknown model_type, missing coefficient, bad split, zone mismatch with "
      "info.baseline_timezone).");
}

}  // namespace energy::py
