// SPDX-License-Identifier: Apache-2.0
#include "money/meter_data.hpp"

#include <algorithm>
#include <map>

#include "http/message.hpp"

namespace energy::server::costs {

billing::interval_series building_electricity(storage::store& store, const building& b,
                                              time_range range) {
  if ((range.end - range.start).count() > max_priced_days * 86'400) {
    throw_unprocessable("the period is longer than " + std::to_string(max_priced_days) +
                        " days; ask for a shorter one");
  }
  std::vector<sensor> meters;
  for (auto& s : store.list_sensors(b.id))
    if (s.type == sensor_type::electricity && s.kind != reading_kind::instantaneous_value)
      meters.push_back(std::move(s));
  if (meters.empty()) {
    throw_unprocessable(
        "the building has no electricity meter, so there is nothing to bill "
        "(add a sensor or import a Green Button file with import_readings=true)");
  }
  const auto interval = meters.front().interval_seconds;
  for (const auto& s : meters) {
    if (s.interval_seconds != interval) {
      throw_unprocessable("the building's electricity meters report at different intervals (" +
                          std::to_string(interval) + " s and " +
                          std::to_string(s.interval_seconds) +
                          " s): their demand cannot be added interval by interval");
    }
  }
  const auto rows = store.read_building_readings(b.id, range);
  std::map<epoch_seconds, std::pair<milli, std::uint32_t>> sum;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& id = rows.sensor_id[i];
    if (std::none_of(meters.begin(), meters.end(), [&](const sensor& s) { return s.id == id; }))
      continue;
    auto& slot = sum[rows.ts[i]];
    slot.first += rows.value[i];
    slot.second |= rows.quality.empty() ? 0U : rows.quality[i];
  }
  billing::interval_series out;
  out.interval_seconds = interval;
  out.start.reserve(sum.size());
  out.energy.reserve(sum.size());
  out.quality.reserve(sum.size());
  for (const auto& [t, v] : sum) {
    out.start.push_back(t);
    out.energy.push_back(v.first);
    out.quality.push_back(v.second);
  }
  return out;
}

}  // namespace energy::server::costs
