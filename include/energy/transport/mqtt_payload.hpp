// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <optional>
#include <string_view>

#include <energy/enum_names.hpp>
#include <energy/io/parsed_readings.hpp>
#include <energy/uuid.hpp>

/**
 * The three payload forms an MQTT reading message may take (docs/transports.md#payloads).
 * The form is told by the first non-blank byte:
 *
 * - **batch** — the JSON batch, exactly as POST /api/v1/sensors/readings/batch takes it
 *   (`{"readings": [...]}` or a bare array; energy/io/json_batch.hpp). Starts with `[`, or is an
 *   object with a top-level `readings` key.
 * - **single** — one reading as a JSON object: `{"timestamp": "2024-07-01T12:00:00Z",
 *   "value": 1.25, "quality_flag": 0}`. `sensor_id` may be left out when the topic names the
 *   sensor. Same fields and rules as one batch element.
 * - **compact** — text lines `<timestamp>,<value>[,<quality_flag>]` for the topic's sensor, where
 *   `<timestamp>` is RFC 3339 with an offset or integer UTC epoch seconds:
 *   `1719835200,1.25\n1719836100,1.5`. Blank lines are skipped; at most `max_compact_lines`.
 *
 * A bad reading is a rejection naming its position (array index or 0-based line) and field; the
 * good ones are kept. Values are unvalidated (the ingest pipeline decides).
 *
 * Thread-safety: pure functions; calls may run concurrently.
 */
namespace energy::transport::mqtt {

enum class payload_form : unsigned char { single, batch, compact };

[[nodiscard]] std::string_view to_string(payload_form f) noexcept;

/// Upper bound on compact lines in one payload (a bound on memory per message).
inline constexpr std::size_t max_compact_lines = 100'000;

struct decoded_payload {
  payload_form form = payload_form::single;
  io::parsed_readings readings;
};

/**
 * Decodes `payload`. `topic_sensor` is the sensor the topic names (std::nullopt when the topic has
 * no sensor segment): single readings without `sensor_id` and compact lines are that sensor's.
 * `source` names the message in errors (its topic).
 * @throws parse_error when the payload as a whole is unreadable: empty, not JSON where JSON is
 *         expected, a compact payload without a topic sensor, more than max_compact_lines lines.
 */
[[nodiscard]] decoded_payload decode_payload(std::string_view payload,
                                             const std::optional<uuid>& topic_sensor,
                                             std::string_view source);

}  // namespace energy::transport::mqtt

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::transport::mqtt::payload_form>;

ENERGY_API_END
