// SPDX-License-Identifier: Apache-2.0
#include <energy/aggregate/refresh.hpp>

#include <energy/aggregate/aggregator.hpp>
#include <energy/aggregate/calendar.hpp>
#include <energy/storage/bulk_readings.hpp>
#include <energy/storage/bulk_summaries.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

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
 * Recomputes the coarser buckets (days from hours, months from days) that contain `fresh` rows,
 * in two steps so that many buildings share one store round trip: the constructor groups `fresh`
 * by (subject, coarse bucket) and lists the store reads needed (`queries`); `finish` rolls up,
 * given what the store returned. It keeps references to its arguments: they must outlive it.
 * For each group: when `complete_ranges` cover the bucket entirely (all of its finer rows were just
 * recomputed from raw readings), the finer rows come from `complete`; otherwise the store's finer
 * rows are overlaid with the fresh ones. Either way the coarse row is the exact sum of the finer
 * rows that the store holds after the commit.
 */
class resum {
 public:
  resum(local_calendar& cal, const std::vector<summary_row>& fresh, resolution target,
        const std::vector<time_range>& complete_ranges, const std::vector<summary_row>& complete)
      : cal_(cal), fresh_(fresh), target_(target), complete_(complete) {
    finer_ = fresh.empty() ? resolution::hour : fresh.front().res;
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
        query = static_cast<std::ptrdiff_t>(queries_.size());
        queries_.push_back({first.scope, first.subject_id, first.type, finer_, coarse.period});
      }
      groups_.push_back({i, j, coarse, query});
      i = j;
    }
  }

  /// The store reads this roll-up needs, in the order `finish` expects their results.
  [[nodiscard]] const std::vector<storage::summary_query>& queries() const { return queries_; }

  /// The coarse rows; `stored[k]` answers `queries()[k]`.
  [[nodiscard]] std::vector<summary_row> finish(std::span<std::vector<summary_row>> stored) {
    std::vector<summary_row> out;
    for (const group& g : groups_) {
      const summary_row& first = fresh_[g.begin];
      std::vector<summary_row> parts;
      if (g.query < 0) {
        const auto src = rows_in(complete_, first, finer_, g.coarse.period);
        parts.assign(src.begin(), src.end());
      } else {
        std::map<utc_seconds, summary_row> merged;
        for (summary_row& r : stored[static_cast<std::size_t>(g.query)])
          merged[r.period.start] = r;
        for (std::size_t k = g.begin; k < g.end; ++k)
          merged[fresh_[k].period.start] = fresh_[k];
        for (auto& [start, r] : merged)
          parts.push_back(r);
      }
      for (const summary_row& r : roll_up(parts, target_, cal_))
        out.push_back(r);
    }
    return out;
  }

 private:
  struct group {
    std::size_t begin, end;
    bucket coarse;
    std::ptrdiff_t query;  // index into `queries_`, or -1 when `complete_` covers the bucket
  };
  local_calendar& cal_;
  const std::vector<summary_row>& fresh_;
  resolution target_;
  resolution finer_;
  const std::vector<summary_row>& complete_;
  std::vector<group> groups_;
  std::vector<storage::summary_query> queries_;
};

/// Runs the roll-ups of many buildings with one `read_summaries_many` call for all of them.
std::vector<std::vector<summary_row>> finish_all(storage::store& store, std::vector<resum>& plans) {
  std::vector<storage::summary_query> queries;
  for (const resum& p : plans)
    queries.insert(queries.end(), p.queries().begin(), p.queries().end());
  auto stored = storage::read_summaries_many(store, queries);
  std::vector<std::vector<summary_row>> out;
  std::size_t offset = 0;
  for (resum& p : plans) {
    const std::size_t n = p.queries().size();
    out.push_back(p.finish(std::span(stored).subspan(offset, n)));
    offset += n;
  }
  return out;
}

bool aggregated(const sensor& s) noexcept {
  return s.type != sensor_type::temperature && s.kind != reading_kind::instantaneous_value;
}

/**
 * Sensor metadata for one run of the job. Many dirty sensors are looked up with one
 * list_all_sensors call rather than one get_sensor each (a round trip per sensor dominates over a
 * network); after that, a building's sensors come from the listing instead of list_sensors.
 */
