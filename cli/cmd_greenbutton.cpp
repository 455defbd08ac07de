// SPDX-License-Identifier: Apache-2.0
// greenbutton import|fetch: a utility's Green Button (ESPI XML) data — a downloaded file, or
// fetched from Green Button Connect My Data — stored as readings of the building's utility-meter
// sensors, so every analysis applies to utility data too.
#include "building_data.hpp"
#include "commands.hpp"
#include "connect_url.hpp"
#include "output.hpp"

#include <energy/greenbutton/espi.hpp>
#include <energy/greenbutton/store_import.hpp>
#include <energy/greenbutton/utility_client.hpp>

#include <fstream>

#include <fmt/format.h>

namespace energy::cli {
namespace {

/// The building of --building with its zone, and the import options of --sensor / --location.
struct import_target {
  building b;
  time_zone zone;
  greenbutton::store_import_options options;
};

import_target target_of(const args& a, storage::store& db) {
  const auto text = a.require("building");
  const auto building_id = uuid::try_parse(text);
  if (!building_id) throw usage_error("--building: '" + text + "' is not a UUID");
  auto b = db.get_building(*building_id);
  if (!b) throw std::runtime_error("building " + text + " not found");
  const auto zone = find_zone(b->time_zone);
  import_target t{std::move(*b), zone, {}};
  if (auto s = a.get("sensor")) {
    const auto id = uuid::try_parse(*s);
    if (!id) throw usage_error("--sensor: '" + *s + "' is not a UUID");
    t.options.sensor_id = *id;
  }
  t.options.location_key = a.get_or("location", "");
  return t;
}

/// Stores every meter reading of `doc` (from a file or a utility) into the building; prints one
/// row per meter reading. Exit 3 when readings were rejected.
int store_document(const args& a, storage::store& db, const import_target& t,
                   const greenbutton::document& doc, const std::string& source) {
  const auto format = parse_output_format(a.get_or("format", "table"));
  if (doc.meter_readings.empty())
    throw std::runtime_error(source + ": no MeterReading with interval data");
  if (t.options.sensor_id && doc.meter_readings.size() > 1)
    throw usage_error(
        fmt::format("--sensor: the data has {} meter readings; one sensor cannot "
                    "take them all (leave --sensor out)",
                    doc.meter_readings.size()));
  // Data for a building in another zone is data of another building: refuse it whole.
  for (const auto& up : doc.usage_points)
    if (up.local_time && !doc.meter_readings.front().readings.empty() &&
        !greenbutton::zone_matches(*up.local_time, t.zone,
                                   from_epoch(doc.meter_readings.front().readings.start.front())))
      throw std::runtime_error(
          fmt::format("{}: the LocalTimeParameters do not match the building's zone {}: is it this "
                      "building's data?",
                      source, t.b.time_zone));

  std::vector<std::vector<std::string>> rows;
  std::size_t rejected = 0;
  for (const auto& mr : doc.meter_readings) {
    const auto service = mr.usage_point ? doc.usage_points[*mr.usage_point].service_kind
                                        : greenbutton::service::electricity;
    const auto r = greenbutton::store_meter_reading(db, t.b.id, mr, service, t.options);
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

int greenbutton_import(const args& a, storage::store& db) {
  (void)parse_output_format(a.get_or("format", "table"));
  const auto& p = a.positionals();
  if (p.size() != 3) throw usage_error("greenbutton import needs exactly one FILE.xml");
  const auto t = target_of(a, db);
  return store_document(a, db, t, greenbutton::parse_file(p[2]), p[2]);
}

/// The access token: the first line of --token-file, surrounding blanks removed. A token is a
/// credential: never an option value (it would show in `ps` and shell history).
std::string read_token(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("--token-file " + path + ": cannot open");
  std::string token;
  std::getline(in, token);
  const auto first = token.find_first_not_of(" \t\r");
  const auto last = token.find_last_not_of(" \t\r");
  if (first == std::string::npos)
    throw std::runtime_error("--token-file " + path + ": no token on its first line");
  return token.substr(first, last - first + 1);
}

int greenbutton_fetch(const args& a, storage::store& db) {
  (void)parse_output_format(a.get_or("format", "table"));
  const auto url = parse_connect_url(a.require("url"));
  const auto token_path = a.require("token-file");
  const auto t = target_of(a, db);
  const auto range = require_local_range(a, t.zone);
  greenbutton::connect_options options;
  options.base_url = url.base;
  options.access_token = read_token(token_path);
  options.ca_file = a.get_or("ca-file", "");
  auto client = greenbutton::open_connect_client(options);
  greenbutton::usage_query q;
  q.subscription_id = url.subscription;
  q.usage_point_id = url.usage_point;
  q.range = range;
  greenbutton::document doc;
  try {
    doc = client->fetch_usage(q);
  } catch (const greenbutton::utility_error& e) {
    throw std::runtime_error(
        fmt::format("{}{}", e.what(), e.retryable() ? " (temporary: try again later)" : ""));
  }
  return store_document(a, db, t, doc, a.require("url"));
}

}  // namespace

int cmd_greenbutton(const args& a, storage::store& db) {
  const auto& p = a.positionals();
  if (p.size() < 2) throw usage_error("greenbutton needs a subcommand: import or fetch");
  if (p[1] == "import") return greenbutton_import(a, db);
  if (p[1] == "fetch") return greenbutton_fetch(a, db);
  throw usage_error("unknown greenbutton subcommand '" + p[1] + "' (import, fetch)");
}

}  // namespace energy::cli
