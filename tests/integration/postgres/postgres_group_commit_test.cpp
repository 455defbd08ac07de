// SPDX-License-Identifier: Apache-2.0
// Group commit on PostgreSQL (storage::group_writer over the adapter's group_commit): units waiting
// together share one transaction on one pinned connection, each unit sees the ones before it (the
// sequential result), a failing unit is undone alone, a connection lost mid-group runs the group
// again without losing a unit, and every unit reported done survives kill -9 of the writer.
#include <catch2/catch.hpp>

#include <energy/error.hpp>
#include <energy/storage/group_commit.hpp>
#include <energy/storage/group_writer.hpp>
#include <energy/storage/postgres.hpp>

#include "pg_test_support.hpp"
#include "unit/sqlite/sqlite_test_support.hpp"  // seed, quarter_hours, kill_writer_after (generic)

#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace Catch {
template <>
struct StringMaker<energy::storage::write_result> {
  static std::string convert(const energy::storage::write_result& w) {
    return "{inserted " + std::to_string(w.inserted) + ", unchanged " +
           std::to_string(w.unchanged) + ", replaced " + std::to_string(w.replaced) + "}";
  }
};
}  // namespace Catch

namespace {

using energy::reading_rows;
using energy::storage::group_writer;
using energy::storage::open_postgres_store;
using energy::storage::write_result;
using energy::testing::quarter_hours;
using energy::testing::t0;

constexpr int day = 96;  // quarter hours per UTC day: one unit of rows per day, one partition each

struct unit_result {
  write_result written;
  std::atomic<int> runs{0};
  std::promise<void> started;  ///< set by a gated unit once its rows are written
  std::promise<std::exception_ptr> done;
};

std::exception_ptr outcome(unit_result& r) {
  auto f = r.done.get_future();
  REQUIRE(f.wait_for(std::chrono::seconds(120)) == std::future_status::ready);
  return f.get();
}

bool submit_write(group_writer& writer, const std::shared_ptr<unit_result>& result,
                  reading_rows rows) {
  return writer.submit(
      [result, rows = std::move(rows)](energy::storage::store& st) {
        ++result->runs;
        result->written = st.write_readings(rows);
      },
      [result](std::exception_ptr e) { result->done.set_value(e); });
}

/// A unit that writes, says so (first run only), then waits for `gate`: its group stays open,
/// with rows written, while the test queues more units or breaks the connection.
bool submit_gated(group_writer& writer, const std::shared_ptr<unit_result>& result,
                  std::shared_future<void> gate, reading_rows rows) {
  return writer.submit(
      [result, gate, rows = std::move(rows)](energy::storage::store& st) {
        result->written = st.write_readings(rows);
        if (++result->runs == 1) result->started.set_value();
        gate.wait();
      },
      [result](std::exception_ptr e) { result->done.set_value(e); });
}

std::string with_application(const std::string& uri, const std::string& app) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + "application_name=" + app;
}

}  // namespace

