// SPDX-License-Identifier: Apache-2.0
#include <energy/model.hpp>
#include <energy/quality.hpp>

#include <array>
#include <stdexcept>
#include <string>

namespace energy {
namespace {

constexpr std::array<std::string_view, 5> sensor_type_names{"electricity", "gas", "water",
                                                            "thermal", "temperature"};
constexpr std::array<std::string_view, 4> reading_kind_names{
    "interval_energy", "cumulative_register", "instantaneous_power", "instantaneous_value"};

template <class Enum, std::size_t N>
Enum parse_enum(std::string_view s, const std::array<std::string_view, N>& names,
                const char* what) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<Enum>(i);
  std::string accepted;
  for (auto n : names)
    accepted += (accepted.empty() ? "" : ", ") + std::string(n);
  throw std::invalid_argument("unknown " + std::string(what) + " '" + std::string(s) +
                              "' (accepted: " + accepted + ")");
}

}  // namespace

std::string_view to_string(sensor_type t) noexcept {
  return sensor_type_names[static_cast<std::size_t>(t)];
}
std::string_view to_string(reading_kind k) noexcept {
  return reading_kind_names[static_cast<std::size_t>(k)];
}

sensor_type parse_sensor_type(std::string_view s) {
  return parse_enum<sensor_type>(s, sensor_type_names, "sensor type");
}
reading_kind parse_reading_kind(std::string_view s) {
  return parse_enum<reading_kind>(s, reading_kind_names, "reading kind");
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

std::string_view to_string(alert_window w) noexcept {
  switch (w) {
    case alert_window::quarter_hour:
      return "15min";
    case alert_window::hour:
      return "hour";
    case alert_window::day:
      return "day";
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
