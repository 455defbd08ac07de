// SPDX-License-Identifier: Apache-2.0
// Bulk write groups on SQLite (group_commit::begin_bulk_group, used by `energy import`): calls
// take no savepoint, so a call that fails part-way breaks the group — nothing of it can be
// committed — while a failure before any write (a state conflict) leaves it intact. An ordinary
// group undoes the failed call alone, for contrast. A failure part-way is injected with a trigger
// made by another connection that refuses the chunks of one sensor (refuse_chunks_of). A bulk
// group writes its chunks back at commit, before a read, or past a memory bound, so that is where
// its failure shows.
#include <catch2/catch.hpp>

#include <optional>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include <energy/error.hpp>
#include <energy/storage/group_commit.hpp>
#include <energy/storage/sqlite.hpp>

#include "unit/sqlite/sqlite_test_support.hpp"

namespace {

using energy::storage_error;
using energy::storage::group_commit;
using energy::storage::open_sqlite_store;
using energy::testing::add_second_sensor;
using energy::testing::quarter_hours;
using energy::testing::refuse_chunks_of;
using energy::testing::seed;
using energy::testing::t0;
using energy::testing::temp_dir;

/// `a`'s rows, then `b`'s.
energy::reading_rows joined(energy::reading_rows a, const energy::reading_rows& b) {
  for (std::size_t i = 0; i < b.size(); ++i)
    a.push_back(b.sensor_id[i], b.ts[i], b.value[i], b.quality[i]);
  return a;
}

group_commit& groups_of(energy::storage::store& s) {
  auto* g = s.as<group_commit>();
  REQUIRE(g != nullptr);
  return *g;
}

/// A store file with seed()'s sensor and a second one whose chunks another connection refuses.
struct refusing_store {
  temp_dir dir;
  std::filesystem::path path;
  std::unique_ptr<energy::storage::store> s;
  energy::uuid sensor, refused;
  group_commit* groups = nullptr;

  explicit refusing_store(const char* file)
      : path(dir.file(file)),
        s(open_sqlite_store(path)),
        sensor(seed(*s)),
        refused(add_second_sensor(*s)),
        groups(&groups_of(*s)) {
    refuse_chunks_of(path, refused);
  }
};

}  // namespace

TEST_CASE(
    "bulk group: a write that fails part-way breaks the group: later writes and the commit "
    "throw, and rolling back stores nothing of the group",
    "[sqlite][group_commit][bulk]") {
  refusing_store f("bulk.db");
  auto& [dir, path, s, sensor, refused, groups_ptr] = f;
  group_commit& groups = *groups_ptr;

  REQUIRE(groups.begin_bulk_group());
  CHECK(s->write_readings(quarter_hours(sensor, t0, 96, 0)).inserted == 96);
  CHECK(s->write_readings(quarter_hours(refused, t0, 96, 600)).inserted == 96);  // held
  // A read writes the group's chunks first: the first sensor's go in, the refused one's fail.
  CHECK_THROWS_AS(s->count_readings(), storage_error);
  CHECK_THROWS_AS(s->write_readings(quarter_hours(sensor, t0 + 96 * 900, 4, 0)), storage_error);
  CHECK_THROWS_AS(groups.commit_group(), storage_error);
  groups.rollback_group();
  CHECK(s->count_readings() == 0);

  // The store goes on as usual after the rollback.
  CHECK(s->write_readings(quarter_hours(sensor, t0, 96, 0)).inserted == 96);
  CHECK(open_sqlite_store(path)->count_readings() == 96);
}

TEST_CASE("bulk group: chunks that fail to be written at commit leave nothing of the group",
          "[sqlite][group_commit][bulk]") {
  refusing_store f("bulk-commit.db");
  auto& [dir, path, s, sensor, refused, groups_ptr] = f;
  group_commit& groups = *groups_ptr;
  CHECK(s->write_readings(quarter_hours(sensor, t0, 4, 0)).inserted == 4);

  REQUIRE(groups.begin_bulk_group());
  CHECK(s->write_readings(quarter_hours(sensor, t0 + 3600, 92, 0)).inserted == 92);
  CHECK(s->write_readings(quarter_hours(refused, t0, 96, 600)).inserted == 96);
  CHECK_THROWS_AS(groups.commit_group(), storage_error);
  groups.rollback_group();
  CHECK(s->count_readings() == 4);
  const auto marks = s->backend().claim_dirty(1000).hours;
  REQUIRE(marks.size() == 1);  // the write before the group's
  CHECK(marks.front().hour == t0);
}

