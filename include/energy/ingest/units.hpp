// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <optional>
#include <string_view>

#include <energy/model.hpp>

namespace energy::ingest {

/**
 * How a sensor's sent values become its canonical unit (`energy::canonical_unit`):
 * `canonical = raw * factor + offset`. For power sensors the result is a rate in canonical units
 * per hour (kW for kWh, m³/h for m³), which validation integrates to energy.
 *
 * Accepted units (case-sensitive, as written here):
 * - electricity / thermal energy (interval or register): `Wh`, `kWh`, `MWh`, `MJ`, `GJ`,
 *   `kBtu`, `MMBtu`, `therm` → kWh (1 therm = 105.4804 MJ = 29.30011 kWh, US therm;
 *   1 kBtu = 0.29307107 kWh, IT Btu).
 * - electricity / thermal power: `W`, `kW`, `MW`, `kBtu/h` → kW.
 * - gas / water volume (interval or register): `m3` (also `m³`), `L`, `ft3` (also `cf`), `ccf`
 *   (100 ft³), `mcf` (1000 ft³), `gal` (US gallon, 3.785411784 L) → m³. Therms are an energy,
 *   not a volume: a gas sensor that reports therms is not convertible to m³ without its heating
 *   value, so it is rejected (`unsupported_unit`); model it as a `thermal` sensor instead.
 * - gas / water flow (power kind): `m3/h`, `L/s`, `L/min`, `cfh` (ft³/h), `gpm` (US gal/min) →
 * m³/h.
 * - temperature: `degC` (also `°C`, `C`), `degF` (also `°F`, `F`), `K` → °C.
 */
struct unit_conversion {
  double factor = 1.0;
  double offset = 0.0;
  [[nodiscard]] constexpr double apply(double raw) const noexcept { return raw * factor + offset; }
  friend constexpr bool operator==(const unit_conversion&, const unit_conversion&) = default;
};

/// The conversion for values a sensor of `type` and `kind` sends in `unit`; std::nullopt when
/// the unit is not accepted for that sensor (see the table above). Never throws.
[[nodiscard]] std::optional<unit_conversion> conversion_to_canonical(
    sensor_type type, reading_kind kind, std::string_view unit) noexcept;

}  // namespace energy::ingest

ENERGY_API_END
