// SPDX-License-Identifier: Apache-2.0
// anomalies: data-quality problems of each meter and after-hours waste of the building's load in
// a local date range, from the stored interval readings.
#include "building_data.hpp"
#include "commands.hpp"
#include "output.hpp"

#include <energy/anomaly/detectors.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace energy::cli {

int cmd_anomalies(const args& a, storage::store& db) {
  const auto format = parse_output_format(a.get_or("format", "table"));
  const auto bc = require_building(a, db);
  const auto range = require_local_range(a, bc.zone);
  const auto meters = electricity_meters(a, db, bc);

  std::vector<anomaly::anomaly> found;
  // Data quality per meter: a gap or a spike belongs to one meter, not to the building's sum.
  for (const auto& s : meters) {
    const auto one = read_intervals(db, bc, {s}, range);
    anomaly::meter_series m;
    m.building_id = bc.b.id;
    m.sensor_id = s.id;
    m.interval_seconds = s.interval_seconds;
    m.ts = one.start;
    m.value = one.energy;
    m.quality = one.quality;
    anomaly::data_quality_options o;
    o.zone = bc.zone;
    // Before its installation a meter is not missing data.
    o.expected_range = time_range{std::max(range.start, s.created_at), range.end};
    if (s.max_value) o.max_value = to_milli(*s.max_value);
    if (o.expected_range->empty()) continue;
    for (auto& x : anomaly::detect_data_quality(m, o))
      found.push_back(std::move(x));
  }
  // After-hours waste on the building's load (the schedule is detected from the same data).
  const auto load = read_intervals(db, bc, meters, range);
  if (load.size() > 0) {
    anomaly::meter_series m;
    m.building_id = bc.b.id;
    if (meters.size() == 1) m.sensor_id = meters.front().id;
    m.interval_seconds = load.interval_seconds;
    m.ts = load.start;
    m.value = load.energy;
    const auto schedule = anomaly::detect_schedule(m, bc.zone);
    if (!schedule.detected) fmt::print(stderr, "note: {}\n", schedule.reason);
    for (auto& x : anomaly::detect_after_hours(m, bc.zone, schedule))
      found.push_back(std::move(x));
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& x, const auto& y) { return x.range.start < y.range.start; });

  std::vector<std::vector<std::string>> rows;
  for (const auto& x : found)
    rows.push_back({std::string(anomaly::to_string(x.kind)),
                    std::string(anomaly::to_string(x.severity)),
                    x.sensor_id ? x.sensor_id->to_string() : std::string(),
                    format_local(x.range.start, bc.zone), format_local(x.range.end, bc.zone),
                    format_milli(x.expected), format_milli(x.actual),
                    fmt::format("{:.2f}", x.score), x.explanation});
  write_rows(
      stdout, format,
      {"kind", "severity", "sensor", "start", "end", "expected", "actual", "score", "explanation"},
      {false, false, false, false, false, true, true, true, false}, rows);
  fmt::print(stderr, "{} anomal{} ({} meter{}, values in the meters' unit: kWh)\n", found.size(),
             found.size() == 1 ? "y" : "ies", meters.size(), meters.size() == 1 ? "" : "s");
  return 0;
}

}  // namespace energy::cli
