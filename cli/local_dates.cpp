// SPDX-License-Identifier: Apache-2.0
#include "local_dates.hpp"

#include "args.hpp"

#include <energy/storage/tariffs.hpp>

#include <fmt/format.h>

namespace energy::cli {

utc_seconds local_date_start(std::string_view option, const std::string& text,
                             const time_zone& zone) {
  const auto day = storage::parse_date(text);
  if (!day)
    throw usage_error(fmt::format("--{}: '{}' is not a calendar date YYYY-MM-DD", option, text));
  // Midnight may not exist (zones that spring forward at 00:00): the first instant after the gap.
  return storage::local_midnight(*day, zone);
}

}  // namespace energy::cli
