// SPDX-License-Identifier: Apache-2.0
// The TimescaleDB path (hypertable with daily chunks + compression policy, retention by
// drop_chunks). TimescaleDB is not packaged in Debian, so on a server without the extension this
// program prints why and exits 77, which CTest reports as "Skipped" (SKIP_RETURN_CODE).
// Plain main instead of Catch2: Catch2 v2 has no way to report a skip.
#include <energy/archive/object_store.hpp>
#include <energy/archive/retention.hpp>
#include <energy/storage/postgres.hpp>

#include "pg_test_support.hpp"
#include "support/one_building.hpp"

#include <pqxx/pqxx>

#include <cstdio>
#include <filesystem>

using namespace energy;
using namespace energy::storage;

namespace {
int failures = 0;
void expect(bool ok, const char* what) {
  std::printf("%s: %s\n", ok ? "ok" : "FAILED", what);
  if (!ok) ++failures;
}
}  // namespace

int main() {
  const auto uri = test::postgres_uri();
  {
    pqxx::connection c{uri};
    pqxx::nontransaction n{c};
    if (n.exec1("SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'")[0]
            .as<int>() == 0) {
      std::puts(
          "SKIPPED: the TimescaleDB extension is not installed on this PostgreSQL server (it is "
          "not packaged "
          "in Debian); the native partitioning path is what the other tests exercise. Install "
          "TimescaleDB "
          "and preload it (shared_preload_libraries=timescaledb) to run this test.");
      return 77;
    }
    try {
      n.exec0("CREATE EXTENSION IF NOT EXISTS timescaledb");
    } catch (const std::exception& e) {
      std::printf(
          "SKIPPED: TimescaleDB is installed but cannot be created (is it in "
          "shared_preload_libraries?): %s\n",
          e.what());
      return 77;
    }
  }
  auto options = test::test_options("tsdb");
  auto pool = make_postgres_pool(uri, options);
  auto s = open_postgres_store(pool);
  {
    pqxx::connection c{uri};
    pqxx::nontransaction n{c};
    expect(
        n.exec1("SELECT layout FROM " + options.schema + ".storage_layout")[0].as<std::string>() ==
            "timescaledb",
        "the store chose the TimescaleDB layout");
    expect(n.exec1("SELECT count(*) FROM timescaledb_information.hypertables WHERE "
                   "hypertable_schema = '" +
                   options.schema + "' AND hypertable_name = 'readings'")[0]
                   .as<int>() == 1,
           "readings is a hypertable");
  }
  const uuid id = energy::testing::put_one_building(*s, 1).sensors.front();
  reading_rows rows;
  for (int k = 0; k < 96; ++k)
    rows.push_back(id, 1'717'200'000 + k * 900, k);  // 2024-06-01
  expect(s->write_readings(rows).inserted == 96, "96 readings inserted");
  expect(s->write_readings(rows).unchanged == 96, "re-sent readings unchanged");
  for (auto c = s->backend().claim_dirty(1000); !c.hours.empty();
       c = s->backend().claim_dirty(1000))
    s->backend().commit_summaries({}, c);
  const auto dir = std::filesystem::temp_directory_path() / ("energy-tsdb-" + options.schema);
  auto objects = archive::open_directory_store(dir);
  archive::retention_options o;
  o.now = from_epoch(1'727'784'000);
  const auto report = archive::run_retention(*open_postgres_retention(pool), *objects, o);
  expect(report.days_archived == 1 && report.rows_archived == 96, "the old day was archived");
  expect(s->count_readings() == 0, "drop_chunks removed the archived day");
  std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
