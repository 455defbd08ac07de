// SPDX-License-Identifier: Apache-2.0
// PostgreSQL-specific behaviour of energy::postgres (the shared contract is tests/conformance).
#include <catch2/catch.hpp>

#include <energy/quality.hpp>
#include <energy/storage/bulk_readings.hpp>
#include <energy/storage/group_commit.hpp>
#include <energy/storage/memory.hpp>
#include <energy/storage/postgres.hpp>

#include "pg_test_support.hpp"
#include "support/concurrent_imports.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <tuple>

using namespace energy;
using namespace energy::storage;

namespace {

struct fixture_ids {
  uuid tenant_id = uuid::v7();
  uuid building_id = uuid::v7();
  uuid sensor_a = uuid::v7();
  uuid sensor_b = uuid::v7();
};

fixture_ids seed(store& s) {
  fixture_ids f;
  s.put_tenant(tenant{f.tenant_id, "Acme", from_epoch(1'700'000'000)});
  building b;
  b.id = f.building_id;
  b.tenant_id = f.tenant_id;
  b.name = "HQ";
  b.time_zone = "America/New_York";
  b.flat_rate_per_kwh = money::from_micros(135'530);
  b.square_footage = 120'000;
  s.put_building(b);
  for (auto id : {f.sensor_a, f.sensor_b}) {
    sensor se;
    se.id = id;
    se.building_id = f.building_id;
    se.max_value = 0.1 + 0.2;  // not exactly representable: must round-trip bit for bit
    s.put_sensor(se);
  }
  return f;
}

std::int64_t scalar(const std::string& uri, const std::string& sql) {
  pqxx::connection c{uri};
  pqxx::nontransaction n{c};
  return n.exec1(sql)[0].as<std::int64_t>();
}

}  // namespace

TEST_CASE("opening a fresh schema applies every migration once and records it") {
  const auto uri = test::postgres_uri();
  auto o = test::test_options();
  { auto s = open_postgres_store(uri, o); }
  { auto s = open_postgres_store(uri, o); }  // second open: nothing to apply
  CHECK(scalar(uri, "SELECT count(*) FROM " + o.schema + ".schema_migrations") ==
        postgres_schema_version());
  CHECK(scalar(uri, "SELECT max(version) FROM " + o.schema + ".schema_migrations") ==
        postgres_schema_version());
}

TEST_CASE("a schema newer than the library is refused with a non-retryable error") {
  const auto uri = test::postgres_uri();
  auto o = test::test_options();
  { auto s = open_postgres_store(uri, o); }
  scalar(uri,
         "INSERT INTO " + o.schema +
             ".schema_migrations (version, name) VALUES (9999, '9999_future.sql') RETURNING 1");
  try {
    auto s = open_postgres_store(uri, o);
    FAIL("opened a schema newer than the library");
  } catch (const storage_error& e) {
    CHECK_FALSE(e.retryable());
    CHECK_THAT(e.what(), Catch::Contains("9999") && Catch::Contains("newer"));
  }
}

TEST_CASE("a schema whose recorded migrations are not the library's is refused", "[migrations]") {
  // The same rule as energy::sqlite (share/migrations/README.md): each recorded step is named by
  // its file, and a different name is a different schema history.
  const auto uri = test::postgres_uri();
  auto o = test::test_options();
  { auto s = open_postgres_store(uri, o); }
  CHECK(scalar(uri, "SELECT count(*) FROM " + o.schema +
                        ".schema_migrations WHERE version = 1 AND name = '0001_initial.sql'") == 1);
  scalar(uri, "UPDATE " + o.schema +
                  ".schema_migrations SET name = 'someone else''s table' WHERE version = 1 "
                  "RETURNING 1");
  try {
    auto s = open_postgres_store(uri, o);
    FAIL("opened a schema with a different history");
  } catch (const storage_error& e) {
    CHECK_FALSE(e.retryable());
    CHECK_THAT(e.what(), Catch::Contains("different schema history"));
  }
}

TEST_CASE("metadata round-trips exactly, optional fields and doubles included") {
  auto s = open_postgres_store(test::postgres_uri(), test::test_options());
  auto f = seed(*s);
  auto b = s->get_building(f.building_id);
  REQUIRE(b);
  CHECK(b->time_zone == "America/New_York");
  CHECK(b->flat_rate_per_kwh == money::from_micros(135'530));
  auto se = s->get_sensor(f.sensor_a);
  REQUIRE(se);
  CHECK(se->max_value == 0.1 + 0.2);
  CHECK_FALSE(se->register_max);
  CHECK(s->list_sensors(f.building_id).size() == 2);
  CHECK_FALSE(s->get_tenant(uuid::v7()));
  sensor orphan;
  orphan.id = uuid::v7();
  orphan.building_id = uuid::v7();
  CHECK_THROWS_AS(s->put_sensor(orphan), std::invalid_argument);
}

TEST_CASE("re-sent rows are unchanged, different rows replace and are flagged corrected") {
  auto s = open_postgres_store(test::postgres_uri(), test::test_options());
  auto f = seed(*s);
  reading_rows rows;
  rows.push_back(f.sensor_a, 1'719'835'200, 1'250, quality::estimated);
  rows.push_back(f.sensor_a, 1'719'836'100, 2'000);
  rows.push_back(f.sensor_b, 1'719'835'200, 500);
  CHECK(s->write_readings(rows) == write_result{3, 0, 0});
  CHECK(s->write_readings(rows) == write_result{0, 3, 0});
  reading_rows again;
  again.push_back(f.sensor_a, 1'719'835'200, 1'250,
                  quality::estimated | quality::corrected);  // same but flag
  again.push_back(f.sensor_a, 1'719'836'100, 2'001);
  again.push_back(f.sensor_b, 1'719'838'800, 7);
  CHECK(s->write_readings(again) == write_result{1, 1, 1});
  auto back = s->read_readings(f.sensor_a, {from_epoch(0), from_epoch(2'000'000'000)});
  REQUIRE(back.size() == 2);
  CHECK(back.value[1] == 2'001);
  CHECK(back.quality[1] == quality::corrected);
  CHECK(back.quality[0] == quality::estimated);
  CHECK(s->count_readings() == 4);
}

TEST_CASE("the PostgreSQL store gives the same results as the memory reference store") {
  auto pg = open_postgres_store(test::postgres_uri(), test::test_options());
  auto mem = open_memory_store();
  auto f = seed(*pg);
  (void)seed(*mem);  // different ids: copy the pg ones into memory instead
  mem = open_memory_store();
  for (auto& t : pg->list_tenants())
    mem->put_tenant(t);
  for (auto& b : pg->list_buildings(f.tenant_id))
    mem->put_building(b);
  for (auto& se : pg->list_all_sensors())
    mem->put_sensor(se);

  std::uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int round = 0; round < 5; ++round) {
    reading_rows rows;
    std::vector<std::pair<uuid, epoch_seconds>> keys;
    for (int i = 0; i < 300; ++i) {
      const uuid id = next() % 2 ? f.sensor_a : f.sensor_b;
      const epoch_seconds ts =
          1'719'792'000 + static_cast<epoch_seconds>(next() % 400) * 900;  // ~4 days
      if (std::find(keys.begin(), keys.end(), std::make_pair(id, ts)) != keys.end()) continue;
      keys.emplace_back(id, ts);
      rows.push_back(id, ts, static_cast<milli>(next() % 3),
                     static_cast<std::uint32_t>(next() % 2));
    }
    std::vector<sample_state> states{{f.sensor_a, 1'719'792'000 + round, 0.1 * round}};
    CHECK(pg->write_readings(rows, states) == mem->write_readings(rows, states));
  }
  const time_range all{from_epoch(1'719'000'000), from_epoch(1'721'000'000)};
  auto a = pg->read_building_readings(f.building_id, all);
  auto b = mem->read_building_readings(f.building_id, all);
  CHECK(a.sensor_id == b.sensor_id);
  CHECK(a.ts == b.ts);
  CHECK(a.value == b.value);
  CHECK(a.quality == b.quality);
  CHECK(pg->get_sample_state(f.sensor_a) == mem->get_sample_state(f.sensor_a));
  auto ca = pg->backend().claim_dirty(1'000'000);
  auto cb = mem->backend().claim_dirty(1'000'000);
  std::sort(ca.hours.begin(), ca.hours.end());
  std::sort(cb.hours.begin(), cb.hours.end());
  CHECK(ca.hours == cb.hours);
}

TEST_CASE("many buildings' readings in one call equal one read per building, range by range") {
  auto pg = open_postgres_store(test::postgres_uri(), test::test_options());
  const auto f = seed(*pg);
  const auto g = seed(*pg);  // a second building (and tenant) with two sensors of its own
  reading_rows rows;
  for (const uuid& id : {f.sensor_a, f.sensor_b, g.sensor_a, g.sensor_b})
    for (int q = 0; q < 96; ++q)
      rows.push_back(id, 1'730'419'200 + q * 900, 1'000 + q);
  (void)pg->write_readings(rows);
  const std::vector<building_range> queries{
      {f.building_id, {from_epoch(1'730'419'200), from_epoch(1'730'426'400)}},
      {g.building_id, {from_epoch(1'730'422'800), from_epoch(1'730'430'000)}},
      {f.building_id, {from_epoch(1'730'480'000), from_epoch(1'730'490'000)}},
      {uuid::v7(), {from_epoch(1'730'419'200), from_epoch(1'730'505'600)}},  // no such building
  };
  auto* bulk = pg->as<bulk_reading_reader>();
  REQUIRE(bulk != nullptr);
  const auto many = bulk->read_building_readings_many(queries);
  REQUIRE(many.size() == queries.size());
  auto sorted = [](const reading_rows& r) {
    std::vector<std::tuple<uuid, epoch_seconds, milli, std::uint32_t>> out;
    for (std::size_t i = 0; i < r.size(); ++i)
      out.emplace_back(r.sensor_id[i], r.ts[i], r.value[i], r.quality[i]);
    std::sort(out.begin(), out.end());
    return out;
  };
  for (std::size_t i = 0; i < queries.size(); ++i) {
    CAPTURE(i);
    CHECK(sorted(many[i]) ==
          sorted(pg->read_building_readings(queries[i].building_id, queries[i].range)));
  }
  CHECK(many[0].size() == 2 * 8);
  CHECK(many[1].size() == 2 * 8);
  CHECK(many[3].empty());
  CHECK(read_building_readings_many(*pg, {}).empty());
}

TEST_CASE("a mark made after a claim survives the commit of that claim") {
  auto s = open_postgres_store(test::postgres_uri(), test::test_options());
  auto f = seed(*s);
  reading_rows rows;
  rows.push_back(f.sensor_a, 1'719'835'200, 1);
  rows.push_back(f.sensor_b, 1'719'838'800, 1);
  (void)s->write_readings(rows);
  auto claim = s->backend().claim_dirty(10);
  REQUIRE(claim.hours.size() == 2);
  CHECK(claim.hours[0] == dirty_hour{f.sensor_a, 1'719'835'200});
  reading_rows late;
  late.push_back(f.sensor_a, 1'719'835'300, 1);  // same hour, after the claim
  (void)s->write_readings(late);
  summary_row sum;
  sum.scope = summary_scope::sensor;
  sum.subject_id = f.sensor_a;
  sum.res = resolution::hour;
  sum.period = {from_epoch(1'719'835'200), from_epoch(1'719'838'800)};
  sum.local_start = std::chrono::local_seconds{std::chrono::seconds{1'719'820'800}};
  sum.consumption = 1;
  sum.cost = money::from_micros(136);
  sum.reading_count = 1;
  s->backend().commit_summaries(std::span(&sum, 1), claim);
  auto left = s->backend().claim_dirty(10);
  REQUIRE(left.hours.size() == 1);
  CHECK(left.hours[0] == dirty_hour{f.sensor_a, 1'719'835'200});
  auto read = s->read_summaries({summary_scope::sensor,
                                 f.sensor_a,
                                 sensor_type::electricity,
                                 resolution::hour,
                                 {from_epoch(1'719'835'200), from_epoch(1'719'838'800)}});
  REQUIRE(read.size() == 1);
  CHECK(read[0] == sum);
}

TEST_CASE("readings land in daily native partitions created on demand") {
  const auto uri = test::postgres_uri();
  auto o = test::test_options();
  auto s = open_postgres_store(uri, o);
  auto f = seed(*s);
  reading_rows rows;
  for (int d = 0; d < 3; ++d)
    rows.push_back(f.sensor_a, 1'577'836'800 + d * 86'400, 10);  // 2020-01-01..03
  CHECK(s->write_readings(rows).inserted == 3);
  CHECK(scalar(uri, "SELECT count(*) FROM " + o.schema + ".readings_p20200102") == 1);
  CHECK(scalar(uri,
               "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN "
               "pg_namespace n "
               "ON n.oid = c.relnamespace WHERE n.nspname = '" +
                   o.schema + "'") >= 3 + 3);  // + ahead
}

TEST_CASE("a pool shared by stores on several threads serves them all") {
  auto pool = make_postgres_pool(test::postgres_uri(), test::test_options());
  fixture_ids f;
  {
    auto s = open_postgres_store(pool);
    f = seed(*s);
  }
  std::vector<std::thread> threads;
  std::atomic<std::size_t> inserted{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      auto s = open_postgres_store(pool);
      for (int b = 0; b < 10; ++b) {
        reading_rows rows;
        for (int i = 0; i < 50; ++i)
          rows.push_back(f.sensor_a, 1'719'792'000 + (t * 1000 + b * 50 + i) * 60, 1);
        inserted += s->write_readings(rows).inserted;
      }
    });
  for (auto& th : threads)
    th.join();
  CHECK(inserted == 4 * 10 * 50);
  CHECK(open_postgres_store(pool)->count_readings() == 2000);
}

TEST_CASE(
    "every pooled connection sees every partition made while they read and write (no partition "
    "list kept stale by a concurrent attach)") {
  // Eight threads each write ten batches, each into a day of its own, so partitions are made
  // while the other connections plan and route rows over `readings`. Then every connection of
  // the pool counts (one write group pins each). A session that built its partition list while
  // another one attached a day used to keep that list: it counted whole days short and refused
  // their rows on every retry ("no partition of relation readings found").
  for (int round = 0; round < 2; ++round) {
    auto o = test::test_options();
    o.pool_size = 8;
    auto pool = make_postgres_pool(test::postgres_uri(), o);
    fixture_ids f;
    {
      auto s = open_postgres_store(pool);
      f = seed(*s);
    }
    std::vector<std::thread> threads;
    std::atomic<std::size_t> inserted{0};
    std::atomic<int> failures{0};
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        try {
          auto s = open_postgres_store(pool);
          for (int b = 0; b < 10; ++b) {
            reading_rows rows;
            for (int i = 0; i < 20; ++i)
              rows.push_back(f.sensor_a, 1'719'792'000 + (t * 10 + b) * 86'400 + i * 60, 1);
            inserted += s->write_readings(rows).inserted;
          }
        } catch (const std::exception& e) {
          ++failures;
          UNSCOPED_INFO("writer " << t << ": " << e.what());
        }
      });
    for (auto& th : threads)
      th.join();
    REQUIRE(failures == 0);
    REQUIRE(inserted == 8 * 10 * 20);
    std::vector<std::unique_ptr<store>> readers;
    for (int c = 0; c < 8; ++c) {
      readers.push_back(open_postgres_store(pool));
      REQUIRE(readers.back()->as<group_commit>()->begin_group());
      CHECK(readers.back()->count_readings() == 1600);
    }
    for (auto& r : readers)
      r->as<group_commit>()->rollback_group();
  }
}

TEST_CASE("an unreachable server fails after the configured attempts with a retryable error") {
  auto o = test::test_options();
  o.max_attempts = 3;
  o.retry_backoff = std::chrono::milliseconds{10};
  try {
    auto s = open_postgres_store("postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2", o);
    FAIL("connected to port 1");
  } catch (const storage_error& e) {
    CHECK(e.retryable());
    CHECK_THAT(e.what(), Catch::Contains("3 attempt"));
  }
}

TEST_CASE(
    "PostgreSQL: concurrent imports of the same sensors of every kind store what one "
    "sequential import would") {
  // The name differs from the SQLite test's: CTest resolves fixtures by test name, and a shared
  // name let the PostgreSQL fixture stop before this test ran.
  const auto pool = storage::make_postgres_pool(test::postgres_uri(), test::test_options());
  energy::testing::check_concurrent_series_imports([&] { return open_postgres_store(pool); }, 12);
}

TEST_CASE("a connection lost during COPY is a retryable error and commits nothing") {
  const auto uri = test::postgres_uri();
  auto o = test::test_options();
  o.max_attempts = 1;  // surface the first failure instead of retrying it
  // Tests run in parallel on one server: kill only this test's backend, found by its name.
  const std::string app = "energy_copy_kill_" + o.schema;
  auto s = open_postgres_store(
      uri + (uri.find('?') == std::string::npos ? "?" : "&") + "application_name=" + app, o);
  const fixture_ids f = seed(*s);
  reading_rows rows;
  constexpr int n = 1'000'000;  // long enough a COPY to be caught in the act
  rows.reserve(n);
  for (int i = 0; i < n; ++i)
    rows.push_back(f.sensor_a, 1'719'792'000 + i, i);

  std::atomic<bool> done{false};
  std::atomic<int> killed{0};
  std::thread killer([&] {
    pqxx::connection c{uri};
    pqxx::nontransaction q{c};
    while (!done && killed == 0) {
      killed = q.exec1(
                    "SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity "
                    "WHERE query LIKE 'COPY%' AND state = 'active' AND application_name = " +
                    q.quote(app))[0]
                   .as<int>();
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
  });
  std::optional<storage_error> failure;
  try {
    (void)s->write_readings(rows);
  } catch (const storage_error& e) {
    failure = e;
  }
  done = true;
  killer.join();
  REQUIRE(killed == 1);
  REQUIRE(failure.has_value());
  INFO(failure->what());
  CHECK(failure->retryable());
  CHECK(s->count_readings() == 0);
  // Obeying the flag: the same call again stores everything.
  CHECK(s->write_readings(rows).inserted == static_cast<std::size_t>(n));
}
