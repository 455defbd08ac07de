// SPDX-License-Identifier: Apache-2.0
// A synthetic office in a store for the report tests and benchmarks: 15-minute electricity with an
// occupancy schedule and cooling load, hourly outdoor temperature, summaries aggregated.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string>

#include <energy/aggregate/refresh.hpp>
#include <energy/storage/memory.hpp>
#include <energy/storage/store.hpp>

namespace energy::testing {

struct report_site {
  std::unique_ptr<storage::store> db;
  uuid tenant_id = uuid::v7();
  uuid office;       ///< 15-minute data from `from` to `to` with temperatures
  uuid empty;        ///< an electricity sensor, no readings
  uuid electricity;  ///< the office's meter
};

inline utc_seconds local_midnight_utc(int y, unsigned m, unsigned d, const char* zone) {
  const auto z = find_zone(zone);
  return z.first_instant(
      std::chrono::local_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}});
}

/// Outdoor temperature (°C) at UTC `t`: seasonal plus daily swing.
inline double outdoor_c(epoch_seconds t) {
  constexpr double pi = 3.14159265358979323846;
  const double doy = static_cast<double>(t % (365 * 86400)) / 86400.0;
  const double hour = static_cast<double>((t - 6 * 3600) % 86400) / 3600.0;
  return 11.0 + 13.0 * std::sin(2 * pi * (doy - 110.0) / 365.0) +
         4.0 * std::sin(2 * pi * (hour - 9.0) / 24.0);
}

/// Stores `b` (given a new id) in the site's tenant with one 15-minute electricity meter; the
/// meter's id.
inline uuid put_metered_building(report_site& s, building& b) {
  b.id = uuid::v7();
  b.tenant_id = s.tenant_id;
  s.db->put_building(b);
  sensor e;
  e.id = uuid::v7();
  e.building_id = b.id;
  e.interval_seconds = 900;
  s.db->put_sensor(e);
  return e.id;
}

/// Writes the office building's readings in [from, to) except `skip` (a gap), and aggregates.
inline uuid add_office(report_site& s, const std::string& name, const char* zone, std::int64_t sqft,
                       utc_seconds from, utc_seconds to, time_range skip = {}, double scale = 1.0,
                       std::uint64_t seed = 1, double base_kw = 40.0) {
  building b;
  b.name = name;
  b.address = "1 Main St";
  b.square_footage = sqft;
  b.primary_use = "office";
  b.time_zone = zone;
  const auto meter = put_metered_building(s, b);
  sensor t;
  t.id = uuid::v7();
  t.building_id = b.id;
  t.type = sensor_type::temperature;
  t.kind = reading_kind::instantaneous_value;
  t.unit = "degC";
  t.interval_seconds = 3600;
  s.db->put_sensor(t);
  s.electricity = meter;

  const auto z = find_zone(zone);
  std::mt19937_64 g(seed);
  reading_rows rows;
  for (auto ts = to_epoch(from); ts < to_epoch(to); ts += 900) {
    if (skip.contains(from_epoch(ts))) continue;
    const auto l = z.to_local(from_epoch(ts));
    const auto day = std::chrono::floor<std::chrono::days>(l);
    const int wd = static_cast<int>((std::chrono::weekday{day}.c_encoding() + 6) % 7);
    const auto hour = std::chrono::duration_cast<std::chrono::hours>(l - day).count();
    const bool open = wd < 5 && hour >= 8 && hour < 18;
    const double temp = outdoor_c(ts);
    double kw = base_kw + (open ? 80.0 : 0.0) + 4.0 * std::max(0.0, temp - 18.0);
    kw *= scale * (0.97 + 0.06 * static_cast<double>(g() >> 11) * 0x1.0p-53);
    rows.push_back(meter, ts, static_cast<milli>(std::llround(kw * 250.0)));  // Wh in 15 min
    if (ts % 3600 == 0) rows.push_back(t.id, ts, static_cast<milli>(std::llround(temp * 1000.0)));
  }
  s.db->write_readings(rows);
  (void)aggregate::refresh_summaries(*s.db);
  return b.id;
}

/// The standard site: "Office" (America/Chicago, 50,000 ft²) with data 2023-02-01 .. 2024-04-10
/// local, a 6-hour gap on 2024-03-05 08:00-14:00 local; and "Empty" with a sensor but no data.
inline report_site make_site() {
  report_site s;
  s.db = storage::open_memory_store();
  s.db->put_tenant(tenant{s.tenant_id, "Acme Properties", {}});
  const char* zone = "America/Chicago";
  const auto gap_start = local_midnight_utc(2024, 3, 5, zone) + std::chrono::hours{8};
  s.office = add_office(s, "Office", zone, 50'000, local_midnight_utc(2023, 2, 1, zone),
                        local_midnight_utc(2024, 4, 10, zone),
                        {gap_start, gap_start + std::chrono::hours{6}});
  building e;
  e.id = uuid::v7();
  e.tenant_id = s.tenant_id;
  e.name = "Empty";
  e.time_zone = zone;
  e.square_footage = 10'000;
  s.db->put_building(e);
  sensor es;
  es.id = uuid::v7();
  es.building_id = e.id;
  s.db->put_sensor(es);
  s.empty = e.id;
  return s;
}

/// One site shared by the tests of a process (reports only read it).
inline report_site& site() {
  static report_site s = make_site();
  return s;
}

/// Sum of the stored electricity readings of `sensor` in `range` (the exact reference).
inline milli stored_sum(storage::store& db, const uuid& sensor, time_range range) {
  milli sum = 0;
  for (const auto v : db.read_readings(sensor, range).value)
    sum += v;
  return sum;
}

}  // namespace energy::testing
