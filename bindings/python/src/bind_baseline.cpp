// SPDX-License-Identifier: Apache-2.0
// Baselines: TOWT, seasonal and change-point models (fit, predict, JSON save/load), temperature
// alignment, Guideline 14 metrics, parallel TOWT fits. Loads are float64 kWh per interval; NaN =
// missing.
#include "common.hpp"

#include <energy/recommend/weather.hpp>
#include <energy/baseline/caltrack_hourly.hpp>
#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/metrics.hpp>
#include <energy/baseline/parallel.hpp>
#include <energy/baseline/seasonal.hpp>
#include <energy/baseline/towt.hpp>
#include <energy/baseline/towt_billing.hpp>
#include <energy/baseline/uncertainty.hpp>
#include <energy/io/eemeter_json.hpp>
#include <energy/io/model_json.hpp>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <optional>

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

/// `Model.predict(ts, temperature)` of the hourly models (TOWT, CalTRACK hourly): converts the
/// arguments, predicts without the GIL and returns the prediction's columns.
template <class Model>
pyb::dict predict_hourly(const Model& model, const pyb::object& ts,
                         const pyb::handle& temperature) {
  const auto t = to_epoch_seconds(ts, "ts");
  const auto temp = to_doubles(temperature, "temperature");
  bl::prediction p;
  {
    pyb::gil_scoped_release release;
    p = bl::predict(model, t, temp);
  }
  return prediction_columns(std::move(p));
}