TEST_CASE(
    "PostgreSQL group commit: units queued together commit in one transaction with the "
    "sequential result, and a failing unit is undone alone (the partition it made stays, empty)",
    "[postgres][group_commit]") {
  auto o = energy::test::test_options("g");
  const auto pool = energy::storage::make_postgres_pool(energy::test::postgres_uri(), o);
  const auto sensor = energy::testing::seed(*open_postgres_store(pool));
  group_writer writer([&] { return open_postgres_store(pool); });
  std::promise<void> open_gate;
  const std::shared_future<void> gate = open_gate.get_future().share();

  std::vector<std::shared_ptr<unit_result>> r;
  for (int i = 0; i < 6; ++i)
    r.push_back(std::make_shared<unit_result>());
  // 2024 lies before the partitions made on open: every day's partition is made in a group.
  REQUIRE(submit_gated(writer, r[0], gate, quarter_hours(sensor, t0, day, 0)));
  r[0]->started.get_future().wait();
  REQUIRE(submit_write(writer, r[1], quarter_hours(sensor, t0 + day * 900, day, 1000)));  // new
  REQUIRE(submit_write(writer, r[2], quarter_hours(sensor, t0 + day * 900, day, 1000)));  // same
  // Unit 3 writes a new day (and its partition), then fails: only its own writes are undone.
  REQUIRE(writer.submit(
      [&r, sensor](energy::storage::store& st) {
        r[3]->written = st.write_readings(quarter_hours(sensor, t0 + 2 * day * 900, day, 2000));
        throw std::runtime_error("unit 3 gives up");
      },
      [&r](std::exception_ptr e) { r[3]->done.set_value(e); }));
  REQUIRE(submit_write(writer, r[4], quarter_hours(sensor, t0 + day * 900, day, 5000)));  // fix
  // Unit 5 repeats unit 3's rows: new again, in a partition made again.
  REQUIRE(submit_write(writer, r[5], quarter_hours(sensor, t0 + 2 * day * 900, day, 2000)));
  CHECK(writer.pending() == 6);
  open_gate.set_value();

  CHECK(outcome(*r[0]) == nullptr);
  CHECK(outcome(*r[1]) == nullptr);
  CHECK(outcome(*r[2]) == nullptr);
  const auto failed = outcome(*r[3]);
  REQUIRE(failed != nullptr);
  CHECK_THROWS_WITH(std::rethrow_exception(failed), "unit 3 gives up");
  CHECK(outcome(*r[4]) == nullptr);
  CHECK(outcome(*r[5]) == nullptr);
  writer.stop();

  CHECK(writer.groups_committed() == 2);  // unit 0 alone, then units 1-5 together
  CHECK(writer.units_committed() == 5);
  CHECK(r[0]->written == write_result{day, 0, 0});
  CHECK(r[1]->written == write_result{day, 0, 0});
  CHECK(r[2]->written == write_result{0, day, 0});  // saw unit 1's uncommitted rows
  CHECK(r[4]->written == write_result{0, 0, day});
  CHECK(r[5]->written == write_result{day, 0, 0});

  // A fresh pool (nothing remembered) reads what was committed.
  auto s = open_postgres_store(energy::test::postgres_uri(), o);
  CHECK(s->count_readings() == 3 * day);
  const auto fixed = s->read_readings(
      sensor, {energy::from_epoch(t0 + day * 900), energy::from_epoch(t0 + 2 * day * 900)});
  REQUIRE(fixed.size() == static_cast<std::size_t>(day));
  CHECK(fixed.value.front() == 5000);
  CHECK((fixed.quality.front() & 2u) != 0);  // replaced rows are flagged corrected
  // Later writes to the days made in groups find their partitions.
  CHECK(s->write_readings(quarter_hours(sensor, t0 + 2 * day * 900 + 450, 4, 0)).inserted == 4);
}

TEST_CASE(
    "PostgreSQL group commit: units of concurrent producers get the reports and the final "
    "contents of the same units run one after another in queue order",
    "[postgres][group_commit]") {
  const auto uri = energy::test::postgres_uri();
  auto grouped = energy::test::test_options("g");
  const auto pool = energy::storage::make_postgres_pool(uri, grouped);
  const auto sensor = energy::testing::seed(*open_postgres_store(pool));
  constexpr int producers = 4, per_producer = 12;
  // Unit (p, k) writes day (p + k) % 5 with values of producer p: the days overlap, so later
  // units find earlier units' rows unchanged (same producer) or replace them (another one).
  const auto rows_of = [&](int p, int k) {
    return quarter_hours(sensor, t0 + ((p + k) % 5) * day * 900, day, 1000 * p + 7 * (k % 2));
  };
  std::mutex order_mutex;
  std::vector<std::pair<int, int>> order;  // units in the order the writer ran them
  std::vector<write_result> reports(producers * per_producer);
  std::atomic<int> failures{0};
  {
    group_writer writer([&] { return open_postgres_store(pool); }, {.max_pending = 8});
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p)
      threads.emplace_back([&, p] {
        for (int k = 0; k < per_producer; ++k) {
          auto rows = rows_of(p, k);
          while (!writer.submit(
              [&, p, k, rows](energy::storage::store& st) {
                const auto w = st.write_readings(rows);
                const std::lock_guard lock(order_mutex);
                order.emplace_back(p, k);
                reports[p * per_producer + k] = w;
              },
              [&](std::exception_ptr e) { failures += e ? 1 : 0; }))
            std::this_thread::yield();
        }
      });
    for (auto& t : threads)
      t.join();
    writer.stop();
    CHECK(writer.units_committed() == producers * per_producer);
    CHECK(writer.groups_committed() < producers * per_producer);  // some units shared a commit
  }
  CHECK(failures == 0);
  REQUIRE(order.size() == static_cast<std::size_t>(producers * per_producer));

  auto sequential = open_postgres_store(uri, energy::test::test_options("g"));
  (void)energy::testing::seed(*sequential);
  for (const auto& [p, k] : order) {
    INFO("unit of producer " << p << ", number " << k);
    CHECK(sequential->write_readings(rows_of(p, k)) == reports[p * per_producer + k]);
  }
  auto stored = open_postgres_store(pool);
  const energy::time_range all{energy::from_epoch(t0), energy::from_epoch(t0 + 5 * day * 900)};
  const auto a = stored->read_readings(sensor, all);
  const auto b = sequential->read_readings(sensor, all);
  CHECK(a.size() == static_cast<std::size_t>(5 * day));
  CHECK(a.ts == b.ts);
  CHECK(a.value == b.value);
  CHECK(a.quality == b.quality);
}

