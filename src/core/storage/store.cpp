// SPDX-License-Identifier: Apache-2.0
#include <energy/storage/store.hpp>

#include "metadata_text.hpp"

#include <stdexcept>
#include <string>

namespace energy::storage {
namespace {

void check_chunk_rows(std::size_t chunk_rows, const char* what) {
  if (chunk_rows == 0)
    throw std::invalid_argument(std::string("store::") + what + ": chunk_rows must be at least 1");
}

void append(reading_rows& out, const reading_rows& chunk) {
  out.sensor_id.insert(out.sensor_id.end(), chunk.sensor_id.begin(), chunk.sensor_id.end());
  out.ts.insert(out.ts.end(), chunk.ts.begin(), chunk.ts.end());
  out.value.insert(out.value.end(), chunk.value.begin(), chunk.value.end());
  out.quality.insert(out.quality.end(), chunk.quality.begin(), chunk.quality.end());
}

}  // namespace

store::store(std::unique_ptr<adapter> backend) : adapter_(std::move(backend)) {
  if (!adapter_) throw std::invalid_argument("storage::store: the adapter is null");
}

store::~store() = default;

void store::put_tenant(const tenant& t) {
  detail::check_metadata_text(t);
  adapter_->put_tenant(t);
}

void store::put_building(const building& b) {
  detail::check_metadata_text(b);
  adapter_->put_building(b);
}

void store::put_sensor(const sensor& s) {
  detail::check_metadata_text(s);
  adapter_->put_sensor(s);
}

void store::put_alert_config(const alert_config& a) {
  detail::check_metadata_text(a);
  adapter_->put_alert_config(a);
}

void store::scan_readings(const uuid& sensor_id, time_range range, const reading_chunk_sink& sink,
                          std::size_t chunk_rows) {
  check_chunk_rows(chunk_rows, "scan_readings");
  adapter_->scan_readings(sensor_id, range, chunk_rows, sink);
}

void store::scan_building_readings(const uuid& building_id, time_range range,
                                   const reading_chunk_sink& sink, std::size_t chunk_rows) {
  check_chunk_rows(chunk_rows, "scan_building_readings");
  adapter_->scan_building_readings(building_id, range, chunk_rows, sink);
}

void store::scan_summaries(const summary_query& q, const summary_chunk_sink& sink,
                           std::size_t chunk_rows) {
  check_chunk_rows(chunk_rows, "scan_summaries");
  adapter_->scan_summaries(q, chunk_rows, sink);
}

reading_rows store::read_readings(const uuid& sensor_id, time_range range) {
  reading_rows out;
  adapter_->scan_readings(sensor_id, range, default_chunk_rows, [&](const reading_rows& chunk) {
    append(out, chunk);
    return true;
  });
  return out;
}

reading_rows store::read_building_readings(const uuid& building_id, time_range range) {
  reading_rows out;
  adapter_->scan_building_readings(building_id, range, default_chunk_rows,
                                   [&](const reading_rows& chunk) {
                                     append(out, chunk);
                                     return true;
                                   });
  return out;
}

std::vector<summary_row> store::read_summaries(const summary_query& q) {
  std::vector<summary_row> out;
  adapter_->scan_summaries(q, default_chunk_rows, [&](std::span<const summary_row> chunk) {
    out.insert(out.end(), chunk.begin(), chunk.end());
    return true;
  });
  return out;
}

}  // namespace energy::storage
