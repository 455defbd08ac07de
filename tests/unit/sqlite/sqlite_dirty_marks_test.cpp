// SPDX-License-Identifier: Apache-2.0
// The SQLite adapter's dirty marks: the in-memory fold of written readings into one hour mask per
// (sensor, UTC day) (dirty_marks), and when a bulk group records them — at commit, before a claim
// that must see them, and before a unit that may be undone — so claims hand out exactly the hours
// written, as outside groups.
#include <catch2/catch.hpp>

#include <vector>

#include <energy/storage/group_commit.hpp>
#include <energy/storage/sqlite.hpp>

#include "adapters/sqlite/dirty_marks.hpp"
#include "unit/sqlite/sqlite_test_support.hpp"

namespace {

using energy::sqlite_detail::dirty_marks;
using energy::storage::dirty_hour;
using energy::storage::group_commit;
using energy::storage::open_sqlite_store;
using energy::testing::id;
using energy::testing::quarter_hours;
using energy::testing::seed;
using energy::testing::t0;
using energy::testing::temp_dir;

constexpr energy::epoch_seconds day0 = t0 - t0 % 86400;

/// Every mark of the store, oldest first, as claim_dirty hands them out.
std::vector<dirty_hour> marks_of(energy::storage::store& s) {
  return s.backend().claim_dirty(1'000'000).hours;
}

std::vector<dirty_hour> hours_of(const energy::uuid& sensor, energy::epoch_seconds first,
                                 int count) {
  std::vector<dirty_hour> out;
  for (int h = 0; h < count; ++h)
    out.push_back(dirty_hour{sensor, first + h * 3600});
  return out;
}

}  // namespace

TEST_CASE("dirty marks: runs and scattered rows fold into one mask per (sensor, UTC day)",
          "[sqlite][dirty_marks]") {
  const auto a = id(3, 1), b = id(3, 2);
  dirty_marks m;
  CHECK(m.empty());
  m.add(b, day0 + 86400 + 5);         // b, day 1, hour 0
  m.add(a, day0 + 3 * 3600 + 900);    // a, day 0, hour 3
  m.add(a, day0 + 3 * 3600 + 1800);   // same run
  m.add(a, day0 + 23 * 3600 + 2700);  // a, day 0, hour 23
  m.add(a, day0 + 86400);             // a, day 1, hour 0: a new day
  m.add(b, day0 + 86400 + 2 * 3600);  // b again, after other rows: same entry as the first
  m.add(a, day0 - 1);                 // the last second before day 0: hour 23 of day -1
  CHECK_FALSE(m.empty());
  const auto marks = m.take();
  CHECK(m.empty());
  REQUIRE(marks.size() == 4);
  // (day, sensor) order: dirty_days' key order.
  CHECK(marks[0].day == day0 - 86400);
  CHECK(marks[0].sensor == a);
  CHECK(marks[0].hours == std::int64_t{1} << 23);
  CHECK(marks[1].day == day0);
  CHECK(marks[1].sensor == a);
  CHECK(marks[1].hours == ((std::int64_t{1} << 3) | (std::int64_t{1} << 23)));
  CHECK(marks[2].day == day0 + 86400);
  CHECK(marks[2].sensor == a);
  CHECK(marks[2].hours == 1);
  CHECK(marks[3].day == day0 + 86400);
  CHECK(marks[3].sensor == b);
  CHECK(marks[3].hours == 0b101);

  m.add(a, day0);
  m.clear();
  CHECK(m.empty());
  CHECK(m.take().empty());
}

TEST_CASE("bulk group: its marks are recorded at commit, and a claim inside the group sees them",
          "[sqlite][dirty_marks][bulk]") {
  temp_dir dir;
  auto s = open_sqlite_store(dir.file("marks.db"));
  const auto sensor = seed(*s);
  auto* groups = s->as<group_commit>();
  REQUIRE(groups != nullptr);

  REQUIRE(groups->begin_bulk_group());
  (void)s->write_readings(quarter_hours(sensor, t0, 8, 0));  // 2 hours
  CHECK(marks_of(*s) == hours_of(sensor, t0, 2));
  (void)s->write_readings(quarter_hours(sensor, t0 + 8 * 900, 8, 0));  // 2 more
  groups->commit_group();
  CHECK(marks_of(*s) == hours_of(sensor, t0, 4));
  auto again = open_sqlite_store(dir.file("marks.db"));
  CHECK(marks_of(*again) == hours_of(sensor, t0, 4));
}

TEST_CASE("bulk group: a unit undone takes its marks with it, the group keeps the earlier ones",
          "[sqlite][dirty_marks][bulk]") {
  temp_dir dir;
  auto s = open_sqlite_store(dir.file("units.db"));
  const auto sensor = seed(*s);
  auto* groups = s->as<group_commit>();
  REQUIRE(groups != nullptr);

  REQUIRE(groups->begin_bulk_group());
  (void)s->write_readings(quarter_hours(sensor, t0, 4, 0));  // hour 0, kept
  groups->begin_unit();
  (void)s->write_readings(quarter_hours(sensor, t0 + 5 * 3600, 4, 0));  // hour 5, undone
  groups->end_unit(false);
  groups->begin_unit();
  (void)s->write_readings(quarter_hours(sensor, t0 + 7 * 3600, 4, 0));  // hour 7, kept
  groups->end_unit(true);
  groups->commit_group();
  CHECK(s->count_readings() == 8);
  CHECK(marks_of(*s) == std::vector<dirty_hour>{{sensor, t0}, {sensor, t0 + 7 * 3600}});
}

TEST_CASE("rolled back bulk group: its marks are gone with its readings",
          "[sqlite][dirty_marks][bulk]") {
  temp_dir dir;
  auto s = open_sqlite_store(dir.file("rollback.db"));
  const auto sensor = seed(*s);
  auto* groups = s->as<group_commit>();
  REQUIRE(groups != nullptr);

  REQUIRE(groups->begin_bulk_group());
  (void)s->write_readings(quarter_hours(sensor, t0, 4, 0));
  groups->rollback_group();
  (void)s->write_readings(quarter_hours(sensor, t0 + 3600, 4, 0));  // outside any group
  CHECK(marks_of(*s) == hours_of(sensor, t0 + 3600, 1));
}
