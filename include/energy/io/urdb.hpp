// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <energy/billing/tariff.hpp>

namespace energy::io {

/**
 * Tier maxima at or above this many kWh (energy) or kW (demand) are read as "no limit". URDB
 * records write an unbounded tier as a huge number (1e14, 1e38, 9.99e+99) instead of omitting
 * `max`; 1e9 kWh per billing period is about 1.4 GW sustained over a month, far above any single
 * meter's real tier limit, and far below the sentinels seen in the database. Each such max is
 * listed in `urdb_tariff::informational` with its path.
 */
inline constexpr double unlimited_tier_max = 1e9;

/**
 * A tariff read from an OpenEI Utility Rate Database (URDB, API v7) record, with every field of
 * the record the tariff model does not price listed by name, so nothing is silently ignored.
 *
 * `unsupported` names fields that affect the bill but are not modelled (coincident demand,
 * `energyattrs` adjustments, sell rates, non-zero ratchets, tier units other than kWh/kW, ...),
 * as JSON paths with a reason: "energyattrs: price attributes are free text, not applied".
 * A tariff with a non-empty `unsupported` list prices the supported part only: show the list to
 * the user. `informational` names the descriptive fields read and not needed for pricing
 * (label, name, uri, sector, comments, ...).
 */
struct urdb_tariff {
  billing::tariff tariff;
  std::vector<std::string> unsupported;
  std::vector<std::string> informational;
  [[nodiscard]] bool complete() const noexcept { return unsupported.empty(); }
};

/**
 * Reads a URDB record from JSON text. Accepts a bare URDB record, the URDB API response form
 * `{"items": [record]}` (exactly one item), and a REopt scenario with the record under
 * `ElectricTariff.urdb_response`; `json_pointer` (RFC 6901, e.g. "/ElectricTariff/urdb_response")
 * selects the record explicitly in any other document.
 *
 * @throws energy::parse_error naming `source` and the field path ("reopt.json:
 * energyratestructure[2][0].rate: expected a number") when the JSON is malformed or a supported
 * field has the wrong shape (schedules not 12 × 24, index out of range, negative window, ...).
 */
[[nodiscard]] urdb_tariff read_urdb(std::string_view json_text, std::string_view source = "<urdb>",
                                    std::string_view json_pointer = {});

/// Reads a URDB record from a file, as read_urdb. @throws energy::parse_error when the file
/// cannot be read or parsed (the message names the path).
[[nodiscard]] urdb_tariff read_urdb_file(const std::filesystem::path& path,
                                         std::string_view json_pointer = {});

}  // namespace energy::io

ENERGY_API_END
