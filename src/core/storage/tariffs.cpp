// SPDX-License-Identifier: Apache-2.0
#include <energy/storage/tariffs.hpp>

#include <cstdio>
#include <stdexcept>
#include <string_view>

namespace energy::storage {

tariff_port* tariffs_of(store& s) noexcept {
  return s.as<tariff_port>();
}

const tariff_version* version_in_effect(std::span<const tariff_version> versions,
                                        std::chrono::year_month_day day) noexcept {
  const tariff_version* best = nullptr;
  for (const auto& v : versions) {
    if (v.effective > day) continue;
    if (!best || v.effective > best->effective ||
        (v.effective == best->effective && v.revision > best->revision))
      best = &v;
  }
  return best;
}

utc_seconds local_midnight(std::chrono::year_month_day day, const time_zone& zone) {
  // A skipped midnight starts the day at the jump; an ambiguous one at its first occurrence.
  return zone.first_instant(std::chrono::local_days{day});
}

time_range tariff_change_range(std::span<const tariff_version> existing,
                               std::chrono::year_month_day effective, const time_zone& zone) {
  std::optional<std::chrono::year_month_day> next;
  for (const auto& v : existing)
    if (v.effective > effective && (!next || v.effective < *next)) next = v.effective;
  return {local_midnight(effective, zone), next ? local_midnight(*next, zone) : all_time().end};
}

std::string format_date(std::chrono::year_month_day day) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

std::optional<std::chrono::year_month_day> parse_date(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int fields[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f)
    for (std::size_t i = starts[f]; i < starts[f] + lengths[f]; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      fields[f] = fields[f] * 10 + (text[i] - '0');
    }
  const std::chrono::year_month_day day{std::chrono::year{fields[0]},
                                        std::chrono::month{static_cast<unsigned>(fields[1])},
                                        std::chrono::day{static_cast<unsigned>(fields[2])}};
  if (!day.ok()) return std::nullopt;
  return day;
}

void check_new_tariff_version(const tariff_version& v) {
  if (!v.effective.ok())
    throw std::invalid_argument("add_tariff_version: the effective date is not a calendar date");
  if (v.urdb_json.empty()) throw std::invalid_argument("add_tariff_version: empty tariff document");
  if (v.holidays)
    for (std::size_t i = 0; i < v.holidays->size(); ++i)
      if (!(*v.holidays)[i].ok())
        throw std::invalid_argument("add_tariff_version: holidays[" + std::to_string(i) +
                                    "] is not a calendar date");
}

std::string format_date_list(const std::vector<std::chrono::year_month_day>& days) {
  std::string out;
  for (std::size_t i = 0; i < days.size(); ++i) {
    if (!days[i].ok())
      throw std::invalid_argument("holidays[" + std::to_string(i) + "] is not a calendar date");
    if (i > 0) out += ',';
    out += format_date(days[i]);
  }
  return out;
}

std::optional<std::vector<std::chrono::year_month_day>> parse_date_list(std::string_view text) {
  std::vector<std::chrono::year_month_day> out;
  if (text.empty()) return out;
  std::size_t from = 0;
  while (true) {
    const auto comma = text.find(',', from);
    const auto day = parse_date(
        text.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from));
    if (!day) return std::nullopt;
    out.push_back(*day);
    if (comma == std::string_view::npos) return out;
    from = comma + 1;
  }
}

}  // namespace energy::storage
