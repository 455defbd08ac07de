// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the ingest tests: sensors with fixed ids and a fixed "now".
#pragma once

#include <energy/ingest/validate.hpp>
#include <energy/model.hpp>
#include <energy/time.hpp>

#include <map>

namespace energy::ingest::test {

inline uuid id_of(int n) {
  std::array<std::uint8_t, 16> bytes{};
  bytes[6] = 0x70;
  bytes[8] = 0x80;
  bytes[15] = static_cast<std::uint8_t>(n);
  bytes[14] = static_cast<std::uint8_t>(n >> 8);
  return uuid{bytes};
}

inline const uuid building_id = id_of(9000);

inline epoch_seconds at(const char* text) {
  return to_epoch(*parse_utc_timestamp(text));
}

/// 2024-07-01T00:00:00Z: every reading in these tests lies before it.
inline utc_seconds fixed_now() {
  return *parse_utc_timestamp("2024-07-01T00:00:00Z");
}

inline validation_options options_at_fixed_now() {
  validation_options o;
  o.now = fixed_now();
  return o;
}

inline sensor make_sensor(int n, reading_kind kind = reading_kind::interval_energy,
                          std::string unit = "kWh", sensor_type type = sensor_type::electricity) {
  sensor s;
  s.id = id_of(n);
  s.building_id = building_id;
  s.type = type;
  s.kind = kind;
  s.unit = std::move(unit);
  s.interval_seconds = 900;
  s.created_at = *parse_utc_timestamp("2020-01-01T00:00:00Z");
  return s;
}

/// A state_lookup over a map the test controls.
struct state_map {
  std::map<uuid, sample_state> states;
  state_lookup lookup() {
    return [this](const uuid& id) -> std::optional<sample_state> {
      auto it = states.find(id);
      if (it == states.end()) return std::nullopt;
      return it->second;
    };
  }
  void apply(const std::vector<sample_state>& updates) {
    for (const auto& s : updates)
      states[s.sensor_id] = s;
  }
};

}  // namespace energy::ingest::test
