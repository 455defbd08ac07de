// SPDX-License-Identifier: Apache-2.0
// Anomaly detection over one meter's interval series (value_milli: int64 thousandths of the
// canonical unit per interval), Anomalies cross as columns (frames.anomalies_frame).
#include "common.hpp"

#include <energy/anomaly/detectors.hpp>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <optional>

namespace energy::py {

namespace an = energy::anomaly;

namespace {

/// Owns the columns a meter_series views.
struct series_input {
  uuid building_id;
  std::optional<uuid> sensor_id;
  std::int32_t interval_seconds = 0;  ///< given, or inferred from ts (interval_or_inferred)
  std::vector<epoch_seconds> ts;
  std::vector<milli> value;
  std::vector<std::uint32_t> quality;
  std::string unit;

  [[nodiscard]] an::meter_series view() const {
    an::meter_series s{building_id, sensor_id, interval_seconds, ts, value, quality, unit};
    s.validate();
    return s;
  }
};

series_input series_of(const pyb::handle& building_id, const pyb::object& ts,
                       const pyb::handle& value_milli, const pyb::handle& interval_seconds,
                       const pyb::handle& sensor_id, const pyb::handle& quality,
                       const std::string& unit) {
  series_input s;
  s.building_id = to_uuid(building_id, "building_id");
  if (!sensor_id.is_none()) s.sensor_id = to_uuid(sensor_id, "sensor_id");
  s.ts = to_epoch_seconds(ts, "ts");
  s.interval_seconds = interval_or_inferred(interval_seconds, s.ts);
  s.value = to_int64s(value_milli, "value_milli");
  if (!quality.is_none()) {
    const auto q = to_int64s(quality, "quality");
    s.quality.assign(q.begin(), q.end());
  }
  s.unit = unit;
  return s;
}

std::optional<time_zone> zone_or_null(const pyb::handle& zone) {
  if (zone.is_none()) return std::nullopt;
  return find_zone(zone.cast<std::string>());
}

pyb::dict anomaly_columns(const std::vector<an::anomaly>& found) {
  const auto n = found.size();
  std::vector<std::int64_t> start(n), end(n), expected(n), actual(n);
  std::vector<double> score(n);
  pyb::list kind, severity, explanation, building, sensor;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& a = found[i];
    start[i] = to_epoch(a.range.start);
    end[i] = to_epoch(a.range.end);
    expected[i] = a.expected;
    actual[i] = a.actual;
    score[i] = a.score;
    kind.append(std::string(an::to_string(a.kind)));
    severity.append(std::string(an::to_string(a.severity)));
    explanation.append(a.explanation);
    building.append(a.building_id.to_string());
    sensor.append(a.sensor_id ? pyb::object(pyb::str(a.sensor_id->to_string()))
                              : pyb::object(pyb::none()));
  }
  pyb::dict out;
  out["start"] = to_datetime64_ns(std::move(start));
  out["end"] = to_datetime64_ns(std::move(end));
  out["kind"] = kind;
  out["severity"] = severity;
  out["score"] = to_numpy(std::move(score));
  out["expected_milli"] = to_numpy(std::move(expected));
  out["actual_milli"] = to_numpy(std::move(actual));
  out["explanation"] = explanation;
  out["building_id"] = building;
  out["sensor_id"] = sensor;
  return out;
}

/// The C++ names ("15min", "hour", "day"), and "quarter_hour", the name Python has always used.
alert_window window_of(const std::string& w) {
  if (w == "quarter_hour") return energy::alert_window::quarter_hour;
  return enum_arg<alert_window>(w, "window");
}

}  // namespace

