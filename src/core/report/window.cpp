// SPDX-License-Identifier: Apache-2.0
// Report periods: local calendar weeks, months, quarters and years of the building's zone.
#include <date/tz.h>
#include <fmt/format.h>

#include <stdexcept>

#include "detail.hpp"
#include "core/enum_table.hpp"

namespace energy::report {
namespace detail {

utc_seconds local_midnight(date::local_days day, const time_zone& zone) {
  const auto info = energy::detail::native(zone).get_info(date::local_seconds{day});
  // A zone that springs forward at 00:00 has no midnight that day: the day starts at the jump.
  if (info.result == date::local_info::nonexistent) return info.second.begin;
  // Ambiguous midnight (falls back at 00:00): the earlier instant, so days never overlap.
  return utc_seconds{day.time_since_epoch() - info.first.offset};
}

date::local_days local_day_of(utc_seconds t, const time_zone& zone) {
  return date::floor<date::days>(energy::detail::native(zone).to_local(t));
}

namespace {

date::local_days add_months(date::local_days d, int months) {
  const date::year_month_day ymd{d};
  const auto ym = date::year_month{ymd.year(), ymd.month()} + date::months{months};
  const auto last = date::year_month_day_last{ym.year(), date::month_day_last{ym.month()}}.day();
  return date::local_days{date::year_month_day{ym.year(), ym.month(), std::min(ymd.day(), last)}};
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

date::local_days shift(date::local_days end, period_length length, int n) {
  if (length == period_length::week) return end + date::days{7 * n};
  return add_months(end, months_of(length) * n);
}

std::string format_day(date::local_days d) {
  const date::year_month_day ymd{d};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

}  // namespace detail

period_window make_window(period_length length, date::local_days end, const time_zone& zone) {
  period_window w;
  w.end_day = end;
  w.first_day = detail::shift(end, length, -1);
  w.range = {detail::local_midnight(w.first_day, zone), detail::local_midnight(w.end_day, zone)};
  const date::year_month_day first{w.first_day};
  const date::year_month_day last{w.end_day};
  const bool calendar_aligned = first.day() == date::day{1} && last.day() == date::day{1};
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
                          detail::format_day(w.end_day - date::days{1}));
  }
  return w;
}

date::local_days default_end(period_length length, utc_seconds now, const time_zone& zone) {
  const auto today = detail::local_day_of(now, zone);
  const date::year_month_day ymd{today};
  switch (length) {
    case period_length::week: {
      const date::weekday wd{today};
      return today - date::days{(wd.c_encoding() + 6) % 7};  // back to Monday
    }
    case period_length::month:
      return date::local_days{ymd.year() / ymd.month() / 1};
    case period_length::quarter: {
      const auto m = static_cast<unsigned>(ymd.month());
      return date::local_days{ymd.year() / date::month{(m - 1) / 3 * 3 + 1} / 1};
    }
    case period_length::year:
      return date::local_days{ymd.year() / date::January / 1};
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
