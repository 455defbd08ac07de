// SPDX-License-Identifier: Apache-2.0
// Group commit on SQLite (storage::group_writer over the adapter's group_commit): units waiting
// together share one transaction, each unit sees the ones before it (the sequential result), a
// failing unit is undone alone, the queue is bounded, and every unit reported done survives kill
// -9.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <energy/error.hpp>
#include <energy/storage/group_writer.hpp>
#include <energy/storage/sqlite.hpp>

#include "unit/sqlite/sqlite_test_support.hpp"

namespace {

using energy::storage_error;
using energy::storage::group_writer;
using energy::storage::open_sqlite_store;
using energy::storage::write_result;
using energy::testing::quarter_hours;
using energy::testing::seed;
using energy::testing::t0;
using energy::testing::temp_dir;

/// One unit's outcome, filled on the writer thread and read by the test after `done`.
struct unit_result {
  write_result written;
  std::promise<void> started;  ///< set by a gated unit once the writer runs it
  std::promise<std::exception_ptr> done;
};

/// Submits a unit that writes `rows` and records what the store said.
bool submit_write(group_writer& writer, const std::shared_ptr<unit_result>& result,
                  energy::reading_rows rows) {
  return writer.submit(
      [result, rows = std::move(rows)](energy::storage::store& st) {
        result->written = st.write_readings(rows);
      },
      [result](std::exception_ptr e) { result->done.set_value(e); });
}

/// A unit that says it started, then waits for `gate` before writing: it keeps the writer busy
/// (its group open) while the test queues more units.
bool submit_gated(group_writer& writer, const std::shared_ptr<unit_result>& result,
                  std::shared_future<void> gate, energy::reading_rows rows) {
  return writer.submit(
      [result, gate, rows = std::move(rows)](energy::storage::store& st) {
        result->started.set_value();
        gate.wait();
        result->written = st.write_readings(rows);
      },
      [result](std::exception_ptr e) { result->done.set_value(e); });
}

/// A new database with one sensor (see seed); returns the sensor.
energy::uuid seeded(const std::filesystem::path& path) {
  auto s = open_sqlite_store(path);
  return seed(*s);
}

std::exception_ptr outcome(unit_result& r) {
  auto f = r.done.get_future();
  REQUIRE(f.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  return f.get();
}

}  // namespace

TEST_CASE(
    "group commit: units queued together commit in one transaction with the sequential result, "
    "and a failing unit is undone alone",
    "[sqlite][group_commit]") {
  temp_dir dir;
  const auto path = dir.file("group.db");
  const auto sensor = seeded(path);
  group_writer writer([&] { return open_sqlite_store(path); });
  std::promise<void> open_gate;
  const std::shared_future<void> gate = open_gate.get_future().share();

  std::vector<std::shared_ptr<unit_result>> r;
  for (int i = 0; i < 6; ++i)
    r.push_back(std::make_shared<unit_result>());
  // Unit 0 runs and holds the writer until every other unit is queued: units 1-5 then form the
  // next group.
  REQUIRE(submit_gated(writer, r[0], gate, quarter_hours(sensor, t0, 96, 0)));
  r[0]->started.get_future().wait();
  REQUIRE(submit_write(writer, r[1], quarter_hours(sensor, t0 + 96 * 900, 96, 1000)));  // new
  REQUIRE(submit_write(writer, r[2], quarter_hours(sensor, t0 + 96 * 900, 96, 1000)));  // same
  // Unit 3 writes new rows and then fails: only its own writes are undone.
  REQUIRE(writer.submit(
      [&r, sensor](energy::storage::store& st) {
        r[3]->written = st.write_readings(quarter_hours(sensor, t0 + 2 * 96 * 900, 96, 2000));
        throw std::runtime_error("unit 3 gives up");
      },
      [&r](std::exception_ptr e) { r[3]->done.set_value(e); }));
  REQUIRE(submit_write(writer, r[4], quarter_hours(sensor, t0 + 96 * 900, 96, 5000)));  // fix
  // Unit 5 repeats unit 3's rows: they are new again, since unit 3's writes are gone.
  REQUIRE(submit_write(writer, r[5], quarter_hours(sensor, t0 + 2 * 96 * 900, 96, 2000)));
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
  CHECK(writer.pending() == 0);
  CHECK(r[0]->written == write_result{96, 0, 0});
  CHECK(r[1]->written == write_result{96, 0, 0});
  CHECK(r[2]->written == write_result{0, 96, 0});  // saw unit 1's uncommitted rows
  CHECK(r[4]->written == write_result{0, 0, 96});
  CHECK(r[5]->written == write_result{96, 0, 0});

  auto s = open_sqlite_store(path);
  CHECK(s->count_readings() == 3 * 96);
  const auto fixed = s->read_readings(
      sensor, {energy::from_epoch(t0 + 96 * 900), energy::from_epoch(t0 + 2 * 96 * 900)});
  REQUIRE(fixed.size() == 96);
  CHECK(fixed.value.front() == 5000);
}

TEST_CASE("group commit: a full queue refuses new units, stop writes every queued one",
          "[sqlite][group_commit]") {
  temp_dir dir;
  const auto path = dir.file("bounded.db");
  const auto sensor = seeded(path);
  group_writer writer([&] { return open_sqlite_store(path); }, {.max_pending = 2});
  std::promise<void> open_gate;
  const std::shared_future<void> gate = open_gate.get_future().share();
  auto first = std::make_shared<unit_result>();
  auto second = std::make_shared<unit_result>();
  auto refused = std::make_shared<unit_result>();
  REQUIRE(submit_gated(writer, first, gate, quarter_hours(sensor, t0, 4, 0)));
  first->started.get_future().wait();
  REQUIRE(submit_write(writer, second, quarter_hours(sensor, t0 + 3600, 4, 0)));
  // Two pending (one being written, one waiting): the third is refused and never runs.
  CHECK_FALSE(submit_write(writer, refused, quarter_hours(sensor, t0 + 7200, 4, 0)));
  open_gate.set_value();
  writer.stop();
  CHECK(outcome(*first) == nullptr);
  CHECK(outcome(*second) == nullptr);
  CHECK(refused->done.get_future().wait_for(std::chrono::seconds(0)) ==
        std::future_status::timeout);
  CHECK_FALSE(submit_write(writer, refused, quarter_hours(sensor, t0 + 7200, 4, 0)));  // stopped
  CHECK(open_sqlite_store(path)->count_readings() == 8);
}

TEST_CASE(
    "group commit: while another connection holds the write lock the group fails retryably after "
    "its attempts, writes nothing, and the next group succeeds",
    "[sqlite][group_commit][locking]") {
  temp_dir dir;
  const auto path = dir.file("locked.db");
  const auto sensor = seeded(path);
  energy::storage::sqlite_options quick;
  quick.busy_timeout = std::chrono::milliseconds{20};
  group_writer writer([&] { return open_sqlite_store(path, quick); },
                      {.max_attempts = 2, .retry_backoff = std::chrono::milliseconds{1}});
  auto blocked = std::make_shared<unit_result>();
  {
    SQLite::Database other(path, SQLite::OPEN_READWRITE);
    SQLite::Transaction lock(other, SQLite::TransactionBehavior::IMMEDIATE);
    REQUIRE(submit_write(writer, blocked, quarter_hours(sensor, t0, 4, 0)));
    const auto failed = outcome(*blocked);
    REQUIRE(failed != nullptr);
    try {
      std::rethrow_exception(failed);
    } catch (const storage_error& e) {
      CHECK(e.retryable());
    }
  }
  auto later = std::make_shared<unit_result>();
  REQUIRE(submit_write(writer, later, quarter_hours(sensor, t0, 4, 0)));
  CHECK(outcome(*later) == nullptr);
  CHECK(later->written == write_result{4, 0, 0});
  writer.stop();
  CHECK(open_sqlite_store(path)->count_readings() == 4);
}

TEST_CASE("group commit: every unit reported done survives the process being killed",
          "[sqlite][group_commit][durability]") {
  temp_dir dir;
  const auto path = dir.file("crash.db");
  const auto sensor = seeded(path);
  // Producers keep the writer's queue full; each unit reported done is acknowledged.
  const auto run = energy::testing::kill_writer_after(40, [&](int fd) {
    group_writer writer([&] { return open_sqlite_store(path); }, {.max_pending = 16});
    for (int unit = 0;; ++unit) {
      auto rows = quarter_hours(sensor, t0 + unit * 96 * 900, 96, unit * 1000);
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

  auto s = open_sqlite_store(path);
  CHECK(s->count_readings() % 96 == 0);  // whole units only
  for (const int u : run.acknowledged) {
    const auto got = s->read_readings(sensor, {energy::from_epoch(t0 + u * 96 * 900),
                                               energy::from_epoch(t0 + (u + 1) * 96 * 900)});
    REQUIRE(got.size() == 96);
    CHECK(got.value.front() == u * 1000);
  }
}
