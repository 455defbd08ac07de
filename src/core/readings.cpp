// SPDX-License-Identifier: Apache-2.0
#include <energy/readings.hpp>

#include <energy/error.hpp>

#include <fmt/format.h>

namespace energy {

void reading_batch::reserve(std::size_t n) {
  sensor_id.reserve(n);
  ts.reserve(n);
  value.reserve(n);
  quality.reserve(n);
  source_row.reserve(n);
}

void reading_batch::clear() noexcept {
  sensor_id.clear();
  ts.clear();
  value.clear();
  quality.clear();
  source_row.clear();
}

void reading_batch::push_back(const uuid& sensor, epoch_seconds t, double v, std::uint32_t q,
                              std::int64_t row) {
  sensor_id.push_back(sensor);
  ts.push_back(t);
  value.push_back(v);
  quality.push_back(q);
  source_row.push_back(row < 0 ? static_cast<std::int64_t>(ts.size() - 1) : row);
}

void reading_rows::reserve(std::size_t n) {
  sensor_id.reserve(n);
  ts.reserve(n);
  value.reserve(n);
  quality.reserve(n);
}

void reading_rows::clear() noexcept {
  sensor_id.clear();
  ts.clear();
  value.clear();
  quality.clear();
}

void reading_rows::push_back(const uuid& sensor, epoch_seconds t, milli v, std::uint32_t q) {
  sensor_id.push_back(sensor);
  ts.push_back(t);
  value.push_back(v);
  quality.push_back(q);
}

namespace {
std::string describe(const std::optional<sample_state::point>& p) {
  if (!p) return "none";
  return fmt::format("{} at {}", p->raw_value, format_utc(from_epoch(p->ts)));
}
}  // namespace

void check_state_guard(const sample_state& next, const std::optional<sample_state::point>& stored) {
  if (!next.guarded || stored == next.previous) return;
  throw state_conflict(fmt::format(
      "sensor {}: its last sample changed from {} to {} while this batch was derived (a concurrent "
      "import of the same sensor); nothing was written, derive again from the new state",
      next.sensor_id.to_string(), describe(next.previous), describe(stored)));
}

}  // namespace energy