TEST_CASE(
    "PostgreSQL group commit: a connection killed mid-group runs the group again on a new one, "
    "no unit is lost or stored twice",
    "[postgres][group_commit][outage]") {
  const auto uri = energy::test::postgres_uri();
  auto o = energy::test::test_options("g");
  // Tests run in parallel on one server: kill only this test's backend, found by its name.
  const std::string app = "energy_group_kill_" + o.schema;
  const auto pool = energy::storage::make_postgres_pool(with_application(uri, app), o);
  const auto sensor = energy::testing::seed(*open_postgres_store(pool));
  group_writer writer([&] { return open_postgres_store(pool); },
                      {.retry_backoff = std::chrono::milliseconds{10}});
  std::promise<void> open_gate;
  const std::shared_future<void> gate = open_gate.get_future().share();
  auto first = std::make_shared<unit_result>();
  auto second = std::make_shared<unit_result>();
  REQUIRE(submit_gated(writer, first, gate, quarter_hours(sensor, t0, day, 0)));
  first->started.get_future().wait();
  {
    // The writer's connection is idle in its open transaction, the unit's rows written.
    pqxx::connection c{uri};
    pqxx::nontransaction q{c};
    CHECK(q.exec1("SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE "
                  "application_name = " +
                  q.quote(app) + " AND state = 'idle in transaction'")[0]
              .as<int>() == 1);
  }
  open_gate.set_value();
  REQUIRE(submit_write(writer, second, quarter_hours(sensor, t0 + day * 900, day, 0)));
  CHECK(outcome(*first) == nullptr);
  CHECK(outcome(*second) == nullptr);
  writer.stop();
  CHECK(first->runs == 2);  // its first run died with the connection
  CHECK(first->written == write_result{day, 0, 0});
  CHECK(second->written == write_result{day, 0, 0});
  CHECK(writer.units_committed() == 2);
  CHECK(open_postgres_store(pool)->count_readings() == 2 * day);
}

TEST_CASE(
    "PostgreSQL group commit: a deadlock inside a write group runs the group again, the unit "
    "succeeds and nothing is stored twice",
    "[postgres][group_commit][deadlock]") {
  const auto uri = energy::test::postgres_uri();
  auto o = energy::test::test_options("g");
  const auto pool = energy::storage::make_postgres_pool(uri, o);
  const auto sensor = energy::testing::seed(*open_postgres_store(pool));
  const auto a = quarter_hours(sensor, t0, 4, 0);             // written first by the unit
  const auto b = quarter_hours(sensor, t0 + 6 * 3600, 4, 0);  // stored, then replaced by it
  REQUIRE(open_postgres_store(pool)->write_readings(b).inserted == 4);

  // Another session locks b's first row, then waits for a's first key, which the group inserted
  // and holds: when the unit then updates b, each waits for the other. This session waits 30 s
  // before looking for deadlocks, the group's the server default (1 s), so the group's statement
  // is the one the server cancels.
  const std::string app = "energy_deadlock_" + o.schema;
  std::promise<void> unit_wrote_a;
  std::promise<void> open_gate;
  const std::shared_future<void> gate = open_gate.get_future().share();
  std::atomic<int> runs{0};
  write_result replaced;
  std::promise<std::exception_ptr> done;
  group_writer writer([&] { return open_postgres_store(pool); },
                      {.retry_backoff = std::chrono::milliseconds{10}});
  REQUIRE(writer.submit(
      [&](energy::storage::store& st) {
        st.write_readings(a);
        if (++runs == 1) unit_wrote_a.set_value();
        gate.wait();
        replaced = st.write_readings(quarter_hours(sensor, t0 + 6 * 3600, 4, 500));
      },
      [&](std::exception_ptr e) { done.set_value(e); }));
  unit_wrote_a.get_future().wait();

  auto other = std::async(std::launch::async, [&] {
    pqxx::connection c{with_application(uri, app)};
    pqxx::work w{c};
    w.exec0("SET LOCAL search_path TO " + w.quote_name(o.schema));
    w.exec0("SET LOCAL deadlock_timeout = '30s'");
    w.exec_params(
        "SELECT 1 FROM readings WHERE sensor_id = $1 AND ts = to_timestamp($2) FOR UPDATE",
        sensor.to_string(), b.ts.front());
    // Blocks until the group's transaction ends (rolled back by the deadlock).
    w.exec_params(
        "INSERT INTO readings (sensor_id, ts, value, quality) VALUES ($1, to_timestamp($2), 7, 0)",
        sensor.to_string(), a.ts.front());
    w.abort();  // leaves nothing: the group's run again inserts a
  });
  {
    pqxx::connection c{uri};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool waiting = false;
    while (!waiting && std::chrono::steady_clock::now() < deadline) {
      pqxx::nontransaction q{c};
      waiting = q.exec1("SELECT count(*)::int FROM pg_stat_activity WHERE application_name = " +
                        q.quote(app) + " AND wait_event_type = 'Lock'")[0]
                    .as<int>() == 1;
      if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(waiting);
  }
  open_gate.set_value();

  auto reported = done.get_future();
  REQUIRE(reported.wait_for(std::chrono::seconds(120)) == std::future_status::ready);
  const auto failure = reported.get();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      FAIL("the unit failed: " << e.what());
    }
  }
  other.get();
  writer.stop();
  CHECK(runs == 2);  // its first run was the deadlock's victim
  CHECK(replaced == write_result{0, 0, 4});
  CHECK(writer.units_committed() == 1);
  auto s = open_postgres_store(pool);
  CHECK(s->count_readings() == 8);
  const auto stored =
      s->read_readings(sensor, {energy::from_epoch(t0), energy::from_epoch(t0 + 7 * 3600)});
  REQUIRE(stored.size() == 8u);
  CHECK(stored.value[0] == 0);    // a, from the group, not the other session's 7
  CHECK(stored.value[4] == 500);  // b, replaced
}

