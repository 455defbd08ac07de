// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstdint>
#include <string>

namespace energy {

/**
 * Quality of a stored reading: a bitmask, stored as the `quality_flag INTEGER` column.
 * 0 means a good, measured value. Bits combine: a corrected, interpolated value is
 * `corrected | interpolated`. The numeric values are part of the storage format: never renumber.
 */
namespace quality {
inline constexpr std::uint32_t good = 0;
inline constexpr std::uint32_t estimated = 1u << 0;  ///< supplied by the source as an estimate
inline constexpr std::uint32_t corrected =
    1u << 1;  ///< replaced an earlier stored value for the same (sensor, time)
inline constexpr std::uint32_t interpolated = 1u << 2;  ///< filled in between measured values
inline constexpr std::uint32_t suspect =
    1u << 3;  ///< passed validation but looks wrong (e.g. after a meter reset)
inline constexpr std::uint32_t rollover =
    1u << 4;  ///< a cumulative register wrapped around within this interval
inline constexpr std::uint32_t meter_reset =
    1u << 5;  ///< a cumulative register went backwards (reset/replacement)
inline constexpr std::uint32_t derived =
    1u << 6;  ///< computed from a register or power samples, not sent as energy
inline constexpr std::uint32_t known_mask = (1u << 7) - 1;

/// "estimated|corrected", or "good".
[[nodiscard]] std::string to_string(std::uint32_t flags);
}  // namespace quality

}  // namespace energy

ENERGY_API_END
