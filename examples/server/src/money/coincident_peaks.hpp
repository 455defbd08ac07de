// SPDX-License-Identifier: Apache-2.0
// Coincident-peak demand charges given with a tariff upload. A URDB record carries the $/kW of
// such a charge but never the utility's system-peak hours (they are published after the fact), so
// an operator adds them: each charge names its peak windows (UTC starts), their length and its
// $/kW, and the library prices the building's mean demand in those windows.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include <energy/billing/tariff.hpp>
#include <energy/io/urdb.hpp>

namespace energy::server::costs {

/// Most charges per upload, and peak windows per charge (ten years of monthly peaks is 120).
inline constexpr std::size_t max_coincident_charges = 16;
inline constexpr std::size_t max_peak_windows = 1000;

/**
 * The `coincident_peaks` member of a tariff upload: an array of
 * `{"name", "peak_starts": [RFC 3339, ...], "window_seconds" (default 3600), "price_per_kw"}`.
 * @throws problem_error 422 naming the JSON pointer of the first bad member (unknown member, a
 *         missing or empty name, starts not strictly ascending, a window outside 1..86400 s, a
 *         negative price, too many charges or windows).
 */
[[nodiscard]] std::vector<billing::coincident_peak_charge> read_coincident_peaks(
    const nlohmann::json& field);

/// The charges as the API shows and stores them (the inverse of read_coincident_peaks).
[[nodiscard]] nlohmann::json to_json(const std::vector<billing::coincident_peak_charge>& charges);

/**
 * Prices `charges` with the tariff read from URDB. Given charges take the place of the record's
 * own `coincident*` fields, so those leave `unsupported` (and the tariff's `unapplied`): the bill
 * now prices a coincident-peak line instead of naming it unpriced.
 */
void apply_coincident_peaks(io::urdb_tariff& t,
                            std::vector<billing::coincident_peak_charge> charges);

}  // namespace energy::server::costs