class sensor_directory {
 public:
  explicit sensor_directory(storage::store& store) : store_(store) {}

  /// Lists every sensor once when `claim` names many that are not known yet.
  void prepare(const storage::dirty_claim& claim) {
    if (listed_all_) return;
    constexpr std::size_t list_all_threshold = 64;
    std::size_t unknown = 0;
    for (const storage::dirty_hour& mark : claim.hours)
      if (!known_.contains(mark.sensor_id) && ++unknown > list_all_threshold) break;
    if (unknown <= list_all_threshold) return;
    for (sensor& s : store_.list_all_sensors())
      remember(std::move(s));
    listed_all_ = true;
  }

  /// @throws storage_error when the store does not hold the sensor of a dirty mark.
  const sensor& of_mark(const storage::dirty_hour& mark) {
    if (const auto it = known_.find(mark.sensor_id); it != known_.end()) return it->second;
    auto s = store_.get_sensor(mark.sensor_id);
    if (!s)
      throw storage_error("refresh_summaries: dirty hour " + format_utc(from_epoch(mark.hour)) +
                              " names sensor " + mark.sensor_id.to_string() +
                              ", which the store does not hold",
                          false);
    return remember(std::move(*s));
  }

  std::vector<sensor> of_building(const uuid& building_id) {
    if (!listed_all_) return store_.list_sensors(building_id);
    std::vector<sensor> out;
    if (const auto it = by_building_.find(building_id); it != by_building_.end())
      for (const uuid& id : it->second)
        out.push_back(known_.at(id));
    return out;
  }

  /// Adds to `sensors` those of `rows` it lacks: sensors created after the listing whose readings
  /// are already stored.
  void complete(std::vector<sensor>& sensors, const reading_rows& rows) {
    std::unordered_set<uuid> have;
    for (const sensor& s : sensors)
      have.insert(s.id);
    const uuid* previous = nullptr;
    for (const uuid& id : rows.sensor_id) {
      // Rows come in runs of one sensor (ordered by sensor): one lookup per run, not per row.
      if (previous && *previous == id) continue;
      previous = &id;
      if (have.contains(id)) continue;
      if (auto s = store_.get_sensor(id)) sensors.push_back(remember(std::move(*s)));
      have.insert(id);
    }
  }

 private:
  const sensor& remember(sensor s) {
    const uuid id = s.id;
    const uuid building = s.building_id;
    const auto [it, inserted] = known_.insert_or_assign(id, std::move(s));
    if (inserted) by_building_[building].push_back(id);
    return it->second;
  }

  storage::store& store_;
  std::unordered_map<uuid, sensor> known_;
  std::unordered_map<uuid, std::vector<uuid>> by_building_;
  bool listed_all_ = false;
};

/**
 * The aggregation of building `b`'s reads (those `reads[k]` with `read_owner[k] == owner`),
 * streamed chunk by chunk from the store into an aggregator over the building's current sensors.
 * std::nullopt when a row names a sensor missing from that list (created after it was taken): the
 * caller then reads whole. Adds the rows read to `rows_read` only when it succeeds.
 */
std::optional<aggregator> stream_building(storage::store& store, const building& b,
                                          const std::vector<storage::building_range>& reads,
                                          const std::vector<std::size_t>& read_owner,
                                          std::size_t owner, const aggregator_options& options,
                                          std::size_t& rows_read) {
  const std::vector<sensor> sensors = store.list_sensors(b.id);
  std::unordered_set<uuid> known;
  for (const sensor& s : sensors)
    known.insert(s.id);
  aggregator agg({&b, 1}, sensors, options);
  std::size_t n = 0;
  bool complete = true;
  for (std::size_t k = 0; complete && k < reads.size(); ++k) {
    if (read_owner[k] != owner) continue;
    store.scan_building_readings(reads[k].building_id, reads[k].range,
                                 [&](const reading_rows& chunk) {
                                   // Runs of one sensor: one lookup per run.
                                   for (std::size_t r = 0; r < chunk.size(); ++r)
                                     if ((r == 0 || chunk.sensor_id[r] != chunk.sensor_id[r - 1]) &&
                                         !known.contains(chunk.sensor_id[r]))
                                       return complete = false;
                                   agg.add(chunk);
                                   n += chunk.size();
                                   return true;
                                 });
  }
  if (!complete) return std::nullopt;
  rows_read += n;
  return agg;
}

}  // namespace

