// SPDX-License-Identifier: Apache-2.0
// What the analysis commands (bill, anomalies, recommend) read from the store: the building named
// by --building, its local-date range from --from/--to, and its electricity interval energy.
#pragma once

#include "args.hpp"

#include <energy/baseline/series.hpp>
#include <energy/billing/bill.hpp>
#include <energy/model.hpp>
#include <energy/storage/store.hpp>
#include <energy/time.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace energy::cli {

/// The building of --building and its IANA zone (every calendar rule of the commands uses it).
struct building_context {
  building b;
  time_zone zone;
};

/// @throws usage_error when --building is missing or not a UUID; std::runtime_error (exit 1)
/// "building ... not found" when the store has no such building.
[[nodiscard]] building_context require_building(const args& a, storage::store& db);

/// [local midnight of --from, local midnight of --to) in the building's zone, both required (no
/// silent "last month"). @throws usage_error naming the option when missing, malformed or empty.
[[nodiscard]] time_range require_local_range(const args& a, const time_zone& zone);

/// The meters a command reads: --sensor ID (must belong to the building and measure energy), or
/// every active electricity meter of the building. @throws usage_error naming --sensor, or
/// std::runtime_error when the building has no electricity meter or a meter has no interval
/// (set with `sensor add --interval`), or the meters report at different intervals.
[[nodiscard]] std::vector<sensor> electricity_meters(const args& a, storage::store& db,
                                                     const building_context& bc);

/// The meters' interval energy (Wh) in `range`, summed per interval start, with the meters'
/// common interval. Intervals with no reading are absent (never invented).
[[nodiscard]] billing::interval_series read_intervals(storage::store& db,
                                                      const building_context& bc,
                                                      const std::vector<sensor>& meters,
                                                      time_range range);

/// The building's load in kWh per interval (statistics start here: doubles).
[[nodiscard]] baseline::load_series load_of(const billing::interval_series& s);

/// Outdoor temperature (°C as stored) of --temperature-sensor over `range` (plus 6 h either side),
/// which must be a temperature sensor of the building. @throws usage_error when the option is
/// missing (naming `why` it is needed), not a UUID or not a temperature sensor;
/// std::runtime_error when the sensor is not the building's.
[[nodiscard]] baseline::temperature_series outdoor_temperature(const args& a, storage::store& db,
                                                               const building_context& bc,
                                                               time_range range,
                                                               std::string_view why);

}  // namespace energy::cli
