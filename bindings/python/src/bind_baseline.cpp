// SPDX-License-Identifier: Apache-2.0
// Baselines: TOWT, seasonal and change-point models (fit, predict, JSON save/load), temperature
// alignment, Guideline 14 metrics, parallel TOWT fits. Loads are float64 kWh per interval; NaN =
// missing.
#include "common.hpp"

#include <energy/recommend/weather.hpp>
#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/metrics.hpp>
#include <energy/baseline/parallel.hpp>
#include <energy/baseline/seasonal.hpp>
#include <energy/baseline/towt.hpp>
#include <energy/io/model_json.hpp>

#include <fmt/format.h>
#include <pybind11/stl.h>

namespace energy::py {

namespace bl = energy::baseline;

namespace {

template <class T>
pyb::array_t<T> copy_out(const std::vector<T>& v) {
  return to_numpy(std::vector<T>(v));
}

pyb::dict prediction_columns(bl::prediction&& p) {
  pyb::dict out;
  out["expected"] = to_numpy(std::move(p.expected));
  out["lower"] = to_numpy(std::move(p.lower));
  out["upper"] = to_numpy(std::move(p.upper));
  return out;
}

bl::load_series load_of(const pyb::array& ts, const pyb::handle& kwh,
                        const pyb::handle& interval_seconds) {
  bl::load_series load;
  load.ts = to_epoch_seconds(ts, "ts");
  load.kwh = to_doubles(kwh, "kwh");
  load.interval_seconds = interval_or_inferred(interval_seconds, load.ts);
  if (load.kwh.size() != load.ts.size())
    throw pyb::value_error(
        fmt::format("kwh has {} values but ts has {}", load.kwh.size(), load.ts.size()));
  return load;
}

bl::temperature_series temps_of(const pyb::array& ts, const pyb::handle& values) {
  bl::temperature_series t;
  t.ts = to_epoch_seconds(ts, "temperature_ts");
  t.value = to_doubles(values, "temperature");
  if (t.value.size() != t.ts.size())
    throw pyb::value_error(fmt::format("temperature has {} values but temperature_ts has {}",
                                       t.value.size(), t.ts.size()));
  return t;
}

std::vector<bl::usage_period> periods_of(const pyb::array& start, const pyb::array& end,
                                         const pyb::handle& kwh) {
  const auto s = to_epoch_seconds(start, "start");
  const auto e = to_epoch_seconds(end, "end");
  const auto k = kwh.is_none() ? std::vector<double>(s.size(), 0.0) : to_doubles(kwh, "kwh");
  if (e.size() != s.size() || k.size() != s.size())
    throw pyb::value_error("start, end and kwh must have the same length");
  std::vector<bl::usage_period> out(s.size());
  for (std::size_t i = 0; i < s.size(); ++i)
    out[i] = {s[i], e[i], k[i]};
  return out;
}

bl::data_resolution resolution_of(const std::string& r) {
  if (r == "hourly" || r == "hour") return bl::data_resolution::hourly;
  if (r == "daily" || r == "day") return bl::data_resolution::daily;
  if (r == "monthly" || r == "month") return bl::data_resolution::monthly;
  throw pyb::value_error(
      fmt::format("resolution: '{}' is not one of 'hourly', 'daily', 'monthly'", r));
}

}  // namespace

void bind_baseline(pyb::module_& m) {
  const bl::towt_options towt_defaults;  // Python defaults are the library's
  m.attr("HOURS_PER_WEEK") = bl::hours_per_week;

  m.def(
      "align_temperature",
      [](const pyb::array& at, const pyb::array& temperature_ts, const pyb::handle& temperature,
         std::int64_t max_gap_seconds) {
        const auto when = to_epoch_seconds(at, "at");
        const auto temps = temps_of(temperature_ts, temperature);
        std::vector<double> out;
        {
          pyb::gil_scoped_release release;
          out = bl::align_temperature(when, temps, {.max_gap_seconds = max_gap_seconds});
        }
        return to_numpy(std::move(out));
      },
      pyb::arg("at"), pyb::arg("temperature_ts"), pyb::arg("temperature"), pyb::kw_only(),
      pyb::arg("max_gap_seconds") = bl::gap_rule{}.max_gap_seconds,
      "Outdoor temperature at each instant of `at` (datetime64[ns] UTC): the sample at that "
      "instant, else linear "
      "interpolation between the nearest samples when they are at most max_gap_seconds apart, else "
      "NaN.");

  m.def(
      "time_of_week",
      [](const pyb::array& ts, const std::string& zone) {
        const auto t = to_epoch_seconds(ts, "ts");
        return to_numpy(bl::time_of_week(t, zone));
      },
      pyb::arg("ts"), pyb::arg("zone"),
      "Hourly time-of-week slot (0 = Monday 00:00 local .. 167) of each UTC instant in the IANA "
      "zone.");

  pyb::class_<bl::towt_model>(
      m, "TowtModel",
      "A fitted time-of-week-and-temperature model (LBNL). Coefficients are kWh per interval "
      "in the temperature unit of the fit data. Save with to_json(), load with from_json().")
      .def_readonly("zone", &bl::towt_model::zone)
      .def_readonly("interval_seconds", &bl::towt_model::interval_seconds)
      .def_property_readonly("knots", [](const bl::towt_model& x) { return copy_out(x.knots); })
      .def_property_readonly("occupied",
                             [](const bl::towt_model& x) { return copy_out(x.occupied); })
      .def_property_readonly("tow_coefficients",
                             [](const bl::towt_model& x) { return copy_out(x.tow_coefficients); })
      .def_property_readonly("occupied_slopes",
                             [](const bl::towt_model& x) { return copy_out(x.occupied_slopes); })
      .def_property_readonly("unoccupied_slopes",
                             [](const bl::towt_model& x) { return copy_out(x.unoccupied_slopes); })
      .def_readonly("interval_level", &bl::towt_model::interval_level)
      .def_property_readonly("residual_lower",
                             [](const bl::towt_model& x) { return copy_out(x.residual_lower); })
      .def_property_readonly("residual_upper",
                             [](const bl::towt_model& x) { return copy_out(x.residual_upper); })
      .def_readonly("observations", &bl::towt_model::observations)
      .def_readonly("parameters", &bl::towt_model::parameters)
      .def_readonly("rank_deficient", &bl::towt_model::rank_deficient)
      .def_property_readonly("segments", &bl::towt_model::segments)
      .def(
          "predict",
          [](const bl::towt_model& model, const pyb::array& ts, const pyb::handle& temperature) {
            const auto t = to_epoch_seconds(ts, "ts");
            const auto temp = to_doubles(temperature, "temperature");
            bl::prediction p;
            {
              pyb::gil_scoped_release release;
              p = bl::predict(model, t, temp);
            }
            return prediction_columns(std::move(p));
          },
          pyb::arg("ts"), pyb::arg("temperature"),
          "Expected load (kWh per interval) with its prediction interval [lower, upper] for "
          "intervals starting "
          "at ts (datetime64[ns] UTC) at the aligned temperatures. Returns "
          "{'expected','lower','upper'} arrays.")
      .def(
          "to_json", [](const bl::towt_model& x) { return io::to_json(x); },
          "JSON with round-trip doubles: a model loaded back predicts bit-identically.")
      .def_static(
          "from_json", [](const std::string& j) { return io::towt_model_from_json(j); },
          pyb::arg("json"),
          "Loads a model saved by to_json(). Raises ParseError naming the bad field.")
      .def("__repr__", [](const bl::towt_model& x) {
        return fmt::format("<TowtModel zone={} segments={} observations={} parameters={}>", x.zone,
                           x.segments(), x.observations, x.parameters);
      });

  m.def(
      "fit_towt",
      [](const pyb::array& ts, const pyb::handle& kwh, const pyb::handle& temperature,
         const std::string& zone, const pyb::handle& interval_seconds, int temperature_segments,
         double occupied_threshold, double interval_level, std::size_t min_slot_residuals) {
        const auto load = load_of(ts, kwh, interval_seconds);
        const auto temp = to_doubles(temperature, "temperature");
        const bl::towt_options options{zone, temperature_segments, occupied_threshold,
                                       interval_level, min_slot_residuals};
        pyb::gil_scoped_release release;
        return bl::fit_towt(load, temp, options);
      },
      pyb::arg("ts"), pyb::arg("kwh"), pyb::arg("temperature"), pyb::kw_only(), pyb::arg("zone"),
      pyb::arg("interval_seconds") = pyb::none(),
      pyb::arg("temperature_segments") = towt_defaults.temperature_segments,
      pyb::arg("occupied_threshold") = towt_defaults.occupied_threshold,
      pyb::arg("interval_level") = towt_defaults.interval_level,
      pyb::arg("min_slot_residuals") = towt_defaults.min_slot_residuals,
      "Fits TOWT to interval load kwh (float64 kWh per interval, NaN = missing) starting at ts "
      "(datetime64[ns] "
      "UTC) with temperature aligned to ts (align_temperature). Time of week is local to `zone`.");

  m.def(
      "fit_towt_many",
      [](const std::vector<pyb::dict>& jobs, unsigned threads) {
        std::vector<bl::towt_job> in;
        in.reserve(jobs.size());
        for (const auto& j : jobs) {
          bl::towt_job job;
          job.load = load_of(
              j["ts"].cast<pyb::array>(), j["kwh"],
              j.contains("interval_seconds") ? pyb::object(j["interval_seconds"]) : pyb::none());
          job.temperature = to_doubles(j["temperature"], "temperature");
          if (j.contains("zone")) job.options.zone = j["zone"].cast<std::string>();
          in.push_back(std::move(job));
        }
        pyb::gil_scoped_release release;
        return bl::fit_towt_many(in, threads);
      },
      pyb::arg("jobs"), pyb::kw_only(), pyb::arg("threads") = 0,
      "fit_towt for many buildings in parallel (GIL released). Each job is a dict with ts, kwh, "
      "temperature and "
      "optionally zone and interval_seconds; result i belongs to job i.");

  pyb::class_<bl::seasonal_model>(
      m, "SeasonalModel",
      "Weather-free hour-of-week profile plus month offsets (kWh per interval).")
      .def_readonly("zone", &bl::seasonal_model::zone)
      .def_readonly("interval_seconds", &bl::seasonal_model::interval_seconds)
      .def_property_readonly("profile",
                             [](const bl::seasonal_model& x) { return copy_out(x.profile); })
      .def_property_readonly("month_offsets",
                             [](const bl::seasonal_model& x) { return copy_out(x.month_offsets); })
      .def_readonly("observations", &bl::seasonal_model::observations)
      .def_readonly("parameters", &bl::seasonal_model::parameters)
      .def(
          "predict",
          [](const bl::seasonal_model& model, const pyb::array& ts) {
            const auto t = to_epoch_seconds(ts, "ts");
            bl::prediction p;
            {
              pyb::gil_scoped_release release;
              p = bl::predict(model, t);
            }
            return prediction_columns(std::move(p));
          },
          pyb::arg("ts"), "Expected load with interval for intervals starting at ts.")
      .def("to_json", [](const bl::seasonal_model& x) { return io::to_json(x); })
      .def_static(
          "from_json", [](const std::string& j) { return io::seasonal_model_from_json(j); },
          pyb::arg("json"));

  m.def(
      "fit_seasonal",
      [](const pyb::array& ts, const pyb::handle& kwh, const std::string& zone,
         const pyb::handle& interval_seconds, double interval_level) {
        const auto load = load_of(ts, kwh, interval_seconds);
        bl::seasonal_options options;
        options.zone = zone;
        options.interval_level = interval_level;
        pyb::gil_scoped_release release;
        return bl::fit_seasonal(load, options);
      },
      pyb::arg("ts"), pyb::arg("kwh"), pyb::kw_only(), pyb::arg("zone"),
      pyb::arg("interval_seconds") = pyb::none(), pyb::arg("interval_level") = 0.90,
      "Fits the weather-free seasonal model.");

  pyb::class_<bl::changepoint_model>(
      m, "ChangepointModel",
      "A CalTRACK-style daily change-point model: kWh/day = base + slopes x degree days.")
      .def_property_readonly(
          "kind", [](const bl::changepoint_model& x) { return std::string(bl::to_string(x.kind)); })
      .def_readonly("zone", &bl::changepoint_model::zone)
      .def_readonly("base_load", &bl::changepoint_model::base_load)
      .def_readonly("heating_slope", &bl::changepoint_model::heating_slope)
      .def_readonly("heating_balance_point", &bl::changepoint_model::heating_balance_point)
      .def_readonly("cooling_slope", &bl::changepoint_model::cooling_slope)
      .def_readonly("cooling_balance_point", &bl::changepoint_model::cooling_balance_point)
      .def_readonly("heating_p_value", &bl::changepoint_model::heating_p_value)
      .def_readonly("cooling_p_value", &bl::changepoint_model::cooling_p_value)
      .def_readonly("r_squared", &bl::changepoint_model::r_squared)
      .def_readonly("adj_r_squared", &bl::changepoint_model::adj_r_squared)
      .def_readonly("residual_sd", &bl::changepoint_model::residual_sd)
      .def_readonly("observations", &bl::changepoint_model::observations)
      .def_readonly("parameters", &bl::changepoint_model::parameters)
      .def(
          "predict",
          [](const bl::changepoint_model& model, const pyb::array& start, const pyb::array& end,
             const pyb::array& temperature_ts, const pyb::handle& temperature) {
            const auto periods = periods_of(start, end, pyb::none());
            const auto temps = temps_of(temperature_ts, temperature);
            bl::prediction p;
            {
              pyb::gil_scoped_release release;
              p = bl::predict(model, periods, temps);
            }
            return prediction_columns(std::move(p));
          },
          pyb::arg("start"), pyb::arg("end"), pyb::arg("temperature_ts"), pyb::arg("temperature"),
          "Predicted kWh of each period [start, end) with a normal-approximation interval.")
      .def(
          "weather",
          [](const bl::changepoint_model& model, const pyb::array& temperature_ts,
             const pyb::handle& temperature, const std::string& unit, const pyb::object& start,
             const pyb::object& end, const pyb::object& kwh) {
            if (unit != "F" && unit != "C")
              throw pyb::value_error("unit: '" + unit + "' (accepted: 'F', 'C')");
            const auto temps = temps_of(temperature_ts, temperature);
            const auto u = unit == "C" ? recommend::temperature_unit::celsius
                                       : recommend::temperature_unit::fahrenheit;
            const bool with_periods = !start.is_none() || !end.is_none() || !kwh.is_none();
            if (with_periods && (start.is_none() || end.is_none() || kwh.is_none()))
              throw pyb::value_error("start, end and kwh (the usage periods) go together");
            const auto w =
                with_periods
                    ? recommend::weather_from(
                          model, periods_of(start.cast<pyb::array>(), end.cast<pyb::array>(), kwh),
                          temps, u)
                    : recommend::weather_from(model, temps, u);
            pyb::dict d;
            d["base_load_kwh_per_day"] = w.base_load_kwh_per_day;
            d["heating_slope_kwh_per_degf_day"] = w.heating_slope_kwh_per_degf_day;
            d["heating_balance_point_degf"] = w.heating_balance_point_degf;
            d["cooling_slope_kwh_per_degf_day"] = w.cooling_slope_kwh_per_degf_day;
            d["cooling_balance_point_degf"] = w.cooling_balance_point_degf;
            d["annual_hdd_degf"] = w.annual_hdd_degf;
            d["annual_cdd_degf"] = w.annual_cdd_degf;
            d["heating_days_per_year"] = w.heating_days_per_year;
            d["cooling_days_per_year"] = w.cooling_days_per_year;
            std::vector<std::int64_t> days;
            std::vector<double> means;
            for (const auto& x : w.daily) {
              days.push_back(x.local_day);
              means.push_back(x.mean_degf);
            }
            d["daily_local_day"] = days;
            d["daily_mean_degf"] = means;
            if (w.fit) {
              pyb::dict f;
              f["passes"] = w.fit->passes;
              f["cv_rmse"] = w.fit->cv_rmse;
              f["nmbe"] = w.fit->nmbe;
              f["r_squared"] = w.fit->r_squared;
              f["observations"] = w.fit->observations;
              f["rules"] = w.fit->rules;
              f["failure"] = w.fit->failure;
              d["fit"] = f;
            } else {
              d["fit"] = pyb::none();
            }
            return d;
          },
          pyb::arg("temperature_ts"), pyb::arg("temperature"), pyb::arg("unit") = "F",
          pyb::arg("start") = pyb::none(), pyb::arg("end") = pyb::none(),
          pyb::arg("kwh") = pyb::none(),
          "The `weather=` input of energy.recommend: the model's slopes and balance points (in "
          "degF units), annual degree-days and days beyond each balance point from the local "
          "daily mean temperatures (scaled to 365.25 days), those daily means (daily_local_day, "
          "daily_mean_degf), and, when the usage periods the model was fitted on are given "
          "(start, end, kwh), `fit`: the quality check the weather rules require (else None). "
          "unit: 'F' or 'C', the unit the model was fitted in.")
      .def("to_json", [](const bl::changepoint_model& x) { return io::to_json(x); })
      .def_static(
          "from_json", [](const std::string& j) { return io::changepoint_model_from_json(j); },
          pyb::arg("json"));

  m.def(
      "local_day_totals",
      [](const pyb::array& ts, const pyb::handle& kwh, const std::string& zone,
         const pyb::handle& interval_seconds) {
        const auto load = load_of(ts, kwh, interval_seconds);
        std::vector<bl::usage_period> days;
        {
          pyb::gil_scoped_release release;
          days = bl::local_day_totals(load, zone);
        }
        std::vector<std::int64_t> s(days.size()), e(days.size());
        std::vector<double> k(days.size());
        for (std::size_t i = 0; i < days.size(); ++i) {
          s[i] = days[i].start;
          e[i] = days[i].end;
          k[i] = days[i].kwh;
        }
        pyb::dict out;
        out["start"] = to_datetime64_ns(std::move(s));
        out["end"] = to_datetime64_ns(std::move(e));
        out["kwh"] = to_numpy(std::move(k));
        return out;
      },
      pyb::arg("ts"), pyb::arg("kwh"), pyb::kw_only(), pyb::arg("zone"),
      pyb::arg("interval_seconds") = pyb::none(),
      "Complete local calendar days of interval load (23/25-hour days at DST changes): "
      "{'start','end','kwh'}.");

  m.def(
      "fit_changepoint",
      [](const pyb::array& start, const pyb::array& end, const pyb::handle& kwh,
         const pyb::array& temperature_ts, const pyb::handle& temperature, const std::string& zone,
         bool celsius, const pyb::object& max_p_value) {
        const auto periods = periods_of(start, end, kwh);
        const auto temps = temps_of(temperature_ts, temperature);
        auto options = celsius ? bl::changepoint_options::celsius(zone) : bl::changepoint_options{};
        options.zone = zone;
        if (!max_p_value.is_none()) options.max_p_value = max_p_value.cast<double>();
        pyb::gil_scoped_release release;
        return bl::fit_changepoint(periods, temps, options);
      },
      pyb::arg("start"), pyb::arg("end"), pyb::arg("kwh"), pyb::arg("temperature_ts"),
      pyb::arg("temperature"), pyb::kw_only(), pyb::arg("zone"), pyb::arg("celsius") = false,
      pyb::arg("max_p_value") = pyb::none(),
      "Fits the CalTRACK change-point candidates to usage periods [start, end) with kWh and "
      "selects one "
      "(balance-point grid in F, or C with celsius=True).");

  pyb::class_<bl::fit_metrics>(m, "FitMetrics",
                               "ASHRAE Guideline 14 goodness of fit (fractions: 0.30 = 30 %).")
      .def_readonly("n", &bl::fit_metrics::n)
      .def_readonly("parameters", &bl::fit_metrics::parameters)
      .def_readonly("mean_actual", &bl::fit_metrics::mean_actual)
      .def_readonly("cv_rmse", &bl::fit_metrics::cv_rmse)
      .def_readonly("nmbe", &bl::fit_metrics::nmbe)
      .def_readonly("r_squared", &bl::fit_metrics::r_squared)
      .def_readonly("mape", &bl::fit_metrics::mape)
      .def(
          "passes_guideline14",
          [](const bl::fit_metrics& x, const std::string& resolution) {
            return bl::passes_guideline14(x, resolution_of(resolution));
          },
          pyb::arg("resolution") = "hourly",
          "Guideline 14 calibration: hourly (and daily) CV(RMSE) <= 30 % and |NMBE| <= 10 %; "
          "monthly 15 % / 5 %.")
      .def("__repr__", [](const bl::fit_metrics& x) {
        return fmt::format("<FitMetrics n={} p={} cv_rmse={:.4f} nmbe={:.4f} r_squared={:.4f}>",
                           x.n, x.parameters, x.cv_rmse, x.nmbe, x.r_squared);
      });

  m.def(
      "compute_metrics",
      [](const pyb::handle& actual, const pyb::handle& predicted, std::size_t parameters) {
        const auto a = to_doubles(actual, "actual");
        const auto p = to_doubles(predicted, "predicted");
        return bl::compute_metrics(a, p, parameters);
      },
      pyb::arg("actual"), pyb::arg("predicted"), pyb::arg("parameters") = 0,
      "CV(RMSE), NMBE, R^2 and MAPE over rows where both are finite; parameters = p "
      "(model.parameters in "
      "sample, 0 out of sample).");
}

}  // namespace energy::py