TEST_CASE("bulk group: a state conflict fails before anything is written and the group commits",
          "[sqlite][group_commit][bulk]") {
  temp_dir dir;
  const auto path = dir.file("conflict.db");
  auto s = open_sqlite_store(path);
  const auto sensor = seed(*s);
  group_commit& groups = groups_of(*s);

  REQUIRE(groups.begin_bulk_group());
  CHECK(s->write_readings(quarter_hours(sensor, t0, 8, 0)).inserted == 8);
  // Derived from a stored state that is not there: refused before any row is written.
  energy::sample_state state{sensor, t0 + 7200, 12.5};
  state.guarded = true;
  state.previous = energy::sample_state::point{t0, 10.0};
  const std::vector<energy::sample_state> states{state};
  CHECK_THROWS_AS(s->write_readings(quarter_hours(sensor, t0 + 7200, 4, 0), states),
                  energy::state_conflict);
  CHECK(s->write_readings(quarter_hours(sensor, t0 + 7200, 4, 0)).inserted == 4);
  groups.commit_group();
  CHECK(open_sqlite_store(path)->count_readings() == 12);
}

TEST_CASE("ordinary group: a write that fails part-way is undone alone and the group commits",
          "[sqlite][group_commit][bulk]") {
  refusing_store f("ordinary.db");
  auto& [dir, path, s, sensor, refused, groups_ptr] = f;
  group_commit& groups = *groups_ptr;

  REQUIRE(groups.begin_group());
  CHECK(s->write_readings(quarter_hours(sensor, t0, 96, 0)).inserted == 96);
  // The first sensor's chunk of the next day goes in, then the refused sensor's fails.
  CHECK_THROWS_AS(s->write_readings(joined(quarter_hours(sensor, t0 + 96 * 900, 96, 600),
                                           quarter_hours(refused, t0 + 96 * 900, 96, 600))),
                  storage_error);
  CHECK(s->write_readings(quarter_hours(sensor, t0 + 2 * 96 * 900, 4, 0)).inserted == 4);
  groups.commit_group();
  CHECK(open_sqlite_store(path)->count_readings() == 100);
}

TEST_CASE("ordinary group: a write that fails part-way leaves no dirty marks behind",
          "[sqlite][group_commit][bulk]") {
  refusing_store f("marks.db");
  auto& [dir, path, s, sensor, refused, groups_ptr] = f;
  group_commit& groups = *groups_ptr;

  REQUIRE(groups.begin_group());
  CHECK(s->write_readings(quarter_hours(sensor, t0, 4, 0)).inserted == 4);  // hour 0
  // The first sensor's next day goes in, then the refused sensor's chunk fails: both are undone.
  CHECK_THROWS_AS(s->write_readings(joined(quarter_hours(sensor, t0 + 86400, 96, 600),
                                           quarter_hours(refused, t0 + 86400, 96, 600))),
                  storage_error);
  groups.commit_group();
  const auto marks = s->backend().claim_dirty(1000).hours;
  REQUIRE(marks.size() == 1);
  CHECK(marks.front().hour == t0);
}

TEST_CASE(
    "bulk group: chunks held past the memory bound are written within the call that passes it",
    "[sqlite][group_commit][bulk]") {
  refusing_store f("bound.db");
  auto& [dir, path, s, sensor, refused, groups_ptr] = f;
  group_commit& groups = *groups_ptr;

  // One reading a day for 11,000 days: 11,000 new day chunks of a 15-minute sensor, each with room
  // for 96 readings, pass the bound of 2^20 slots (10,923 chunks) inside the call.
  energy::reading_rows days;
  for (int d = 0; d < 11'000; ++d)
    days.push_back(refused, t0 + d * std::int64_t{86400}, d);
  REQUIRE(groups.begin_bulk_group());
  CHECK(s->write_readings(quarter_hours(sensor, t0, 4, 0)).inserted == 4);
  CHECK_THROWS_AS(s->write_readings(days), storage_error);  // the write-back inside it failed
  groups.rollback_group();

  // Allowed, the same writes land whole, the held chunks written part in the call, part at commit.
  energy::testing::allow_chunks(path);
  REQUIRE(groups.begin_bulk_group());
  CHECK(s->write_readings(days).inserted == 11'000);
  groups.commit_group();
  CHECK(s->count_readings() == 11'000);
  const auto back = s->read_readings(
      refused, {energy::from_epoch(t0), energy::from_epoch(t0 + 11'000 * std::int64_t{86400})});
  REQUIRE(back.size() == 11'000);
  CHECK(back.value.back() == 10'999);
}
