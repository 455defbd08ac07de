// SPDX-License-Identifier: Apache-2.0
// Cross-adapter equality: the same generated readings (two zones, a fall-back day, late
// corrections) aggregated by refresh_summaries through SQLite and PostgreSQL (and the memory
// reference) give identical summaries, to the watt-hour and the micro-dollar.
#include <catch2/catch.hpp>

#include <energy/aggregate/refresh.hpp>
#include <energy/storage/memory.hpp>
#include <energy/storage/postgres.hpp>
#include <energy/storage/sqlite.hpp>

#include "pg_test_support.hpp"

using namespace energy;
using namespace energy::storage;

namespace {

struct data_set {
  std::vector<tenant> tenants;
  std::vector<building> buildings;
  std::vector<sensor> sensors;
  std::vector<reading_rows> batches;
};

data_set generate() {
  data_set d;
  const uuid t = uuid::v7();
  d.tenants.push_back(tenant{t, "Acme", from_epoch(1'700'000'000)});
  const char* zones[] = {"America/New_York", "Europe/Berlin"};
  for (const char* z : zones) {
    building b;
    b.id = uuid::v7();
    b.tenant_id = t;
    b.name = z;
    b.time_zone = z;
    b.flat_rate_per_kwh = money::from_micros(135'530);
    d.buildings.push_back(b);
    for (int i = 0; i < 3; ++i) {
      sensor s;
      s.id = uuid::v7();
      s.building_id = b.id;
      s.type = i == 2 ? sensor_type::gas : sensor_type::electricity;
      s.unit = i == 2 ? "m3" : "kWh";
      s.interval_seconds = i == 2 ? 3600 : 900;
      d.sensors.push_back(s);
    }
  }
  // 2024-10-25 .. 2024-11-06 UTC: Berlin falls back on Oct 27, New York on Nov 3.
  constexpr epoch_seconds start = 1'729'814'400;
  std::uint64_t state = 7;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  reading_rows first, late;
  for (const auto& s : d.sensors)
    for (epoch_seconds ts = start; ts < start + 12 * 86'400; ts += s.interval_seconds) {
      const auto v = static_cast<milli>(next() % 5'000);
      first.push_back(s.id, ts, v, 0);
      if (next() % 50 == 0)
        late.push_back(s.id, ts, v + 1 + static_cast<milli>(next() % 7), 0);  // corrections
    }
  d.batches.push_back(first);
  d.batches.push_back(late);
  return d;
}

std::vector<summary_row> everything(store& s, const data_set& d) {
  std::vector<summary_row> out;
  const time_range all{from_epoch(1'700'000'000), from_epoch(1'800'000'000)};
  for (auto res : {resolution::hour, resolution::day, resolution::month}) {
    for (const auto& b : d.buildings)
      for (auto type : {sensor_type::electricity, sensor_type::gas}) {
        auto rows = s.read_summaries({summary_scope::building, b.id, type, res, all});
        out.insert(out.end(), rows.begin(), rows.end());
      }
    for (const auto& se : d.sensors) {
      auto rows = s.read_summaries({summary_scope::sensor, se.id, se.type, res, all});
      out.insert(out.end(), rows.begin(), rows.end());
    }
  }
  return out;
}

std::vector<summary_row> aggregate_through(store& s, const data_set& d) {
  // Per-sensor summaries too, so that both scopes are compared across adapters.
  s.set_summary_settings({.sensor_scope = true});
  for (const auto& t : d.tenants)
    s.put_tenant(t);
  for (const auto& b : d.buildings)
    s.put_building(b);
  for (const auto& se : d.sensors)
    s.put_sensor(se);
  for (const auto& batch : d.batches) {
    (void)s.write_readings(batch);
    // A run between the batches: late rows re-aggregate.
    (void)aggregate::refresh_summaries(s);
  }
  return everything(s, d);
}

}  // namespace

TEST_CASE(
    "SQLite and PostgreSQL aggregate the same data set into identical summaries to the watt-hour") {
  const auto d = generate();
  auto pg = open_postgres_store(test::postgres_uri(), test::test_options("cross"));
  auto lite = open_sqlite_store(":memory:");
  auto mem = open_memory_store();
  const auto from_pg = aggregate_through(*pg, d);
  const auto from_sqlite = aggregate_through(*lite, d);
  const auto from_memory = aggregate_through(*mem, d);
  REQUIRE(from_pg.size() > 1'000);
  CHECK(from_pg.size() == from_sqlite.size());
  for (std::size_t i = 0; i < std::min(from_pg.size(), from_sqlite.size()); ++i) {
    INFO("summary " << i);
    REQUIRE(from_pg[i] == from_sqlite[i]);
  }
  CHECK(from_pg == from_memory);
  milli total = 0;
  for (const auto& r : from_pg)
    if (r.scope == summary_scope::building && r.res == resolution::month &&
        r.type == sensor_type::electricity)
      total += r.consumption;
  CHECK(total > 0);
}
