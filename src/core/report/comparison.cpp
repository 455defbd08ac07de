// SPDX-License-Identifier: Apache-2.0
// Comparison report: a tenant's buildings ranked by electricity use intensity over one period.
#include <fmt/format.h>

#include <algorithm>

#include "detail.hpp"
#include "insights.hpp"

namespace energy::report::detail {

report build_comparison(storage::store& db, const report_request& req) {
  uuid tenant_id;
  if (req.tenant_id) {
    tenant_id = *req.tenant_id;
  } else {
    const auto b = db.get_building(req.building_id);
    if (!b) throw subject_not_found("no building " + req.building_id.to_string());
    tenant_id = b->tenant_id;
  }
  const auto t = db.get_tenant(tenant_id);
  if (!t) throw subject_not_found("no tenant " + tenant_id.to_string());
  auto buildings = db.list_buildings(tenant_id);
  if (buildings.empty()) throw subject_not_found("tenant " + t->name + " has no buildings");

  report r;
  r.report_id = uuid::v7().to_string();
  r.generated_at = req.now;
  r.type = report_type::comparison;
  r.length = req.period;
  r.owner = *t;
  r.currency = req.currency;
  // The portfolio's calendar: each building's period is cut in its own zone; the report's window
  // is labelled in the zone of the first building (the label is the same local dates for all).
  r.time_zone = buildings.front().time_zone;
  const auto first_zone = find_zone(r.time_zone);
  const auto end = req.end.value_or(default_end(req.period, req.now, first_zone));
  r.window = make_window(req.period, end, first_zone);

  for (const auto& b : buildings) {
    const auto zone = find_zone(b.time_zone);
    const auto w = make_window(req.period, end, zone);
    const auto prev = make_window(req.period, w.first_day, zone);
    const auto sensors = sensors_of(db, b.id);
    const auto days = read_summaries(db, b.id, resolution::day, {prev.range.start, w.range.end});
    const auto cur = totals(days, sensors.electricity, w.range);
    comparison_row row;
    row.building_id = b.id;
    row.name = b.name;
    row.square_footage = b.square_footage;
    row.consumption = cur.consumption;
    row.coverage = cur.coverage();
    if (cur.readings == 0) {
      row.note = sensors.electricity.empty() ? "no electricity sensor" : "no data in the period";
    } else {
      r.has_data = true;
      const auto c = compare(cur, totals(days, sensors.electricity, prev.range), prev);
      row.change_percent = c.percent;
      if (!c.percent) row.note = c.unavailable_reason;
      if (b.square_footage && *b.square_footage > 0) {
        const auto area = static_cast<double>(*b.square_footage);
        row.kwh_per_ft2 = from_milli(cur.consumption) / area;
        row.eui_kwh_per_ft2_year = *row.kwh_per_ft2 * 365.25 / static_cast<double>(w.days());
        if (cur.coverage() < min_comparable_coverage)
          row.note =
              fmt::format("only {:.1f}% of readings: EUI under-counts", 100.0 * row.coverage);
      } else {
        row.note = "no floor area: not ranked";
      }
    }
    r.comparison.push_back(std::move(row));
  }
  // Highest EUI first; unranked (no EUI) after, by consumption.
  std::stable_sort(r.comparison.begin(), r.comparison.end(), [](const auto& a, const auto& b) {
    if (a.eui_kwh_per_ft2_year.has_value() != b.eui_kwh_per_ft2_year.has_value())
      return a.eui_kwh_per_ft2_year.has_value();
    if (a.eui_kwh_per_ft2_year) return *a.eui_kwh_per_ft2_year > *b.eui_kwh_per_ft2_year;
    return a.consumption > b.consumption;
  });
  int rank = 0;
  for (auto& row : r.comparison)
    if (row.eui_kwh_per_ft2_year) row.rank = ++rank;
  for (const auto& row : r.comparison)
    r.headline.consumption += row.consumption;
  if (!r.has_data)
    r.notes.push_back(fmt::format("no electricity readings in {} for any building of {}",
                                  r.window.label, t->name));
  add_comparison_insights(r);
  return r;
}

}  // namespace energy::report::detail
