// SPDX-License-Identifier: Apache-2.0
// Demonstrates: local-time calendars. A meter in New York reports every 15 minutes through the 2024
// fall-back night; the in-memory store and the aggregation job cut the 25-hour local day into 25
// hourly buckets, with 01:00 twice (EDT, then EST), and the day equals the sum of its hours
// exactly.
#include <energy/aggregate/refresh.hpp>
#include <energy/storage/memory.hpp>

#include <cstdio>

int main() {
  using namespace energy;
  auto db = storage::open_memory_store();
  const auto t0 = *parse_utc_timestamp("2024-01-01T00:00:00Z");
  db->put_tenant({uuid::v7(), "Acme", t0});
  const auto tenant_id = db->list_tenants().front().id;
  const building b{
      .id = uuid::v7(), .tenant_id = tenant_id, .name = "Tower", .time_zone = "America/New_York"};
  const sensor s{.id = uuid::v7(), .building_id = b.id, .interval_seconds = 900, .created_at = t0};
  db->put_building(b);
  db->put_sensor(s);

  // Local 2024-11-03 runs from 04:00Z to 05:00Z the next day: 100 quarter hours of 0.250 kWh.
  reading_rows rows;
  const auto start = *parse_utc_timestamp("2024-11-03T04:00:00Z");
  for (int q = 0; q < 100; ++q)
    rows.push_back(s.id, to_epoch(start) + q * 900, 250);
  db->write_readings(rows);
  aggregate::refresh_summaries(*db);

  const auto zone = find_zone(b.time_zone);
  const time_range day{start, start + std::chrono::hours{25}};
  const auto hours = db->read_summaries(
      {summary_scope::building, b.id, sensor_type::electricity, resolution::hour, day});
  milli sum = 0;
  for (const auto& h : hours) {
    std::printf("%s  %s kWh\n", format_local(h.period.start, zone).c_str(),
                format_milli(h.consumption).c_str());
    sum += h.consumption;
  }
  const auto days = db->read_summaries(
      {summary_scope::building, b.id, sensor_type::electricity, resolution::day, day});
  std::printf("day: %zu hourly buckets, %s kWh\n", hours.size(),
              days.empty() ? "-" : format_milli(days[0].consumption).c_str());
  const bool ok =
      hours.size() == 25 && days.size() == 1 && days[0].consumption == sum && sum == 25'000;
  std::puts(ok ? "ok" : "unexpected result");
  return ok ? 0 : 1;
}
