// SPDX-License-Identifier: Apache-2.0
// Fixtures of the store contract suite: deterministic ids, a small world of tenant, buildings and
// sensors, and helpers over dirty marks. Included by the files that define checks.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <energy/storage/store.hpp>

namespace energy::conformance {

using storage::dirty_claim;
using storage::dirty_hour;
using storage::store;
using storage::summary_query;
using storage::write_result;

constexpr epoch_seconds t0 = 1719792000;  // 2024-07-01T00:00:00Z, an hour boundary
constexpr epoch_seconds quarter = 900;
constexpr epoch_seconds hour = 3600;

/// Deterministic ids: `tag` separates entity kinds, `n` orders ids of one kind (byte order).
inline uuid make_id(std::uint8_t tag, std::uint8_t n) {
  std::array<std::uint8_t, 16> b{};
  b[0] = tag;
  b[6] = 0x70;  // version 7
  b[8] = 0x80;  // RFC 9562 variant
  b[15] = n;
  return uuid{b};
}

inline time_range range(epoch_seconds start, epoch_seconds end) {
  return {from_epoch(start), from_epoch(end)};
}

inline tenant make_tenant(std::uint8_t n, std::string name) {
  return tenant{make_id(0x10, n), std::move(name), from_epoch(t0 - 86400 * n)};
}

inline building make_building(std::uint8_t n, const tenant& owner, std::string zone) {
  building b;
  b.id = make_id(0x20, n);
  b.tenant_id = owner.id;
  b.name = "Building " + std::to_string(n);
  b.address = std::to_string(n) + " Main Street, Springfield";
  b.square_footage = 10000 * n;
  b.primary_use = "office";
  b.time_zone = std::move(zone);
  b.flat_rate_per_kwh = money::from_micros(135530);
  b.created_at = from_epoch(t0 - 3600 * n);
  return b;
}

inline sensor make_sensor(std::uint8_t n, const building& home) {
  sensor s;
  s.id = make_id(0x30, n);
  s.building_id = home.id;
  s.location = "panel " + std::to_string(n);
  s.created_at = from_epoch(t0 - 7200);
  return s;
}

/// A tenant, two buildings, and sensors: b1 holds s_low and s_high (s_low sorts first by id but
/// is created second), b2 holds s_other.
struct world {
  tenant t = make_tenant(1, "Acme Property Management");
  building b1 = make_building(1, t, "America/New_York");
  building b2 = make_building(2, t, "Europe/London");
  sensor s_high = make_sensor(9, b1);
  sensor s_low = make_sensor(3, b1);
  sensor s_other = make_sensor(5, b2);

  explicit world(store& s) {
    s.put_tenant(t);
    s.put_building(b1);
    s.put_building(b2);
    s.put_sensor(s_high);
    s.put_sensor(s_low);
    s.put_sensor(s_other);
  }
};

template <class T>
inline std::vector<T> sorted_by_id(std::vector<T> v) {
  std::sort(v.begin(), v.end(), [](const T& a, const T& b) { return a.id < b.id; });
  return v;
}

/// The write_result a write must report.
inline write_result counts(std::size_t inserted, std::size_t unchanged, std::size_t replaced) {
  return write_result{inserted, unchanged, replaced};
}

inline std::vector<dirty_hour> sorted(std::vector<dirty_hour> v) {
  std::sort(v.begin(), v.end());
  return v;
}

/// Every dirty mark the store holds (claimed without a limit; claims do not remove marks).
inline std::vector<dirty_hour> all_marks(store& s) {
  return sorted(s.backend().claim_dirty(std::numeric_limits<std::size_t>::max() / 2).hours);
}

/// Clears every dirty mark, as an aggregation run that wrote nothing would.
inline void clear_marks(store& s) {
  const auto claim = s.backend().claim_dirty(std::numeric_limits<std::size_t>::max() / 2);
  s.backend().commit_summaries({}, claim);
  REQUIRE(s.backend().claim_dirty(10).hours.empty());
}

}  // namespace energy::conformance
