// SPDX-License-Identifier: Apache-2.0
// greenbutton import: a utility's Green Button (ESPI XML) download stored as readings of the
// building's utility-meter sensors, so every analysis applies to utility data too.
#include "commands.hpp"
#include "output.hpp"

#include <energy/greenbutton/espi.hpp>
#include <energy/greenbutton/store_import.hpp>

#include <fmt/format.h>

namespace energy::cli {
namespace {

int greenbutton_import(const args& a, storage::store& db) {
  a.check_known({"db", "building", "sensor", "location", "format"});
  const auto format = parse_output_format(a.get_or("format", "table"));
  const auto& p = a.positionals();
  if (p.size() != 3) throw usage_error("greenbutton import needs exactly one FILE.xml");
  const auto text = a.require("building");
  const auto building_id = uuid::try_parse(text);
  if (!building_id) throw usage_error("--building: '" + text + "' is not a UUID");
  const auto b = db.get_building(*building_id);
  if (!b) throw std::runtime_error("building " + text + " not found");
  const auto* zone = find_zone(b->time_zone);
  greenbutton::store_import_options options;
  if (auto s = a.get("sensor")) {
    const auto id = uuid::try_parse(*s);
    if (!id) throw usage_error("--sensor: '" + *s + "' is not a UUID");
    options.sensor_id = *id;
  }
  options.location_key = a.get_or("location", "");

  const auto doc = greenbutton::parse_file(p[2]);
  if (doc.meter_readings.empty())
    throw std::runtime_error(p[2] + ": no MeterReading with interval data in the file");
  if (options.sensor_id && doc.meter_readings.size() > 1)
    throw usage_error(
        fmt::format("--sensor: the file has {} meter readings; one sensor cannot "
                    "take them all (leave --sensor out)",
                    doc.meter_readings.size()));
  // A file for a building in another zone is a file for another building: refuse it whole.
  for (const auto& up : doc.usage_points)
    if (up.local_time && !doc.meter_readings.empty() &&
        !doc.meter_readings.front().readings.empty() &&
        !greenbutton::zone_matches(*up.local_time, zone,
                                   from_epoch(doc.meter_readings.front().readings.start.front())))
      throw std::runtime_error(fmt::format(
          "{}: the file's LocalTimeParameters do not match the building's zone {}: is it this "
          "building's download?",
          p[2], b->time_zone));

  std::vector<std::vector<std::string>> rows;
  std::size_t rejected = 0;
  for (const auto& mr : doc.meter_readings) {
    const auto service = mr.usage_point ? doc.usage_points[*mr.usage_point].service_kind
                                        : greenbutton::service::electricity;
    const auto r = greenbutton::store_meter_reading(db, b->id, mr, service, options);
    rejected += r.rejected.size();
    for (std::size_t i = 0; i < r.rejected.size() && i < 20; ++i)
      fmt::print(stderr, "{}: {}\n", r.rejected[i].where, r.rejected[i].what);
    rows.push_back({mr.href, r.meter.id.to_string(), std::string(to_string(r.meter.type)),
                    std::to_string(r.meter.interval_seconds), r.created ? "yes" : "no",
                    std::to_string(r.written.inserted), std::to_string(r.written.unchanged),
                    std::to_string(r.written.replaced), std::to_string(r.rejected.size())});
  }
  write_rows(stdout, format,
             {"meter_reading", "sensor", "type", "interval_s", "created", "inserted", "unchanged",
              "replaced", "rejected"},
             {false, false, false, true, false, true, true, true, true}, rows);
  for (const auto& i : doc.issues)
    fmt::print(stderr, "{}: {}\n", i.where, i.what);
  if (!doc.ignored_resources.empty())
    fmt::print(stderr, "not imported: {} ESPI resource(s) this import does not use\n",
               doc.ignored_resources.size());
  fmt::print(stderr, "run 'energy aggregate' to summarise the new readings\n");
  return rejected > 0 ? 3 : 0;
}

}  // namespace

int cmd_greenbutton(const args& a, storage::store& db) {
  const auto& p = a.positionals();
  if (p.size() < 2) throw usage_error("greenbutton needs a subcommand: import");
  if (p[1] == "import") return greenbutton_import(a, db);
  throw usage_error("unknown greenbutton subcommand '" + p[1] + "' (import)");
}

}  // namespace energy::cli
