// SPDX-License-Identifier: Apache-2.0
#include "local_dates.hpp"

#include "args.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace energy::cli {

utc_seconds local_date_start(std::string_view option, const std::string& text,
                             const date::time_zone* zone) {
  int y = 0;
  unsigned m = 0, d = 0;
  char dash1 = 0, dash2 = 0;
  if (std::sscanf(text.c_str(), "%4d%c%2u%c%2u", &y, &dash1, &m, &dash2, &d) != 5 || dash1 != '-' ||
      dash2 != '-' || text.size() != 10)
    throw usage_error(fmt::format("--{}: '{}' is not a date YYYY-MM-DD", option, text));
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) throw usage_error(fmt::format("--{}: '{}' is not a calendar date", option, text));
  const auto local = date::local_days{ymd};
  const auto info = zone->get_info(date::local_seconds{local});
  // Midnight may not exist (zones that spring forward at 00:00): take the first instant after the
  // gap.
  if (info.result == date::local_info::nonexistent) return info.second.begin;
  return utc_seconds{local.time_since_epoch() - info.first.offset};
}

}  // namespace energy::cli
