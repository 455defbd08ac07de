// SPDX-License-Identifier: Apache-2.0
#include "money/local_dates.hpp"

#include <charconv>
#include <cstdio>

namespace energy::server::costs {

std::optional<std::chrono::local_days> parse_local_date(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto number = [&](std::size_t at, std::size_t len, int& out) {
    const auto* first = text.data() + at;
    const auto [ptr, ec] = std::from_chars(first, first + len, out);
    return ec == std::errc{} && ptr == first + len;
  };
  int y = 0, m = 0, d = 0;
  if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 1971 || y > 2200) return std::nullopt;
  return std::chrono::local_days{ymd};
}

std::string format_local_date(std::chrono::local_days day) {
  const std::chrono::year_month_day ymd{day};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

utc_seconds day_start(aggregate::local_calendar& cal, std::chrono::local_days day) {
  const auto noon = cal.zone().first_instant(day + std::chrono::hours(12));
  return cal.day_of(noon).period.start;
}

std::chrono::local_days local_date_of(const aggregate::local_calendar& cal, utc_seconds t) {
  return std::chrono::floor<std::chrono::days>(cal.zone().to_local(t));
}

std::chrono::local_days month_start(std::chrono::local_days day) {
  const std::chrono::year_month_day ymd{day};
  return std::chrono::local_days{ymd.year() / ymd.month() / 1};
}

std::chrono::local_days next_month_start(std::chrono::local_days day) {
  const std::chrono::year_month_day ymd{day};
  return std::chrono::local_days{
      (std::chrono::year_month{ymd.year(), ymd.month()} + std::chrono::months{1}) / 1};
}

std::optional<std::chrono::local_days> date_param(const request& r, std::string_view name) {
  const auto text = r.query_param(name);
  if (!text || text->empty()) return std::nullopt;
  const auto day = parse_local_date(*text);
  if (!day) {
    throw_bad_request(std::string(name) + " must be a local date YYYY-MM-DD (2024-07-01)",
                      std::string(name));
  }
  return day;
}

}  // namespace energy::server::costs