bl::load_series load_of(const pyb::object& ts, const pyb::handle& kwh,
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

bl::temperature_series temps_of(const pyb::object& ts, const pyb::handle& values) {
  bl::temperature_series t;
  t.ts = to_epoch_seconds(ts, "temperature_ts");
  t.value = to_doubles(values, "temperature");
  if (t.value.size() != t.ts.size())
    throw pyb::value_error(fmt::format("temperature has {} values but temperature_ts has {}",
                                       t.value.size(), t.ts.size()));
  return t;
}

std::vector<bl::usage_period> periods_of(const pyb::object& start, const pyb::object& end,
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

/// Optional keyword values: None keeps the library default.
template <class T>
void set_if(const std::optional<T>& v, T& out) {
  if (v) out = *v;
}

/// The change-point options from the Python keywords (None = library default, °F or °C grid).
struct changepoint_keywords {
  std::string zone;
  bool celsius = false;
  std::optional<double> max_p_value, balance_min, balance_max, balance_step;
  std::optional<std::string> temperatures;
  std::string day_pairing = "local";
  std::optional<std::vector<double>> heating_balance_points, cooling_balance_points;
  std::optional<std::vector<std::string>> kinds;
  std::optional<std::size_t> min_days_with_degree_days;
  std::optional<double> min_total_degree_days;
  std::optional<std::size_t> min_samples_per_day;
  std::optional<double> min_day_coverage, interval_level;
  bool period_means = false;  ///< period_temperature was given

  bl::changepoint_options options() const {
    const time_zone z{zone};  // an unknown name raises ValueError naming it, before any fit
    auto o = celsius ? bl::changepoint_options::celsius(z) : bl::changepoint_options{.zone = z};
    set_if(max_p_value, o.max_p_value);
    set_if(balance_min, o.balance_min);
    set_if(balance_max, o.balance_max);
    set_if(balance_step, o.balance_step);
    o.temperatures = temperatures   ? enum_arg<bl::temperature_input>(*temperatures, "temperatures")
                     : period_means ? bl::temperature_input::period_means
                                    : bl::temperature_input::samples;
    o.pairing = enum_arg<bl::day_pairing>(day_pairing, "day_pairing");
    set_if(heating_balance_points, o.heating_balance_points);
    set_if(cooling_balance_points, o.cooling_balance_points);
    if (kinds) {
      o.kinds.clear();
      for (const auto& k : *kinds)
        o.kinds.push_back(enum_arg<bl::changepoint_kind>(k, "kinds"));
    }
    set_if(min_days_with_degree_days, o.min_days_with_degree_days);
    set_if(min_total_degree_days, o.min_total_degree_days);
    set_if(min_samples_per_day, o.min_samples_per_day);
    set_if(min_day_coverage, o.min_day_coverage);
    set_if(interval_level, o.interval_level);
    return o;
  }
};

/// Every candidate's statistics as columns.
pyb::dict candidate_columns(const bl::changepoint_fit& fit) {
  const auto& c = fit.candidates;
  auto column = [&](auto get) {
    std::vector<double> v(c.size());
    for (std::size_t i = 0; i < c.size(); ++i)
      v[i] = get(c[i]);
    return to_numpy(std::move(v));
  };
  pyb::list kind, reason;
  std::vector<std::uint8_t> sufficient(c.size()), qualifies(c.size());
  std::vector<std::int64_t> parameters(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) {
    kind.append(std::string(bl::to_string(c[i].kind)));
    reason.append(c[i].reason);
    sufficient[i] = c[i].sufficient ? 1 : 0;
    qualifies[i] = c[i].qualifies ? 1 : 0;
    parameters[i] = static_cast<std::int64_t>(c[i].parameters);
  }
  pyb::dict d;
  d["kind"] = kind;
  d["heating_balance_point"] = column([](const auto& x) { return x.heating_balance_point; });
  d["cooling_balance_point"] = column([](const auto& x) { return x.cooling_balance_point; });
  d["base_load"] = column([](const auto& x) { return x.base_load; });
  d["heating_slope"] = column([](const auto& x) { return x.heating_slope; });
  d["cooling_slope"] = column([](const auto& x) { return x.cooling_slope; });
  d["heating_p_value"] = column([](const auto& x) { return x.heating_p_value; });
  d["cooling_p_value"] = column([](const auto& x) { return x.cooling_p_value; });
  d["r_squared"] = column([](const auto& x) { return x.r_squared; });
  d["adj_r_squared"] = column([](const auto& x) { return x.adj_r_squared; });
  d["residual_sd"] = column([](const auto& x) { return x.residual_sd; });
  d["parameters"] = to_numpy(std::move(parameters));
  d["sufficient"] = to_numpy(std::move(sufficient)).attr("astype")("bool");
  d["qualifies"] = to_numpy(std::move(qualifies)).attr("astype")("bool");
  d["reason"] = reason;
  d["selected"] = fit.selected;
  return d;
}

/// The unit of temperatures: "fahrenheit" or "celsius" ("unspecified" is no answer here).
bl::temperature_unit unit_arg(const std::string& unit) {
  const auto u = try_parse<bl::temperature_unit>(unit);
  if (!u || *u == bl::temperature_unit::unspecified)
    throw pyb::value_error("unit: '" + unit + "': expected fahrenheit or celsius");
  return *u;
}

/// "hourly", "daily", "monthly", or the summary resolutions "hour", "day", "month".
bl::data_resolution resolution_of(const std::string& r) {
  if (const auto res = try_parse<resolution>(r))
    return *res == resolution::hour  ? bl::data_resolution::hourly
           : *res == resolution::day ? bl::data_resolution::daily
                                     : bl::data_resolution::monthly;
  return enum_arg<bl::data_resolution>(r, "resolution");
}

}  // namespace

void bind_caltrack(pyb::module_& m);

void bind_baseline(pyb::module_& m) {
  bind_caltrack(m);
  // Python defaults are the library's (the zone has none: it is required there too).
  const bl::towt_options towt_defaults{.zone = time_zone::utc()};
  const bl::towt_billing_options bills_defaults{.zone = time_zone::utc()};
  m.attr("HOURS_PER_WEEK") = bl::hours_per_week;

  m.def(
      "align_temperature",
      [](const pyb::object& at, const pyb::object& temperature_ts, const pyb::handle& temperature,
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
      [](const pyb::object& ts, const std::string& zone) {
        const auto t = to_epoch_seconds(ts, "ts");
        return to_numpy(bl::time_of_week(t, time_zone{zone}));
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
      .def("predict", &predict_hourly<bl::towt_model>, pyb::arg("ts"), pyb::arg("temperature"),
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
      .def_static(
          "from_parameters",
          [](const std::string& zone, const pyb::handle& knots, const pyb::handle& occupied,
             const pyb::handle& tow_coefficients, const pyb::handle& occupied_slopes,
             const pyb::handle& unoccupied_slopes, std::int64_t interval_seconds) {
            bl::towt_parameters p{.zone = time_zone{zone}};
            p.interval_seconds = interval_seconds;
            p.knots = to_doubles(knots, "knots");
            for (double v : to_doubles(occupied, "occupied"))
              p.occupied.push_back(v != 0 ? 1 : 0);
            p.tow_coefficients = to_doubles(tow_coefficients, "tow_coefficients");
            p.occupied_slopes = to_doubles(occupied_slopes, "occupied_slopes");
            p.unoccupied_slopes = to_doubles(unoccupied_slopes, "unoccupied_slopes");
            return bl::make_towt_model(p);
          },
          pyb::kw_only(), pyb::arg("zone"), pyb::arg("knots"), pyb::arg("occupied"),
          pyb::arg("tow_coefficients"), pyb::arg("occupied_slopes"), pyb::arg("unoccupied_slopes"),
          pyb::arg("interval_seconds") = 3600,
          "A model from its coefficients: 168 occupied flags and time-of-week alphas (NaN = slot "
          "not covered), S slopes per mode for S-1 knots. Prediction intervals are NaN (no "
          "residuals).")
      .def("__repr__", [](const bl::towt_model& x) {
        return fmt::format("<TowtModel zone={} segments={} observations={} parameters={}>", x.zone,
                           x.segments(), x.observations, x.parameters);
      });

  m.def(
      "fit_towt",
      [](const pyb::object& ts, const pyb::handle& kwh, const pyb::handle& temperature,
         const std::string& zone, const pyb::handle& interval_seconds, int temperature_segments,
         double occupied_threshold, double interval_level, std::size_t min_slot_residuals,
         const std::string& occupancy, const std::optional<std::vector<double>>& occupancy_hinges,
         const std::optional<std::vector<double>>& fixed_knots,
         std::size_t min_rows_beyond_outer_knot, const pyb::object& occupied_slots) {
        bl::towt_options options{.zone = time_zone{zone}};  // the name converts here
        const auto load = load_of(ts, kwh, interval_seconds);
        const auto temp = to_doubles(temperature, "temperature");
        options.temperature_segments = temperature_segments;
        options.occupied_threshold = occupied_threshold;
        options.interval_level = interval_level;
        options.min_slot_residuals = min_slot_residuals;
        const auto rule = enum_arg<bl::occupancy_rule>(occupancy, "occupancy");
        if (!occupied_slots.is_none()) {
          if (rule == bl::occupancy_rule::fixed_hinges)
            throw pyb::value_error("occupied_slots is given: occupancy must be 'given'");
          options.occupancy = bl::occupancy_rule::given;
          for (double v : to_doubles(occupied_slots, "occupied_slots"))
            options.occupied_slots.push_back(v != 0 ? 1 : 0);
        } else if (rule == bl::occupancy_rule::given) {
          throw pyb::value_error("occupancy: 'given' needs occupied_slots");
        } else {
          options.occupancy = rule;
        }
        if (occupancy_hinges) options.occupancy_hinges = *occupancy_hinges;
        if (fixed_knots) options.fixed_knots = *fixed_knots;
        options.min_rows_beyond_outer_knot = min_rows_beyond_outer_knot;
        pyb::gil_scoped_release release;
        return bl::fit_towt(load, temp, options);
      },
      pyb::arg("ts"), pyb::arg("kwh"), pyb::arg("temperature"), pyb::kw_only(), pyb::arg("zone"),
      pyb::arg("interval_seconds") = pyb::none(),
      pyb::arg("temperature_segments") = towt_defaults.temperature_segments,
      pyb::arg("occupied_threshold") = towt_defaults.occupied_threshold,
      pyb::arg("interval_level") = towt_defaults.interval_level,
      pyb::arg("min_slot_residuals") = towt_defaults.min_slot_residuals,
      pyb::arg("occupancy") = "single_line", pyb::arg("occupancy_hinges") = pyb::none(),
      pyb::arg("fixed_knots") = pyb::none(),
      pyb::arg("min_rows_beyond_outer_knot") = towt_defaults.min_rows_beyond_outer_knot,
      pyb::arg("occupied_slots") = pyb::none(),
      "Fits TOWT to interval load kwh (float64 kWh per interval, NaN = missing) starting at ts "
      "(datetime64[ns] "
      "UTC) with temperature aligned to ts (align_temperature). Time of week is local to `zone`. "
      "Daily rows (interval_seconds=86400) start at local midnights and use day-of-week slots. "
      "occupancy='fixed_hinges' with occupancy_hinges=(50, 65) (in the data's unit) is the "
      "reference LBNL code's occupancy rule; fixed_knots=(40, 55, 65, 80, 90) its knots (°F), "
      "pruned where fewer than min_rows_beyond_outer_knot rows lie beyond an outer knot. "
      "occupied_slots: 168 flags fixing the occupied slots instead of detecting them.");

  pyb::class_<bl::towt_billing_model>(
      m, "TowtBillingModel",
      "TOWT fitted to bills: `hourly` is the hourly TowtModel the bills imply (one intercept per "
      "occupancy mode, kWh per hour); predict() gives bill totals with a normal-approximation "
      "interval.")
      .def_readonly("hourly", &bl::towt_billing_model::hourly)
      .def_readonly("residual_sd", &bl::towt_billing_model::residual_sd)
      .def_readonly("r_squared", &bl::towt_billing_model::r_squared)
      .def_readonly("adj_r_squared", &bl::towt_billing_model::adj_r_squared)
      .def_readonly("interval_level", &bl::towt_billing_model::interval_level)
      .def_readonly("min_hour_coverage", &bl::towt_billing_model::min_hour_coverage)
      .def_readonly("observations", &bl::towt_billing_model::observations)
      .def_readonly("parameters", &bl::towt_billing_model::parameters)
      .def(
          "predict",
          [](const bl::towt_billing_model& model, const pyb::object& start, const pyb::object& end,
             const pyb::object& temperature_ts, const pyb::handle& temperature) {
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
          "Predicted kWh of each period [start, end) (whole hours, datetime64[ns] UTC): the hourly "
          "model summed over its hours, with expected +- z * residual_sd * sqrt(hours); NaN for a "
          "period with too few hours of temperature.")
      .def(
          "to_json", [](const bl::towt_billing_model& x) { return io::to_json(x); },
          "JSON with round-trip doubles: a model loaded back predicts bit-identically.")
      .def_static(
          "from_json", [](const std::string& j) { return io::towt_billing_model_from_json(j); },
          pyb::arg("json"), "Loads a model saved by to_json(). Raises ParseError naming the field.")
      .def("__repr__", [](const bl::towt_billing_model& x) {
        return fmt::format(
            "<TowtBillingModel zone={} segments={} bills={} parameters={} r_squared={:.4f}>",
            x.hourly.zone, x.hourly.segments(), x.observations, x.parameters, x.r_squared);
      });

  m.def(
      "fit_towt_billing",
      [](const pyb::object& start, const pyb::object& end, const pyb::handle& kwh,
         const pyb::object& temperature_ts, const pyb::handle& temperature, const std::string& zone,
         int temperature_segments, const std::optional<std::vector<double>>& fixed_knots,
         std::size_t min_hours_beyond_outer_knot, const pyb::object& occupied_slots,
         double min_hour_coverage, std::size_t min_residual_degrees_of_freedom,
         double interval_level, std::int64_t max_gap_seconds) {
        bl::towt_billing_options o{.zone = time_zone{zone}};  // the name converts here
        const auto bills = periods_of(start, end, kwh);
        const auto temps = temps_of(temperature_ts, temperature);
        o.temperature_segments = temperature_segments;
        if (fixed_knots) o.fixed_knots = *fixed_knots;
        o.min_hours_beyond_outer_knot = min_hours_beyond_outer_knot;
        if (!occupied_slots.is_none())
          for (double v : to_doubles(occupied_slots, "occupied_slots"))
            o.occupied_slots.push_back(v != 0 ? 1 : 0);
        o.min_hour_coverage = min_hour_coverage;
        o.min_residual_degrees_of_freedom = min_residual_degrees_of_freedom;
        o.interval_level = interval_level;
        o.gaps.max_gap_seconds = max_gap_seconds;
        pyb::gil_scoped_release release;
        return bl::fit_towt_billing(bills, temps, o);
      },
      pyb::arg("start"), pyb::arg("end"), pyb::arg("kwh"), pyb::arg("temperature_ts"),
      pyb::arg("temperature"), pyb::kw_only(), pyb::arg("zone"),
      pyb::arg("temperature_segments") = bills_defaults.temperature_segments,
      pyb::arg("fixed_knots") = pyb::none(),
      pyb::arg("min_hours_beyond_outer_knot") = bills_defaults.min_hours_beyond_outer_knot,
      pyb::arg("occupied_slots") = pyb::none(),
      pyb::arg("min_hour_coverage") = bills_defaults.min_hour_coverage,
      pyb::arg("min_residual_degrees_of_freedom") = bills_defaults.min_residual_degrees_of_freedom,
      pyb::arg("interval_level") = bills_defaults.interval_level,
      pyb::arg("max_gap_seconds") = bl::gap_rule{}.max_gap_seconds,
      "Fits TOWT to bills [start, end) with kwh (whole hours, datetime64[ns] UTC) and hourly "
      "outdoor temperature samples: the hourly model summed over each bill's hours, one "
      "intercept per occupancy mode (occupied_slots: 168 flags, Monday 00:00 local = 0; None = "
      "one mode), weighted least squares on use per hour. Refuses too few bills for the "
      "parameters and collinear columns (use fewer temperature_segments).");

  m.def(
      "fit_towt_many",
      [](const std::vector<pyb::dict>& jobs, unsigned threads) {
        std::vector<bl::towt_job> in;
        in.reserve(jobs.size());
        for (std::size_t i = 0; i < jobs.size(); ++i) {
          const pyb::dict& j = jobs[i];
          if (!j.contains("zone"))
            throw pyb::value_error("fit_towt_many: job " + std::to_string(i) +
                                   " has no 'zone' (the building's IANA zone is required)");
          bl::towt_job job{.options = {.zone = time_zone{j["zone"].cast<std::string>()}}};
          job.load = load_of(
              j["ts"].cast<pyb::array>(), j["kwh"],
              j.contains("interval_seconds") ? pyb::object(j["interval_seconds"]) : pyb::none());
          job.temperature = to_doubles(j["temperature"], "temperature");
          in.push_back(std::move(job));
        }
        pyb::gil_scoped_release release;
        return bl::fit_towt_many(in, threads);
      },
      pyb::arg("jobs"), pyb::kw_only(), pyb::arg("threads") = 0,
      "fit_towt for many buildings in parallel (GIL released). Each job is a dict with ts, kwh, "
      "temperature, zone and optionally interval_seconds; result i belongs to job i.");

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
          [](const bl::seasonal_model& model, const pyb::object& ts) {
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
      [](const pyb::object& ts, const pyb::handle& kwh, const std::string& zone,
         const pyb::handle& interval_seconds, double interval_level) {
        bl::seasonal_options options{.zone = time_zone{zone}};  // the name converts here
        const auto load = load_of(ts, kwh, interval_seconds);
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
      .def_property_readonly(
          "temperatures",
          [](const bl::changepoint_model& x) { return std::string(bl::to_string(x.temperatures)); })
      .def_property_readonly(
          "day_pairing",
          [](const bl::changepoint_model& x) { return std::string(bl::to_string(x.pairing)); })
      .def(
          "predict",
          [](const bl::changepoint_model& model, const pyb::object& start, const pyb::object& end,
             const pyb::object& temperature_ts, const pyb::object& temperature,
             const pyb::object& period_temperature) {
            const auto periods = periods_of(start, end, pyb::none());
            bl::prediction p;
            if (!period_temperature.is_none()) {
              const auto pt = to_doubles(period_temperature, "period_temperature");
              pyb::gil_scoped_release release;
              p = bl::predict(model, periods, pt);
            } else {
              if (temperature_ts.is_none() || temperature.is_none())
                throw pyb::value_error(
                    "predict: pass temperature_ts and temperature, or period_temperature");
              const auto temps = temps_of(temperature_ts.cast<pyb::array>(), temperature);
              pyb::gil_scoped_release release;
              p = bl::predict(model, periods, temps);
            }
            return prediction_columns(std::move(p));
          },
          pyb::arg("start"), pyb::arg("end"), pyb::arg("temperature_ts") = pyb::none(),
          pyb::arg("temperature") = pyb::none(), pyb::kw_only(),
          pyb::arg("period_temperature") = pyb::none(),
          "Predicted kWh of each period [start, end) with a normal-approximation interval (NaN "
          "when the model's residual_sd is unknown). Temperatures as the model was fitted: a "
          "series (samples or daily means), or period_temperature (one mean per period).")
      .def_static(
          "from_parameters",
          [](const std::string& zone, double base_load, double heating_slope,
             double heating_balance_point, double cooling_slope, double cooling_balance_point,
             double residual_sd, double interval_level, const std::string& temperatures,
             const std::string& day_pairing, std::size_t min_samples_per_day,
             double min_day_coverage) {
            return bl::make_changepoint_model(
                {time_zone{zone}, base_load, heating_slope, heating_balance_point, cooling_slope,
                 cooling_balance_point, residual_sd, interval_level,
                 enum_arg<bl::temperature_input>(temperatures, "temperatures"),
                 enum_arg<bl::day_pairing>(day_pairing, "day_pairing"), min_samples_per_day,
                 min_day_coverage});
          },
          pyb::kw_only(), pyb::arg("zone"), pyb::arg("base_load"), pyb::arg("heating_slope") = 0.0,
          pyb::arg("heating_balance_point") = std::numeric_limits<double>::quiet_NaN(),
          pyb::arg("cooling_slope") = 0.0,
          pyb::arg("cooling_balance_point") = std::numeric_limits<double>::quiet_NaN(),
          pyb::arg("residual_sd") = std::numeric_limits<double>::quiet_NaN(),
          pyb::arg("interval_level") = 0.90, pyb::arg("temperatures") = "samples",
          pyb::arg("day_pairing") = "local", pyb::arg("min_samples_per_day") = 12,
          pyb::arg("min_day_coverage") = 0.9,
          "A model from its parameters (kWh/day, kWh/day per degree, balance points in the "
          "temperature unit). A term is present when its balance point is given; residual_sd "
          "unknown (NaN) gives NaN intervals.")
      .def(
          "weather",
          [](const bl::changepoint_model& model, const pyb::object& temperature_ts,
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
      [](const pyb::object& ts, const pyb::handle& kwh, const std::string& zone,
         const pyb::handle& interval_seconds) {
        const time_zone z{zone};  // the name converts here
        const auto load = load_of(ts, kwh, interval_seconds);
        std::vector<bl::usage_period> days;
        {
          pyb::gil_scoped_release release;
          days = bl::local_day_totals(load, z);
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
      [](const pyb::object& start, const pyb::object& end, const pyb::handle& kwh,
         const pyb::object& temperature_ts, const pyb::object& temperature, const std::string& zone,
         bool celsius, std::optional<double> max_p_value, std::optional<double> balance_min,
         std::optional<double> balance_max, std::optional<double> balance_step,
         std::optional<std::string> temperatures, const std::string& day_pairing,
         std::optional<std::vector<double>> heating_balance_points,
         std::optional<std::vector<double>> cooling_balance_points,
         std::optional<std::vector<std::string>> kinds,
         std::optional<std::size_t> min_days_with_degree_days,
         std::optional<double> min_total_degree_days,
         std::optional<std::size_t> min_samples_per_day, std::optional<double> min_day_coverage,
         std::optional<double> interval_level, const pyb::object& period_temperature,
         bool candidates) -> pyb::object {
        const auto periods = periods_of(start, end, kwh);
        const changepoint_keywords k{zone,
                                     celsius,
                                     max_p_value,
                                     balance_min,
                                     balance_max,
                                     balance_step,
                                     std::move(temperatures),
                                     day_pairing,
                                     std::move(heating_balance_points),
                                     std::move(cooling_balance_points),
                                     std::move(kinds),
                                     min_days_with_degree_days,
                                     min_total_degree_days,
                                     min_samples_per_day,
                                     min_day_coverage,
                                     interval_level,
                                     !period_temperature.is_none()};
        const auto options = k.options();
        bl::changepoint_fit fit;
        if (k.period_means) {
          const auto pt = to_doubles(period_temperature, "period_temperature");
          pyb::gil_scoped_release release;
          fit = bl::fit_changepoint_candidates(periods, pt, options);
        } else {
          if (temperature_ts.is_none() || temperature.is_none())
            throw pyb::value_error(
                "fit_changepoint: pass temperature_ts and temperature, or period_temperature");
          const auto temps = temps_of(temperature_ts.cast<pyb::array>(), temperature);
          pyb::gil_scoped_release release;
          fit = bl::fit_changepoint_candidates(periods, temps, options);
        }
        if (!candidates) return pyb::cast(std::move(fit.model));
        pyb::dict table = candidate_columns(fit);
        return pyb::make_tuple(std::move(fit.model), table);
      },
      pyb::arg("start"), pyb::arg("end"), pyb::arg("kwh"), pyb::arg("temperature_ts") = pyb::none(),
      pyb::arg("temperature") = pyb::none(), pyb::kw_only(), pyb::arg("zone"),
      pyb::arg("celsius") = false, pyb::arg("max_p_value") = pyb::none(),
      pyb::arg("balance_min") = pyb::none(), pyb::arg("balance_max") = pyb::none(),
      pyb::arg("balance_step") = pyb::none(), pyb::arg("temperatures") = pyb::none(),
      pyb::arg("day_pairing") = "local", pyb::arg("heating_balance_points") = pyb::none(),
      pyb::arg("cooling_balance_points") = pyb::none(), pyb::arg("kinds") = pyb::none(),
      pyb::arg("min_days_with_degree_days") = pyb::none(),
      pyb::arg("min_total_degree_days") = pyb::none(),
      pyb::arg("min_samples_per_day") = pyb::none(), pyb::arg("min_day_coverage") = pyb::none(),
      pyb::arg("interval_level") = pyb::none(), pyb::arg("period_temperature") = pyb::none(),
      pyb::arg("candidates") = false,
      "Fits the CalTRACK change-point candidates to usage periods [start, end) with kWh and "
      "selects one. Temperatures: a series (temperatures='samples', hourly readings, or "
      "'daily_means', one value per day) or period_temperature (one mean per period). Grid in F "
      "(or C with celsius=True) unless balance_min/max/step or explicit heating_/"
      "cooling_balance_points are given; kinds restricts the candidate families; None keeps "
      "the library default. candidates=True returns (model, every candidate's statistics as "
      "columns, with 'selected' the model's row).");

  m.def(
      "changepoint_balance_points",
      [](bool celsius, std::optional<double> balance_min, std::optional<double> balance_max,
         std::optional<double> balance_step) {
        const time_zone any = time_zone::utc();  // the grid does not depend on the zone
        auto o =
            celsius ? bl::changepoint_options::celsius(any) : bl::changepoint_options{.zone = any};
        set_if(balance_min, o.balance_min);
        set_if(balance_max, o.balance_max);
        set_if(balance_step, o.balance_step);
        return to_numpy(bl::balance_point_grid(o));
      },
      pyb::kw_only(), pyb::arg("celsius") = false, pyb::arg("balance_min") = pyb::none(),
      pyb::arg("balance_max") = pyb::none(), pyb::arg("balance_step") = pyb::none(),
      "The balance-point grid fit_changepoint searches with these keywords.");

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

  m.def(
      "savings_uncertainty",
      [](double cv_rmse, std::size_t baseline_points, std::size_t parameters,
         std::size_t reporting_points, double autocorrelation, double confidence, double factor,
         std::optional<double> savings_fraction, std::optional<double> target_uncertainty) {
        const bl::savings_uncertainty_input in{
            cv_rmse,         baseline_points, parameters, reporting_points,
            autocorrelation, confidence,      factor};
        const auto terms = bl::savings_uncertainty(in);
        pyb::dict d;
        d["effective_points"] = terms.effective_points;
        d["t_value"] = terms.t_value;
        d["uncertainty_at_unit_fraction"] = terms.uncertainty_at_unit_fraction;
        if (savings_fraction) {
          d["savings_fraction"] = *savings_fraction;
          d["fractional_savings_uncertainty"] =
              bl::fractional_savings_uncertainty(in, *savings_fraction);
        }
        if (target_uncertainty) {
          d["target_uncertainty"] = *target_uncertainty;
          d["savings_fraction_needed"] = bl::savings_fraction_needed(in, *target_uncertainty);
        }
        return d;
      },
      pyb::kw_only(), pyb::arg("cv_rmse"), pyb::arg("baseline_points"), pyb::arg("parameters"),
      pyb::arg("reporting_points"), pyb::arg("autocorrelation") = 0.0,
      pyb::arg("confidence") = 0.90, pyb::arg("factor") = 1.26,
      pyb::arg("savings_fraction") = pyb::none(), pyb::arg("target_uncertainty") = pyb::none(),
      "ASHRAE Guideline 14 fractional savings uncertainty with the autocorrelation correction "
      "n' = n(1-rho)/(1+rho): {'effective_points', 't_value', 'uncertainty_at_unit_fraction'}, "
      "plus 'fractional_savings_uncertainty' for savings_fraction and 'savings_fraction_needed' "
      "for target_uncertainty (e.g. 0.5).");

  m.def(
      "lag1_autocorrelation",
      [](const pyb::handle& residuals) {
        return bl::lag1_autocorrelation(to_doubles(residuals, "residuals"));
      },
      pyb::arg("residuals"),
      "Pearson correlation of consecutive residual pairs (both finite): rho for "
      "savings_uncertainty.");
}

/// CalTRACK hourly (fit, predict) and eemeter's serialized hourly and daily models.
void bind_caltrack(pyb::module_& m) {
  // Python defaults are the library's (the zone has none: it is required there too).
  const bl::caltrack_hourly_options d{.zone = time_zone::utc()};
  pyb::class_<bl::caltrack_hourly_segment>(
      m, "CaltrackHourlySegment",
      "One month-centred (or the single) CalTRACK hourly model: 168 occupied flags and alphas "
      "(kWh per hour, NaN = cannot predict), kept temperature bin endpoints (°F) and one slope "
      "per bin for each occupancy mode.")
      .def_readonly("name", &bl::caltrack_hourly_segment::name)
      .def_property_readonly(
          "occupied", [](const bl::caltrack_hourly_segment& x) { return copy_out(x.occupied); })
      .def_property_readonly(
          "occupied_bin_endpoints",
          [](const bl::caltrack_hourly_segment& x) { return copy_out(x.occupied_bin_endpoints); })
      .def_property_readonly(
          "unoccupied_bin_endpoints",
          [](const bl::caltrack_hourly_segment& x) { return copy_out(x.unoccupied_bin_endpoints); })
      .def_property_readonly(
          "tow_coefficients",
          [](const bl::caltrack_hourly_segment& x) { return copy_out(x.tow_coefficients); })
      .def_property_readonly(
          "occupied_slopes",
          [](const bl::caltrack_hourly_segment& x) { return copy_out(x.occupied_slopes); })
      .def_property_readonly(
          "unoccupied_slopes",
          [](const bl::caltrack_hourly_segment& x) { return copy_out(x.unoccupied_slopes); })
      .def_readonly("observations", &bl::caltrack_hourly_segment::observations)
      .def_readonly("parameters", &bl::caltrack_hourly_segment::parameters)
      .def_readonly("rank_deficient", &bl::caltrack_hourly_segment::rank_deficient);

  pyb::class_<bl::caltrack_hourly_model>(
      m, "CaltrackHourlyModel",
      "A CalTRACK 2.0 hourly model (fit_caltrack_hourly, or eemeter's serialized model via "
      "load_caltrack_hourly_model).")
      .def_readonly("zone", &bl::caltrack_hourly_model::zone)
      .def_property_readonly("unit",
                             [](const bl::caltrack_hourly_model& x) { return to_string(x.unit); })
      .def_property_readonly(
          "segmentation",
          [](const bl::caltrack_hourly_model& x) { return to_string(x.segmentation); })
      .def_property_readonly(
          "candidate_bin_endpoints",
          [](const bl::caltrack_hourly_model& x) { return copy_out(x.candidate_bin_endpoints); })
      .def_readonly("segments", &bl::caltrack_hourly_model::segments)
      .def("predict", &predict_hourly<bl::caltrack_hourly_model>, pyb::arg("ts"),
           pyb::arg("temperature"),
           "Expected kWh of the hours starting at ts (datetime64[ns] UTC) at the aligned "
           "temperatures (in the model's unit), each by the model of its local month. Returns "
           "{'expected','lower','upper'}; lower/upper are NaN (CalTRACK hourly defines no "
           "interval).")
      .def(
          "to_eemeter_json",
          [](const bl::caltrack_hourly_model& x) { return io::to_eemeter_json(x); },
          "eemeter's CalTRACKHourlyModelResults JSON (eemeter 4.0.x field names).")
      .def("__repr__", [](const bl::caltrack_hourly_model& x) {
        return fmt::format("<CaltrackHourlyModel zone={} unit={} segmentation={} segments={}>",
                           x.zone, to_string(x.unit), to_string(x.segmentation), x.segments.size());
      });

  m.def(
      "fit_caltrack_hourly",
      [](const pyb::array& ts, const pyb::handle& kwh, const pyb::handle& temperature,
         const std::string& zone, const std::string& unit, const std::string& segmentation,
         double neighbour_month_weight, double occupancy_cooling_balance_point,
         double occupancy_heating_balance_point, double occupancy_threshold,
         const std::vector<double>& bin_endpoints, std::size_t min_bin_count,
         double max_baseline_days, double min_baseline_days, double min_month_coverage) {
        const auto load = load_of(ts, kwh, pyb::int_(3600));
        const auto temp = to_doubles(temperature, "temperature");
        bl::caltrack_hourly_options o{.zone = time_zone{zone}};  // the name converts here
        o.unit = unit_arg(unit);
        o.segmentation = enum_arg<bl::caltrack_segmentation>(segmentation, "segmentation");
        o.neighbour_month_weight = neighbour_month_weight;
        o.occupancy_cooling_balance_point = occupancy_cooling_balance_point;
        o.occupancy_heating_balance_point = occupancy_heating_balance_point;
        o.occupancy_threshold = occupancy_threshold;
        o.bin_endpoints = bin_endpoints;
        o.min_bin_count = min_bin_count;
        o.max_baseline_days = max_baseline_days;
        o.min_baseline_days = min_baseline_days;
        o.min_month_coverage = min_month_coverage;
        pyb::gil_scoped_release release;
        return bl::fit_caltrack_hourly(load, temp, o);
      },
      pyb::arg("ts"), pyb::arg("kwh"), pyb::arg("temperature"), pyb::kw_only(), pyb::arg("zone"),
      pyb::arg("unit"), pyb::arg("segmentation") = to_string(d.segmentation),
      pyb::arg("neighbour_month_weight") = d.neighbour_month_weight,
      pyb::arg("occupancy_cooling_balance_point") = d.occupancy_cooling_balance_point,
      pyb::arg("occupancy_heating_balance_point") = d.occupancy_heating_balance_point,
      pyb::arg("occupancy_threshold") = d.occupancy_threshold,
      pyb::arg("bin_endpoints") = d.bin_endpoints, pyb::arg("min_bin_count") = d.min_bin_count,
      pyb::arg("max_baseline_days") = d.max_baseline_days,
      pyb::arg("min_baseline_days") = d.min_baseline_days,
      pyb::arg("min_month_coverage") = d.min_month_coverage,
      "CalTRACK 2.0 hourly on hourly kWh starting at ts (datetime64[ns] UTC) with aligned "
      "temperatures. unit ('fahrenheit' or 'celsius') is required: the reference's constants "
      "(balance points 65/50, bin endpoints) are °F and °C input is converted. segmentation: "
      "'three_month_weighted' (default) or 'single'. Raises ValueError naming what is short "
      "(baseline outside [min_baseline_days, max_baseline_days], months under "
      "min_month_coverage).");

  m.def(
      "load_caltrack_hourly_model",
      [](const std::string& json, const std::string& zone, const std::string& unit) {
        return io::caltrack_hourly_model_from_eemeter_json(json, time_zone{zone}, unit_arg(unit));
      },
      pyb::arg("json"), pyb::kw_only(), pyb::arg("zone"), pyb::arg("unit"),
      "eemeter's serialized CalTRACK hourly model (CalTRACKHourlyModelResults.json() as JSON "
      "text) for a building in `zone`, predicting from temperatures in `unit`. Raises "
      "ParseError naming the field for unknown formula terms or parameters.");

  m.def(
      "load_caltrack_daily_model",
      [](const std::string& json, const std::string& zone) {
        return io::changepoint_model_from_eemeter_json(json, time_zone{zone});
      },
      pyb::arg("json"), pyb::kw_only(), pyb::arg("zone"),
      "eemeter's serialized CalTRACK usage-per-day model (CalTRACKUsagePerDayModelResults or "
      "candidate json()) as a ChangepointModel; predict with hourly temperature samples. Raises "
      "ParseError naming the field for an unknown model_type or parameter.");
}

}  // namespace energy::py
