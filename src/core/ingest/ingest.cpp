// SPDX-License-Identifier: Apache-2.0
#include <energy/ingest/ingest.hpp>

#include <algorithm>
#include <cstdint>
#include <unordered_map>

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

ingest_report ingest_batch(storage::store& st, const sensor_directory& directory,
                           const reading_batch& batch, const ingest_options& options,
                           std::span<const rejection> upstream) {
  if (options.chunk_rows == 0)
    throw std::invalid_argument("ingest_batch: chunk_rows must be positive");
  validation_result v = validate_batch(batch, directory, options.validation,
                                       [&st](const uuid& id) { return st.get_sample_state(id); });

  ingest_report report;
  report.received = batch.size() + upstream.size();
  report.accepted = v.accepted;
  report.rejected = v.rejected + upstream.size();
  report.duplicates = v.duplicates;
  report.superseded = v.superseded;
  report.rows = v.rows.size();
  report.rejections.reserve(upstream.size() + v.rejections.size());
  report.rejections.assign(upstream.begin(), upstream.end());
  report.rejections.insert(report.rejections.end(), std::make_move_iterator(v.rejections.begin()),
                           std::make_move_iterator(v.rejections.end()));

  // Each state travels with the chunk holding its sensor's last row (rows are grouped by sensor),
  // so a state is never committed ahead of the rows derived up to it. States of sensors without a
  // row in this batch (a first baseline, a reset) go with the first chunk.
  std::unordered_map<uuid, std::size_t> last_row;
  last_row.reserve(v.states.size());
  constexpr std::size_t no_row = SIZE_MAX;
  for (const auto& s : v.states)
    last_row.emplace(s.sensor_id, no_row);
  if (!last_row.empty())
    for (std::size_t r = 0; r < v.rows.size(); ++r)
      if (auto it = last_row.find(v.rows.sensor_id[r]); it != last_row.end()) it->second = r;

  const std::size_t total = v.rows.size();
  const std::size_t chunks =
      std::max<std::size_t>(1, (total + options.chunk_rows - 1) / options.chunk_rows);
  reading_rows chunk;
  std::vector<sample_state> chunk_states;
  for (std::size_t c = 0; c < chunks; ++c) {
    const std::size_t begin = c * options.chunk_rows;
    const std::size_t end = std::min(total, begin + options.chunk_rows);
    chunk.clear();
    chunk.reserve(end - begin);
    for (std::size_t r = begin; r < end; ++r)
      chunk.push_back(v.rows.sensor_id[r], v.rows.ts[r], v.rows.value[r], v.rows.quality[r]);
    chunk_states.clear();
    for (const auto& s : v.states) {
      const std::size_t r = last_row.at(s.sensor_id);
      if ((r == no_row && c == 0) || (r != no_row && r >= begin && r < end))
        chunk_states.push_back(s);
    }
    if (chunk.empty() && chunk_states.empty()) continue;
    const auto w = st.write_readings(chunk, chunk_states);
    report.inserted += w.inserted;
    report.unchanged += w.unchanged;
    report.replaced += w.replaced;
  }
  return report;
}

ingest_report ingest_batch(storage::store& st, const reading_batch& batch,
                           const ingest_options& options, std::span<const rejection> upstream) {
  const sensor_directory directory(st.list_all_sensors());
  return ingest_batch(st, directory, batch, options, upstream);
}

}  // namespace energy::ingest
