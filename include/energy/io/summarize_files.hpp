// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <energy/aggregate/aggregator.hpp>
#include <energy/ingest/reason.hpp>
#include <energy/ingest/validate.hpp>
#include <energy/io/csv_readings.hpp>
#include <energy/io/json_batch.hpp>
#include <energy/model.hpp>

namespace energy::io {

struct summarize_options {
  /// Per-sensor summaries too (building summaries always); `costs` prices hours (nullptr: each
  /// building's flat rate). The cost model must outlive the call.
  bool sensor_scope = false;
  const aggregate::cost_model* costs = nullptr;
  /// The same checks as an import (units, ranges, the future-timestamp clock: set `now` and
  /// `max_future_skew` to replay future-dated data).
  ingest::validation_options validation;
  /// CSV files: column names, delimiter, chunk size; `sensor_id` for single-meter files. Chunks
  /// are smaller than an import's (16 Ki rows): the reading thread hands each to the aggregating
  /// one while it is still in cache, and the per-chunk work memory is reused.
  csv_options csv{.chunk_rows = std::size_t{1} << 14};
  /// JSON batch files: streamed in chunks of the same size (limits: see json_stream_options).
  json_stream_options json{.chunk_rows = std::size_t{1} << 14};
  /// Rejections kept with their detail (the rest are only counted): bounded memory on bad files.
  std::size_t max_rejections_kept = 1000;
};

/// One rejected (or superseded) input row, with the file it came from.
struct file_rejection {
  std::string file;
  ingest::rejection what;
};

/// What `summarize_files` read and did, with the summaries.
struct summarize_result {
  aggregate::aggregation_result summaries;
  std::size_t files = 0;
  std::size_t received = 0;    ///< rows read (parser rejections included)
  std::size_t rejected = 0;    ///< rows dropped by the parser or validation
  std::size_t duplicates = 0;  ///< identical repeats inside one chunk, counted once
  /// Rows replaced by a later row for the same (sensor, ts): inside a chunk (validation) or across
  /// chunks and files (the aggregator's last write wins). Not an error.
  std::size_t superseded = 0;
  std::size_t aggregated = 0;  ///< distinct readings in the summaries
  ingest::reason_counts by_reason;
  /// The first `max_rejections_kept` rejections and superseded rows, in reading order.
  std::vector<file_rejection> rejections;
};

/**
 * Local-time hourly, daily and monthly summaries of reading files, with no store: each file is
 * parsed (CSV and JSON streamed chunk by chunk), validated as an import would
 * (unit conversion, ranges, register/power differencing with the series state carried from chunk
 * to chunk and file to file) and aggregated with last write wins, in the order given: a later
 * row or file corrects an earlier one, so the result equals importing the files in that order
 * and aggregating the store. Two threads: the calling one reads and parses, a second one
 * validates and aggregates, chunk by chunk in file order (the result does not depend on it).
 * Memory: at most four chunks in flight, plus the aggregator (about 9 bytes per
 * distinct reading, plus buckets).
 *
 * Format by extension: `.csv` or `.json` (a `{"readings": [...]}` batch); "-" is standard input
 * read as CSV.
 *
 * @throws std::invalid_argument for metadata the aggregator refuses or an unknown extension;
 *         energy::parse_error when a file cannot be read or its header/document is unusable
 *         (naming the file). Bad rows are never exceptions: they are counted and listed.
 */
[[nodiscard]] summarize_result summarize_files(std::span<const std::filesystem::path> files,
                                               std::span<const building> buildings,
                                               std::span<const sensor> sensors,
                                               const summarize_options& options = {});

}  // namespace energy::io

ENERGY_API_END
