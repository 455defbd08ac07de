// SPDX-License-Identifier: Apache-2.0
#include <energy/aggregate/refresh.hpp>

#include <energy/aggregate/aggregator.hpp>
#include <energy/aggregate/calendar.hpp>
#include <energy/storage/bulk_summaries.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

namespace energy::aggregate {
namespace {

bool same_subject(const summary_row& a, const summary_row& b) noexcept {
  return a.scope == b.scope && a.subject_id == b.subject_id && a.type == b.type;
}

/// Rows of `sorted` (ordered by summary_key_less) with `proto`'s subject and resolution `res`
/// whose period starts in `range`.
std::span<const summary_row> rows_in(const std::vector<summary_row>& sorted,
                                     const summary_row& proto, resolution res, time_range range) {
  summary_row lo = proto, hi = proto;
  lo.res = hi.res = res;
  lo.period.start = range.start;
  hi.period.start = range.end;
  const auto first = std::lower_bound(sorted.begin(), sorted.end(), lo, summary_key_less);
  const auto last = std::lower_bound(first, sorted.end(), hi, summary_key_less);
  return {first, last};
}

/**
 * Recomputes the coarser buckets (days from hours, months from days) that contain `fresh` rows.
 * For each (subject, coarse bucket): when `complete` covers the bucket entirely (all of its finer
 * rows were just recomputed from raw readings), the finer rows come from `complete`; otherwise the
 * store's finer rows are read and overlaid with the fresh ones. Either way the coarse row is the
 * exact sum of the finer rows that the store holds after the commit.
 */
std::vector<summary_row> resum(storage::store& store, local_calendar& cal,
                               const std::vector<summary_row>& fresh, resolution target,
                               const std::vector<time_range>& complete_ranges,
                               const std::vector<summary_row>& complete) {
  const resolution finer = fresh.empty() ? resolution::hour : fresh.front().res;
  // Pass 1: the (subject, coarse bucket) groups of `fresh`, and which need the store's finer rows.
  struct group {
    std::size_t begin, end;
    bucket coarse;
    std::ptrdiff_t query;  // index into `queries`, or -1 when `complete` covers the bucket
  };
  std::vector<group> groups;
  std::vector<storage::summary_query> queries;
  for (std::size_t i = 0; i < fresh.size();) {
    const summary_row& first = fresh[i];
    const bucket coarse = cal.bucket_of(target, first.period.start);
    std::size_t j = i;
    while (j < fresh.size() && same_subject(fresh[j], first) &&
           coarse.period.contains(fresh[j].period.start))
      ++j;
    const bool covered =
        std::any_of(complete_ranges.begin(), complete_ranges.end(), [&](const time_range& r) {
          return r.start <= coarse.period.start && coarse.period.end <= r.end;
        });
    std::ptrdiff_t query = -1;
    if (!covered) {
      query = static_cast<std::ptrdiff_t>(queries.size());
      queries.push_back({first.scope, first.subject_id, first.type, finer, coarse.period});
    }
    groups.push_back({i, j, coarse, query});
    i = j;
  }
  // One call for all of them: a single round trip where the store is across a network.
  auto stored = storage::read_summaries_many(store, queries);

  // Pass 2: overlay the fresh rows on the stored ones and roll up.
  std::vector<summary_row> out;
  for (const group& g : groups) {
    const summary_row& first = fresh[g.begin];
    std::vector<summary_row> parts;
    if (g.query < 0) {
      const auto src = rows_in(complete, first, finer, g.coarse.period);
      parts.assign(src.begin(), src.end());
    } else {
      std::map<utc_seconds, summary_row> merged;
      for (summary_row& r : stored[static_cast<std::size_t>(g.query)])
        merged[r.period.start] = r;
      for (std::size_t k = g.begin; k < g.end; ++k)
        merged[fresh[k].period.start] = fresh[k];
      for (auto& [start, r] : merged)
        parts.push_back(r);
    }
    for (summary_row& r : roll_up(parts, target, cal))
      out.push_back(std::move(r));
  }
  return out;
}

bool aggregated(const sensor& s) noexcept {
  return s.type != sensor_type::temperature && s.kind != reading_kind::instantaneous_value;
}

}  // namespace

refresh_report refresh_summaries(storage::store& store, const refresh_options& options) {
  if (options.max_marks_per_commit == 0)
    throw std::invalid_argument("refresh_summaries: max_marks_per_commit must be at least 1");
  refresh_report report;
  const flat_rate_cost default_cost;
  const cost_model& costs = options.costs ? *options.costs : default_cost;

  // Sensor metadata for the whole run. Many dirty sensors are looked up with one list_all_sensors
  // call rather than one get_sensor each: a round trip per sensor dominates over a network.
  std::unordered_map<uuid, sensor> known;
  bool listed_all = false;
  constexpr std::size_t list_all_threshold = 64;

  while (report.rounds < options.max_rounds) {
    const storage::dirty_claim claim = store.claim_dirty(options.max_marks_per_commit);
    if (claim.hours.empty()) break;
    report.marks_claimed += claim.hours.size();

    if (!listed_all) {
      std::size_t unknown = 0;
      for (const storage::dirty_hour& mark : claim.hours)
        if (!known.contains(mark.sensor_id) && ++unknown > list_all_threshold) break;
      if (unknown > list_all_threshold) {
        for (sensor& s : store.list_all_sensors())
          known.insert_or_assign(s.id, std::move(s));
        listed_all = true;
      }
    }

    // building -> sensor -> dirty UTC hours
    std::map<uuid, std::map<uuid, std::vector<epoch_seconds>>> dirty;
    for (const storage::dirty_hour& mark : claim.hours) {
      auto it = known.find(mark.sensor_id);
      if (it == known.end()) {
        auto s = store.get_sensor(mark.sensor_id);
        if (!s)
          throw storage_error("refresh_summaries: dirty hour " + format_utc(from_epoch(mark.hour)) +
                                  " names sensor " + mark.sensor_id.to_string() +
                                  ", which the store does not hold",
                              false);
        it = known.emplace(mark.sensor_id, std::move(*s)).first;
      }
      if (!aggregated(it->second)) {
        ++report.marks_skipped;
        continue;
      }
      dirty[it->second.building_id][mark.sensor_id].push_back(mark.hour);
    }

    std::vector<summary_row> rows;
    for (const auto& [building_id, sensor_hours] : dirty) {
      const auto b = store.get_building(building_id);
      if (!b)
        throw storage_error("refresh_summaries: sensor of building " + building_id.to_string() +
                                " is dirty, but the store does not hold that building",
                            false);
      const std::vector<sensor> sensors = store.list_sensors(building_id);
      local_calendar cal(b->time_zone);

      // The local hour buckets that overlap a dirty UTC hour (two per UTC hour in half-hour zones).
      std::set<std::pair<uuid, epoch_seconds>> sensor_keys;
      std::set<std::pair<sensor_type, epoch_seconds>> building_keys;
      std::map<epoch_seconds, epoch_seconds> spans;
      for (const auto& [sensor_id, hours] : sensor_hours) {
        const sensor_type type = known.at(sensor_id).type;
        for (const epoch_seconds h : hours) {
          for (epoch_seconds t = h; t < h + 3600;) {
            epoch_seconds start = 0, end = 0;
            cal.hour_span(t, start, end);
            sensor_keys.emplace(sensor_id, start);
            building_keys.emplace(type, start);
            spans.emplace(start, end);
            t = end;
          }
        }
      }
      std::vector<time_range> ranges;
      for (const auto& [start, end] : spans) {
        if (!ranges.empty() && ranges.back().end == from_epoch(start))
          ranges.back().end = from_epoch(end);
        else
          ranges.push_back({from_epoch(start), from_epoch(end)});
      }

      aggregator agg({&*b, 1}, sensors, aggregator_options{true, true, &costs});
      for (const time_range& r : ranges) {
        const reading_rows raw = store.read_building_readings(building_id, r);
        report.readings_read += raw.size();
        agg.add(raw);
      }
      // Every bucket of `ranges` was recomputed for every subject; only the affected ones are
      // written.
      const std::vector<summary_row> all_hours = agg.hourly();
      std::vector<summary_row> hours;
      for (const summary_row& r : all_hours) {
        const epoch_seconds start = to_epoch(r.period.start);
        const bool affected = r.scope == summary_scope::sensor
                                  ? sensor_keys.contains({r.subject_id, start})
                                  : building_keys.contains({r.type, start});
        if (affected) hours.push_back(r);
      }
      std::vector<summary_row> days = resum(store, cal, hours, resolution::day, ranges, all_hours);
      std::vector<summary_row> months = resum(store, cal, days, resolution::month, {}, {});

      report.hour_buckets += hours.size();
      report.day_buckets += days.size();
      report.month_buckets += months.size();
      rows.insert(rows.end(), hours.begin(), hours.end());
      rows.insert(rows.end(), days.begin(), days.end());
      rows.insert(rows.end(), months.begin(), months.end());
    }
    store.commit_summaries(rows, claim);
    ++report.rounds;
  }
  return report;
}

}  // namespace energy::aggregate
