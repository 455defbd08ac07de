// SPDX-License-Identifier: Apache-2.0
// summarize_files: reading files -> validated rows -> last-write-wins local-time summaries.
#include <energy/io/summarize_files.hpp>

#include <energy/error.hpp>
#include <energy/ingest/sensor_directory.hpp>
#include <energy/io/json_batch.hpp>

#include "chunk_queue.hpp"

#include <exception>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace energy::io {
namespace {

class summarizer {
 public:
  summarizer(std::span<const building> buildings, std::span<const sensor> sensors,
             const summarize_options& options)
      : options_(options),
        directory_(std::vector<sensor>(sensors.begin(), sensors.end())),
        agg_(buildings, sensors,
             aggregate::aggregator_options{.sensor_scope = options.sensor_scope,
                                           .building_scope = true,
                                           .costs = options.costs,
                                           .threads = 2}) {}

  /// Validates and aggregates one chunk of `file`; parser rejections come with it.
  void consume(const std::string& file, const parsed_readings& chunk) {
    const auto lookup = [this](const uuid& id) -> std::optional<sample_state> {
      const auto it = states_.find(id);
      if (it == states_.end()) return std::nullopt;
      return it->second;
    };
    ingest::validation_result v =
        ingest::validate_batch(chunk.batch, directory_, options_.validation, lookup);
    for (const sample_state& s : v.states)
      states_.insert_or_assign(s.sensor_id, s);
    agg_.add(v.rows);
    out_.received += chunk.batch.size() + chunk.rejections.size();
    out_.rejected += v.rejected + chunk.rejections.size();
    out_.duplicates += v.duplicates;
    out_.superseded += v.superseded;
    note(file, chunk.rejections);
    note(file, v.rejections);
  }

  summarize_result finish() {
    out_.superseded += static_cast<std::size_t>(agg_.superseded());
    out_.aggregated = static_cast<std::size_t>(agg_.added() - agg_.superseded());
    out_.summaries = agg_.finish();
    return std::move(out_);
  }

  summarize_result& result() { return out_; }
  void expect_rows(std::size_t rows) { agg_.reserve(rows); }

 private:
  void note(const std::string& file, const std::vector<ingest::rejection>& list) {
    for (const ingest::rejection& r : list) {
      ++out_.by_reason.by_reason[static_cast<std::size_t>(r.why)];
      if (out_.rejections.size() < options_.max_rejections_kept)
        out_.rejections.push_back({file, r});
    }
  }

  const summarize_options& options_;
  ingest::sensor_directory directory_;
  aggregate::aggregator agg_;
  /// The last applied sample of each register/power series, carried across chunks and files.
  std::unordered_map<uuid, sample_state> states_;
  summarize_result out_;
};

}  // namespace

summarize_result summarize_files(std::span<const std::filesystem::path> files,
                                 std::span<const building> buildings,
                                 std::span<const sensor> sensors,
                                 const summarize_options& options) {
  for (const auto& f : files) {
    const std::string name = f.string();
    if (name != "-" && f.extension() != ".csv" && f.extension() != ".json")
      throw std::invalid_argument("summarize_files: cannot tell the format of '" + name +
                                  "' (expected a .csv or .json file)");
  }
  summarizer s(buildings, sensors, options);
  // A hint from the files' sizes (a reading's CSV line or JSON element is rarely under 32
  // bytes; a high guess costs at most 1/256 of the bytes in tile directory).
  std::uintmax_t bytes = 0;
  for (const auto& f : files) {
    std::error_code ec;
    if (f.string() == "-" || !std::filesystem::is_regular_file(f, ec)) continue;
    const std::uintmax_t size = std::filesystem::file_size(f, ec);
    if (!ec) bytes += size;  // an unreadable file fails below, with its own message
  }
  s.expect_rows(static_cast<std::size_t>(bytes / 32));
  // Two threads: the other one reads and parses, this one validates and aggregates, chunk by
  // chunk in file order (so the result is the same as one thread's).
  std::size_t files_read = 0;
  detail::hand_over_chunks(
      [&](const auto& hand_over) {
        for (const auto& f : files) {
          const std::string name = f.string() == "-" ? "<stdin>" : f.string();
          const auto to_consumer = [&](parsed_readings&& chunk) {
            hand_over(name, std::move(chunk));
          };
          if (f.extension() == ".json")
            read_json_batch_file(f, options.json, to_consumer);
          else
            read_csv_readings_file(f, options.csv, to_consumer);
          ++files_read;
        }
      },
      [&](detail::queued_chunk& w) { s.consume(w.source, w.chunk); });
  s.result().files = files_read;
  return s.finish();
}

}  // namespace energy::io
