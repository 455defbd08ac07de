// SPDX-License-Identifier: Apache-2.0
// What the report builders read from a store, and the totals, comparisons and bills over it.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "detail.hpp"

namespace energy::report::detail {

building_sensors sensors_of(storage::store& db, const uuid& building_id) {
  building_sensors out;
  for (auto& s : db.list_sensors(building_id)) {
    if (!s.is_active) continue;
    if (s.type == sensor_type::electricity && s.kind != reading_kind::instantaneous_value)
      out.electricity.push_back(std::move(s));
    else if (s.type == sensor_type::temperature && !out.outdoor_temperature)
      out.outdoor_temperature = std::move(s);
  }
  return out;
}

std::int64_t expected_readings(const std::vector<sensor>& sensors, time_range range) {
  std::int64_t n = 0;
  for (const auto& s : sensors) {
    if (s.interval_seconds <= 0) continue;
    const auto from = std::max(to_epoch(range.start), to_epoch(s.created_at));
    const auto to = to_epoch(range.end);
    if (to <= from) continue;
    // Intervals on the sensor's grid (aligned to the epoch) starting in [from, to).
    const auto step = static_cast<std::int64_t>(s.interval_seconds);
    const auto first = (from + step - 1) / step;
    const auto last = (to + step - 1) / step;
    n += last - first;
  }
  return n;
}

std::map<epoch_seconds, summary_row> read_summaries(storage::store& db, const uuid& building_id,
                                                    resolution res, time_range range) {
  storage::summary_query q;
  q.scope = summary_scope::building;
  q.subject_id = building_id;
  q.type = sensor_type::electricity;
  q.res = res;
  q.range = range;
  std::map<epoch_seconds, summary_row> out;
  for (auto& r : db.read_summaries(q))
    out.emplace(to_epoch(r.period.start), std::move(r));
  return out;
}

window_totals totals(const std::map<epoch_seconds, summary_row>& days,
                     const std::vector<sensor>& sensors, time_range range) {
  window_totals t;
  for (auto it = days.lower_bound(to_epoch(range.start));
       it != days.end() && it->first < to_epoch(range.end); ++it) {
    t.consumption += it->second.consumption;
    t.readings += it->second.reading_count;
  }
  t.expected = expected_readings(sensors, range);
  return t;
}

change compare(const window_totals& current, const window_totals& reference,
               const period_window& reference_window) {
  change c;
  c.reference = reference_window;
  c.reference_consumption = reference.consumption;
  c.reference_coverage = reference.coverage();
  if (reference.readings == 0) {
    c.unavailable_reason = fmt::format("no data in {}", reference_window.label);
  } else if (reference.coverage() < min_comparable_coverage) {
    c.unavailable_reason =
        fmt::format("{} has only {:.1f}% of its readings (needs {:.0f}%)", reference_window.label,
                    100.0 * reference.coverage(), 100.0 * min_comparable_coverage);
  } else if (current.coverage() < min_comparable_coverage) {
    c.unavailable_reason =
        fmt::format("the report period has only {:.1f}% of its readings (needs {:.0f}%)",
                    100.0 * current.coverage(), 100.0 * min_comparable_coverage);
  } else if (reference.consumption <= 0) {
    c.unavailable_reason = fmt::format("{} consumed nothing", reference_window.label);
  } else {
    c.percent = 100.0 * static_cast<double>(current.consumption - reference.consumption) /
                static_cast<double>(reference.consumption);
  }
  return c;
}

std::optional<billing::interval_series> building_intervals(const reading_rows& rows,
                                                           const std::vector<sensor>& sensors,
                                                           std::vector<std::string>& notes) {
  if (sensors.empty()) return std::nullopt;
  const auto interval = sensors.front().interval_seconds;
  for (const auto& s : sensors)
    if (s.interval_seconds != interval) {
      notes.push_back(fmt::format(
          "no bill: the electricity meters report at different intervals ({} s and {} s), so "
          "their building demand cannot be added interval by interval",
          interval, s.interval_seconds));
      return std::nullopt;
    }
  std::map<epoch_seconds, milli> sum;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const bool electric = std::any_of(sensors.begin(), sensors.end(),
                                      [&](const sensor& s) { return s.id == rows.sensor_id[i]; });
    if (electric) sum[rows.ts[i]] += rows.value[i];
  }
  billing::interval_series out;
  out.interval_seconds = interval;
  out.start.reserve(sum.size());
  out.energy.reserve(sum.size());
  for (const auto& [t, v] : sum) {
    out.start.push_back(t);
    out.energy.push_back(v);
  }
  return out;
}

std::vector<bill_part> compute_bills(const billing::interval_series& data,
                                     const std::vector<tariff_assignment>& tariffs,
                                     time_range range, const time_zone& zone,
                                     std::vector<std::string>& notes, bool& covered) {
  covered = false;
  std::vector<bill_part> out;
  if (tariffs.empty()) return out;
  auto sorted = tariffs;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.effective_from < b.effective_from; });
  for (const auto& t : sorted)
    t.tariff.validate();
  covered = true;
  // Cut points: local month starts and tariff starts inside the range.
  std::vector<utc_seconds> cuts{range.start, range.end};
  for (auto d = std::chrono::year_month_day{local_day_of(range.start, zone)};;) {
    const auto next = std::chrono::local_days{
        (std::chrono::year_month{d.year(), d.month()} + std::chrono::months{1}) /
        std::chrono::day{1}};
    const auto at = local_midnight(next, zone);
    if (at >= range.end) break;
    cuts.push_back(at);
    d = std::chrono::year_month_day{next};
  }
  for (const auto& t : sorted) {
    const auto at = local_midnight(t.effective_from, zone);
    if (range.start < at && at < range.end) cuts.push_back(at);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const time_range part{cuts[i], cuts[i + 1]};
    const tariff_assignment* in_effect = nullptr;
    for (const auto& t : sorted)
      if (local_midnight(t.effective_from, zone) <= part.start) in_effect = &t;
    if (in_effect == nullptr) {
      covered = false;
      notes.push_back(fmt::format("no tariff in effect from {} to {}: that part is not billed",
                                  format_local(part.start, zone), format_local(part.end, zone)));
      continue;
    }
    // A part shorter than its local month (a tariff change, or a report period that is not a
    // whole month) pays monthly charges pro rata.
    const auto month_start = local_midnight(
        std::chrono::local_days{
            std::chrono::year_month_day{local_day_of(part.start, zone)}.year() /
            std::chrono::year_month_day{local_day_of(part.start, zone)}.month() / 1},
        zone);
    const bool whole_month =
        part.start == month_start &&
        local_day_of(part.end, zone) ==
            std::chrono::local_days{
                (std::chrono::year_month{
                     std::chrono::year_month_day{local_day_of(part.start, zone)}.year(),
                     std::chrono::year_month_day{local_day_of(part.start, zone)}.month()} +
                 std::chrono::months{1}) /
                1};
    billing::bill_options options;
    options.prorate_monthly_charges = !whole_month;
    bill_part p;
    p.tariff_name = in_effect->tariff.name;
    p.currency = in_effect->currency;
    p.bill = billing::compute_bill(data, in_effect->tariff, zone, part, options);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace energy::report::detail
