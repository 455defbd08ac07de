// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <filesystem>
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

/// Reads and parses a file; the path "-" reads standard input.
/// @throws parse_error (unreadable file or malformed document), naming the path.
[[nodiscard]] parsed_readings read_json_batch_file(const std::filesystem::path& path);

/// Reads the whole stream, then parses it.
/// @throws parse_error naming `source_name`.
[[nodiscard]] parsed_readings read_json_batch(std::istream& in, std::string_view source_name);

}  // namespace energy::io

ENERGY_API_END
