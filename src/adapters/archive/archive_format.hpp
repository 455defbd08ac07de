// SPDX-License-Identifier: Apache-2.0
// Internal helpers of energy::archive.
#pragma once

#include <energy/readings.hpp>
#include <energy/time.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace energy::archive::detail {

std::uint32_t crc32_of(std::string_view bytes) noexcept;
std::string gzip(std::string_view plain);
/// @throws parse_error naming `name` when the bytes are not a complete gzip stream.
std::string gunzip(std::string_view packed, const std::string& name);
/// "2024-07-01" for the UTC day starting at `day_start`.
std::string day_name(utc_seconds day_start);
/// The uncompressed CSV (header + one line per row).
std::string archive_csv(const reading_rows& rows);

}  // namespace energy::archive::detail
