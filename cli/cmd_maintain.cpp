// SPDX-License-Identifier: Apache-2.0
// settings and rebuild: how a database's summaries are computed, and recomputing them on demand.
#include "commands.hpp"
#include "stored_tariff.hpp"
#include "local_dates.hpp"

#include <energy/aggregate/refresh.hpp>

#include <fmt/format.h>

namespace energy::cli {
namespace {

bool on_off(std::string_view option, const std::string& value) {
  if (value == "on") return true;
  if (value == "off") return false;
  throw usage_error(fmt::format("--{}: '{}' is neither on nor off", option, value));
}

void print_report(const aggregate::refresh_report& r) {
  fmt::print(
      "aggregated {} dirty sensor-hours ({} readings read) into {} hour, {} day, {} month "
      "summaries\n",
      r.marks_claimed, r.readings_read, r.hour_buckets, r.day_buckets, r.month_buckets);
}

}  // namespace

int cmd_settings(const args& a, storage::store& db) {
  storage::summary_settings s = db.get_summary_settings();
  if (auto v = a.get("per-sensor")) {
    const bool wanted = on_off("per-sensor", *v);
    if (wanted != s.sensor_scope) {
      s.sensor_scope = wanted;
      db.set_summary_settings(s);  // re-marks every building: the next aggregate recomputes all
      fmt::print(stderr, "summary settings changed: run `energy aggregate` to recompute\n");
    }
  }
  fmt::print("per-sensor summaries: {}\ncost model: {}\n", s.sensor_scope ? "on" : "off",
             s.cost_model);
  return 0;
}

int cmd_rebuild(const args& a, storage::store& db) {
  const auto text = a.require("building");
  const auto id = uuid::try_parse(text);
  if (!id) throw usage_error("--building: '" + text + "' is not a UUID");
  const auto b = db.get_building(*id);
  if (!b) throw usage_error("--building: no building " + text);
  const auto zone = find_zone(b->time_zone);
  time_range range = storage::all_time();
  if (auto v = a.get("from")) range.start = local_date_start("from", *v, zone);
  if (auto v = a.get("to")) range.end = local_date_start("to", *v, zone);
  if (range.empty()) throw usage_error("--from must be before --to");
  std::optional<billing::dated_tariff_cost> tariffs;
  print_report(aggregate::rebuild_summaries(db, *id, range, summary_refresh_options(db, tariffs)));
  return 0;
}

}  // namespace energy::cli
