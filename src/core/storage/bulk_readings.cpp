// SPDX-License-Identifier: Apache-2.0
#include <energy/storage/bulk_readings.hpp>

namespace energy::storage {

std::vector<reading_rows> read_building_readings_many(store& s,
                                                      std::span<const building_range> queries) {
  if (auto* bulk = s.as<bulk_reading_reader>()) return bulk->read_building_readings_many(queries);
  std::vector<reading_rows> out;
  out.reserve(queries.size());
  for (const auto& q : queries)
    out.push_back(s.read_building_readings(q.building_id, q.range));
  return out;
}

}  // namespace energy::storage
