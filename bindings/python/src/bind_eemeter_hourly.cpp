// SPDX-License-Identifier: Apache-2.0
// eemeter 4 / OpenDSM non-legacy hourly models: load HourlyModel.to_json() and predict (energy/io/
// eemeter_hourly_json.hpp, energy/baseline/eemeter_hourly.hpp).
#include "common.hpp"

#include <energy/baseline/eemeter_hourly.hpp>
#include <energy/io/eemeter_hourly_json.hpp>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

namespace energy::py {

void bind_eemeter_hourly(pyb::module_& m);

namespace {

namespace bl = energy::baseline;

bl::temperature_unit unit_of(const std::string& unit) {
  const auto u = try_parse<bl::temperature_unit>(unit);
  if (!u || *u == bl::temperature_unit::unspecified)
    throw pyb::value_error("unit: '" + unit + "': expected fahrenheit or celsius");
  return *u;
}

}  // namespace

void bind_eemeter_hourly(pyb::module_& m) {
  using M = bl::eemeter_hourly_model;
  pyb::class_<M>(m, "EemeterHourlyModel",
                 "An eemeter 4 / OpenDSM hourly model (load_eemeter_hourly_model, temperature "
                 "only): one linear model per hour of the local day over the day's temperature "
                 "features, temporal cluster and temperature bins.")
      .def_readonly("zone", &M::zone)
      .def_property_readonly("unit", [](const M& x) { return std::string(bl::to_string(x.unit)); })
      .def_readonly("scaling_method", &M::scaling_method)
      .def_readonly("temperature_mean", &M::temperature_mean)
      .def_readonly("temperature_scale", &M::temperature_scale)
      .def_readonly("observed_mean", &M::observed_mean)
      .def_readonly("observed_scale", &M::observed_scale)
      .def_readonly("bin_edges", &M::bin_edges)
      .def_readonly("edge_bins", &M::edge_bins)
      .def_readonly("cluster_count", &M::cluster_count)
      .def_property_readonly(
          "day_clusters",
          [](const M& x) {
            std::vector<std::vector<int>> out;
            for (const auto& month : x.day_cluster)
              out.emplace_back(month.begin(), month.end());
            return out;
          },
          "Cluster of each month (January first) and weekday (Monday first); -1 for none.")
      .def_property_readonly(
          "feature_names", [](const M& x) { return bl::eemeter_hourly_feature_names(x); },
          "Feature names in coefficient order (each *_ts name stands for 24 hourly columns).")
      .def_property_readonly(
          "coefficients",
          [](const M& x) {
            const std::size_t n = bl::eemeter_hourly_coefficient_count(x);
            std::vector<std::vector<double>> rows;
            for (std::size_t h = 0; h < 24; ++h)
              rows.emplace_back(x.coefficients.begin() + static_cast<std::ptrdiff_t>(h * n),
                                x.coefficients.begin() + static_cast<std::ptrdiff_t>((h + 1) * n));
            return rows;
          })
      .def_property_readonly(
          "intercept",
          [](const M& x) { return std::vector<double>(x.intercept.begin(), x.intercept.end()); })
      .def_readonly("disqualification", &M::disqualification)
      .def(
          "predict",
          [](const M& model, const pyb::object& ts, const pyb::handle& temperature) {
            bl::temperature_series t;
            t.ts = to_epoch_seconds(ts, "ts");
            t.value = to_doubles(temperature, "temperature");
            if (t.value.size() != t.ts.size())
              throw pyb::value_error(fmt::format("temperature has {} values but ts has {}",
                                                 t.value.size(), t.ts.size()));
            bl::prediction p;
            {
              pyb::gil_scoped_release release;
              p = bl::predict(model, t);
            }
            pyb::dict out;
            out["expected"] = to_numpy(std::move(p.expected));
            out["lower"] = to_numpy(std::move(p.lower));
            out["upper"] = to_numpy(std::move(p.upper));
            return out;
          },
          pyb::arg("ts"), pyb::arg("temperature"),
          "Predicted use of each hour (ts: datetime64[ns] UTC, each the start of a local hour of "
          "the model's zone, strictly ascending; temperature in the model's unit). NaN for every "
          "hour of a local day not given completely with finite temperatures, or without a "
          "temporal cluster. Returns {'expected','lower','upper'}; lower/upper are NaN (eemeter's "
          "hourly model has no interval).")
      .def("__repr__", [](const M& x) {
        return fmt::format("<EemeterHourlyModel zone={} unit={} clusters={} bins={}>", x.zone,
                           bl::to_string(x.unit), x.cluster_count,
                           x.bin_edges.empty() ? 0 : x.bin_edges.size() - 1);
      });

  m.def(
      "load_eemeter_hourly_model",
      [](const std::string& json, const std::string& zone, const std::string& unit) {
        return io::eemeter_hourly_model_from_json(json, time_zone{zone}, unit_of(unit));
      },
      pyb::arg("json"), pyb::kw_only(), pyb::arg("zone"), pyb::arg("unit"),
      "eemeter 4 / OpenDSM HourlyModel.to_json() text (temperature-only model) for a building in "
      "`zone`, predicting from temperatures in `unit` ('fahrenheit' or 'celsius'). Raises "
      "ParseError naming the field (GHI / solar model, supplemental columns, unknown keys, "
      "inconsistent features or coefficient shapes, zone mismatch with info.baseline_timezone).");
}

}  // namespace energy::py
