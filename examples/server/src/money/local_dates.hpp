// SPDX-License-Identifier: Apache-2.0
// Local calendar dates of a building (YYYY-MM-DD in its IANA zone) as the money routes take them:
// tariff effective dates, bill periods, report ends. A date names a whole local day; its first
// instant is found from local noon, which no DST change skips or repeats (a zone whose clocks
// jump at midnight still has a well-defined first instant of the day).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <chrono>

#include <energy/aggregate/calendar.hpp>
#include <energy/time.hpp>

#include "http/message.hpp"

namespace energy::server::costs {

/// Strict "YYYY-MM-DD" (years 1971..2200); nullopt for anything else.
[[nodiscard]] std::optional<std::chrono::local_days> parse_local_date(
    std::string_view text) noexcept;
/// "YYYY-MM-DD".
[[nodiscard]] std::string format_local_date(std::chrono::local_days day);
/// UTC instant the local day begins in the calendar's zone.
[[nodiscard]] utc_seconds day_start(aggregate::local_calendar& cal, std::chrono::local_days day);
/// The local date containing instant `t`.
[[nodiscard]] std::chrono::local_days local_date_of(const aggregate::local_calendar& cal,
                                                    utc_seconds t);
/// The first day of the local month containing `day`, and of the month after it.
[[nodiscard]] std::chrono::local_days month_start(std::chrono::local_days day);
[[nodiscard]] std::chrono::local_days next_month_start(std::chrono::local_days day);

/// Query parameter `name` as a local date; nullopt when absent or empty.
/// @throws problem_error 400 naming the parameter when it is not YYYY-MM-DD.
[[nodiscard]] std::optional<std::chrono::local_days> date_param(const request& r,
                                                                std::string_view name);

}  // namespace energy::server::costs
