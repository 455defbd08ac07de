// SPDX-License-Identifier: Apache-2.0
#include "jobs/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include <energy/anomaly/detectors.hpp>
#include <energy/baseline/seasonal.hpp>

namespace energy::server::jobs {

namespace {

constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 86400;
constexpr std::int64_t week = 7 * day;
// Baseline: fitted on the weeks before the recent ones it judges.
constexpr std::int64_t baseline_recent = week;
constexpr std::int64_t baseline_min_training = 2 * week;
constexpr std::int64_t baseline_history = 8 * week;
// Automatic flatline length needs the series' own run lengths: a week of them.
constexpr std::int64_t flatline_auto_lookback = week;

std::int64_t window_seconds(alert_window w) {
  switch (w) {
    case alert_window::quarter_hour:
      return 900;
    case alert_window::hour:
      return hour;
    case alert_window::day:
      return day;
  }
  return hour;
}

/// Start (UTC) of the local window before the one containing `now`: the span the threshold and
/// peak conditions judge is [that, now).
epoch_seconds previous_window_start(utc_seconds now, alert_window w, const time_zone& zone) {
  using namespace std::chrono;
  const auto local = zone.to_local(now);
  std::chrono::local_seconds current;
  std::chrono::local_seconds previous;
  switch (w) {
    case alert_window::quarter_hour: {
      const auto m = floor<minutes>(local);
      current = m - minutes{m.time_since_epoch().count() % 15};
      previous = current - minutes{15};
      break;
    }
    case alert_window::hour:
      current = floor<hours>(local);
      previous = current - hours{1};
      break;
    case alert_window::day:
      current = floor<days>(local);
      previous = current - days{1};
      break;
  }
  // A local time skipped by a DST change maps to the transition; a repeated one to its first
  // occurrence: the span only ever grows by the repeated hour, never loses data.
  return to_epoch(zone.first_instant(previous));
}

const sensor* find_sensor(const std::vector<sensor>& sensors, const uuid& id) {
  for (const auto& s : sensors)
    if (s.id == id) return &s;
  return nullptr;
}

/// The building's electricity total per interval of its coarsest electricity sensor, rows in
/// [from, until). Intervals that divide each other sum exactly into the coarse grid.
struct total_series {
  std::int32_t interval = 0;
  std::vector<epoch_seconds> ts;
  std::vector<milli> value;
};

total_series building_total(const building_data& d, epoch_seconds from, epoch_seconds until) {
  total_series out;
  for (const auto& s : d.sensors)
    if (s.type == sensor_type::electricity)
      out.interval = std::max(out.interval, s.interval_seconds);
  if (out.interval <= 0) return out;
  std::map<epoch_seconds, milli> sums;
  for (std::size_t i = 0; i < d.rows.size(); ++i) {
    if (d.rows.ts[i] < from || d.rows.ts[i] >= until) continue;
    const sensor* s = find_sensor(d.sensors, d.rows.sensor_id[i]);
    if (!s || s->type != sensor_type::electricity) continue;
    const epoch_seconds slot =
        d.rows.ts[i] - ((d.rows.ts[i] % out.interval) + out.interval) % out.interval;
    sums[slot] += d.rows.value[i];
  }
  for (const auto& [t, v] : sums) {
    out.ts.push_back(t);
    out.value.push_back(v);
  }
  return out;
}

/// One sensor's rows (spans into `d.rows`, which is ordered by sensor then ts).
struct sensor_rows {
  std::span<const epoch_seconds> ts;
  std::span<const milli> value;
  std::span<const std::uint32_t> quality;
};

sensor_rows rows_of(const building_data& d, const uuid& sensor_id) {
  std::size_t first = d.rows.size();
  std::size_t last = 0;
  for (std::size_t i = 0; i < d.rows.size(); ++i) {
    if (d.rows.sensor_id[i] != sensor_id) continue;
    first = std::min(first, i);
    last = i + 1;
  }
  if (first >= last) return {};
  return {std::span(d.rows.ts).subspan(first, last - first),
          std::span(d.rows.value).subspan(first, last - first),
          std::span(d.rows.quality).subspan(first, last - first)};
}

std::string kwh(milli v) {
  return format_milli(v) + " kWh";
}

finding judge_threshold(const alert_rule& rule, const building_data& d, utc_seconds now) {
  finding f{.what = condition::threshold};
  const epoch_seconds from = previous_window_start(now, rule.window, d.zone);
  const auto total = building_total(d, from, to_epoch(now));
  f.details = {{"window", energy::to_string(rule.window)},
               {"threshold_kwh", format_milli(*rule.threshold)},
               {"from", format_utc(from_epoch(from))},
               {"until", format_utc(now)}};
  if (total.interval == 0) {
    f.summary = "no electricity sensor: the threshold cannot be exceeded";
    return f;
  }
  alert_config config{.id = rule.id,
                      .building_id = rule.building_id,
                      .threshold = *rule.threshold,
                      .window = rule.window,
                      .is_enabled = true};
  const anomaly::meter_series series{.building_id = rule.building_id,
                                     .interval_seconds = total.interval,
                                     .ts = total.ts,
                                     .value = total.value};
  try {
    const auto found = anomaly::detect_threshold(series, config, d.zone);
    if (found.empty()) {
      f.summary = "consumption per " + std::string(energy::to_string(rule.window)) + " is within " +
                  kwh(*rule.threshold);
      return f;
    }
    const auto worst =
        std::max_element(found.begin(), found.end(),
                         [](const auto& a, const auto& b) { return a.actual < b.actual; });
    f.holds = true;
    f.severity = worst->severity;
    f.summary = d.b.name + ": " + kwh(worst->actual) + " in one " +
                std::string(energy::to_string(rule.window)) + " window, above the threshold of " +
                kwh(*rule.threshold) + " (window from " + format_local(worst->range.start, d.zone) +
                ")";
    f.details["actual_kwh"] = format_milli(worst->actual);
    f.details["window_start"] = format_utc(worst->range.start);
  } catch (const std::invalid_argument& e) {
    f.error = e.what();
  }
  return f;
}

finding judge_peak(const alert_rule& rule, const building_data& d, utc_seconds now) {
  finding f{.what = condition::peak_demand};
  const epoch_seconds from = previous_window_start(now, rule.window, d.zone);
  const auto total = building_total(d, from, to_epoch(now));
  f.details = {{"limit_kw", format_milli(*rule.peak_demand)},
               {"from", format_utc(from_epoch(from))},
               {"until", format_utc(now)}};
  if (total.interval == 0) {
    f.summary = "no electricity sensor: no demand to judge";
    return f;
  }
  // demand (W) = Wh × 3600 / interval; compared as Wh × 3600 > W × interval, exact in integers.
  std::optional<std::size_t> worst;
  for (std::size_t i = 0; i < total.ts.size(); ++i)
    if (total.value[i] * 3600 > *rule.peak_demand * total.interval &&
        (!worst || total.value[i] > total.value[*worst]))
      worst = i;
  if (!worst) {
    f.summary = "demand stayed within " + format_milli(*rule.peak_demand) + " kW";
    return f;
  }
  const milli demand_w = total.value[*worst] * 3600 / total.interval;
  f.holds = true;
  f.severity =
      demand_w >= 2 * *rule.peak_demand ? anomaly::severity::critical : anomaly::severity::warning;
  f.summary = d.b.name + ": demand of " + format_milli(demand_w) + " kW at " +
              format_local(from_epoch(total.ts[*worst]), d.zone) + ", above the limit of " +
              format_milli(*rule.peak_demand) + " kW";
  f.details["demand_kw"] = format_milli(demand_w);
  f.details["interval_start"] = format_utc(from_epoch(total.ts[*worst]));
  f.details["interval_seconds"] = total.interval;
  return f;
}

finding judge_gap(const alert_rule& rule, const building_data& d, utc_seconds now) {
  finding f{.what = condition::data_gap};
  const std::int64_t gap = *rule.gap_seconds;
  f.details = {{"gap_seconds", gap}, {"sensors", nlohmann::json::array()}};
  const epoch_seconds lookback_start = to_epoch(now) - raw_lookback_seconds(rule);
  for (const auto& s : d.sensors) {
    const std::int64_t interval = s.interval_seconds;
    const epoch_seconds end = to_epoch(now) - ((to_epoch(now) % interval) + interval) % interval;
    // On the sensor's interval grid, so the first expected interval is a whole one.
    epoch_seconds start = std::max(lookback_start, to_epoch(s.created_at));
    start += (interval - ((start % interval) + interval) % interval) % interval;
    if (end - start < gap) continue;  // too young to have been silent that long
    const auto rows = rows_of(d, s.id);
    const anomaly::meter_series series{.building_id = s.building_id,
                                       .sensor_id = s.id,
                                       .interval_seconds = s.interval_seconds,
                                       .ts = rows.ts,
                                       .value = rows.value,
                                       .quality = rows.quality};
    anomaly::data_quality_options o;
    o.expected_range = time_range{from_epoch(start), from_epoch(end)};
    for (const auto& a : anomaly::detect_data_quality(series, o)) {
      if (a.kind != anomaly::anomaly_kind::missing_data) continue;
      if (to_epoch(a.range.end) < end || to_epoch(a.range.end) - to_epoch(a.range.start) < gap)
        continue;
      f.details["sensors"].push_back({{"sensor_id", s.id.to_string()},
                                      {"location", s.location},
                                      {"silent_since", format_utc(a.range.start)}});
    }
  }
  const auto silent = f.details["sensors"].size();
  f.holds = silent > 0;
  if (f.holds) {
    const auto& first = f.details["sensors"].front();
    f.summary = d.b.name + ": " + std::to_string(silent) + " sensor(s) sent no readings for " +
                std::to_string(gap / 60) +
                " minutes or more (first: " + first["sensor_id"].get<std::string>() +
                ", silent since " + first["silent_since"].get<std::string>() + ")";
  } else {
    f.summary = "every sensor reported within " + std::to_string(gap / 60) + " minutes";
  }
  return f;
}

finding judge_flatline(const alert_rule& rule, const building_data& d) {
  finding f{.what = condition::flatline};
  f.details = {{"min_seconds", *rule.flatline_seconds}, {"sensors", nlohmann::json::array()}};
  for (const auto& s : d.sensors) {
    const auto rows = rows_of(d, s.id);
    if (rows.ts.empty()) continue;  // silence is the data_gap condition's business
    const anomaly::meter_series series{.building_id = s.building_id,
                                       .sensor_id = s.id,
                                       .interval_seconds = s.interval_seconds,
                                       .ts = rows.ts,
                                       .value = rows.value,
                                       .quality = rows.quality};
    anomaly::data_quality_options o;
    o.flatline_min_intervals = static_cast<std::int32_t>(
        (*rule.flatline_seconds + s.interval_seconds - 1) / s.interval_seconds);
    const epoch_seconds last_end = rows.ts.back() + s.interval_seconds;
    for (const auto& a : anomaly::detect_data_quality(series, o)) {
      if (a.kind != anomaly::anomaly_kind::flatline || to_epoch(a.range.end) < last_end) continue;
      f.details["sensors"].push_back({{"sensor_id", s.id.to_string()},
                                      {"location", s.location},
                                      {"flat_since", format_utc(a.range.start)},
                                      {"value", format_milli(rows.value.back())}});
    }
  }
  const auto flat = f.details["sensors"].size();
  f.holds = flat > 0;
  if (f.holds) {
    const auto& first = f.details["sensors"].front();
    f.summary =
        d.b.name + ": " + std::to_string(flat) +
        " sensor(s) repeat the same value (first: " + first["sensor_id"].get<std::string>() +
        ", flat since " + first["flat_since"].get<std::string>() + ")";
  } else {
    f.summary = "no sensor is stuck on one value";
  }
  return f;
}

finding judge_deviation(const alert_rule& rule, const building_data& d, utc_seconds now) {
  finding f{.what = condition::baseline_deviation};
  f.details = {{"min_deviation_percent", *rule.deviation_percent}};
  const epoch_seconds training_end = to_epoch(now) - baseline_recent;
  baseline::load_series load;
  load.interval_seconds = hour;
  std::vector<epoch_seconds> ts;
  std::vector<milli> values;
  std::size_t training_rows = 0;
  for (const auto& s : d.hourly) {
    if (s.res != resolution::hour || to_epoch(s.period.end) > to_epoch(now)) continue;
    ts.push_back(to_epoch(s.period.start));
    values.push_back(s.consumption);
    if (ts.back() < training_end) {
      load.ts.push_back(ts.back());
      load.kwh.push_back(from_milli(s.consumption));
      ++training_rows;
    }
  }
  if (training_rows < static_cast<std::size_t>(baseline_min_training / hour) * 3 / 4) {
    f.error =
        "baseline deviation needs about 14 days of hourly summaries before the last 7 days; "
        "found " +
        std::to_string(training_rows) + " hours";
    return f;
  }
  const auto model = baseline::fit_seasonal(load, {.zone = d.zone});
  const auto expected = baseline::predict(model, ts);
  anomaly::deviation_options o;
  o.min_relative_deviation = static_cast<double>(*rule.deviation_percent) / 100.0;
  // An alert rule judges the latest hours and must fire within hours, not after the day and a
  // half of evidence the library's default (CUSUM) method needs (docs/anomaly.md): it uses the
  // smoothed-z method with a shorter window and duration, and the user's own deviation
  // percentage bounds its noise.
  o.method = anomaly::deviation_method::smoothed_z;
  o.smoothing_seconds = 12 * 3600;
  o.min_duration_seconds = 3 * 3600;
  const anomaly::meter_series series{
      .building_id = d.b.id, .interval_seconds = hour, .ts = ts, .value = values};
  const epoch_seconds last_end = ts.back() + hour;
  for (const auto& a : anomaly::detect_baseline_deviation(series, expected, d.zone, o)) {
    if (to_epoch(a.range.end) + o.merge_gap_seconds < last_end) continue;
    f.holds = true;
    f.severity = a.severity;
    const milli diff = a.actual - a.expected;
    f.summary = d.b.name + ": " + kwh(a.actual) + " since " + format_local(a.range.start, d.zone) +
                " against " + kwh(a.expected) + " expected from its weekly baseline (" +
                (diff >= 0 ? "+" : "") + format_milli(diff) + " kWh)";
    f.details["since"] = format_utc(a.range.start);
    f.details["actual_kwh"] = format_milli(a.actual);
    f.details["expected_kwh"] = format_milli(a.expected);
  }
  if (!f.holds) f.summary = "consumption follows the weekly baseline";
  return f;
}

finding judge(condition c, const alert_rule& rule, const building_data& data, utc_seconds now) {
  switch (c) {
    case condition::threshold:
      return judge_threshold(rule, data, now);
    case condition::peak_demand:
      return judge_peak(rule, data, now);
    case condition::data_gap:
      return judge_gap(rule, data, now);
    case condition::flatline:
      return judge_flatline(rule, data);
    case condition::baseline_deviation:
      return judge_deviation(rule, data, now);
  }
  throw std::invalid_argument("unknown condition");
}

}  // namespace

std::int64_t raw_lookback_seconds(const alert_rule& rule) {
  std::int64_t need = 0;
  if (rule.threshold || rule.peak_demand)
    need = std::max(need, 2 * window_seconds(rule.window) + 2 * hour);
  if (rule.gap_seconds) need = std::max(need, 2 * *rule.gap_seconds + hour);
  if (rule.flatline_seconds)
    need = std::max(need, *rule.flatline_seconds == 0 ? flatline_auto_lookback
                                                      : 2 * *rule.flatline_seconds + day);
  return need;
}

std::int64_t hourly_lookback_seconds(const alert_rule& rule) {
  return rule.deviation_percent ? baseline_history : 0;
}

std::vector<finding> evaluate(const alert_rule& rule, const building_data& data, utc_seconds now) {
  std::vector<finding> out;
  for (const auto c : rule.conditions()) {
    try {
      out.push_back(judge(c, rule, data, now));
    } catch (const std::invalid_argument& e) {
      // The data cannot answer this condition (library precondition): leave the alert as it is.
      out.push_back(finding{.what = c, .error = e.what()});
    }
  }
  return out;
}

}  // namespace energy::server::jobs
