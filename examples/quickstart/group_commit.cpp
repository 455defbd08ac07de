// SPDX-License-Identifier: Apache-2.0
// Demonstrates: group commit — several gateway threads hand their batches to one
// storage::group_writer, which commits the batches waiting together in one SQLite transaction
// (one fsync) and tells each producer its own ingest report once its batch is durable.
#include <energy/ingest/ingest.hpp>
#include <energy/storage/group_writer.hpp>
#include <energy/storage/sqlite.hpp>

#include <cstdio>
#include <filesystem>
#include <future>
#include <memory>
#include <thread>
#include <vector>

int main() {
  using namespace energy;
  const auto file = std::filesystem::temp_directory_path() / "energy-group-commit-example.db";
  std::filesystem::remove(file);
  const auto t0 = *parse_utc_timestamp("2024-01-01T00:00:00Z");
  const tenant acme{uuid::v7(), "Acme Properties", t0};
  const building hq{.id = uuid::v7(), .tenant_id = acme.id, .name = "HQ", .time_zone = "UTC"};
  std::vector<sensor> meters;
  {
    auto db = storage::open_sqlite_store(file);
    db->put_tenant(acme);
    db->put_building(hq);
    for (int m = 0; m < 4; ++m) {
      meters.push_back(sensor{.id = uuid::v7(), .building_id = hq.id, .created_at = t0});
      db->put_sensor(meters.back());
    }
  }
  const ingest::sensor_directory directory(meters);

  // The writer owns its own store (stores are one-thread objects).
  storage::group_writer writer([&] { return storage::open_sqlite_store(file); });

  // Each gateway sends its meter's day of quarter hours, then the same day again (a retry).
  auto gateway = [&](const sensor& meter) {
    reading_batch day;
    for (int i = 0; i < 96; ++i)
      day.push_back(meter.id, to_epoch(t0) + 900 * i, 0.25 + 0.001 * i, 0, i);  // kWh
    std::vector<ingest::ingest_report> reports;
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto report = std::make_shared<ingest::ingest_report>();
      std::promise<std::exception_ptr> durable;
      auto done = durable.get_future();
      const bool queued = writer.submit(
          [&, report](storage::store& st) { *report = ingest::ingest_batch(st, directory, day); },
          [&durable](std::exception_ptr failed) { durable.set_value(failed); }, day.size());
      if (!queued || done.get() != nullptr) return reports;  // busy or failed: retry later
      reports.push_back(*report);
    }
    return reports;
  };
  std::vector<std::future<std::vector<ingest::ingest_report>>> gateways;
  for (const auto& m : meters)
    gateways.push_back(std::async(std::launch::async, gateway, std::cref(m)));

  bool ok = true;
  for (auto& g : gateways) {
    const auto reports = g.get();
    ok = ok && reports.size() == 2 && reports[0].inserted == 96 && reports[1].unchanged == 96;
  }
  writer.stop();
  std::printf("%llu batches in %llu transactions\n",
              static_cast<unsigned long long>(writer.units_committed()),
              static_cast<unsigned long long>(writer.groups_committed()));
  ok = ok && writer.units_committed() == 8 &&
       storage::open_sqlite_store(file)->count_readings() == 4 * 96;
  std::filesystem::remove(file);
  std::puts(ok ? "ok" : "unexpected result");
  return ok ? 0 : 1;
}
