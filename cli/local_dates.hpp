// SPDX-License-Identifier: Apache-2.0
// --from/--to options that name local dates of a building.
#pragma once

#include <string>
#include <string_view>

#include <energy/time.hpp>

namespace energy::cli {

/// Local midnight of `text` (YYYY-MM-DD) in `zone`, as UTC (the earliest instant if midnight
/// repeats, the first instant after the gap if it does not exist).
/// @throws usage_error naming `--option` when `text` is not a calendar date.
[[nodiscard]] utc_seconds local_date_start(std::string_view option, const std::string& text,
                                           const time_zone& zone);

}  // namespace energy::cli
