// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL store's summaries: dirty-hour claims, summary upserts and reads, settings and
// invalidation.
#include "postgres_store.hpp"

namespace energy::storage {

using namespace postgres_detail;

dirty_claim postgres_store::claim_dirty(std::size_t limit) {
  return in_write_tx("claim_dirty", [&](pqxx::dbtransaction& w) {
    w.exec("SELECT pg_advisory_xact_lock(" + dirty_lock_key(w, pool_->options().schema) + ")");
    dirty_claim claim;
    claim.up_to_sequence = w.exec_prepared1("dirty_sequence")[0].as<std::int64_t>();
    const auto capped = static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX));
    // Oldest hour first, then the order of marking (seq), as with one row per hour.
    std::vector<std::tuple<epoch_seconds, std::int64_t, uuid>> found;
    for (const auto& r : w.exec_prepared("claim_dirty", capped)) {
      const uuid id = to_uuid(r[0]);
      const auto day = r[1].as<std::int64_t>();
      const auto hours = r[2].as<std::uint32_t>();
      const auto seq = r[3].as<std::int64_t>();
      for (int h = 0; h < 24; ++h)
        if ((hours >> h) & 1u) found.emplace_back(day + h * std::int64_t{3600}, seq, id);
    }
    std::sort(found.begin(), found.end());
    found.resize(std::min(found.size(), limit));
    for (const auto& [hour, seq, id] : found)
      claim.hours.push_back(dirty_hour{id, hour});
    return claim;
  });
}

void postgres_store::commit_summaries(std::span<const summary_row> rows, const dirty_claim& claim) {
  const day_marks cleared = to_day_marks(claim.hours);
  in_write_tx("commit_summaries", [&](pqxx::dbtransaction& w) {
    if (!rows.empty()) {
      // An aggregation round commits tens of thousands of summaries: COPY them into staging and
      // upsert once, instead of a round trip per row.
      if (group_) w.exec0("DELETE FROM staging_summaries");  // as in write_once
      pqxx::stream_to copy{
          w, "staging_summaries",
          std::vector<std::string>{"seq", "scope", "subject_id", "sensor_type", "resolution",
                                   "period_start", "period_end", "local_start", "consumption",
                                   "peak_demand", "cost_micros", "reading_count"}};
      std::int64_t seq = 0;
      for (const std::size_t i : last_row_per_key(rows)) {
        const summary_row& s = rows[i];
        copy << std::make_tuple(seq++, std::string(to_string(s.scope)), s.subject_id.to_string(),
                                std::string(to_string(s.type)), std::string(to_string(s.res)),
                                to_epoch(s.period.start), to_epoch(s.period.end),
                                static_cast<std::int64_t>(s.local_start.time_since_epoch().count()),
                                s.consumption, s.peak_demand, s.cost.micros(), s.reading_count);
      }
      copy.complete();
      w.exec_prepared0("merge_summaries");
    }
    if (!claim.hours.empty()) {
      w.exec_prepared0("clear_dirty", cleared.ids, cleared.days, cleared.hours,
                       claim.up_to_sequence);
    }
  });
}

void postgres_store::scan_summaries(const summary_query& q, std::size_t chunk_rows,
                                    const summary_chunk_sink& sink) {
  scan<std::vector<summary_row>>(
      "scan_summaries", scan_summaries_sql, chunk_rows, sink,
      [](std::vector<summary_row>& out, const pqxx::row& r) { out.push_back(summary_from(r, 0)); },
      std::string(to_string(q.scope)), q.subject_id.to_string(), std::string(to_string(q.type)),
      std::string(to_string(q.res)), query_bound(q.range.start), query_bound(q.range.end));
}

summary_settings postgres_store::get_summary_settings() {
  return in_read_tx("get_summary_settings",
                    [&](pqxx::dbtransaction& t) { return read_settings(t); });
}

