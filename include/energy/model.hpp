// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <energy/decimal.hpp>
#include <energy/enum_names.hpp>
#include <energy/money.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

namespace energy {

/// A property-management company (a tenant): owner of buildings, unit of isolation.
struct tenant {
  uuid id;
  std::string name;
  utc_seconds created_at{};
  friend bool operator==(const tenant&, const tenant&) = default;
};

/// A building. `time_zone` is the IANA zone its calendar (days, months, billing periods,
/// time-of-use windows) is cut in; it must name a zone of the system tz database.
struct building {
  uuid id;
  uuid tenant_id;
  std::string name;
  std::string address;
  std::optional<std::int64_t> square_footage;  ///< gross floor area, ft²
  std::string primary_use;  ///< e.g. "office", "retail", "warehouse" (CBECS activity)
  std::string time_zone = "UTC";
  std::optional<money> flat_rate_per_kwh;  ///< cost estimate when no tariff is set
  utc_seconds created_at{};
  friend bool operator==(const building&, const building&) = default;
};

enum class sensor_type : std::uint8_t { electricity, gas, water, thermal, temperature };

/// How a sensor reports: what one reading's value means.
enum class reading_kind : std::uint8_t {
  interval_energy,      ///< quantity consumed in [ts, ts + interval): kWh, m³, ...
  cumulative_register,  ///< a meter register's running total at ts (kWh, m³)
  instantaneous_power,  ///< a rate sampled at ts (kW for electricity/thermal)
  instantaneous_value,  ///< a state sampled at ts that is not consumption (temperature °C)
};

/// The enumerator's name ("electricity", "interval_energy"); parse with `parse<sensor_type>`,
/// `parse<reading_kind>` (energy/enum_names.hpp).
[[nodiscard]] std::string_view to_string(sensor_type t) noexcept;
[[nodiscard]] std::string_view to_string(reading_kind k) noexcept;
/// Canonical unit of stored values: "kWh" (electricity, thermal), "m3" (gas, water), "degC".
[[nodiscard]] std::string_view canonical_unit(sensor_type t) noexcept;

/// A sensor or meter in a building.
struct sensor {
  uuid id;
  uuid building_id;
  sensor_type type = sensor_type::electricity;
  reading_kind kind = reading_kind::interval_energy;
  std::string unit = "kWh";  ///< unit of the values it sends (converted to canonical on ingest)
  std::string location;
  std::int32_t interval_seconds = 900;  ///< nominal reporting interval (interval energy length)
  /// Physical bound for one reading, in the sensor's unit (interval energy, power or register
  /// step). Readings above it are rejected. Unset: no bound.
  std::optional<double> max_value;
  /// Register capacity for cumulative registers (e.g. 99999999.9): a decrease close to it is a
  /// rollover, any other decrease a reset. Unset: every decrease is a reset.
  std::optional<double> register_max;
  bool is_active = true;
  utc_seconds created_at{};
  friend bool operator==(const sensor&, const sensor&) = default;
};

/// Window of an alert_configs threshold (kWh per window).
enum class alert_window : std::uint8_t { quarter_hour, hour, day };

/// One alert_configs row: a building's consumption threshold.
struct alert_config {
  uuid id;
  uuid building_id;
  milli threshold = 0;  ///< milli-units (Wh for electricity) per window
  alert_window window = alert_window::hour;
  std::string notification_email;
  bool is_enabled = true;
  friend bool operator==(const alert_config&, const alert_config&) = default;
};

/// "15min", "hour", "day" (as stored in alert_configs); parse with `parse<alert_window>`.
[[nodiscard]] std::string_view to_string(alert_window w) noexcept;

}  // namespace energy

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::sensor_type>;
extern template struct energy::detail::enum_names<energy::reading_kind>;
extern template struct energy::detail::enum_names<energy::alert_window>;

ENERGY_API_END
