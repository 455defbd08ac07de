// SPDX-License-Identifier: Apache-2.0
// The utility's time-of-use holidays given with a tariff upload. URDB records carry weekday and
// weekend schedules but not the days the utility prices as weekends (New Year's Day, Independence
// Day, ...), which come from the tariff sheet: an operator lists them as local dates, and the
// library prices those days with the weekend schedules (billing::tariff::holidays).
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/io/urdb.hpp>

namespace energy::server::costs {

/// Local dates of the building's calendar priced as weekend days: nullopt = not known.
using holiday_list = std::optional<std::vector<std::chrono::year_month_day>>;

/// Most dates per upload: a holiday list is about 10 days a year, so 2000 covers any tariff's
/// life while bounding what one request costs to read, store and check.
inline constexpr std::size_t max_holidays = 2000;

/**
 * The `holidays` member of a tariff upload: null (not known) or an array of "YYYY-MM-DD" local
 * dates, in any order; `[]` says the utility has no TOU holidays.
 * @throws problem_error 422 naming the JSON pointer of the first bad member in document order
 *         (`/holidays/3`: not a string, not a calendar date, a repeat of an earlier date), or
 *         `/holidays` itself (not an array, more than max_holidays dates).
 */
[[nodiscard]] holiday_list read_holidays(const nlohmann::json& field);

/// The list as the API shows and stores it (null, or the dates as given): the inverse of
/// read_holidays.
[[nodiscard]] nlohmann::json holidays_to_json(const holiday_list& holidays);

/// Sets the tariff's holidays: the record never carries them, so the given list (or "not known")
/// is what prices its weekdays.
void apply_holidays(io::urdb_tariff& t, const holiday_list& holidays);

}  // namespace energy::server::costs
