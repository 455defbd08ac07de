// SPDX-License-Identifier: Apache-2.0
#include <energy/time.hpp>

#include <date/tz.h>
#include <fmt/format.h>

#include "core/time/native_zone.hpp"

#include <stdexcept>

namespace energy {
namespace {

bool read_digits(std::string_view s, std::size_t& pos, std::size_t count, int& out) noexcept {
  if (pos + count > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += count;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) noexcept {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::optional<utc_seconds> parse_utc_timestamp(std::string_view s, bool allow_fraction) noexcept {
  std::size_t p = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!read_digits(s, p, 4, y) || !expect(s, p, '-') || !read_digits(s, p, 2, mo) ||
      !expect(s, p, '-') || !read_digits(s, p, 2, d))
    return std::nullopt;
  if (p >= s.size() || (s[p] != 'T' && s[p] != 't' && s[p] != ' ')) return std::nullopt;
  ++p;
  if (!read_digits(s, p, 2, h) || !expect(s, p, ':') || !read_digits(s, p, 2, mi) ||
      !expect(s, p, ':') || !read_digits(s, p, 2, se))
    return std::nullopt;
  if (p < s.size() && s[p] == '.') {
    ++p;
    const std::size_t start = p;
    bool nonzero = false;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9')
      nonzero |= s[p++] != '0';
    if (p == start || (nonzero && !allow_fraction)) return std::nullopt;
  }
  int offset_minutes = 0;
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    const int sign = s[p] == '-' ? -1 : 1;
    ++p;
    int oh = 0, om = 0;
    if (!read_digits(s, p, 2, oh)) return std::nullopt;
    expect(s, p, ':');
    if (!read_digits(s, p, 2, om)) return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (p != s.size()) return std::nullopt;
  if (h > 23 || mi > 59 || se > 59) return std::nullopt;  // leap seconds are not representable
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  const auto local = std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
                     std::chrono::seconds{se};
  return utc_seconds{local - std::chrono::minutes{offset_minutes}};
}

std::string format_utc(utc_seconds t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<std::chrono::seconds> tod{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     tod.hours().count(), tod.minutes().count(), tod.seconds().count());
}

namespace {

const date::time_zone* locate(std::string_view iana_name) {
  try {
    return date::locate_zone(iana_name);
  } catch (const std::runtime_error&) {
    throw std::invalid_argument(fmt::format("unknown IANA time zone '{}'", iana_name));
  }
}

}  // namespace

time_zone::time_zone(std::string_view iana_name) : zone_(locate(iana_name)) {}

time_zone time_zone::utc() {
  static const time_zone zone{"Etc/UTC"};
  return zone;
}

std::string_view time_zone::name() const noexcept {
  return detail::native(*this).name();
}

std::chrono::seconds time_zone::offset_at(utc_seconds t) const {
  return detail::native(*this).get_info(t).offset;
}

std::chrono::local_seconds time_zone::to_local(utc_seconds t) const {
  return std::chrono::local_seconds{(t + offset_at(t)).time_since_epoch()};
}

utc_seconds time_zone::first_instant(std::chrono::local_seconds local) const {
  return detail::native(*this).to_sys(detail::to_date_local(local), date::choose::earliest);
}

time_zone find_zone(std::string_view iana_name) {
  return time_zone{iana_name};
}

bool is_valid_zone(std::string_view iana_name) noexcept {
  try {
    return date::locate_zone(iana_name) != nullptr;
  } catch (...) {
    return false;
  }
}

std::string format_local(utc_seconds t, const time_zone& zone) {
  const auto info = detail::native(zone).get_info(t);
  const auto local = t + info.offset;
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<std::chrono::seconds> tod{local - day};
  const auto off = info.offset.count();
  const auto aoff = off < 0 ? -off : off;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
                     static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()), tod.hours().count(), tod.minutes().count(),
                     tod.seconds().count(), off < 0 ? '-' : '+', aoff / 3600, (aoff % 3600) / 60);
}

}  // namespace energy
