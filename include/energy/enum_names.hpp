// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <concepts>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include <energy/error.hpp>

/**
 * @file
 * One convention for the names of the library's enums: the names written to files, JSON, SQL
 * columns, CLI flags and Python strings.
 *
 * For every enum `E` below:
 * - `to_string(E) noexcept`, declared beside `E` in its namespace (found by argument-dependent
 *   lookup), returns its stable lowercase name. The names are part of the public formats: they
 *   never change between releases.
 * - `energy::parse<E>(name)` is the inverse; it throws `energy::parse_error` naming the enum and
 *   listing the accepted names for any other text (names are case-sensitive, no surrounding
 *   whitespace is trimmed).
 * - `energy::try_parse<E>(name)` returns std::nullopt instead of throwing.
 * - `energy::enum_values<E>()` lists every value in declaration order (`to_string` of each gives
 *   the choices a CLI flag or a binding accepts).
 *
 * @code
 * const auto type = energy::parse<energy::sensor_type>("gas");     // sensor_type::gas
 * std::string_view name = to_string(energy::resolution::day);      // "day"
 * for (const auto scope : energy::enum_values<energy::summary_scope>())
 *   std::cout << to_string(scope) << '\n';                          // "sensor", "building"
 * @endcode
 *
 * Enums with names: `sensor_type`, `reading_kind`, `alert_window`, `resolution`, `summary_scope`;
 * `anomaly::{anomaly_kind, severity, schedule_status}`; `baseline::{temperature_unit,
 * caltrack_segmentation, changepoint_kind, temperature_input, day_pairing, data_resolution,
 * occupancy_rule}`; `billing::{line_kind, end_date, finding_kind, charge_unit}`;
 * `ingest::reason`; `recommend::{recommendation_kind, confidence_level, temperature_unit}`;
 * `report::{report_type, period_length, csv_table}`; `greenbutton::time_filter`;
 * `modbus::{register_function, register_type, word_order, meter_health}`;
 * `transport::mqtt::payload_form`. The names of an adapter's enums come with that adapter's
 * library.
 *
 * Every name is the enumerator's spelling except `alert_window::quarter_hour`, which is "15min"
 * (the value stored in the alert_configs tables).
 *
 * Exempt, because no file, message or flag carries them as text: `io::json_padding` (a flag
 * argument: does the buffer have readable padding), `storage::sqlite_durability` (an option set
 * in C++ only), `storage::write_outcome` (a per-row result that is only counted) and the private
 * `mqtt::topic_pattern::kind`.
 *
 * Thread-safety: every function here reads constant tables; all may be called concurrently.
 */

namespace energy {

/// An enum with a name table in the library: `to_string(e)` is found by argument-dependent lookup.
template <class E>
concept named_enum = std::is_enum_v<E> && requires(E e) {
  { to_string(e) }
  noexcept->std::same_as<std::string_view>;
};

namespace detail {
/// The library's name table of `E`, reached through one explicit instantiation per enum in the
/// library that defines the enum. Use the functions below instead.
template <class E>
struct enum_names {
  /// Every value, in declaration order.
  [[nodiscard]] static std::span<const E> values() noexcept;
  /// The enum's name in messages ("sensor_type").
  [[nodiscard]] static std::string_view type_name() noexcept;
};
}  // namespace detail

/// Every value of `E` in declaration order.
template <named_enum E>
[[nodiscard]] std::span<const E> enum_values() noexcept {
  return detail::enum_names<E>::values();
}

/// The value whose `to_string` is exactly `name`, or std::nullopt.
template <named_enum E>
[[nodiscard]] std::optional<E> try_parse(std::string_view name) noexcept {
  for (const E e : enum_values<E>())
    if (to_string(e) == name) return e;
  return std::nullopt;
}

/// The value whose `to_string` is exactly `name`.
/// @throws parse_error "unknown <enum> '<name>' (accepted: <names>)" for any other text.
template <named_enum E>
[[nodiscard]] E parse(std::string_view name) {
  if (const auto e = try_parse<E>(name)) return *e;
  std::string accepted;
  for (const E e : enum_values<E>()) {
    if (!accepted.empty()) accepted += ", ";
    accepted += to_string(e);
  }
  throw parse_error("unknown " + std::string(detail::enum_names<E>::type_name()) + " '" +
                    std::string(name) + "' (accepted: " + accepted + ")");
}

}  // namespace energy

ENERGY_API_END