TEST_CASE(
    "PostgreSQL group commit: two open write groups that each need a new partition, one is lost "
    "without waiting for the other's creation and runs again",
    "[postgres][group_commit][partitions]") {
  auto o = energy::test::test_options("g");
  o.partitions_ahead_days = 0;  // each day needs a partition of its own
  const auto pool = energy::storage::make_postgres_pool(energy::test::postgres_uri(), o);
  const auto sensor = energy::testing::seed(*open_postgres_store(pool));
  // 2024 lies before the partitions made on open: days 0 and 3 are made here, outside any group.
  REQUIRE(open_postgres_store(pool)->write_readings(quarter_hours(sensor, t0, 1, 0)).inserted == 1);
  REQUIRE(open_postgres_store(pool)
              ->write_readings(quarter_hours(sensor, t0 + 3 * day * 900, 1, 0))
              .inserted == 1);
  auto first = open_postgres_store(pool);
  auto second = open_postgres_store(pool);
  auto* first_group = first->as<energy::storage::group_commit>();
  auto* second_group = second->as<energy::storage::group_commit>();
  REQUIRE(first_group != nullptr);
  REQUIRE(second_group != nullptr);
  // Each group writes a day that exists (days apart: their dirty marks must not wait for each
  // other), so each holds a lock on `readings`; then each needs a new day of its own.
  const auto existing = [&](int i) {
    return quarter_hours(sensor, t0 + (i * 3 * day + 1) * 900, 4, 0);
  };
  REQUIRE(first_group->begin_group());
  CHECK(first->write_readings(existing(0)).inserted == 4);
  REQUIRE(second_group->begin_group());
  CHECK(second->write_readings(existing(1)).inserted == 4);

  const auto started = std::chrono::steady_clock::now();
  auto in_first = std::async(std::launch::async, [&] {
    return first->write_readings(quarter_hours(sensor, t0 + day * 900, day, 0));
  });
  auto in_second = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the first waits already
    return second->write_readings(quarter_hours(sensor, t0 + 2 * day * 900, day, 0));
  });
  // The first to create waits for the other's lock on readings; the other, finding a creation
  // under way, does not wait for it (that would be a cycle): its group is lost, retryably, and
  // the first finishes once the loser's locks are gone.
  std::future<write_result>* futures[2] = {&in_first, &in_second};
  energy::storage::group_commit* groups[2] = {first_group, second_group};
  std::unique_ptr<energy::storage::store>* stores[2] = {&first, &second};
  std::optional<write_result> done[2];
  int loser = -1;
  while (loser < 0 && std::chrono::steady_clock::now() - started < std::chrono::seconds(20))
    for (int i = 0; i < 2 && loser < 0; ++i) {
      if (done[i] ||
          futures[i]->wait_for(std::chrono::milliseconds(10)) != std::future_status::ready)
        continue;
      try {
        done[i] = futures[i]->get();
      } catch (const energy::storage_error& e) {
        CHECK(e.retryable());
        loser = i;
        groups[i]->rollback_group();
      }
    }
  REQUIRE(loser >= 0);
  const int winner = 1 - loser;
  if (!done[winner]) done[winner] = futures[winner]->get();
  CHECK(done[winner]->inserted == day);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));  // not 10 s
  groups[winner]->commit_group();
  // The loser runs again, as a group writer does, and lands.
  REQUIRE(groups[loser]->begin_group());
  CHECK((*stores[loser])->write_readings(existing(loser)).inserted == 4);
  CHECK((*stores[loser])
            ->write_readings(quarter_hours(sensor, t0 + (loser + 1) * day * 900, day, 0))
            .inserted == day);
  groups[loser]->commit_group();
  CHECK(open_postgres_store(pool)->count_readings() == 2 + 8 + 2 * day);
}