void bind_anomaly(pyb::module_& m) {
  // Defaults come from the C++ option structs, so Python never drifts from the library.
  const an::data_quality_options dq_defaults;
  const an::deviation_options dev_defaults;
  const an::after_hours_options ah_defaults;
  const an::schedule_options sched_defaults;
  const char* series_doc =
      " The series: building_id, ts (datetime64[ns] UTC, strictly increasing), value_milli (int64 "
      "thousandths "
      "of the unit consumed per interval), interval_seconds, optional sensor_id and quality flags. "
      "Returns "
      "anomaly columns (start, end, kind, severity, score, expected_milli, actual_milli, "
      "explanation, "
      "building_id, sensor_id); energy.anomalies_frame() makes a DataFrame.";

  m.def(
      "detect_data_quality",
      [](const pyb::handle& building_id, const pyb::object& ts, const pyb::handle& value_milli,
         const pyb::handle& interval_seconds, const pyb::handle& sensor_id,
         const pyb::handle& quality, const std::string& unit, const pyb::handle& zone,
         std::optional<milli> max_value_milli, const pyb::handle& expected_start,
         const pyb::handle& expected_end, std::int32_t flatline_min_intervals, double spike_z,
         double spike_level_z) {
        const auto s =
            series_of(building_id, ts, value_milli, interval_seconds, sensor_id, quality, unit);
        an::data_quality_options o;
        o.zone = zone_or_null(zone);
        o.max_value = max_value_milli;
        if (!expected_start.is_none() || !expected_end.is_none())
          o.expected_range = time_range{
              to_instant(expected_start, "expected_start",
                         from_epoch(s.ts.empty() ? 0 : s.ts.front())),
              to_instant(expected_end, "expected_end",
                         from_epoch(s.ts.empty() ? 0 : s.ts.back() + s.interval_seconds))};
        o.flatline_min_intervals = flatline_min_intervals;
        o.spike_z = spike_z;
        o.spike_level_z = spike_level_z;
        std::vector<an::anomaly> found;
        {
          pyb::gil_scoped_release release;
          found = an::detect_data_quality(s.view(), o);
        }
        return anomaly_columns(found);
      },
      pyb::arg("building_id"), pyb::arg("ts"), pyb::arg("value_milli"), pyb::kw_only(),
      pyb::arg("interval_seconds") = pyb::none(), pyb::arg("sensor_id") = pyb::none(),
      pyb::arg("quality") = pyb::none(), pyb::arg("unit") = "kWh", pyb::arg("zone") = pyb::none(),
      pyb::arg("max_value_milli") = pyb::none(), pyb::arg("expected_start") = pyb::none(),
      pyb::arg("expected_end") = pyb::none(),
      pyb::arg("flatline_min_intervals") = dq_defaults.flatline_min_intervals,
      pyb::arg("spike_z") = dq_defaults.spike_z,
      pyb::arg("spike_level_z") = dq_defaults.spike_level_z,
      (std::string("Negative and impossible values, missing intervals, flatlines, spikes and meter "
                   "resets.") +
       series_doc)
          .c_str());

  m.def(
      "detect_baseline_deviation",
      [](const pyb::handle& building_id, const pyb::object& ts, const pyb::handle& value_milli,
         const pyb::handle& expected_kwh, const std::string& zone,
         const pyb::handle& interval_seconds, const pyb::handle& sensor_id, const std::string& unit,
         const std::string& method, std::int64_t block_seconds, double log_floor_fraction,
         std::int64_t scale_window_seconds, std::int64_t scale_radius_seconds, double cusum_k,
         double cusum_h, double cusum_cap, double z_threshold, std::int64_t smoothing_seconds,
         std::int64_t min_duration_seconds, double min_relative_deviation) {
        const auto s =
            series_of(building_id, ts, value_milli, interval_seconds, sensor_id, pyb::none(), unit);
        energy::baseline::prediction expected;
        expected.expected = to_doubles(expected_kwh, "expected_kwh");
        an::deviation_options o;
        o.method = energy::parse<an::deviation_method>(method);
        o.block_seconds = block_seconds;
        o.log_floor_fraction = log_floor_fraction;
        o.scale_window_seconds = scale_window_seconds;
        o.scale_radius_seconds = scale_radius_seconds;
        o.cusum_k = cusum_k;
        o.cusum_h = cusum_h;
        o.cusum_cap = cusum_cap;
        o.z_threshold = z_threshold;
        o.smoothing_seconds = smoothing_seconds;
        o.min_duration_seconds = min_duration_seconds;
        o.min_relative_deviation = min_relative_deviation;
        const auto z = find_zone(zone);
        std::vector<an::anomaly> found;
        {
          pyb::gil_scoped_release release;
          found = an::detect_baseline_deviation(s.view(), expected, z, o);
        }
        return anomaly_columns(found);
      },
      pyb::arg("building_id"), pyb::arg("ts"), pyb::arg("value_milli"), pyb::kw_only(),
      pyb::arg("expected_kwh"), pyb::arg("zone"), pyb::arg("interval_seconds") = pyb::none(),
      pyb::arg("sensor_id") = pyb::none(), pyb::arg("unit") = "kWh",
      pyb::arg("method") = std::string(to_string(dev_defaults.method)),
      pyb::arg("block_seconds") = dev_defaults.block_seconds,
      pyb::arg("log_floor_fraction") = dev_defaults.log_floor_fraction,
      pyb::arg("scale_window_seconds") = dev_defaults.scale_window_seconds,
      pyb::arg("scale_radius_seconds") = dev_defaults.scale_radius_seconds,
      pyb::arg("cusum_k") = dev_defaults.cusum_k, pyb::arg("cusum_h") = dev_defaults.cusum_h,
      pyb::arg("cusum_cap") = dev_defaults.cusum_cap,
      pyb::arg("z_threshold") = dev_defaults.z_threshold,
      pyb::arg("smoothing_seconds") = dev_defaults.smoothing_seconds,
      pyb::arg("min_duration_seconds") = dev_defaults.min_duration_seconds,
      pyb::arg("min_relative_deviation") = dev_defaults.min_relative_deviation,
      (std::string("Sustained departures of the actual load from a baseline's expected load. "
                   "method 'cusum' (default): a CUSUM over local blocks of the log ratio "
                   "actual/expected against the series' own multi-day variation; 'smoothed_z': "
                   "the mean robust z per local hour of week over a centred window (quicker, "
                   "noisier). Options as energy::anomaly::deviation_options. expected_kwh "
                   "(keyword): the model's "
                   "prediction per row in kWh as predict() returns it (fit['expected']), NaN where "
                   "the model has none; value_milli is the measured Wh.") +
       series_doc)
          .c_str());

  m.def(
      "detect_threshold",
      [](const pyb::handle& building_id, const pyb::object& ts, const pyb::handle& value_milli,
         milli threshold_milli, const std::string& window, const std::string& zone,
         const pyb::handle& interval_seconds, const pyb::handle& sensor_id) {
        const auto s = series_of(building_id, ts, value_milli, interval_seconds, sensor_id,
                                 pyb::none(), "kWh");
        alert_config config;
        config.building_id = s.building_id;
        config.threshold = threshold_milli;
        config.window = window_of(window);
        const auto z = find_zone(zone);
        std::vector<an::anomaly> found;
        {
          pyb::gil_scoped_release release;
          found = an::detect_threshold(s.view(), config, z);
        }
        return anomaly_columns(found);
      },
      pyb::arg("building_id"), pyb::arg("ts"), pyb::arg("value_milli"), pyb::kw_only(),
      pyb::arg("threshold_milli"), pyb::arg("window") = "hour", pyb::arg("zone"),
      pyb::arg("interval_seconds") = pyb::none(), pyb::arg("sensor_id") = pyb::none(),
      (std::string("Local windows (quarter_hour or 15min, hour, day) whose total exceeds "
                   "threshold_milli.") +
       series_doc)
          .c_str());

  pyb::class_<an::operating_schedule>(
      m, "OperatingSchedule",
      "Occupied hours per local weekday detected from the load (days[0] = Monday).")
      .def_property_readonly(
          "days",
          [](const an::operating_schedule& x) {
            pyb::list out;
            for (const auto& d : x.days)
              out.append(pyb::make_tuple(d.occupied, d.start_hour, d.end_hour));
            return out;
          },
          "7 tuples (occupied, start_hour, end_hour), Monday first; hours are local [start, end).")
      .def_readonly("unoccupied_level", &an::operating_schedule::unoccupied_level)
      .def_readonly("occupied_level", &an::operating_schedule::occupied_level)
      .def_readonly("detected", &an::operating_schedule::detected)
      .def_property_readonly(
          "status",
          [](const an::operating_schedule& x) { return std::string(an::to_string(x.status)); },
          "'detected', 'too_little_data', 'no_contrast', 'inconsistent_weeks' or "
          "'irregular_unoccupied'.")
      .def_readonly("reason", &an::operating_schedule::reason,
                    "One sentence with the numbers that decided the status.")
      .def("occupied", &an::operating_schedule::occupied, pyb::arg("hour_of_week"))
      .def_property_readonly("occupied_hours_per_week",
                             &an::operating_schedule::occupied_hours_per_week);

  m.def(
      "detect_schedule",
      [](const pyb::handle& building_id, const pyb::object& ts, const pyb::handle& value_milli,
         const std::string& zone, const pyb::handle& interval_seconds, double min_peak_to_base,
         double min_consistent_weeks, double max_unoccupied_variation, double min_week_agreement) {
        const auto s = series_of(building_id, ts, value_milli, interval_seconds, pyb::none(),
                                 pyb::none(), "kWh");
        const auto z = find_zone(zone);
        an::schedule_options o;
        o.min_peak_to_base = min_peak_to_base;
        o.min_consistent_weeks = min_consistent_weeks;
        o.max_unoccupied_variation = max_unoccupied_variation;
        o.min_week_agreement = min_week_agreement;
        pyb::gil_scoped_release release;
        return an::detect_schedule(s.view(), z, o);
      },
      pyb::arg("building_id"), pyb::arg("ts"), pyb::arg("value_milli"), pyb::kw_only(),
      pyb::arg("zone"), pyb::arg("interval_seconds") = pyb::none(),
      pyb::arg("min_peak_to_base") = sched_defaults.min_peak_to_base,
      pyb::arg("min_consistent_weeks") = sched_defaults.min_consistent_weeks,
      pyb::arg("max_unoccupied_variation") = sched_defaults.max_unoccupied_variation,
      pyb::arg("min_week_agreement") = sched_defaults.min_week_agreement,
      "The building's weekly operating schedule as detected from its load; when none is found, "
      "status and reason say why. A week counts towards min_consistent_weeks only when "
      "min_week_agreement of its readings lie on the schedule's side of the midpoint (0 for the "
      "behaviour before 2026-12-03).");

  m.def(
      "detect_after_hours",
      [](const pyb::handle& building_id, const pyb::object& ts, const pyb::handle& value_milli,
         const an::operating_schedule& schedule, const std::string& zone,
         const pyb::handle& interval_seconds, const pyb::handle& sensor_id, double z_threshold,
         double min_ratio, std::int64_t min_duration_seconds) {
        const auto s = series_of(building_id, ts, value_milli, interval_seconds, sensor_id,
                                 pyb::none(), "kWh");
        const auto z = find_zone(zone);
        an::after_hours_options o;
        o.z_threshold = z_threshold;
        o.min_ratio = min_ratio;
        o.min_duration_seconds = min_duration_seconds;
        std::vector<an::anomaly> found;
        {
          pyb::gil_scoped_release release;
          found = an::detect_after_hours(s.view(), z, schedule, o);
        }
        auto out = anomaly_columns(found);
        out["schedule_status"] = std::string(an::to_string(schedule.status));
        out["schedule_reason"] = schedule.reason;
        return out;
      },
      pyb::arg("building_id"), pyb::arg("ts"), pyb::arg("value_milli"), pyb::arg("schedule"),
      pyb::kw_only(), pyb::arg("zone"), pyb::arg("interval_seconds") = pyb::none(),
      pyb::arg("sensor_id") = pyb::none(), pyb::arg("z_threshold") = ah_defaults.z_threshold,
      pyb::arg("min_ratio") = ah_defaults.min_ratio,
      pyb::arg("min_duration_seconds") = ah_defaults.min_duration_seconds,
      (std::string(
           "Consumption in the schedule's unoccupied hours far above the unoccupied baseline. "
           "Nothing is judged when the schedule was not detected: the extra keys "
           "schedule_status and schedule_reason say so (and why).") +
       series_doc)
          .c_str());

  m.def(
      "detect_register_resets",
      [](const pyb::handle& building_id, const pyb::object& ts, const pyb::handle& register_values,
         const pyb::handle& sensor_id, std::optional<double> register_max) {
        const auto b = to_uuid(building_id, "building_id");
        std::optional<uuid> sensor;
        if (!sensor_id.is_none()) sensor = to_uuid(sensor_id, "sensor_id");
        const auto t = to_epoch_seconds(ts, "ts");
        const auto v = to_doubles(register_values, "register_values");
        return anomaly_columns(an::detect_register_resets(b, sensor, t, v, register_max));
      },
      pyb::arg("building_id"), pyb::arg("ts"), pyb::arg("register_values"), pyb::kw_only(),
      pyb::arg("sensor_id") = pyb::none(), pyb::arg("register_max") = pyb::none(),
      "Resets of a cumulative register (raw readings in the sensor's unit); rollovers near "
      "register_max are not "
      "resets.");
}

}  // namespace energy::py
