// SPDX-License-Identifier: Apache-2.0
// import: readings from the seed's JSON batches or CSV into the store; aggregate: refresh
// summaries.
#include "commands.hpp"
#include "stored_tariff.hpp"
#include "import_clock.hpp"
#include "import_group.hpp"
#include "output.hpp"

#include <energy/aggregate/refresh.hpp>
#include <energy/ingest/ingest.hpp>
#include <energy/io/csv_readings.hpp>
#include <energy/io/json_batch.hpp>
#include <energy/io/read_ahead.hpp>
#include <energy/storage/open.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>
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

/// Where rejections go: every one to the --errors file as it is found (checked write by write),
/// the first few kept for the screen, the rest only counted, so memory stays bounded however many
/// rows are rejected.
class rejection_sink {
 public:
  rejection_sink(const std::optional<std::string>& path, std::string source, input_format f)
      : source_(std::move(source)), format_(f) {
    if (!path) return;
    path_ = *path;
    // Opened before anything is imported: an unwritable path fails with nothing done.
    file_.reset(std::fopen(path_.c_str(), "w"));
    if (!file_)
      throw std::runtime_error(fmt::format("cannot write --errors file {}: {}; nothing imported",
                                           path_, std::strerror(errno)));
    write("source_row,reason,detail\n");
  }

  void add(std::vector<ingest::rejection>& rejections) {
    for (auto& r : rejections) {
      if (file_)
        write(fmt::format("{},{},{}\n", r.source_row, ingest::to_string(r.why),
                          csv_field(where(r, source_, format_))));
      // Superseded rows (corrections inside the input) and notices are written to the file but
      // are not errors: the screen shows only readings that were dropped.
      if (r.why == ingest::reason::duplicate_in_batch || !ingest::drops_reading(r.why)) continue;
      if (shown_.size() < shown_limit) shown_.push_back(std::move(r));
      ++count_;
    }
    rejections.clear();
  }

  /// Flushes and closes the file; throws when any write failed.
  void close() {
    if (!file_) return;
    const bool ok = std::fflush(file_.get()) == 0 && std::ferror(file_.get()) == 0;
    const int err = errno;
    if (std::fclose(file_.release()) != 0 || !ok) fail(ok ? errno : err);
  }

  void print_sample() const {
    for (const auto& r : shown_)
      fmt::print(stderr, "{} [{}]\n", ingest::escape_controls(where(r, source_, format_)),
                 ingest::to_string(r.why));
    if (count_ > shown_.size())
      fmt::print(stderr, "... and {} more ({})\n", count_ - shown_.size(), file_path_note());
  }

 private:
  static constexpr std::size_t shown_limit = 20;

  void write(const std::string& text) {
    if (std::fwrite(text.data(), 1, text.size(), file_.get()) != text.size()) fail(errno);
  }
  [[noreturn]] void fail(int err) {
    throw std::runtime_error(
        fmt::format("writing --errors file {} failed: {} (after {} of the "
                    "rejections)",
                    path_, std::strerror(err), count_));
  }
  [[nodiscard]] std::string file_path_note() const {
    return path_.empty() ? "write them all with --errors FILE" : "all of them are in " + path_;
  }

  std::string source_;
  input_format format_;
  std::string path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_{nullptr, &std::fclose};
  std::vector<ingest::rejection> shown_;
  std::size_t count_ = 0;
};

/// What was committed so far, for a message about a failure part-way: the batches that
/// completed, plus the chunks of the failing batch that committed before it failed.
std::string committed(const ingest::ingest_report& done, const std::exception* failure = nullptr) {
  std::size_t inserted = done.inserted, unchanged = done.unchanged, replaced = done.replaced;
  if (const auto* part = dynamic_cast<const ingest::ingest_interrupted*>(failure)) {
    inserted += part->inserted();
    unchanged += part->unchanged();
    replaced += part->replaced();
  }
  if (inserted + unchanged + replaced == 0)
    return "0 readings were committed; nothing of the input was imported, and importing it again "
           "is safe";
  return fmt::format(
      "{} readings were committed ({} inserted, {} unchanged, {} replaced); the rest of the "
      "input was not imported, and importing the whole input again is safe (stored readings "
      "come back unchanged)",
      inserted + unchanged + replaced, inserted, unchanged, replaced);
}

/// --commit-every ROWS: input rows per store transaction (import_group).
std::size_t commit_every(const args& a) {
  const auto v = a.get("commit-every");
  if (!v) return import_group::default_rows_per_commit;
  std::size_t rows = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), rows);
  if (ec != std::errc{} || end != v->data() + v->size() || rows == 0)
    throw usage_error("--commit-every: '" + *v + "' is not a positive number of rows");
  return rows;
}

}  // namespace

