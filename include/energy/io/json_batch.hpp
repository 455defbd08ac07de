// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string_view>

#include <energy/io/parsed_readings.hpp>

/**
 * The JSON batch format (POST /api/v1/sensors/readings/batch):
 * ```json
 * {"readings": [
 *   {"sensor_id": "0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f88", "timestamp": "2024-07-01T12:00:00Z",
 * "value_kwh": 10.5},
 *   {"sensor_id": "...", "timestamp": "2024-07-01T08:15:00-04:00", "value": 3.2, "quality_flag": 1}
 * ]}
 * ```
 * - `sensor_id`: canonical UUID text; `timestamp`: RFC 3339 with an explicit offset (`Z` or
 *   `±hh:mm`), whole seconds (a zero fraction is accepted);
 * - `value_kwh` or `value`: a JSON number in the sensor's unit (`value_kwh` is the REST API's
 *   name, kept as a synonym for kWh meters). Both present with different numbers is
 *   `malformed_value`;
 * - `quality_flag` (optional): an unsigned integer, the bitmask of energy/quality.hpp;
 * - other keys are ignored (forward compatibility); a bare top-level array is accepted too.
 *
 * A bad element is a rejection naming the array index and field (`readings[17].timestamp: ...`);
 * the valid elements still land. A document that is not JSON at all, or whose structure breaks
 * (unclosed array, missing `readings`), throws `energy::parse_error` naming the source, the byte
 * offset and the line.
 *
 * A non-object element is rejected too, but its JSON must be valid, like an ignored key's.
 *
 * Files and streams are read in chunks (`read_json_batch_file`, `read_json_batch`): memory is
 * bounded by `json_stream_options` (one read block, the longest element, one chunk of results),
 * never by the input's size. The streamed result is exactly the whole-document parse's (same rows,
 * rejections, indices and messages) for any document within the limits. A document broken after
 * some chunks were handed over throws `parse_error` then: the caller has already received those
 * chunks (the CLI reports what it committed; re-importing is safe).
 *
 * Parsing uses simdjson On-Demand (vendor headers stay in src/adapters/io).
 * Thread-safety: each call uses its own parser; calls may run concurrently.
 */
namespace energy::io {

/// Bytes that must be readable (any content) after the end of a buffer passed with
/// `json_padding::present`: lets the parser skip copying the document.
inline constexpr std::size_t json_padding_bytes = 64;

enum class json_padding : bool {
  absent,  ///< the text is copied into a padded buffer first
  present  ///< `json.data()[json.size() .. json.size() + json_padding_bytes)` is readable
};

/// Parses a batch held in memory. `source_name` appears in errors ("batch.json", "<stdin>").
/// @throws parse_error when the document itself is malformed.
[[nodiscard]] parsed_readings parse_json_batch(std::string_view json,
                                               std::string_view source_name = "<memory>",
                                               json_padding padding = json_padding::absent);

/// Limits of the streamed reader. Peak memory is about `read_bytes + max_element_bytes` of text
/// plus one chunk of results, whatever the input's size.
struct json_stream_options {
  /// Array elements (rows plus rejections) per chunk handed to the callback; the last may be
  /// smaller.
  std::size_t chunk_rows = 100'000;
  /// Longest array element, and longest ignored top-level value (bytes, from its first to its
  /// last character). A longer one throws `parse_error` naming it and this limit, without being
  /// held in memory.
  std::size_t max_element_bytes = 1024 * 1024;
  /// Bytes read from the input at a time.
  std::size_t read_bytes = 1024 * 1024;
};

/// Called with each chunk: up to `chunk_rows` elements' outcomes, in array order (the rows'
/// `source_row` and the rejections' `source_row` are the array indices).
using json_chunk_handler = std::function<void(parsed_readings&& chunk)>;

/// Streams `in` chunk by chunk (none for an empty array). `source_name` prefixes every message.
/// @throws parse_error when the document is malformed or exceeds a limit; chunks before the
///         fault were handed over already. Exceptions from `on_chunk` propagate unchanged.
void read_json_batch(std::istream& in, std::string_view source_name,
                     const json_stream_options& options, const json_chunk_handler& on_chunk);

/// Streams a file chunk by chunk; the path "-" reads standard input.
/// @throws parse_error (unreadable file, malformed document, a limit), naming the path.
void read_json_batch_file(const std::filesystem::path& path, const json_stream_options& options,
                          const json_chunk_handler& on_chunk);

/// Reads a whole file through the streamed reader (the text is never held whole: memory is the
/// result's plus the stream's bounds); the path "-" reads standard input.
/// @throws parse_error (unreadable file, malformed document, a limit), naming the path.
[[nodiscard]] parsed_readings read_json_batch_file(const std::filesystem::path& path);

/// Reads a whole stream through the streamed reader, as one result.
/// @throws parse_error naming `source_name`.
[[nodiscard]] parsed_readings read_json_batch(std::istream& in, std::string_view source_name);

}  // namespace energy::io

ENERGY_API_END
