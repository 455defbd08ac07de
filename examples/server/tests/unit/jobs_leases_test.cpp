// SPDX-License-Identifier: Apache-2.0
// Leases and job runs: a scheduled period runs once across replicas; a dead replica's run is
// taken over after its lease; failed runs are retried after the delay.
#include <catch2/catch.hpp>

#include <filesystem>

#include <energy/storage/open.hpp>

#include "jobs/run_ledger.hpp"
#include "jobs/schema.hpp"
#include "jobs/service.hpp"
#include "support/one_building.hpp"

using namespace energy;
using namespace energy::server;
using namespace energy::server::jobs;

namespace {

std::unique_ptr<db::connection> jobs_db() {
  auto c = db::open("sqlite::memory:");
  jobs::migrate(*c);
  return c;
}

/// A database file shared by several "replicas" (each with its own connections).
struct shared_file {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("energy-jobs-" + uuid::v7().to_string() + ".db");
  ~shared_file() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path.string() + suffix, ec);
  }
  [[nodiscard]] std::string uri() const { return "sqlite:" + path.string(); }
};

}  // namespace

TEST_CASE("jobs: periods are aligned to the clock, with the daily job at its UTC hour") {
  const job_definition hourly{"aggregate", 3600, 0};
  CHECK(hourly.period_start(1'700'000'000) == 1'699'999'200);  // 22:00Z
  CHECK(hourly.period_start(1'699'999'200) == 1'699'999'200);  // a boundary belongs to its period
  const job_definition quarter{"alerts", 900, 0};
  CHECK(quarter.period_start(1'700'000'000) == 1'699'999'200);  // 22:13:20 -> 22:00
  CHECK(quarter.period_start(1'700'000'100) == 1'699'999'200 + 900);
  const job_definition daily{"retention", 86400, 2 * 3600};
  // 2023-11-14T22:13:20Z: the period started at 02:00 that day.
  CHECK(daily.period_start(1'700'000'000) == 1'699'920'000 + 7200);
  // 01:00 belongs to the period that started at 02:00 the day before.
  CHECK(daily.period_start(1'699'920'000 + 3600) == 1'699'920'000 - 86400 + 7200);
  CHECK(daily.period_start(-1) == -86400 + 7200);
}

TEST_CASE("jobs: of two replicas racing for one period only the first acquires it") {
  auto c = jobs_db();
  run_ledger a(*c, "replica-a");
  run_ledger b(*c, "replica-b");
  const run_key key{"aggregate", 3600, run_trigger::schedule};
  CHECK(a.try_acquire(key, 3600, 600));
  CHECK_FALSE(b.try_acquire(key, 3601, 600));
  CHECK(a.finish(key, run_state::succeeded, {{"rounds", 1}}, std::nullopt, 3700, 3700));
  // Done for good: not even after the lease time.
  CHECK_FALSE(b.try_acquire(key, 100'000, 600));
  const auto rec = a.get(key);
  REQUIRE(rec);
  CHECK(rec->state == run_state::succeeded);
  CHECK(rec->owner == "replica-a");
  CHECK(rec->counts["rounds"] == 1);
  CHECK(rec->finished_at == 3700);
}

TEST_CASE("jobs: a replica that dies mid-run leaves the period to the next after its lease") {
  auto c = jobs_db();
  run_ledger dead(*c, "dead");
  run_ledger next(*c, "next");
  const run_key key{"alerts", 900, run_trigger::schedule};
  REQUIRE(dead.try_acquire(key, 900, 600));
  CHECK_FALSE(next.try_acquire(key, 1499, 600));  // lease still live
  CHECK(next.try_acquire(key, 1500, 600));        // expired: taken over
  const auto rec = next.get(key);
  REQUIRE(rec);
  CHECK(rec->owner == "next");
  CHECK(rec->attempts == 2);
  // The dead replica, were it only slow, can neither renew nor record its outcome.
  CHECK_FALSE(dead.renew(key, 1501, 600));
  CHECK_FALSE(dead.finish(key, run_state::succeeded, {}, std::nullopt, 1502, 1502));
  CHECK(next.renew(key, 1501, 600));
  CHECK(next.finish(key, run_state::succeeded, {}, std::nullopt, 1600, 1600));
}

TEST_CASE("jobs: a failed run is retried after its retry time, a busy one too") {
  auto c = jobs_db();
  run_ledger l(*c, "r");
  const run_key key{"retention", 7200, run_trigger::schedule};
  REQUIRE(l.try_acquire(key, 7200, 600));
  REQUIRE(l.finish(key, run_state::failed, {}, std::string("database down"), 7210, 7500));
  CHECK_FALSE(l.try_acquire(key, 7499, 600));
  CHECK(l.try_acquire(key, 7500, 600));
  REQUIRE(l.finish(key, run_state::busy, {}, std::nullopt, 7510, 7800));
  CHECK(l.get(key)->state == run_state::busy);
  CHECK(l.try_acquire(key, 7800, 600));
  CHECK(l.get(key)->attempts == 3);
  CHECK_FALSE(l.get(key)->finished_at.has_value());
}

TEST_CASE("jobs: manual runs are recorded apart from the scheduled period of the same second") {
  auto c = jobs_db();
  run_ledger l(*c, "r");
  CHECK(l.try_acquire({"aggregate", 3600, run_trigger::schedule}, 3600, 600));
  CHECK(l.try_acquire({"aggregate", 3600, run_trigger::manual}, 3600, 600));
  CHECK(l.list(0, 10'000, 10).size() == 2);
  CHECK(l.list(0, 10'000, 10, std::string("alerts")).empty());
  CHECK(l.list(3601, 10'000, 10).empty());
}

TEST_CASE("jobs: two replicas ticking on one database run each hourly job once per period") {
  shared_file file;
  auto store_a = storage::open_store_uri(file.uri());
  auto store_b = storage::open_store_uri(file.uri());
  auto db_a = db::open(file.uri());
  auto db_b = db::open(file.uri());
  jobs::migrate(*db_a);
  const auto setup = testing::put_one_building(*store_a, 1);
  reading_rows rows;
  for (int i = 0; i < 8; ++i)
    rows.push_back(setup.sensors[0], 1'700'000'000 + 900 * i, 1000);
  store_a->write_readings(rows);

  settings s;
  s.scheduler_enabled = false;
  service a(s, file.uri(), nullptr, nullptr);
  service b(s, file.uri(), nullptr, nullptr);
  const auto t = from_epoch(1'700'010'000);
  const auto runs_a = a.tick(t, *store_a, *db_a);
  const auto runs_b = b.tick(t + std::chrono::seconds{5}, *store_b, *db_b);
  REQUIRE(runs_a.size() == 2);  // aggregate and alerts (retention is off without an archive)
  CHECK(runs_b.empty());
  for (const auto& r : runs_a)
    CHECK(r.state == run_state::succeeded);
  CHECK(runs_a[0].key.job == "aggregate");
  CHECK(runs_a[0].counts["marks_claimed"].get<int>() > 0);
  CHECK(runs_a[0].counts["hour_buckets"].get<int>() > 0);
  // The next quarter hour: only the alert evaluation is due again, and b takes it.
  const auto later = t + std::chrono::seconds{900};
  const auto runs_b2 = b.tick(later, *store_b, *db_b);
  REQUIRE(runs_b2.size() == 1);
  CHECK(runs_b2[0].key.job == "alerts");
  CHECK(a.tick(later, *store_a, *db_a).empty());
  CHECK(db_a->query("SELECT count(*) FROM job_runs WHERE job = 'aggregate'").front().integer(0) ==
        1);
}

TEST_CASE("jobs: a manual run of an unknown job is refused, of a known one recorded") {
  shared_file file;
  auto store = storage::open_store_uri(file.uri());
  auto db = db::open(file.uri());
  jobs::migrate(*db);
  settings s;
  service svc(s, file.uri(), nullptr, nullptr);
  CHECK_THROWS_AS(svc.run_now("vacuum", from_epoch(3600), *store, *db), std::invalid_argument);
  const auto rec = svc.run_now("aggregate", from_epoch(3600), *store, *db);
  CHECK(rec.key.trigger == run_trigger::manual);
  CHECK(rec.state == run_state::succeeded);
  CHECK(rec.counts["marks_claimed"] == 0);
  // Retention without an archive fails clearly instead of dropping anything.
  const auto ret = svc.run_now("retention", from_epoch(3600), *store, *db);
  CHECK(ret.state == run_state::failed);
  REQUIRE(ret.error);
  CHECK_THAT(*ret.error, Catch::Contains("ENERGY_ARCHIVE"));
}

TEST_CASE("jobs: settings refuse malformed variables naming them") {
  ::setenv("ENERGY_JOB_TICK_SECONDS", "fast", 1);
  CHECK_THROWS_WITH(settings::from_environment(), Catch::Contains("ENERGY_JOB_TICK_SECONDS"));
  ::setenv("ENERGY_JOB_TICK_SECONDS", "5", 1);
  ::setenv("ENERGY_SMTP_URL", "mail.example.com", 1);
  CHECK_THROWS_WITH(settings::from_environment(), Catch::Contains("ENERGY_SMTP_URL"));
  ::setenv("ENERGY_SMTP_URL", "smtp://127.0.0.1:2525", 1);
  const auto s = settings::from_environment();
  CHECK(s.tick == std::chrono::seconds{5});
  CHECK(s.smtp_url == "smtp://127.0.0.1:2525");
  ::unsetenv("ENERGY_JOB_TICK_SECONDS");
  ::unsetenv("ENERGY_SMTP_URL");
  // Every variable read is documented for --help.
  std::size_t documented = 0;
  for (const auto& v : settings::documented())
    documented += v.name.starts_with("ENERGY_") ? 1 : 0;
  CHECK(documented == settings::documented().size());
  CHECK(documented >= 16);
}