void postgres_store::set_summary_settings(const summary_settings& settings) {
  if (settings.cost_model.empty())
    throw std::invalid_argument("set_summary_settings: cost_model must name a cost model");
  in_write_tx("set_summary_settings", [&](pqxx::dbtransaction& w) {
    // Serialises concurrent setters: the second sees the first's settings and changes nothing.
    w.exec("LOCK TABLE summary_settings IN EXCLUSIVE MODE");
    if (read_settings(w) == settings) return;
    w.exec_prepared0("put_setting", "sensor_scope", settings.sensor_scope ? "on" : "off");
    w.exec_prepared0("put_setting", "cost_model", settings.cost_model);
    for (const auto& r : w.exec_prepared("all_building_ids"))
      invalidate(w, to_uuid(r[0]), all_time());
  });
}

void postgres_store::invalidate_summaries(const uuid& building_id, time_range range) {
  in_write_tx("invalidate_summaries", [&](pqxx::dbtransaction& w) {
    if (w.exec_prepared("get_building", building_id.to_string()).empty())
      throw std::invalid_argument("invalidate_summaries: unknown building " +
                                  building_id.to_string());
    invalidate(w, building_id, range);
  });
}

std::vector<std::vector<summary_row>> postgres_store::read_summaries_many(
    std::span<const summary_query> queries) {
  std::vector<std::vector<summary_row>> out(queries.size());
  if (queries.empty()) return out;
  std::string scopes = "{", subjects = "{", types = "{", resolutions = "{", starts = "{",
              ends = "{";
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const auto& q = queries[i];
    const char* sep = i ? "," : "";
    scopes += sep + std::string(to_string(q.scope));
    subjects += sep + q.subject_id.to_string();
    types += sep + std::string(to_string(q.type));
    resolutions += sep + std::string(to_string(q.res));
    starts += sep + std::to_string(query_bound(q.range.start));
    ends += sep + std::to_string(query_bound(q.range.end));
  }
  for (auto* a : {&scopes, &subjects, &types, &resolutions, &starts, &ends})
    *a += '}';
  return in_read_tx("read_summaries_many", [&](pqxx::dbtransaction& t) {
    std::vector<std::vector<summary_row>> result(queries.size());  // fresh on every attempt
    for (const auto& r :
         t.exec_prepared("read_summaries_many", scopes, subjects, types, resolutions, starts, ends))
      result[r[0].as<std::size_t>() - 1].push_back(summary_from(r, 1));
    return result;
  });
}

summary_settings postgres_store::read_settings(pqxx::transaction_base& t) {
  summary_settings out;
  for (const auto& r : t.exec_prepared("read_settings")) {
    const auto name = r[0].as<std::string>();
    if (name == "sensor_scope")
      out.sensor_scope = r[1].as<std::string>() == "on";
    else if (name == "cost_model")
      out.cost_model = r[1].as<std::string>();
  }
  return out;
}

void postgres_store::invalidate(pqxx::dbtransaction& w, const uuid& building_id, time_range range) {
  const std::string id = building_id.to_string();
  const auto span =
      w.exec_prepared1("readings_span", id, query_bound(range.start), query_bound(range.end));
  if (span[0].is_null()) return;  // no readings: nothing to recompute
  const auto hour_of = [](std::int64_t ts) { return ts - (((ts % 3600) + 3600) % 3600); };
  const std::int64_t span_start = hour_of(span[0].as<std::int64_t>());
  const std::int64_t span_end = hour_of(span[1].as<std::int64_t>()) + 3600;
  std::int64_t mark_start = span_start, mark_end = span_end;
  const auto hull = w.exec_prepared1("overlapping_summaries", id, span_start, span_end);
  if (!hull[0].is_null()) {
    mark_start = std::min(mark_start, hull[0].as<std::int64_t>());
    mark_end = std::max(mark_end, hull[1].as<std::int64_t>());
  }
  w.exec_prepared0("delete_overlapping_summaries", id, span_start, span_end);
  // Writers hold the dirty-mark lock shared while they mark (see claim_dirty).
  w.exec("SELECT pg_advisory_xact_lock_shared(" + dirty_lock_key(w, pool_->options().schema) + ")");
  (void)w.exec_prepared1("mark_building_readings", id, mark_start, mark_end);
}

}  // namespace energy::storage
