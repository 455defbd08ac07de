// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL store's readings: COPY-based writes with dirty marks, and reads.
#include "postgres_store.hpp"
#include "binary_copy.hpp"

namespace energy::storage {

using namespace postgres_detail;

write_result postgres_store::write_readings(const reading_rows& rows,
                                            std::span<const sample_state> states) {
  check_sensors(rows);
  std::vector<std::int64_t> days;
  for (auto t : rows.ts) {
    const auto d = epoch_day(t);
    if (days.empty() || days.back() != d) days.push_back(d);
  }
  make_partitions(days);
  try {
    return write_once(rows, states);
  } catch (const partition_missing&) {
    // Retention dropped a day this process remembered: create it again and write again.
    pool_->forget_partitions();
    if (group_) group_->created_days.clear();
    make_partitions(days);
    try {
      return write_once(rows, states);
    } catch (const partition_missing& e) {
      throw storage_error(std::string("postgres write_readings: ") + e.what(), false);
    }
  }
}

void postgres_store::make_partitions(const std::vector<std::int64_t>& days) {
  // Outside a group, or in one that has run nothing yet (so holds no lock on `readings`): made
  // and committed apart, before this write.
  if (!group_ || !group_->used) {
    pool_->ensure_partitions(days);
    return;
  }
  // The group may hold a lock on `readings`, and creation waits for every session using it: the
  // group creates its days itself. It does not wait for another session's creation (which may be
  // waiting for this group's lock): it is lost instead, retryably, and its days are made before it
  // runs again (begin_group), while it holds nothing.
  const auto not_made = [&](const std::vector<std::int64_t>& wanted) {
    std::vector<std::int64_t> out;
    for (auto d : pool_->missing_partitions(wanted))
      if (!group_->created_days.contains(d)) out.push_back(d);
    return out;
  };
  const auto needed = not_made(days);
  if (needed.empty()) return;
  const auto missing = not_made(pool_->with_days_after(needed));
  bool busy = false;
  try {
    in_write_tx("create partitions", [&](pqxx::dbtransaction& t) {
      try {
        pool_->create_partitions(t, missing, false);
      } catch (const postgres_pool::partition_creator_busy&) {
        busy = true;  // a storage_error leaves in_group as it is: the group is marked lost below
        throw storage_error(
            "postgres write_readings: another session is creating partitions while this write "
            "group needs one; nothing of the group is stored, run it again",
            true);
      }
    });
  } catch (const storage_error&) {
    pool_->want_partitions(missing);
    if (busy) group_->lost = true;  // its locks must go: rollback_group, then the group runs again
    throw;
  }
  group_->created_days.insert(missing.begin(), missing.end());
}

void postgres_store::scan_readings(const uuid& sensor_id, time_range range, std::size_t chunk_rows,
                                   const reading_chunk_sink& sink) {
  scan<reading_rows>(
      "scan_readings", scan_readings_sql, chunk_rows, sink,
      [](reading_rows& out, const pqxx::row& r) { push_reading(out, r); }, sensor_id.to_string(),
      query_bound(range.start), query_bound(range.end));
}

void postgres_store::scan_building_readings(const uuid& building_id, time_range range,
                                            std::size_t chunk_rows,
                                            const reading_chunk_sink& sink) {
  scan<reading_rows>(
      "scan_building_readings", scan_building_readings_sql, chunk_rows, sink,
      [](reading_rows& out, const pqxx::row& r) { push_reading(out, r); }, building_id.to_string(),
      query_bound(range.start), query_bound(range.end));
}

std::vector<reading_rows> postgres_store::read_building_readings_many(
    std::span<const building_range> queries) {
  std::vector<reading_rows> out(queries.size());
  if (queries.empty()) return out;
  std::string buildings = "{", starts = "{", ends = "{";
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const char* sep = i ? "," : "";
    buildings += sep + queries[i].building_id.to_string();
    starts += sep + std::to_string(query_bound(queries[i].range.start));
    ends += sep + std::to_string(query_bound(queries[i].range.end));
  }
  for (auto* a : {&buildings, &starts, &ends})
    *a += '}';
  return in_read_tx("read_building_readings_many", [&](pqxx::dbtransaction& t) {
    std::vector<reading_rows> result(queries.size());  // fresh on every attempt
    const auto res = t.exec_prepared("read_building_readings_many", buildings, starts, ends);
    for (const auto& r : res)
      push_reading(result[r[0].as<std::size_t>() - 1], r, 1);
    return result;
  });
}

std::optional<sample_state> postgres_store::get_sample_state(const uuid& sensor_id) {
  return read_one<sample_state>(
      "get_state",
      [](const pqxx::row& r) {
        return sample_state{to_uuid(r[0]), r[1].as<std::int64_t>(), r[2].as<double>()};
      },
      sensor_id.to_string());
}

