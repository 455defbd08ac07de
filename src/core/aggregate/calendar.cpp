// SPDX-License-Identifier: Apache-2.0
#include <energy/aggregate/calendar.hpp>

#include "core/aggregate/int_math.hpp"
#include "core/time/local_clock.hpp"

#include <stdexcept>

namespace energy::aggregate {
namespace {

using detail::floor_div;

constexpr std::int64_t seconds_per_day = 86'400;

}  // namespace

local_calendar::local_calendar(const time_zone& zone) : zone_(zone) {}

local_calendar::local_calendar(std::string_view iana_name) : local_calendar(time_zone{iana_name}) {}

const local_calendar::segment& local_calendar::segment_at(epoch_seconds t) {
  // The shared offset lookup of the core; the cache check stays here, inline in the hot path.
  if (t < cache_.begin || t >= cache_.end) {
    const auto s = energy::detail::constant_offset_span(energy::detail::native(zone_), t);
    cache_ = {s.begin, s.end, s.offset};
  }
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
  const std::chrono::local_seconds midnight{std::chrono::seconds{local_day * seconds_per_day}};
  // earliest: an ambiguous midnight (fall-back at 00:00) starts the day at its first occurrence;
  // a skipped midnight (spring-forward at 00:00) yields the transition instant.
  return to_epoch(zone_.first_instant(midnight));
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
                std::chrono::local_seconds{std::chrono::seconds{start + segment_at(start).offset}}};
}

bucket local_calendar::day_of(utc_seconds t) {
  epoch_seconds start = 0, end = 0;
  (void)day_index(to_epoch(t), start, end);
  return make_bucket(start, end);
}

bucket local_calendar::month_of(utc_seconds t) {
  epoch_seconds start = 0, end = 0;
  const std::int64_t day = day_index(to_epoch(t), start, end);
  const std::chrono::year_month_day ymd{std::chrono::local_days{std::chrono::days{day}}};
  const std::chrono::year_month first = ymd.year() / ymd.month();
  const std::chrono::year_month next = first + std::chrono::months{1};
  return make_bucket(day_start(std::chrono::local_days{first / 1}.time_since_epoch().count()),
                     day_start(std::chrono::local_days{next / 1}.time_since_epoch().count()));
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
