// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <energy/enum_names.hpp>

namespace energy::ingest {

/**
 * Why a reading was not stored as sent. Shared by the parsers (`energy::io`) and validation, so a
 * CLI, a server or a report lists one vocabulary. Every reason has a stable snake_case name
 * (`to_string`) used in reports, CLI output and JSON; the names are part of the public format:
 * never rename one, only add.
 *
 * Most reasons *drop* the reading (`drops_reading()` is true). Two are notices about a derived
 * interval only: `register_reset` and `gap_too_long` keep the sample (it becomes the new baseline
 * of its register/power series) but no energy row is derived for the interval it closes.
 * See docs/ingest.md for an example of each.
 */
enum class reason : std::uint8_t {
  // --- found by the parsers ------------------------------------------------------------------
  malformed_sensor_id,   ///< sensor id is not a canonical UUID
  malformed_timestamp,   ///< not RFC 3339 with an explicit UTC offset (naive times are ambiguous)
  malformed_value,       ///< value is not a number (or two value fields disagree)
  missing_field,         ///< sensor id, timestamp or value absent or empty
  invalid_quality_flag,  ///< quality flag not an unsigned integer, or has bits outside
                         ///< quality::known_mask
  // --- found by validation -------------------------------------------------------------------
  unknown_sensor,      ///< no sensor with this id in the directory
  inactive_sensor,     ///< the sensor exists but `is_active` is false
  unsupported_unit,    ///< the sensor's configured unit cannot be converted to its canonical unit
  non_finite_value,    ///< NaN or ±infinity (e.g. a CSV "nan")
  value_out_of_range,  ///< magnitude beyond what milli-units can hold (|v| > 9e12)
  negative_value,      ///< negative interval energy, power, or register reading
  above_max_value,     ///< above the sensor's physical bound (`sensor::max_value`): value, power or
                       ///< register step
  future_timestamp,    ///< later than `now + max_future_skew`
  before_sensor_created,  ///< earlier than the sensor's `created_at`
  duplicate_in_batch,  ///< same (sensor, timestamp) later in the batch with a different value: the
                       ///< later one wins
  stale_sample,    ///< register/power sample at or before the sensor's last applied sample, with
                   ///< another value
  register_reset,  ///< notice: the register went backwards (not a rollover): no energy derived for
                   ///< that interval
  gap_too_long,    ///< notice: samples too far apart (> max_gap_intervals × nominal interval): no
                   ///< energy derived
  // --- found by the parsers (added later) -----------------------------------------------------
  line_too_long,  ///< a line or field beyond the parser's length limit (not read, not echoed)
};

/// Number of reasons (for tables indexed by reason).
inline constexpr std::size_t reason_count = static_cast<std::size_t>(reason::line_too_long) + 1;

/// How an input value is echoed in a rejection detail or on a terminal: in double quotes, control
/// characters and DEL escaped as `\xNN` (a hostile field cannot drive the terminal), cut after
/// `max_bytes` bytes (never inside a UTF-8 sequence) with "..." appended.
[[nodiscard]] std::string shown_value(std::string_view text, std::size_t max_bytes = 64);
/// `text` with control characters and DEL escaped as `\xNN`, otherwise unchanged: for printing
/// details that embed input to a terminal.
[[nodiscard]] std::string escape_controls(std::string_view text);

/// Stable snake_case name, e.g. "non_finite_value"; parse with `parse<reason>` or
/// `try_parse<reason>` (energy/enum_names.hpp).
[[nodiscard]] std::string_view to_string(reason r) noexcept;

/// False only for the notices `register_reset` and `gap_too_long`, whose sample is kept.
[[nodiscard]] constexpr bool drops_reading(reason r) noexcept {
  return r != reason::register_reset && r != reason::gap_too_long;
}

/**
 * One reading that was not stored as sent (or, for notices, an interval not derived).
 * `batch_index` is the row in the `reading_batch` (-1 when the parser could not build a row at
 * all), `source_row` where it came from: the 1-based file line for CSV, the 0-based array index for
 * JSON. `detail` is a human sentence naming the field and the offending value.
 */
struct rejection {
  std::int64_t batch_index = -1;
  std::int64_t source_row = -1;
  enum reason why = reason::malformed_value;
  std::string detail;
  friend bool operator==(const rejection&, const rejection&) = default;
};

/// Count of entries per reason, indexed by `static_cast<size_t>(reason)`.
struct reason_counts {
  std::size_t by_reason[reason_count] = {};
  [[nodiscard]] std::size_t operator[](reason r) const noexcept {
    return by_reason[static_cast<std::size_t>(r)];
  }
};

/// Tallies `rejections` per reason (for summaries such as "3 non_finite_value, 1 unknown_sensor").
[[nodiscard]] reason_counts count_reasons(std::span<const rejection> rejections) noexcept;

}  // namespace energy::ingest

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::ingest::reason>;

ENERGY_API_END