int cmd_import(const args& a, std::string_view uri) {
  const ingest::ingest_options options_for_batches = import_options(a);
  if (a.positionals().size() != 2)
    throw usage_error("usage: energy import FILE|- [--format json|csv] [--sensor ID]");
  const std::string path = a.positionals()[1];
  const auto format = detect_format(a, path);
  const std::string source = path == "-" ? "<stdin>" : path;
  const bool quiet = a.flag("quiet");

  // A database that fails while it opens (a server restarting, say) fails the import before any
  // reading: the message says so, as it says what committed for a failure later on.
  std::unique_ptr<storage::store> opened;
  std::optional<ingest::sensor_directory> sensors;
  try {
    opened = storage::open_store_uri(uri);
    sensors.emplace(opened->list_all_sensors());
  } catch (const storage_error& e) {
    throw storage_error(fmt::format("{}; {}", e.what(), committed({})), e.retryable());
  }
  storage::store& db = *opened;
  const ingest::sensor_directory& directory = *sensors;
  rejection_sink sink(a.get("errors"), source, format);
  ingest::ingest_report total;
  progress bar(!quiet);
  import_group group(db, commit_every(a));
  const auto ingest = [&](const reading_batch& batch, std::span<const ingest::rejection> upstream) {
    group.before_chunk();
    auto report = ingest::ingest_batch(db, directory, batch, options_for_batches, upstream);
    std::vector<ingest::rejection> rejections = std::move(report.rejections);
    report.rejections.clear();
    total.merge(report);
    group.after_chunk(batch.size(), total);
    try {
      sink.add(rejections);
    } catch (const std::exception& e) {
      group.abandon();
      throw std::runtime_error(fmt::format("{}; {}", e.what(), committed(group.committed())));
    }
    bar.update(total);
  };
  // The input is parsed on a second thread while this one validates and writes the chunk before
  // (io::read_ahead): failures and what they committed are as on one thread.
  const auto ingest_chunk = [&](io::parsed_readings&& chunk) {
    ingest(chunk.batch, chunk.rejections);
  };
  // A store failure loses the open group (rolled back): only what committed before is stored,
  // plus, without a group, the chunks of the failing batch that committed on their own.
  const auto stored_after = [&](const storage_error& e) {
    const bool grouped = group.open();
    group.abandon();
    return committed(group.committed(), grouped ? nullptr : &e);
  };
  // Bad input part-way: what was read before it is valid and lands (the open group commits).
  const auto landed_before = [&]() {
    group.finish(total);
    return committed(total);
  };
  const auto read_all = [&](const auto& read) {
    try {
      read();
    } catch (const storage_error& e) {
      throw storage_error(fmt::format("{}; {}", e.what(), stored_after(e)), e.retryable());
    } catch (const parse_error& e) {
      if (total.received == 0) throw;
      throw parse_error(fmt::format("{}; {}", e.what(), landed_before()));
    }
    group.finish(total);
  };

  if (format == input_format::csv) {
    io::csv_options options;
    if (auto s = a.get("sensor")) {
      options.sensor_id = uuid::try_parse(*s);
      if (!options.sensor_id) throw usage_error("--sensor: '" + *s + "' is not a UUID");
      if (!directory.find(*options.sensor_id)) throw usage_error("--sensor: no sensor " + *s);
    }
    read_all([&] {
      io::read_ahead(
          [&](const io::chunk_handler& hand_over) {
            io::read_csv_readings_file(path, options, hand_over);
          },
          ingest_chunk);
    });
  } else {
    if (a.get("sensor")) throw usage_error("--sensor applies to single-meter CSV files only");
    read_all([&] {
      io::read_ahead(
          [&](const io::chunk_handler& hand_over) {
            io::read_json_batch_file(path, io::json_stream_options{}, hand_over);
          },
          ingest_chunk);
    });
  }
  bar.finish();
  try {
    sink.close();
  } catch (const std::exception& e) {
    throw std::runtime_error(
        fmt::format("{}; every reading of the input was processed: {} inserted, {} unchanged, {} "
                    "replaced, {} rejected",
                    e.what(), total.inserted, total.unchanged, total.replaced, total.rejected));
  }
  sink.print_sample();

  fmt::print(
      "{}: {} readings: {} inserted, {} unchanged, {} replaced (corrections), {} duplicates in "
      "input, {} superseded in input (corrected by a later row), {} rejected\n",
      source, total.received, total.inserted, total.unchanged, total.replaced, total.duplicates,
      total.superseded, total.rejected);
  return total.rejected > 0 ? 3 : 0;
}

int cmd_aggregate(const args& a, storage::store& db) {
  std::optional<billing::dated_tariff_cost> tariffs;
  auto options = summary_refresh_options(db, tariffs);
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
