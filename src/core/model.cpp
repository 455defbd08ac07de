// SPDX-License-Identifier: Apache-2.0
#include <energy/model.hpp>
#include <energy/quality.hpp>

#include "core/enum_table.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace energy {
namespace {

constexpr auto sensor_type_names = detail::make_enum_table<sensor_type>(
    "sensor_type", {{sensor_type::electricity, "electricity"},
                    {sensor_type::gas, "gas"},
                    {sensor_type::water, "water"},
                    {sensor_type::thermal, "thermal"},
                    {sensor_type::temperature, "temperature"}});
constexpr auto reading_kind_names = detail::make_enum_table<reading_kind>(
    "reading_kind", {{reading_kind::interval_energy, "interval_energy"},
                     {reading_kind::cumulative_register, "cumulative_register"},
                     {reading_kind::instantaneous_power, "instantaneous_power"},
                     {reading_kind::instantaneous_value, "instantaneous_value"}});
// "15min", not the enumerator's name: the value stored in the alert_configs tables.
constexpr auto alert_window_names =
    detail::make_enum_table<alert_window>("alert_window", {{alert_window::quarter_hour, "15min"},
                                                           {alert_window::hour, "hour"},
                                                           {alert_window::day, "day"}});

}  // namespace

[[maybe_unused]] static constexpr const auto& names_of(sensor_type) noexcept {
  return sensor_type_names;
}
[[maybe_unused]] static constexpr const auto& names_of(reading_kind) noexcept {
  return reading_kind_names;
}
[[maybe_unused]] static constexpr const auto& names_of(alert_window) noexcept {
  return alert_window_names;
}

std::string_view to_string(sensor_type t) noexcept {
  return sensor_type_names.name(t);
}
std::string_view to_string(reading_kind k) noexcept {
  return reading_kind_names.name(k);
}
std::string_view to_string(alert_window w) noexcept {
  return alert_window_names.name(w);
}

std::string_view canonical_unit(sensor_type t) noexcept {
  switch (t) {
    case sensor_type::electricity:
    case sensor_type::thermal:
      return "kWh";
    case sensor_type::gas:
    case sensor_type::water:
      return "m3";
    case sensor_type::temperature:
      return "degC";
  }
  return "";
}

std::string quality::to_string(std::uint32_t flags) {
  if (flags == good) return "good";
  static constexpr std::array<std::pair<std::uint32_t, std::string_view>, 7> names{
      {{estimated, "estimated"},
       {corrected, "corrected"},
       {interpolated, "interpolated"},
       {suspect, "suspect"},
       {rollover, "rollover"},
       {meter_reset, "meter_reset"},
       {derived, "derived"}}};
  std::string out;
  // Appended piecewise: g++ 12 -O3 reports a false -Wrestrict on `"|" + std::string(name)`,
  // which fails the release build (-Werror).
  auto append = [&out](std::string_view name) {
    if (!out.empty()) out += '|';
    out += name;
  };
  for (auto [bit, name] : names)
    if (flags & bit) append(name);
  if (flags & ~known_mask) append("unknown");
  return out;
}

}  // namespace energy

template struct energy::detail::enum_names<energy::sensor_type>;
template struct energy::detail::enum_names<energy::reading_kind>;
template struct energy::detail::enum_names<energy::alert_window>;
