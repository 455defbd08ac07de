// SPDX-License-Identifier: Apache-2.0
// Shared set-up of the aggregation tests: a small portfolio and generated readings.
#pragma once

#include <energy/model.hpp>
#include <energy/readings.hpp>
#include <energy/time.hpp>

#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

namespace energy::test {

struct portfolio {
  tenant owner;
  std::vector<building> buildings;
  std::vector<sensor> sensors;

  building& add_building(const std::string& zone, std::optional<money> rate = std::nullopt) {
    building b;
    b.id = uuid::v7();
    b.tenant_id = owner.id;
    b.name = "building ";
    b.name +=
        std::to_string(buildings.size());  // not `"..." + std::string`: g++ 12 -O3 false -Wrestrict
    b.time_zone = zone;
    b.flat_rate_per_kwh = rate;
    buildings.push_back(b);
    return buildings.back();
  }
  sensor& add_sensor(const building& b, sensor_type type, std::int32_t interval_seconds) {
    sensor s;
    s.id = uuid::v7();
    s.building_id = b.id;
    s.type = type;
    s.kind = type == sensor_type::temperature ? reading_kind::instantaneous_value
                                              : reading_kind::interval_energy;
    s.unit = std::string(canonical_unit(type));
    s.interval_seconds = interval_seconds;
    sensors.push_back(s);
    return sensors.back();
  }
  /// One building in each of `zones`, each with `sensors_each` electricity sensors reporting
  /// every `interval_seconds`.
  void add_metered_buildings(std::initializer_list<const char*> zones, int sensors_each,
                             std::int32_t interval_seconds) {
    for (const char* zone : zones) {
      const building b = add_building(zone);
      for (int s = 0; s < sensors_each; ++s)
        add_sensor(b, sensor_type::electricity, interval_seconds);
    }
  }
};

inline utc_seconds at(const char* text) {
  return *parse_utc_timestamp(text);
}

/// Readings of every sensor on its own interval grid over [start, end), random values 0..max,
/// with ~`gap_percent` of intervals missing. Deterministic for a seed.
inline reading_rows generate(const std::vector<sensor>& sensors, utc_seconds start, utc_seconds end,
                             std::uint64_t seed, milli max_value = 5'000, int gap_percent = 5) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<milli> value(0, max_value);
  std::uniform_int_distribution<int> percent(0, 99);
  reading_rows rows;
  for (const sensor& s : sensors)
    for (epoch_seconds t = to_epoch(start); t < to_epoch(end); t += s.interval_seconds)
      if (percent(rng) >= gap_percent) rows.push_back(s.id, t, value(rng));
  return rows;
}

inline reading_rows subset(const reading_rows& rows, const std::vector<std::size_t>& idx) {
  reading_rows out;
  for (std::size_t i : idx)
    out.push_back(rows.sensor_id[i], rows.ts[i], rows.value[i], rows.quality[i]);
  return out;
}

}  // namespace energy::test
