// SPDX-License-Identifier: Apache-2.0
// summaries: print or export stored hourly/daily/monthly summaries of a building or sensor.
#include "commands.hpp"
#include "local_dates.hpp"
#include "output.hpp"
#include "summary_label.hpp"

#include <energy/billing/dated_tariff_cost.hpp>
#include <energy/storage/tariffs.hpp>
#include <energy/summary.hpp>

#include <fmt/format.h>

namespace energy::cli {

int cmd_summaries(const args& a, storage::store& db) {
  storage::summary_query q;
  const auto building_text = a.require("building");
  const auto building_id = uuid::try_parse(building_text);
  if (!building_id) throw usage_error("--building: '" + building_text + "' is not a UUID");
  const auto b = db.get_building(*building_id);
  if (!b) throw usage_error("--building: no building " + building_text);
  if (auto s = a.get("sensor")) {
    const auto sid = uuid::try_parse(*s);
    if (!sid) throw usage_error("--sensor: '" + *s + "' is not a UUID");
    const auto sen = db.get_sensor(*sid);
    if (!sen || sen->building_id != b->id)
      throw usage_error("--sensor: no sensor " + *s + " in that building");
    q.scope = summary_scope::sensor;
    q.subject_id = *sid;
    q.type = sen->type;
  } else {
    q.scope = summary_scope::building;
    q.subject_id = b->id;
    q.type = enum_option<sensor_type>(a, "type", "electricity");
  }
  q.res = enum_option<resolution>(a, "resolution", "day");
  const auto zone = find_zone(b->time_zone);
  // Without --from the summaries start with the store's first instant (year 0000), not 1970.
  q.range.start =
      a.get("from") ? local_date_start("from", *a.get("from"), zone) : storage::all_time().start;
  q.range.end = a.get("to") ? local_date_start("to", *a.get("to"), zone) : storage::all_time().end;

  const auto unit = canonical_unit(q.type);
  // The default flat-rate model prices only electricity of a building with a flat rate; anything
  // else is stored as 0, which printed as "0.00" would read as free energy. Print it as unknown.
  const auto cost_model = db.get_summary_settings().cost_model;
  const bool flat_priced = q.type == sensor_type::electricity && b->flat_rate_per_kwh.has_value();
  // Stored tariff versions price electricity from their effective date on; a bucket that starts
  // before the first one (and has no flat rate to fall back to) has no price.
  std::vector<storage::tariff_version> versions;
  const bool by_versions = cost_model == billing::dated_tariff_cost::identity_text;
  if (by_versions && q.type == sensor_type::electricity)
    if (auto* port = storage::tariffs_of(db)) versions = port->list_tariff_versions(b->id);
  auto cost_known = [&](const summary_row& r) {
    if (flat_priced) return true;
    if (!by_versions) return cost_model != "flat_rate";
    const std::chrono::year_month_day day{
        std::chrono::floor<std::chrono::days>(zone.to_local(r.period.start))};
    return storage::version_in_effect(versions, day) != nullptr;
  };
  std::vector<std::vector<std::string>> rows;
  bool any_unknown = false;
  for (const auto& r : db.read_summaries(q)) {
    const bool known = cost_known(r);
    any_unknown |= !known;
    rows.push_back({local_label(r), format_utc(r.period.start), format_utc(r.period.end),
                    std::to_string((r.period.end - r.period.start).count() / 3600),
                    format_milli(r.consumption), format_milli(r.peak_demand),
                    known ? r.cost.to_string() : std::string(), std::to_string(r.reading_count)});
  }
  if (any_unknown)
    fmt::print(
        stderr,
        "cost left empty: the building has no flat rate (`energy building add --id "
        "<building> --flat-rate PRICE` sets one) and no tariff prices these summaries (`energy "
        "tariff set` stores one, effective from a date)\n");
  if (rows.empty() && q.scope == summary_scope::sensor)
    fmt::print(stderr,
               "no summaries for this sensor: per-sensor summaries are kept only by "
               "`energy settings --per-sensor on` and the next `energy aggregate`\n");
  const std::string consumption_col = fmt::format("consumption_{}", unit);
  write_rows(stdout, parse_output_format(a.get_or("format", "table")),
             {"local", "start_utc", "end_utc", "hours", consumption_col, "peak_demand_kw", "cost",
              "readings"},
             {false, false, false, true, true, true, true, true}, rows);
  return 0;
}

}  // namespace energy::cli
