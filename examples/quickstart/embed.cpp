// SPDX-License-Identifier: Apache-2.0
// Demonstrates: embedding energy in a BMS — open an embedded SQLite store, register a building and
// a meter, ingest a JSON batch in the seed's format (one bad reading is reported, the rest land),
// bring the summaries up to date and read the building's local-time daily totals. Read this first.
#include <energy/aggregate/refresh.hpp>
#include <energy/ingest/ingest.hpp>
#include <energy/io/json_batch.hpp>
#include <energy/storage/sqlite.hpp>

#include <cstdio>
#include <filesystem>

int main() {
  using namespace energy;
  const auto file = std::filesystem::temp_directory_path() / "energy-embed-example.db";
  std::filesystem::remove(file);
  auto db = storage::open_sqlite_store(file);

  const auto t0 = *parse_utc_timestamp("2024-01-01T00:00:00Z");
  const tenant acme{uuid::v7(), "Acme Properties", t0};
  building hq{.id = uuid::v7(),
              .tenant_id = acme.id,
              .name = "HQ",
              .time_zone = "America/New_York",
              .flat_rate_per_kwh = money::parse("0.1420")};
  sensor meter{.id = uuid::v7(),
               .building_id = hq.id,
               .interval_seconds = 900,
               .max_value = 250.0,
               .created_at = t0};
  db->put_tenant(acme);
  db->put_building(hq);
  db->put_sensor(meter);

  const std::string id = meter.id.to_string();
  const std::string batch =
      R"({"readings": [
    {"sensor_id": ")" +
      id + R"(", "timestamp": "2024-03-10T06:45:00Z", "value_kwh": 12.5},
    {"sensor_id": ")" +
      id + R"(", "timestamp": "2024-03-10T07:00:00Z", "value_kwh": 12.25},
    {"sensor_id": ")" +
      id + R"(", "timestamp": "2024-03-10T07:15:00Z", "value_kwh": "twelve"},
    {"sensor_id": ")" +
      id + R"(", "timestamp": "2024-03-10T12:00:00-04:00", "value_kwh": 30.125}]})";

  const auto parsed = io::parse_json_batch(batch, "example batch");
  const auto report = ingest::ingest_batch(*db, parsed.batch, {}, parsed.rejections);
  for (const auto& r : report.rejections)
    std::printf("rejected: %s (%s)\n", r.detail.c_str(), ingest::to_string(r.why).data());

  aggregate::refresh_summaries(*db);
  const auto days = db->read_summaries({summary_scope::building,
                                        hq.id,
                                        sensor_type::electricity,
                                        resolution::day,
                                        {t0, t0 + std::chrono::days{366}}});
  for (const auto& d : days)
    std::printf("%s local day of %lld h: %s kWh, peak %s kW, cost $%s\n",
                format_local(d.period.start, find_zone(hq.time_zone)).c_str(),
                static_cast<long long>((d.period.end - d.period.start).count() / 3600),
                format_milli(d.consumption).c_str(), format_milli(d.peak_demand).c_str(),
                d.cost.to_string().c_str());

  // 2024-03-10 is the spring-forward day in New York: 23 hours, and the three good readings sum
  // exactly.
  const bool ok = report.inserted == 3 && report.rejected == 1 && days.size() == 1 &&
                  days[0].consumption == 54'875 &&
                  (days[0].period.end - days[0].period.start) == std::chrono::hours{23};
  std::filesystem::remove(file);
  std::puts(ok ? "ok" : "unexpected result");
  return ok ? 0 : 1;
}
