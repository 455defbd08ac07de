// SPDX-License-Identifier: Apache-2.0
#include "money/holidays.hpp"

#include <string>
#include <unordered_map>

#include "http/message.hpp"
#include "money/local_dates.hpp"

namespace energy::server::costs {

holiday_list read_holidays(const nlohmann::json& field) {
  if (field.is_null()) return std::nullopt;
  if (!field.is_array())
    throw_unprocessable(
        "holidays must be an array of local dates YYYY-MM-DD (null: not known, []: the utility "
        "has none)",
        "/holidays");
  if (field.size() > max_holidays)
    throw_unprocessable("more than " + std::to_string(max_holidays) + " holidays", "/holidays");
  std::vector<std::chrono::year_month_day> out;
  out.reserve(field.size());
  // Day number -> first position: a repeat is named with the date it repeats, in one pass.
  std::unordered_map<std::int64_t, std::size_t> seen;
  seen.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    const auto where = "/holidays/" + std::to_string(i);
    const auto& d = field[i];
    if (!d.is_string())
      throw_unprocessable("a holiday must be a string, a local date YYYY-MM-DD", where);
    const auto day = parse_local_date(d.get<std::string>());
    if (!day) throw_unprocessable("not a calendar date YYYY-MM-DD (years 1971..2200)", where);
    const auto [it, added] = seen.emplace(day->time_since_epoch().count(), i);
    if (!added)
      throw_unprocessable(
          "repeats /holidays/" + std::to_string(it->second) + " (" + format_local_date(*day) + ")",
          where);
    out.emplace_back(*day);
  }
  return out;
}

nlohmann::json holidays_to_json(const holiday_list& holidays) {
  if (!holidays) return nullptr;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : *holidays)
    out.push_back(format_local_date(std::chrono::local_days{d}));
  return out;
}

void apply_holidays(io::urdb_tariff& t, const holiday_list& holidays) {
  t.tariff.holidays = holidays;
}

}  // namespace energy::server::costs