TEST_CASE(
    "PostgreSQL group commit: a write outside the group that needs a new day waits for the open "
    "group, then lands, and the group sees a partition made after it began",
    "[postgres][group_commit][partitions]") {
  auto o = energy::test::test_options("g");
  o.partitions_ahead_days = 0;  // each day needs a partition of its own
  const auto pool = energy::storage::make_postgres_pool(energy::test::postgres_uri(), o);
  const auto sensor = energy::testing::seed(*open_postgres_store(pool));
  REQUIRE(open_postgres_store(pool)->write_readings(quarter_hours(sensor, t0, 1, 0)).inserted == 1);
  auto grouped = open_postgres_store(pool);
  auto* group = grouped->as<energy::storage::group_commit>();
  REQUIRE(group != nullptr);
  // Begun, nothing written yet: another store makes day 1 without waiting for it.
  REQUIRE(group->begin_group());
  CHECK(open_postgres_store(pool)
            ->write_readings(quarter_hours(sensor, t0 + day * 900, 4, 0))
            .inserted == 4);
  group->begin_unit();
  CHECK(grouped->write_readings(quarter_hours(sensor, t0 + day * 900 + 3600, 8, 0)).inserted == 8);
  group->end_unit(true);
  // Now the group holds a lock on `readings`: a day made outside it waits for its commit.
  auto outside = std::async(std::launch::async, [&] {
    return open_postgres_store(pool)->write_readings(
        quarter_hours(sensor, t0 + 2 * day * 900, 4, 0));
  });
  CHECK(outside.wait_for(std::chrono::milliseconds(500)) == std::future_status::timeout);
  group->commit_group();
  CHECK(outside.get().inserted == 4);
  CHECK(open_postgres_store(pool)->count_readings() == 1 + 4 + 8 + 4);
}

TEST_CASE("PostgreSQL group commit: every unit reported done survives the writer being killed",
          "[postgres][group_commit][durability]") {
  const auto uri = energy::test::postgres_uri();
  const auto o = energy::test::test_options("g");
  const auto sensor = energy::testing::seed(*open_postgres_store(uri, o));
  // The child opens its own pool: connections are never shared across fork().
  const auto run = energy::testing::kill_writer_after(40, [&](int fd) {
    const auto pool = energy::storage::make_postgres_pool(uri, o);
    group_writer writer([&] { return open_postgres_store(pool); }, {.max_pending = 16});
    for (int unit = 0;; ++unit) {
      auto rows = quarter_hours(sensor, t0 + unit * 4 * 900, 4, unit * 1000);
      while (!writer.submit([rows](energy::storage::store& st) { (void)st.write_readings(rows); },
                            [unit, fd](std::exception_ptr e) {
                              if (e) ::_exit(4);
                              if (::write(fd, &unit, sizeof unit) != sizeof unit) ::_exit(2);
                            }))
        std::this_thread::yield();
    }
  });
  REQUIRE(run.killed);
  REQUIRE(run.acknowledged.size() >= 40);
  auto s = open_postgres_store(uri, o);
  CHECK(s->count_readings() % 4 == 0);  // whole units only
  for (const int u : run.acknowledged) {
    const auto got = s->read_readings(
        sensor, {energy::from_epoch(t0 + u * 4 * 900), energy::from_epoch(t0 + (u + 1) * 4 * 900)});
    REQUIRE(got.size() == 4);
    CHECK(got.value.front() == u * 1000);
  }
}
