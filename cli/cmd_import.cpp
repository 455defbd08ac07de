// SPDX-License-Identifier: Apache-2.0
// import: readings from the seed's JSON batches or CSV into the store; aggregate: refresh
// summaries.
#include "commands.hpp"
#include "output.hpp"

#include <energy/aggregate/refresh.hpp>
#include <energy/ingest/ingest.hpp>
#include <energy/io/csv_readings.hpp>
#include <energy/io/json_batch.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace energy::cli {
namespace {

enum class input_format { json, csv };

input_format detect_format(const args& a, const std::string& path) {
  if (auto f = a.get("format")) {
    if (*f == "json") return input_format::json;
    if (*f == "csv") return input_format::csv;
    throw usage_error("--format: '" + *f + "' (accepted: json, csv)");
  }
  if (path.ends_with(".json")) return input_format::json;
  if (path.ends_with(".csv")) return input_format::csv;
  throw usage_error("cannot tell the format of '" + path + "': pass --format json|csv");
}

/// "file:line: detail" for CSV, "file: readings[i]: detail" for JSON. Parser rejections
/// (batch_index -1) already name their position.
std::string where(const ingest::rejection& r, const std::string& source, input_format f) {
  if (r.batch_index < 0) return r.detail;
  if (f == input_format::csv) return fmt::format("{}:{}: {}", source, r.source_row, r.detail);
  return fmt::format("{}: readings[{}]: {}", source, r.source_row, r.detail);
}

class progress {
 public:
  explicit progress(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO)) {}
  void update(const ingest::ingest_report& r) {
    if (!enabled_) return;
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    fmt::print(stderr, "\r  {} readings read, {} stored, {} rejected  ({:.0f} readings/s)   ",
               r.received, r.inserted + r.replaced + r.unchanged, r.rejected,
               s > 0 ? static_cast<double>(r.received) / s : 0.0);
  }
  void finish() {
    if (enabled_) fmt::print(stderr, "\n");
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

int cmd_import(const args& a, storage::store& db) {
  a.check_known({"db", "format", "sensor", "errors", "quiet"});
  if (a.positionals().size() != 2)
    throw usage_error("usage: energy import FILE|- [--format json|csv] [--sensor ID]");
  const std::string path = a.positionals()[1];
  const auto format = detect_format(a, path);
  const std::string source = path == "-" ? "<stdin>" : path;
  const bool quiet = a.flag("quiet");

  const ingest::sensor_directory directory(db.list_all_sensors());
  ingest::ingest_report total;
  progress bar(!quiet);

  if (format == input_format::csv) {
    io::csv_options options;
    if (auto s = a.get("sensor")) {
      options.sensor_id = uuid::try_parse(*s);
      if (!options.sensor_id) throw usage_error("--sensor: '" + *s + "' is not a UUID");
      if (!directory.find(*options.sensor_id)) throw usage_error("--sensor: no sensor " + *s);
    }
    io::read_csv_readings_file(path, options, [&](io::parsed_readings&& chunk) {
      total.merge(ingest::ingest_batch(db, directory, chunk.batch, {}, chunk.rejections));
      bar.update(total);
    });
  } else {
    if (a.get("sensor")) throw usage_error("--sensor applies to single-meter CSV files only");
    const auto parsed = io::read_json_batch_file(path);
    total = ingest::ingest_batch(db, directory, parsed.batch, {}, parsed.rejections);
    bar.update(total);
  }
  bar.finish();

  if (auto errors_path = a.get("errors")) {
    std::ofstream out(*errors_path);
    if (!out) throw std::runtime_error("cannot write " + *errors_path);
    out << "source_row,reason,detail\n";
    for (const auto& r : total.rejections)
      out << r.source_row << ',' << ingest::to_string(r.why) << ','
          << csv_field(where(r, source, format)) << '\n';
  }
  constexpr std::size_t shown = 20;
  for (std::size_t i = 0; i < total.rejections.size() && i < shown; ++i) {
    const auto& r = total.rejections[i];
    fmt::print(stderr, "{} [{}]\n", where(r, source, format), ingest::to_string(r.why));
  }
  if (total.rejections.size() > shown)
    fmt::print(stderr, "... and {} more (write them all with --errors FILE)\n",
               total.rejections.size() - shown);

  fmt::print(
      "{}: {} readings: {} inserted, {} unchanged, {} replaced (corrections), {} duplicates in "
      "input, "
      "{} rejected\n",
      source, total.received, total.inserted, total.unchanged, total.replaced, total.duplicates,
      total.rejected);
  return total.rejected > 0 ? 3 : 0;
}

int cmd_aggregate(const args& a, storage::store& db) {
  a.check_known({"db", "sensor-summaries"});
  aggregate::refresh_options options;
  // Per-sensor summaries are a setting of the database (`energy settings --per-sensor on`); the
  // flag only checks that the database keeps them.
  if (a.flag("sensor-summaries")) options.sensor_scope = true;
  const auto started = std::chrono::steady_clock::now();
  if (options.sensor_scope && !db.get_summary_settings().sensor_scope)
    throw usage_error(
        "--sensor-summaries: this database keeps no per-sensor summaries; turn them on once with "
        "`energy settings --per-sensor on`");
  const auto r = aggregate::refresh_summaries(db, options);
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print(
      "aggregated {} dirty sensor-hours ({} readings read) into {} hour, {} day, {} month "
      "summaries in "
      "{:.2f} s\n",
      r.marks_claimed, r.readings_read, r.hour_buckets, r.day_buckets, r.month_buckets, s);
  return 0;
}

}  // namespace energy::cli
