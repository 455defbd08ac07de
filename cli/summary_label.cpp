// SPDX-License-Identifier: Apache-2.0
#include "summary_label.hpp"

#include <fmt/format.h>

namespace energy::cli {

std::string local_label(const summary_row& r) {
  const auto day = std::chrono::floor<std::chrono::days>(r.local_start);
  const std::chrono::year_month_day ymd{day};
  switch (r.res) {
    case resolution::month:
      return fmt::format("{:04}-{:02}", static_cast<int>(ymd.year()),
                         static_cast<unsigned>(ymd.month()));
    case resolution::day:
      return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                         static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    case resolution::hour: {
      const std::chrono::hh_mm_ss<std::chrono::seconds> tod{r.local_start - day};
      return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", static_cast<int>(ymd.year()),
                         static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                         tod.hours().count(), tod.minutes().count());
    }
  }
  return {};
}

}  // namespace energy::cli