refresh_report refresh_summaries(storage::store& store, const refresh_options& options) {
  if (options.max_marks_per_commit == 0)
    throw std::invalid_argument("refresh_summaries: max_marks_per_commit must be at least 1");
  refresh_report report;
  const flat_rate_cost default_cost;
  const cost_model& costs = options.costs ? *options.costs : default_cost;
  const storage::summary_settings settings = store.get_summary_settings();
  if (const std::string id = costs.identity(); id != settings.cost_model)
    throw std::invalid_argument(
        "refresh_summaries: this store's summaries are priced with cost model '" +
        settings.cost_model + "', this run's is '" + id +
        "'; change the store's summary settings to switch (that re-marks every building)");
  if (options.sensor_scope && *options.sensor_scope != settings.sensor_scope)
    throw std::invalid_argument(
        std::string("refresh_summaries: this store keeps per-sensor summaries ") +
        (settings.sensor_scope ? "on" : "off") + ", the run asked for them " +
        (*options.sensor_scope ? "on" : "off") +
        "; change the store's summary settings to switch (that re-marks every building)");
  const bool sensor_scope = settings.sensor_scope;

  sensor_directory directory(store);

  while (report.rounds < options.max_rounds) {
    const storage::dirty_claim claim = store.backend().claim_dirty(options.max_marks_per_commit);
    if (claim.hours.empty()) break;
    report.marks_claimed += claim.hours.size();
    directory.prepare(claim);

    // building -> sensor -> (type, dirty UTC hours). Buildings in id order; a building's sensors
    // in any order (only sets are built from them).
    using sensor_hours_map =
        std::unordered_map<uuid, std::pair<sensor_type, std::vector<epoch_seconds>>>;
    std::map<uuid, sensor_hours_map> dirty;
    for (const storage::dirty_hour& mark : claim.hours) {
      const sensor& s = directory.of_mark(mark);
      if (!aggregated(s)) {
        ++report.marks_skipped;
        continue;
      }
      auto& entry = dirty[s.building_id][mark.sensor_id];
      entry.first = s.type;
      entry.second.push_back(mark.hour);
    }

    // Per building: metadata, the local hour buckets to recompute, and the raw ranges to read.
    struct building_work {
      building b;
      std::vector<sensor> sensors;
      local_calendar cal;
      std::set<std::pair<uuid, epoch_seconds>> sensor_keys;
      std::set<std::pair<sensor_type, epoch_seconds>> building_keys;
      std::vector<time_range> ranges;
      std::vector<summary_row> all_hours, hours;
    };
    std::vector<building_work> work;
    work.reserve(dirty.size());
    for (const auto& [building_id, sensor_hours] : dirty) {
      auto b = store.get_building(building_id);
      if (!b)
        throw storage_error("refresh_summaries: sensor of building " + building_id.to_string() +
                                " is dirty, but the store does not hold that building",
                            false);
      building_work& w = work.emplace_back(building_work{*b,
                                                         directory.of_building(building_id),
                                                         local_calendar(b->time_zone),
                                                         {},
                                                         {},
                                                         {},
                                                         {},
                                                         {}});

      // The local hour buckets that overlap a dirty UTC hour (two per UTC hour in half-hour zones).
      // The building's sensors share most dirty hours: each (type, UTC hour) is expanded once.
      std::map<epoch_seconds, epoch_seconds> spans;
      std::set<std::pair<sensor_type, epoch_seconds>> expanded;
      for (const auto& [sensor_id, type_hours] : sensor_hours) {
        const auto& [type, hours] = type_hours;
        for (const epoch_seconds h : hours) {
          if (!sensor_scope && !expanded.emplace(type, h).second) continue;
          for (epoch_seconds t = h; t < h + 3600;) {
            epoch_seconds start = 0, end = 0;
            w.cal.hour_span(t, start, end);
            if (sensor_scope) w.sensor_keys.emplace(sensor_id, start);
            w.building_keys.emplace(type, start);
            spans.emplace(start, end);
            t = end;
          }
        }
      }
      for (const auto& [start, end] : spans) {
        if (!w.ranges.empty() && w.ranges.back().end == from_epoch(start))
          w.ranges.back().end = from_epoch(end);
        else
          w.ranges.push_back({from_epoch(start), from_epoch(end)});
      }
    }

    // Every building's raw rows in one call (one round trip where the store is remote).
    std::vector<storage::building_range> reads;
    std::vector<std::size_t> read_owner;
    for (std::size_t i = 0; i < work.size(); ++i)
      for (const time_range& r : work[i].ranges) {
        reads.push_back({work[i].b.id, r});
        read_owner.push_back(i);
      }
    // A store whose calls cost a round trip reads every building at once; an in-process store
    // streams each building's rows into its aggregator instead (no copy of the rows is kept).
    storage::bulk_reading_reader* bulk = store.as<storage::bulk_reading_reader>();
    std::vector<reading_rows> raw;
    if (bulk) raw = bulk->read_building_readings_many(reads);

    std::vector<resum> day_plans;
    day_plans.reserve(work.size());
    for (std::size_t i = 0; i < work.size(); ++i) {
      building_work& w = work[i];
      std::optional<aggregator> streamed;
      if (!bulk)
        streamed =
            stream_building(store, w.b, reads, read_owner, i,
                            aggregator_options{sensor_scope, true, &costs}, report.readings_read);
      if (!streamed && !bulk) {
        // A sensor created after the listing has rows in range: read whole and complete the list.
        raw.assign(reads.size(), reading_rows{});
        for (std::size_t k = 0; k < reads.size(); ++k)
          if (read_owner[k] == i)
            raw[k] = store.read_building_readings(reads[k].building_id, reads[k].range);
      }
      if (!streamed)
        for (std::size_t k = 0; k < raw.size(); ++k)
          if (read_owner[k] == i) directory.complete(w.sensors, raw[k]);
      aggregator agg = streamed ? std::move(*streamed)
                                : aggregator({&w.b, 1}, w.sensors,
                                             aggregator_options{sensor_scope, true, &costs});
      if (!streamed)
        for (std::size_t k = 0; k < raw.size(); ++k)
          if (read_owner[k] == i) {
            report.readings_read += raw[k].size();
            agg.add(raw[k]);
          }
      // Every bucket of `ranges` was recomputed for every subject; only the affected ones are
      // written.
      w.all_hours = agg.hourly();
      for (const summary_row& r : w.all_hours) {
        const epoch_seconds start = to_epoch(r.period.start);
        const bool affected = r.scope == summary_scope::sensor
                                  ? w.sensor_keys.contains({r.subject_id, start})
                                  : w.building_keys.contains({r.type, start});
        if (affected) w.hours.push_back(r);
      }
      day_plans.emplace_back(w.cal, w.hours, resolution::day, w.ranges, w.all_hours);
    }
    std::vector<std::vector<summary_row>> days = finish_all(store, day_plans);
    std::vector<resum> month_plans;
    month_plans.reserve(work.size());
    const std::vector<time_range> none;
    const std::vector<summary_row> nothing;
    for (std::size_t i = 0; i < work.size(); ++i)
      month_plans.emplace_back(work[i].cal, days[i], resolution::month, none, nothing);
    std::vector<std::vector<summary_row>> months = finish_all(store, month_plans);

    std::vector<summary_row> rows;
    for (std::size_t i = 0; i < work.size(); ++i) {
      report.hour_buckets += work[i].hours.size();
      report.day_buckets += days[i].size();
      report.month_buckets += months[i].size();
      rows.insert(rows.end(), work[i].hours.begin(), work[i].hours.end());
      rows.insert(rows.end(), days[i].begin(), days[i].end());
      rows.insert(rows.end(), months[i].begin(), months[i].end());
    }
    store.backend().commit_summaries(rows, claim);
    ++report.rounds;
  }
  return report;
}

refresh_report rebuild_summaries(storage::store& store, const uuid& building_id, time_range range,
                                 const refresh_options& options) {
  store.invalidate_summaries(building_id, range);
  return refresh_summaries(store, options);
}

}  // namespace energy::aggregate
