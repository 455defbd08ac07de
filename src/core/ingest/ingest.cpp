// SPDX-License-Identifier: Apache-2.0
#include <energy/ingest/ingest.hpp>

#include <algorithm>
#include <cstdint>
#include <chrono>
#include <functional>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <energy/error.hpp>

namespace energy::ingest {

void ingest_report::merge(const ingest_report& o) {
  received += o.received;
  accepted += o.accepted;
  rejected += o.rejected;
  duplicates += o.duplicates;
  superseded += o.superseded;
  rows += o.rows;
  inserted += o.inserted;
  unchanged += o.unchanged;
  replaced += o.replaced;
  rejections.insert(rejections.end(), o.rejections.begin(), o.rejections.end());
}

namespace {

/// How often a chunk is derived again after another writer moved one of its sensors' states.
/// Each conflict means that writer committed, so this only runs out under sustained contention.
constexpr int max_state_attempts = 16;

using state_map = std::unordered_map<uuid, std::optional<sample_state>>;

/// Marks each state as guarded by the stored state its rows were derived from.
void guard_states(std::vector<sample_state>& states, const state_map& derived_from) {
  for (auto& s : states) {
    s.guarded = true;
    s.previous.reset();
    if (const auto& p = derived_from.at(s.sensor_id))
      s.previous = sample_state::point{p->ts, p->raw_value};
  }
}

/// The rows of `batch` whose sensor is in `sensors`, and their indices in `batch`.
struct sub_batch {
  reading_batch rows;
  std::vector<std::int64_t> index;
};
sub_batch rows_of(const reading_batch& batch, const std::unordered_set<uuid>& sensors) {
  sub_batch out;
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (sensors.contains(batch.sensor_id[i])) {
      out.rows.push_back(batch.sensor_id[i], batch.ts[i], batch.value[i], batch.quality[i],
                         batch.source_row[i]);
      out.index.push_back(static_cast<std::int64_t>(i));
    }
  return out;
}

/// Validation of a register/power sensor group from one stored state: what it contributed.
struct group_result {
  validation_result v;
  state_map derived_from;
};

group_result derive_group(const sub_batch& sub, const sensor_directory& directory,
                          const validation_options& options,
                          const std::function<std::optional<sample_state>(const uuid&)>& state) {
  group_result g;
  g.v = validate_batch(sub.rows, directory, options, [&](const uuid& id) {
    auto s = state(id);
    g.derived_from[id] = s;
    return s;
  });
  for (auto& r : g.v.rejections)
    r.batch_index = sub.index[static_cast<std::size_t>(r.batch_index)];
  guard_states(g.v.states, g.derived_from);
  return g;
}

}  // namespace

namespace {

// Rethrows a store failure of one chunk; after earlier chunks committed, as ingest_interrupted
// counting them, so the caller does not report durable readings as lost.
[[noreturn]] void throw_interrupted(const storage_error& e, const ingest_report& so_far) {
  if (so_far.inserted + so_far.unchanged + so_far.replaced == 0) throw;
  throw ingest_interrupted(
      std::string(e.what()) + " (" +
          std::to_string(so_far.inserted + so_far.unchanged + so_far.replaced) +
          " readings of this batch in earlier chunks were committed)",
      e.retryable(), so_far.inserted, so_far.unchanged, so_far.replaced);
}

}  // namespace

ingest_report ingest_batch(storage::store& st, const sensor_directory& directory,
                           const reading_batch& batch, const ingest_options& options,
                           std::span<const rejection> upstream) {
  if (options.chunk_rows == 0)
    throw std::invalid_argument("ingest_batch: chunk_rows must be positive");
  // A conflict derives some sensors again; they must be judged against the same instant.
  validation_options vopt = options.validation;
  if (!vopt.now)
    vopt.now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  state_map derived_from;
  validation_result v = validate_batch(batch, directory, vopt, [&](const uuid& id) {
    auto s = st.get_sample_state(id);
    derived_from[id] = s;
    return s;
  });
  // Register/power states are written compare-and-set: a concurrent import of the same sensor
  // that committed in between makes the write fail (nothing written) and the group is derived
  // again from the new state, so any interleaving stores what one sequential import would.
  guard_states(v.states, derived_from);

  ingest_report report;
  report.received = batch.size() + upstream.size();
  report.accepted = v.accepted;
  report.rejected = v.rejected + upstream.size();
  report.duplicates = v.duplicates;
  report.superseded = v.superseded;
  report.rows = v.rows.size();

  // Chunks are ranges of v.rows (grouped by sensor). A register/power sensor's rows are never
  // split: all of them and its new state share one transaction, so the stored state always
  // describes exactly the rows stored (a failure part-way leaves a consistent store, re-sending
  // completes it) and the guard covers every row derived from the old state. Such a run may make
  // its chunk longer than chunk_rows. States of sensors without a row (a first baseline, a reset)
  // go with the first chunk.
  std::unordered_map<uuid, const sample_state*> state_of;
  for (const auto& s : v.states)
    state_of.emplace(s.sensor_id, &s);
  struct chunk_range {
    std::size_t begin, end;
  };
  std::vector<chunk_range> ranges;
  const std::size_t total = v.rows.size();
  {
    std::size_t begin = 0;
    for (std::size_t r = 0; r < total;) {
      std::size_t run_end = r + 1;
      while (run_end < total && v.rows.sensor_id[run_end] == v.rows.sensor_id[r])
        ++run_end;
      if (state_of.contains(v.rows.sensor_id[r])) {
        if (r > begin && run_end - begin > options.chunk_rows) {
          ranges.push_back({begin, r});
          begin = r;
        }
        r = run_end;
      } else {
        for (; r < run_end; ++r)
          if (r - begin == options.chunk_rows) {
            ranges.push_back({begin, r});
            begin = r;
          }
      }
      if (r - begin >= options.chunk_rows) {
        ranges.push_back({begin, r});
        begin = r;
      }
    }
    if (begin < total || ranges.empty()) ranges.push_back({begin, total});
  }

  std::vector<rejection> rejections = std::move(v.rejections);
  std::unordered_set<uuid> with_rows;
  for (std::size_t r = 0; r < total; ++r)
    if (state_of.contains(v.rows.sensor_id[r])) with_rows.insert(v.rows.sensor_id[r]);

  reading_rows chunk;
  std::vector<sample_state> chunk_states;
  for (std::size_t c = 0; c < ranges.size(); ++c) {
    const auto [begin, end] = ranges[c];
    chunk_states.clear();
    for (const auto& s : v.states)
      if (c == 0 && !with_rows.contains(s.sensor_id)) chunk_states.push_back(s);
    for (std::size_t r = begin; r < end; ++r)
      if (const auto it = state_of.find(v.rows.sensor_id[r]);
          it != state_of.end() && (r == begin || v.rows.sensor_id[r - 1] != v.rows.sensor_id[r]))
        chunk_states.push_back(*it->second);
    chunk.clear();
    chunk.reserve(end - begin);
    for (std::size_t r = begin; r < end; ++r)
      chunk.push_back(v.rows.sensor_id[r], v.rows.ts[r], v.rows.value[r], v.rows.quality[r]);
    if (chunk.empty() && chunk_states.empty()) continue;

    std::unordered_set<uuid> group;  // the chunk's register/power sensors, once one conflicted
    std::optional<group_result> previous;  // and their last derivation
    for (int attempt = 1;; ++attempt) {
      try {
        const auto w = st.write_readings(chunk, chunk_states);
        report.inserted += w.inserted;
        report.unchanged += w.unchanged;
        report.replaced += w.replaced;
        break;
      } catch (const state_conflict& e) {
        if (attempt == max_state_attempts) throw_interrupted(e, report);
      } catch (const storage_error& e) {
        throw_interrupted(e, report);
      }
      // Derive this chunk's register/power sensors again from their current states; swap their
      // counts, rows, states and rejections for the new ones.
      if (!previous)
        for (const auto& s : chunk_states)
          group.insert(s.sensor_id);
      const sub_batch sub = rows_of(batch, group);
      if (!previous)
        previous =
            derive_group(sub, directory, vopt, [&](const uuid& id) { return derived_from.at(id); });
      group_result fresh = derive_group(sub, directory, vopt,
                                        [&](const uuid& id) { return st.get_sample_state(id); });
      report.accepted = report.accepted - previous->v.accepted + fresh.v.accepted;
      report.rejected = report.rejected - previous->v.rejected + fresh.v.rejected;
      report.duplicates = report.duplicates - previous->v.duplicates + fresh.v.duplicates;
      report.rows = report.rows - previous->v.rows.size() + fresh.v.rows.size();
      std::erase_if(rejections, [&](const rejection& r) {
        return r.batch_index >= 0 &&
               group.contains(batch.sensor_id[static_cast<std::size_t>(r.batch_index)]);
      });
      rejections.insert(rejections.end(), fresh.v.rejections.begin(), fresh.v.rejections.end());
      reading_rows rest;
      for (std::size_t r = 0; r < chunk.size(); ++r)
        if (!group.contains(chunk.sensor_id[r]))
          rest.push_back(chunk.sensor_id[r], chunk.ts[r], chunk.value[r], chunk.quality[r]);
      for (std::size_t r = 0; r < fresh.v.rows.size(); ++r)
        rest.push_back(fresh.v.rows.sensor_id[r], fresh.v.rows.ts[r], fresh.v.rows.value[r],
                       fresh.v.rows.quality[r]);
      chunk = std::move(rest);
      chunk_states = fresh.v.states;
      previous = std::move(fresh);
    }
  }

  std::stable_sort(
      rejections.begin(), rejections.end(),
      [](const rejection& x, const rejection& y) { return x.batch_index < y.batch_index; });
  report.rejections.reserve(upstream.size() + rejections.size());
  report.rejections.assign(upstream.begin(), upstream.end());
  report.rejections.insert(report.rejections.end(), std::make_move_iterator(rejections.begin()),
                           std::make_move_iterator(rejections.end()));
  return report;
}

ingest_report ingest_batch(storage::store& st, const reading_batch& batch,
                           const ingest_options& options, std::span<const rejection> upstream) {
  const sensor_directory directory(st.list_all_sensors());
  return ingest_batch(st, directory, batch, options, upstream);
}

}  // namespace energy::ingest
