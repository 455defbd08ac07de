// SPDX-License-Identifier: Apache-2.0
#include <energy/ingest/units.hpp>

#include <array>

namespace energy::ingest {
namespace {

struct unit_entry {
  std::string_view name;
  unit_conversion conv;
};

// Exact definitions: 1 ft = 0.3048 m, 1 US gal = 231 in³ = 3.785411784 L,
// 1 Btu (IT) = 1055.05585262 J, 1 therm (US) = 105,480,400 J (≈ 99,976 Btu).
constexpr double ft3_m3 = 0.3048 * 0.3048 * 0.3048;
constexpr double gal_m3 = 3.785411784e-3;
constexpr double kbtu_kwh = 1055.05585262 / 3600.0;
constexpr double therm_kwh = 105.4804e6 / 3.6e6;

constexpr std::array energy_units{
    unit_entry{"Wh", {1e-3, 0}},
    unit_entry{"kWh", {1.0, 0}},
    unit_entry{"MWh", {1e3, 0}},
    unit_entry{"MJ", {1.0 / 3.6, 0}},
    unit_entry{"GJ", {1e3 / 3.6, 0}},
    unit_entry{"kBtu", {kbtu_kwh, 0}},
    unit_entry{"MMBtu", {kbtu_kwh * 1e3, 0}},
    unit_entry{"therm", {therm_kwh, 0}},
};
constexpr std::array power_units{
    unit_entry{"W", {1e-3, 0}},
    unit_entry{"kW", {1.0, 0}},
    unit_entry{"MW", {1e3, 0}},
    unit_entry{"kBtu/h", {kbtu_kwh, 0}},
};
constexpr std::array volume_units{
    unit_entry{"m3", {1.0, 0}},
    unit_entry{"m³", {1.0, 0}},
    unit_entry{"L", {1e-3, 0}},
    unit_entry{"ft3", {ft3_m3, 0}},
    unit_entry{"cf", {ft3_m3, 0}},
    unit_entry{"ccf", {ft3_m3 * 100, 0}},
    unit_entry{"mcf", {ft3_m3 * 1000, 0}},
    unit_entry{"gal", {gal_m3, 0}},
};
constexpr std::array flow_units{
    unit_entry{"m3/h", {1.0, 0}},        unit_entry{"L/s", {3.6, 0}},
    unit_entry{"L/min", {0.06, 0}},      unit_entry{"cfh", {ft3_m3, 0}},
    unit_entry{"gpm", {gal_m3 * 60, 0}},
};
constexpr std::array temperature_units{
    unit_entry{"degC", {1.0, 0}},
    unit_entry{"°C", {1.0, 0}},
    unit_entry{"C", {1.0, 0}},
    unit_entry{"degF", {5.0 / 9.0, -160.0 / 9.0}},
    unit_entry{"°F", {5.0 / 9.0, -160.0 / 9.0}},
    unit_entry{"F", {5.0 / 9.0, -160.0 / 9.0}},
    unit_entry{"K", {1.0, -273.15}},
};

template <std::size_t N>
std::optional<unit_conversion> lookup(const std::array<unit_entry, N>& table,
                                      std::string_view unit) noexcept {
  for (const auto& e : table)
    if (e.name == unit) return e.conv;
  return std::nullopt;
}

}  // namespace

std::optional<unit_conversion> conversion_to_canonical(sensor_type type, reading_kind kind,
                                                       std::string_view unit) noexcept {
  const bool power = kind == reading_kind::instantaneous_power;
  switch (type) {
    case sensor_type::electricity:
    case sensor_type::thermal:
      if (kind == reading_kind::instantaneous_value) return std::nullopt;
      return power ? lookup(power_units, unit) : lookup(energy_units, unit);
    case sensor_type::gas:
    case sensor_type::water:
      if (kind == reading_kind::instantaneous_value) return std::nullopt;
      return power ? lookup(flow_units, unit) : lookup(volume_units, unit);
    case sensor_type::temperature:
      // A temperature is a state, not a quantity: only sampled values make sense.
      if (kind != reading_kind::instantaneous_value) return std::nullopt;
      return lookup(temperature_units, unit);
  }
  return std::nullopt;
}

}  // namespace energy::ingest
