// SPDX-License-Identifier: Apache-2.0
#include <energy/aggregate/calendar.hpp>

#include "core/aggregate/int_math.hpp"

#include <stdexcept>

namespace energy::aggregate {
namespace {

using detail::floor_div;

constexpr std::int64_t seconds_per_day = 86'400;

}  // namespace

local_calendar::local_calendar(const date::time_zone* zone) : zone_(zone) {
  if (zone_ == nullptr) throw std::invalid_argument("local_calendar: null time zone");
}

local_calendar::local_calendar(std::string_view iana_name) : local_calendar(find_zone(iana_name)) {}

const local_calendar::segment& local_calendar::segment_at(epoch_seconds t) {
  if (cache_valid_ && cache_.begin <= t && t < cache_.end) return cache_;
  const auto info = zone_->get_info(from_epoch(t));
  segment s{to_epoch(info.begin), to_epoch(info.end), info.offset.count()};
  // Some transitions change only the abbreviation or the DST flag, not the offset; merging them
  // keeps an hour that straddles such a transition a single bucket. The loops are bounded because
  // every step moves to a strictly earlier/later tz record.
  for (int i = 0; i < 16 && s.begin > to_epoch(date::sys_days{date::year{1800} / 1 / 1}); ++i) {
    const auto prev = zone_->get_info(from_epoch(s.begin - 1));
    if (prev.offset.count() != s.offset) break;
    s.begin = to_epoch(prev.begin);
  }
  for (int i = 0; i < 16 && s.end < to_epoch(date::sys_days{date::year{2400} / 1 / 1}); ++i) {
    const auto next = zone_->get_info(from_epoch(s.end));
    if (next.offset.count() != s.offset) break;
    s.end = to_epoch(next.end);
  }
  cache_ = s;
  cache_valid_ = true;
  return cache_;
}

std::int64_t local_calendar::offset_at(epoch_seconds t) {
  return segment_at(t).offset;
}

void local_calendar::hour_span(epoch_seconds t, epoch_seconds& start, epoch_seconds& end) {
  const segment& s = segment_at(t);
  // floor the wall-clock reading to the hour, go back to UTC, and clip to the offset's validity:
  // where the offset changes inside a wall-clock hour, the hour is cut there.
  const std::int64_t local_hour = floor_div(t + s.offset, 3600) * 3600;
  start = local_hour - s.offset;
  end = start + 3600;
  if (start < s.begin) start = s.begin;
  if (end > s.end) end = s.end;
}

bucket local_calendar::hour_of(utc_seconds t) {
  epoch_seconds start = 0, end = 0;
  hour_span(to_epoch(t), start, end);
  return make_bucket(start, end);
}

epoch_seconds local_calendar::day_start(std::int64_t local_day) {
  const date::local_seconds midnight{std::chrono::seconds{local_day * seconds_per_day}};
  // earliest: an ambiguous midnight (fall-back at 00:00) starts the day at its first occurrence;
  // a skipped midnight (spring-forward at 00:00) yields the transition instant.
  return to_epoch(zone_->to_sys(midnight, date::choose::earliest));
}

std::int64_t local_calendar::day_index(epoch_seconds e, epoch_seconds& start, epoch_seconds& end) {
  std::int64_t day = floor_div(e + segment_at(e).offset, seconds_per_day);
  start = day_start(day);
  end = day_start(day + 1);
  // Only where a fall-back crosses midnight does the wall-clock date disagree with the partition.
  while (e >= end) {
    ++day;
    start = end;
    end = day_start(day + 1);
  }
  while (e < start) {
    --day;
    end = start;
    start = day_start(day);
  }
  return day;
}

bucket local_calendar::make_bucket(epoch_seconds start, epoch_seconds end) {
  return bucket{{from_epoch(start), from_epoch(end)},
                date::local_seconds{std::chrono::seconds{start + segment_at(start).offset}}};
}

bucket local_calendar::day_of(utc_seconds t) {
  epoch_seconds start = 0, end = 0;
  (void)day_index(to_epoch(t), start, end);
  return make_bucket(start, end);
}

bucket local_calendar::month_of(utc_seconds t) {
  epoch_seconds start = 0, end = 0;
  const std::int64_t day = day_index(to_epoch(t), start, end);
  const date::year_month_day ymd{date::local_days{date::days{day}}};
  const date::year_month first = ymd.year() / ymd.month();
  const date::year_month next = first + date::months{1};
  return make_bucket(day_start(date::local_days{first / 1}.time_since_epoch().count()),
                     day_start(date::local_days{next / 1}.time_since_epoch().count()));
}

bucket local_calendar::bucket_of(resolution res, utc_seconds t) {
  switch (res) {
    case resolution::hour:
      return hour_of(t);
    case resolution::day:
      return day_of(t);
    case resolution::month:
      return month_of(t);
  }
  throw std::invalid_argument("local_calendar: unknown resolution");
}

}  // namespace energy::aggregate
