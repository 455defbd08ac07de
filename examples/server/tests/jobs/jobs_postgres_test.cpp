// SPDX-License-Identifier: Apache-2.0
// The jobs module on PostgreSQL (the CTest fixture's throwaway server): replicas racing on one
// database run each scheduled period once; leases, the one-unresolved-alert rule and the outbox
// claim hold there too.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <energy/storage/open.hpp>

#include "jobs/alert_book.hpp"
#include "jobs/outbox.hpp"
#include "jobs/run_ledger.hpp"
#include "jobs/schema.hpp"
#include "jobs/service.hpp"
#include "support/one_building.hpp"

using namespace energy;
using namespace energy::server;
using namespace energy::server::jobs;

namespace {

/// A database of its own on the fixture's server: postgresql://.../jobs_<id>.
std::string fresh_database() {
  const char* dir = std::getenv("ENERGY_TEST_SERVERS");
  REQUIRE(dir != nullptr);  // set by the CTest fixture: without it, fail rather than skip
  std::ifstream in(std::string(dir) + "/postgres/postgres.uri");
  std::string uri;
  REQUIRE(std::getline(in, uri));
  std::string name = "jobs_" + uuid::v7().to_string();
  std::erase(name, '-');
  db::open(uri)->exec("CREATE DATABASE " + name);
  return uri.substr(0, uri.rfind('/') + 1) + name;
}

}  // namespace

TEST_CASE("jobs on PostgreSQL: four replicas ticking at once run each period exactly once") {
  const auto uri = fresh_database();
  {
    auto store = storage::open_store_uri(uri);
    auto db = db::open(uri);
    jobs::migrate(*db);
    const auto setup = testing::put_one_building(*store, 2);
    reading_rows rows;
    for (int i = 0; i < 96; ++i)
      for (const auto& s : setup.sensors)
        rows.push_back(s, 1'700'000'000 + 900 * i, 500);
    store->write_readings(rows);
  }
  settings s;
  s.scheduler_enabled = false;
  constexpr int replicas = 4;
  std::atomic<int> ran_aggregate{0};
  std::atomic<int> ran_alerts{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  const auto t = from_epoch(1'700'100'000);
  for (int r = 0; r < replicas; ++r)
    threads.emplace_back([&] {
      try {
        auto store = storage::open_store_uri(uri);
        auto db = db::open(uri);
        service svc(s, uri, nullptr, nullptr);
        for (int pass = 0; pass < 3; ++pass)
          for (const auto& run : svc.tick(t + std::chrono::seconds{pass}, *store, *db)) {
            if (run.state != run_state::succeeded) ++failures;
            if (run.key.job == "aggregate") ++ran_aggregate;
            if (run.key.job == "alerts") ++ran_alerts;
          }
      } catch (...) {
        ++failures;
      }
    });
  for (auto& th : threads)
    th.join();
  CHECK(failures == 0);
  CHECK(ran_aggregate == 1);
  CHECK(ran_alerts == 1);
  auto db = db::open(uri);
  const auto rows = db->query("SELECT job, state, attempts FROM job_runs ORDER BY job");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].text(0) == "aggregate");
  CHECK(rows[0].text(1) == "succeeded");
  CHECK(rows[0].integer(2) == 1);
  // The aggregation really ran: the summaries are there.
  auto store = storage::open_store_uri(uri);
  CHECK(store->backend().claim_dirty(10).hours.empty());
}

TEST_CASE("jobs on PostgreSQL: an expired lease is taken over, the late owner cannot finish") {
  const auto uri = fresh_database();
  auto db = db::open(uri);
  jobs::migrate(*db);
  run_ledger dead(*db, "dead");
  run_ledger next(*db, "next");
  const run_key key{"aggregate", 3600, run_trigger::schedule};
  REQUIRE(dead.try_acquire(key, 3600, 60));
  CHECK_FALSE(next.try_acquire(key, 3659, 60));
  CHECK(next.try_acquire(key, 3660, 60));
  CHECK_FALSE(dead.finish(key, run_state::succeeded, {}, std::nullopt, 3661, 3661));
  CHECK(next.finish(key, run_state::succeeded, {{"rounds", 2}}, std::nullopt, 3662, 3662));
  const auto rec = next.get(key);
  REQUIRE(rec);
  CHECK(rec->attempts == 2);
  CHECK(rec->counts["rounds"] == 2);
  CHECK(next.list(0, 10'000, 10, std::string("aggregate")).size() == 1);
}

TEST_CASE("jobs on PostgreSQL: one unresolved alert per condition, outbox claimed once") {
  const auto uri = fresh_database();
  auto db = db::open(uri);
  jobs::migrate(*db);
  alert_rule rule{.id = uuid::v7(),
                  .tenant_id = uuid::v7(),
                  .building_id = uuid::v7(),
                  .name = "cap",
                  .threshold = 1000,
                  .emails = {"ops@example.test"}};
  finding f{.what = condition::threshold, .holds = true, .summary = "over"};
  alert_book book(*db);
  CHECK(book.apply(rule, f, 100) == alert_change::opened);
  CHECK(book.apply(rule, f, 200) == alert_change::still_open);
  CHECK_THROWS_AS(db->exec("INSERT INTO alerts (id, tenant_id, building_id, config_id, "
                           "condition, state, severity, summary, details, opened_at, "
                           "last_seen_at) VALUES ('x', 't', 'b', $1, 'threshold', 'open', "
                           "'warning', '', '{}', 1, 1)",
                           {rule.id.to_string()}),
                  db::constraint_violation);
  auto other = db::open(uri);
  auto first = outbox(*db).claim_due(100, 10, 60);
  auto second = outbox(*other).claim_due(100, 10, 60);
  CHECK(first.size() == 1);
  CHECK(second.empty());
  const auto page = book.list(rule.tenant_id, std::string("open"), 10);
  REQUIRE(page.size() == 1);
  CHECK(book.acknowledge(rule.tenant_id, page[0].id, "ops", "seen", 300)->state == "acknowledged");
}
