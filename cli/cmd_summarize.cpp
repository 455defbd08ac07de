// SPDX-License-Identifier: Apache-2.0
// summarize: local-time summaries of reading files (CSV, JSON batches) without importing them.
#include "commands.hpp"
#include "stored_tariff.hpp"
#include "import_clock.hpp"
#include "output.hpp"
#include "sensors_file.hpp"
#include "summary_label.hpp"

#include <energy/billing/tariff_cost.hpp>
#include <energy/io/summarize_files.hpp>
#include <energy/io/urdb.hpp>
#include <energy/storage/open.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <memory>

namespace energy::cli {
namespace {

/// --tariff FILE (every building) or --tariff BUILDING_ID=FILE[,BUILDING_ID=FILE...], each with
/// the --holidays given (URDB records do not carry them).
void load_tariffs(const std::string& spec, const std::vector<building>& buildings,
                  const std::optional<std::vector<std::chrono::year_month_day>>& holidays,
                  billing::tariff_cost& costs) {
  std::size_t from = 0;
  while (from <= spec.size()) {
    const std::size_t comma = spec.find(',', from);
    const std::string item =
        spec.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    from = comma == std::string::npos ? spec.size() + 1 : comma + 1;
    const std::size_t eq = item.find('=');
    const std::string file = eq == std::string::npos ? item : item.substr(eq + 1);
    auto t = io::read_urdb_file(file);
    if (holidays) t.tariff.holidays = holidays;
    for (const auto& field : t.unsupported)
      fmt::print(stderr, "{}: not priced: {}\n", file, field);
    if (eq == std::string::npos) {
      for (const building& b : buildings)
        costs.set_tariff(b.id, t.tariff);
      continue;
    }
    const auto id = uuid::try_parse(item.substr(0, eq));
    if (!id) throw usage_error("--tariff: '" + item.substr(0, eq) + "' is not a building UUID");
    if (std::none_of(buildings.begin(), buildings.end(),
                     [&](const building& b) { return b.id == *id; }))
      throw usage_error("--tariff: no building " + id->to_string() + " in the metadata");
    costs.set_tariff(*id, t.tariff);
  }
}

/// Every building of every tenant, and every sensor, of the store.
sensors_file metadata_of(storage::store& db) {
  sensors_file m;
  for (const tenant& t : db.list_tenants())
    for (building& b : db.list_buildings(t.id))
      m.buildings.push_back(std::move(b));
  m.sensors = db.list_all_sensors();
  return m;
}

std::string where(const io::file_rejection& r) {
  if (r.what.batch_index < 0) return r.what.detail;
  if (r.file.ends_with(".json"))
    return fmt::format("{}: readings[{}]: {}", r.file, r.what.source_row, r.what.detail);
  return fmt::format("{}:{}: {}", r.file, r.what.source_row, r.what.detail);
}

}  // namespace

int cmd_summarize(const args& a, const std::string& uri) {
  if (a.positionals().size() < 2)
    throw usage_error("usage: energy summarize FILE... [--sensors FILE.csv | --db URI]");
  std::vector<std::filesystem::path> files(a.positionals().begin() + 1, a.positionals().end());
  const auto res = enum_option<resolution>(a, "resolution", "day");
  const output_format format = parse_output_format(a.get_or("format", "table"));

  const sensors_file meta = [&] {
    if (auto path = a.get("sensors")) return read_sensors_file(*path);
    auto db = storage::open_store_uri(uri);
    return metadata_of(*db);
  }();
  if (meta.sensors.empty())
    throw usage_error("no sensors: give them with --sensors FILE.csv or a --db that has them");

  io::summarize_options options;
  options.sensor_scope = a.flag("sensor-summaries");
  const ingest::ingest_options clock = import_options(a);
  options.validation = clock.validation;
  if (auto s = a.get("sensor")) {
    options.csv.sensor_id = uuid::try_parse(*s);
    if (!options.csv.sensor_id) throw usage_error("--sensor: '" + *s + "' is not a UUID");
  }
  billing::tariff_cost tariffs;
  const auto holidays = holidays_option(a);
  if (holidays && !a.get("tariff")) throw usage_error("--holidays needs --tariff");
  if (auto spec = a.get("tariff")) {
    load_tariffs(*spec, meta.buildings, holidays, tariffs);
    options.costs = &tariffs;
  }

  const io::summarize_result r = io::summarize_files(files, meta.buildings, meta.sensors, options);

  if (auto errors_path = a.get("errors")) {
    std::ofstream out(*errors_path);
    if (!out) throw std::runtime_error("cannot write " + *errors_path);
    out << "file,source_row,reason,detail\n";
    for (const auto& e : r.rejections)
      out << csv_field(e.file) << ',' << e.what.source_row << ',' << ingest::to_string(e.what.why)
          << ',' << csv_field(where(e)) << '\n';
  }
  constexpr std::size_t shown = 20;
  std::size_t listed = 0;
  for (const auto& e : r.rejections) {
    if (e.what.why == ingest::reason::duplicate_in_batch || !ingest::drops_reading(e.what.why))
      continue;
    if (++listed > shown) break;
    fmt::print(stderr, "{} [{}]\n", where(e), ingest::to_string(e.what.why));
  }
  if (r.rejected > shown)
    fmt::print(stderr, "... and {} more rejected (list them with --errors FILE)\n",
               r.rejected - shown);

  const auto name_of = [&](const summary_row& row) -> std::string {
    for (const building& b : meta.buildings)
      if (b.id == row.subject_id) return b.name;
    return {};
  };
  const std::vector<summary_row>& rows = res == resolution::hour  ? r.summaries.hourly
                                         : res == resolution::day ? r.summaries.daily
                                                                  : r.summaries.monthly;
  std::vector<std::vector<std::string>> table;
  table.reserve(rows.size());
  for (const summary_row& row : rows)
    table.push_back({std::string(to_string(row.scope)), row.subject_id.to_string(), name_of(row),
                     std::string(to_string(row.type)), local_label(row),
                     format_utc(row.period.start), format_utc(row.period.end),
                     format_milli(row.consumption), std::string(canonical_unit(row.type)),
                     format_milli(row.peak_demand), row.cost.to_string(),
                     std::to_string(row.reading_count)});
  write_rows(stdout, format,
             {"scope", "subject_id", "building", "type", "local", "start_utc", "end_utc",
              "consumption", "unit", "peak_demand", "cost", "readings"},
             {false, false, false, false, false, false, false, true, false, true, true, true},
             table);
  fmt::print(stderr,
             "{} file(s), {} rows: {} readings summarized, {} superseded (corrected by a later "
             "row), {} duplicates, {} rejected\n",
             r.files, r.received, r.aggregated, r.superseded, r.duplicates, r.rejected);
  return r.rejected > 0 ? 3 : 0;
}

}  // namespace energy::cli
