// SPDX-License-Identifier: Apache-2.0
// Report periods: local calendar weeks, months, quarters and years of the building's zone.
#include <fmt/format.h>

#include <stdexcept>

#include "detail.hpp"
#include "core/enum_table.hpp"

namespace energy::report {
namespace detail {

utc_seconds local_midnight(std::chrono::local_days day, const time_zone& zone) {
  // A zone that springs forward at 00:00 has no midnight that day: the day starts at the jump.
  // Ambiguous midnight (falls back at 00:00): the earlier instant, so days never overlap.
  return zone.first_instant(day);
}

std::chrono::local_days local_day_of(utc_seconds t, const time_zone& zone) {
  return std::chrono::floor<std::chrono::days>(zone.to_local(t));
}

namespace {

std::chrono::local_days add_months(std::chrono::local_days d, int months) {
  const std::chrono::year_month_day ymd{d};
  const auto ym = std::chrono::year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
  const auto last =
      std::chrono::year_month_day_last{ym.year(), std::chrono::month_day_last{ym.month()}}.day();
  return std::chrono::local_days{
      std::chrono::year_month_day{ym.year(), ym.month(), std::min(ymd.day(), last)}};
}

int months_of(period_length length) {
  switch (length) {
    case period_length::month:
      return 1;
    case period_length::quarter:
      return 3;
    case period_length::year:
      return 12;
    case period_length::week:
      break;
  }
  return 0;
}

}  // namespace

std::chrono::local_days shift(std::chrono::local_days end, period_length length, int n) {
  if (length == period_length::week) return end + std::chrono::days{7 * n};
  return add_months(end, months_of(length) * n);
}

std::string format_day(std::chrono::local_days d) {
  const std::chrono::year_month_day ymd{d};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

}  // namespace detail

period_window make_window(period_length length, std::chrono::local_days end,
                          const time_zone& zone) {
  period_window w;
  w.end_day = end;
  w.first_day = detail::shift(end, length, -1);
  w.range = {detail::local_midnight(w.first_day, zone), detail::local_midnight(w.end_day, zone)};
  const std::chrono::year_month_day first{w.first_day};
  const std::chrono::year_month_day last{w.end_day};
  const bool calendar_aligned =
      first.day() == std::chrono::day{1} && last.day() == std::chrono::day{1};
  const auto y = static_cast<int>(first.year());
  const auto m = static_cast<unsigned>(first.month());
  if (length == period_length::month && calendar_aligned) {
    w.label = fmt::format("{:04}-{:02}", y, m);
  } else if (length == period_length::quarter && calendar_aligned && (m - 1) % 3 == 0) {
    w.label = fmt::format("{:04}-Q{}", y, (m - 1) / 3 + 1);
  } else if (length == period_length::year && calendar_aligned && m == 1) {
    w.label = fmt::format("{:04}", y);
  } else {
    w.label = fmt::format("{} to {}", detail::format_day(w.first_day),
                          detail::format_day(w.end_day - std::chrono::days{1}));
  }
  return w;
}

std::chrono::local_days default_end(period_length length, utc_seconds now, const time_zone& zone) {
  const auto today = detail::local_day_of(now, zone);
  const std::chrono::year_month_day ymd{today};
  switch (length) {
    case period_length::week: {
      const std::chrono::weekday wd{today};
      return today - std::chrono::days{(wd.c_encoding() + 6) % 7};  // back to Monday
    }
    case period_length::month:
      return std::chrono::local_days{ymd.year() / ymd.month() / 1};
    case period_length::quarter: {
      const auto m = static_cast<unsigned>(ymd.month());
      return std::chrono::local_days{ymd.year() / std::chrono::month{(m - 1) / 3 * 3 + 1} / 1};
    }
    case period_length::year:
      return std::chrono::local_days{ymd.year() / std::chrono::January / 1};
  }
  return today;
}

namespace {
constexpr auto report_type_names = energy::detail::make_enum_table<report_type>(
    "report_type", {{report_type::efficiency, "efficiency"},
                    {report_type::forecast, "forecast"},
                    {report_type::comparison, "comparison"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(report_type) noexcept {
  return report_type_names;
}
std::string_view to_string(report_type t) noexcept {
  return report_type_names.name(t);
}

namespace {
constexpr auto period_length_names = energy::detail::make_enum_table<period_length>(
    "period_length", {{period_length::week, "week"},
                      {period_length::month, "month"},
                      {period_length::quarter, "quarter"},
                      {period_length::year, "year"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(period_length) noexcept {
  return period_length_names;
}
std::string_view to_string(period_length p) noexcept {
  return period_length_names.name(p);
}

report build_report(storage::store& db, const report_request& req) {
  if (req.type == report_type::comparison) return detail::build_comparison(db, req);
  return detail::build_building_report(db, req);
}

}  // namespace energy::report

template struct energy::detail::enum_names<energy::report::report_type>;

template struct energy::detail::enum_names<energy::report::period_length>;