std::int64_t postgres_store::count_readings() {
  return in_read_tx("count_readings", [&](pqxx::dbtransaction& t) {
    return t.exec_prepared1("count_readings")[0].as<std::int64_t>();
  });
}

void postgres_store::check_sensors(const reading_rows& rows) {
  std::vector<uuid> unknown;
  for (const auto& id : rows.sensor_id)
    if (!known_sensors_.contains(id)) unknown.push_back(id);
  if (unknown.empty()) return;
  std::sort(unknown.begin(), unknown.end());
  unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
  const auto found = in_read_tx("write_readings (sensor check)", [&](pqxx::dbtransaction& t) {
    return t.exec_prepared("known_sensors", uuid_array(unknown));
  });
  for (const auto& r : found)
    known_sensors_.insert(to_uuid(r[0]));
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (!known_sensors_.contains(rows.sensor_id[i]))
      throw storage_error("write_readings: row " + std::to_string(i) +
                              " references unknown sensor " + rows.sensor_id[i].to_string(),
                          false);
}

write_result postgres_store::write_once(const reading_rows& rows,
                                        std::span<const sample_state> states) {
  return in_write_tx("write_readings", [&](pqxx::dbtransaction& w) {
    w.exec("SELECT pg_advisory_xact_lock_shared(" + dirty_lock_key(w, pool_->options().schema) +
           ")");
    check_state_guards(w, states);
    write_result result;
    if (!rows.empty() && !(fast_path_cooldown_ == 0 && copy_directly(w, rows, result))) {
      if (fast_path_cooldown_ > 0) --fast_path_cooldown_;
      // The staging table empties at commit: inside a group it still holds the rows of the
      // group's earlier writes, which must not be merged again.
      if (group_) w.exec0("DELETE FROM staging_readings");
      copy_readings_binary(w, "staging_readings", rows, copy_ts::epoch_bigint);
      try {
        result.inserted = w.exec_prepared1("insert_readings")[0].as<std::size_t>();
      } catch (const pqxx::check_violation& e) {
        throw partition_missing(std::string("a reading lies outside every partition: ") + e.what());
      }
      if (result.inserted < rows.size()) {
        const auto [lo, hi] = std::minmax_element(rows.ts.begin(), rows.ts.end());
        result.replaced = w.exec_prepared1("update_readings", *lo, *hi)[0].as<std::size_t>();
      }
      result.unchanged = rows.size() - result.inserted - result.replaced;
    }
    for (const auto& s : states)
      w.exec_prepared0("put_state", s.sensor_id.to_string(), s.ts, s.raw_value);
    return result;
  });
}

void postgres_store::check_state_guards(pqxx::dbtransaction& w,
                                        std::span<const sample_state> states) {
  for (const auto& s : states) {
    if (!s.guarded) continue;
    const std::string id = s.sensor_id.to_string();
    const auto locked = [&]() -> std::optional<sample_state::point> {
      const auto r = w.exec_prepared("lock_state", id);
      if (r.empty()) return std::nullopt;
      return sample_state::point{r[0][0].as<std::int64_t>(), r[0][1].as<double>()};
    };
    std::optional<sample_state::point> stored = locked();
    // Absent and expected absent: claim it; losing the claim to a concurrent first writer means
    // a state exists now (the put_state at the end overwrites a won claim).
    if (!stored && !s.previous &&
        w.exec_prepared("claim_state", id, s.ts, s.raw_value).affected_rows() == 0)
      stored = locked();
    check_state_guard(s, stored);
  }
}

bool postgres_store::copy_directly(pqxx::dbtransaction& w, const reading_rows& rows,
                                   write_result& result) {
  // A savepoint of our own, not a pqxx::subtransaction: pqxx opens those lazily, at their first
  // pqxx statement, and the binary COPY goes around pqxx.
  w.exec0("SAVEPOINT energy_fast_copy");
  try {
    copy_readings_binary(w, "readings", rows, copy_ts::timestamptz);
  } catch (const pqxx::unique_violation&) {
    w.exec0("ROLLBACK TO SAVEPOINT energy_fast_copy");
    w.exec0("RELEASE SAVEPOINT energy_fast_copy");
    fast_path_cooldown_ = 16;
    return false;
  } catch (const pqxx::check_violation& e) {
    throw partition_missing(std::string("a reading lies outside every partition: ") + e.what());
  }
  // Every row was new: mark each distinct (sensor, UTC hour) dirty.
  std::vector<dirty_hour> marks;
  marks.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    marks.push_back({rows.sensor_id[i], rows.ts[i] - (((rows.ts[i] % 3600) + 3600) % 3600)});
  const day_marks m = to_day_marks(std::move(marks));
  w.exec_prepared0("mark_dirty", m.ids, m.days, m.hours);
  w.exec0("RELEASE SAVEPOINT energy_fast_copy");
  result.inserted = rows.size();
  return true;
}

}  // namespace energy::storage
