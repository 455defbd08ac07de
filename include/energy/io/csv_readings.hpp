// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include <energy/io/parsed_readings.hpp>
#include <energy/uuid.hpp>

/**
 * CSV readings, streamed line by line (a 10^7-line file is never held in memory).
 *
 * Two layouts, told apart by the header line (required, first line):
 * - multi-sensor: `sensor_id,timestamp,value[,quality_flag]`, columns in any order;
 * - single-meter: a timestamp and a value column only (e.g. OpenEEmeter's `start,value`), with the
 *   sensor id supplied by the caller in `csv_options::sensor_id`.
 *
 * Header names are matched case-insensitively: sensor id `sensor_id` | `sensor` | `meter_id`;
 * timestamp `timestamp` | `ts` | `time` | `datetime` | `start` | `dt`; value `value` | `value_kwh`
 * | `kwh` | `consumption`; quality `quality_flag` | `quality`. Other columns are ignored (e.g. a
 * pandas index column). Fields may be double-quoted (RFC 4180, no embedded newlines). CRLF line
 * ends, a UTF-8 BOM and blank lines are tolerated.
 *
 * Timestamps: RFC 3339 with an explicit offset (`2015-11-22T00:00:00-06:00`, `...Z`,
 * `2015-11-22 00:00:00+00:00`). Naive local times are rejected `malformed_timestamp`: at a DST
 * fall-back they name two instants, and the library never guesses.
 * Values: decimal numbers; `nan`/`inf` are parsed and then rejected by validation
 * (`non_finite_value`) with their line, never dropped silently.
 *
 * Rows that cannot be read are rejections whose `source_row` is the 1-based file line and whose
 * detail names the file, line, column and text (at most 64 bytes of it, control characters
 * escaped: see ingest::shown_value). A quoted field with text after its closing quote (`"1"000`,
 * `"2.5"kWh`) or without a closing quote is rejected, never read as its quoted part. A missing or
 * unusable header throws `energy::parse_error` naming the file and line.
 *
 * Resource limits: a line longer than `max_line_bytes` or a field longer than `max_field_bytes` is
 * rejected `line_too_long` without being kept or echoed, so memory stays bounded by the chunk
 * (`chunk_rows` rows or rejections, whichever fills first) whatever the input.
 */
namespace energy::io {

struct csv_options {
  /// Sensor of every row in a single-meter file. Must be unset when the header has a sensor column
  /// (a file that names its sensors is never silently re-assigned).
  std::optional<uuid> sensor_id;
  /// Explicit column names (matched case-insensitively), overriding the aliases above.
  std::string timestamp_column;
  std::string value_column;
  char delimiter = ',';
  /// Streaming: rows per chunk handed to the callback; a chunk is also handed over when it holds
  /// this many rejections, so a file of bad rows streams like a file of good ones.
  std::size_t chunk_rows = 100'000;
  /// Longest line read (bytes, without the line end); longer lines are rejected `line_too_long`.
  std::size_t max_line_bytes = 64 * 1024;
  /// Longest field (bytes, after unquoting); longer ones reject their line `line_too_long`.
  std::size_t max_field_bytes = 1024;
};

/// Called with each chunk: up to `chunk_rows` batch rows plus the rejections met since the previous
/// chunk.
using csv_chunk_handler = std::function<void(parsed_readings&& chunk)>;

/// Streams `in`, calling `on_chunk` for each chunk (the last may be smaller; none for an input with
/// only a header). `source_name` prefixes every message ("meter.csv", "<stdin>").
/// @throws parse_error when the header is missing or lacks a required column.
void read_csv_readings(std::istream& in, std::string_view source_name, const csv_options& options,
                       const csv_chunk_handler& on_chunk);

/// Whole input at once (for small files and tests).
[[nodiscard]] parsed_readings parse_csv_readings(std::string_view text,
                                                 std::string_view source_name,
                                                 const csv_options& options = {});

/// Reads a whole file at once; the path "-" reads standard input.
/// @throws parse_error when the file cannot be opened or its header is unusable.
[[nodiscard]] parsed_readings read_csv_readings_file(const std::filesystem::path& path,
                                                     const csv_options& options = {});

/// Streams a file chunk by chunk; the path "-" reads standard input.
void read_csv_readings_file(const std::filesystem::path& path, const csv_options& options,
                            const csv_chunk_handler& on_chunk);

}  // namespace energy::io

ENERGY_API_END
