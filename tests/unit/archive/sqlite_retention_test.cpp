// SPDX-License-Identifier: Apache-2.0
// Retention and archive over a SQLite store file: the same job as for PostgreSQL, deleting a
// day's rows instead of dropping a partition.
#include <catch2/catch.hpp>

#include <energy/archive/object_store.hpp>
#include <energy/archive/retention.hpp>
#include <energy/storage/sqlite.hpp>
#include <energy/storage/sqlite_retention.hpp>

#include "support/failing_object_store.hpp"
#include "support/late_reading_port.hpp"
#include "support/one_building.hpp"

#include <filesystem>
#include <algorithm>
#include <set>

using namespace energy;
using namespace energy::storage;
using namespace energy::archive;
namespace fs = std::filesystem;

namespace {

struct scratch {
  fs::path dir = fs::temp_directory_path() / ("energy-sqlite-retention-" + uuid::v7().to_string());
  scratch() { fs::create_directories(dir); }
  ~scratch() { fs::remove_all(dir); }
};

constexpr epoch_seconds may_30 = 1'717'027'200;         // 2024-05-30T00:00Z
const utc_seconds job_now = from_epoch(1'727'784'000);  // 2024-10-01T12:00Z
const time_range old_days{from_epoch(may_30), from_epoch(may_30 + 2 * 86'400)};

// Two old days (May 30-31) and one recent day (Sep 30) for two sensors, summaries up to date.
std::vector<uuid> seed(store& s) {
  const std::vector<uuid> ids = energy::testing::put_one_building(s, 2).sensors;
  reading_rows rows;
  for (const uuid& id : ids) {
    for (int k = 0; k < 2 * 96; ++k)
      rows.push_back(id, may_30 + k * 900, 500 + k, k % 5 == 0 ? 4u : 0u);
    for (int k = 0; k < 96; ++k)
      rows.push_back(id, 1'727'654'400 + k * 900, 3);
  }
  (void)s.write_readings(rows);
  for (auto c = s.backend().claim_dirty(100'000); !c.hours.empty();
       c = s.backend().claim_dirty(100'000))
    s.backend().commit_summaries({}, c);
  return ids;
}

using dying_store = energy::testing::failing_object_store;

/// A SQLite store file holding the seed's readings, an archive directory, and the job's options.
struct site {
  scratch tmp;
  fs::path db = tmp.dir / "site.db";
  std::unique_ptr<store> s = open_sqlite_store(db);
  std::vector<uuid> ids = seed(*s);
  std::unique_ptr<object_store> objects = open_directory_store(tmp.dir / "archive");
  retention_options o = [] {
    retention_options options;
    options.now = job_now;
    return options;
  }();
};

}  // namespace

TEST_CASE(
    "SQLite retention archives old days, deletes their rows, keeps recent ones, and restore brings "
    "them back") {
  site x;
  auto& [tmp, db, s, ids, objects, o] = x;
  const auto report = run_retention(*open_sqlite_retention(db), *objects, o);
  CHECK(report.days_archived == 2);
  CHECK(report.rows_archived == 2 * 2 * 96);
  CHECK(s->count_readings() == 2 * 96);
  CHECK(run_retention(*open_sqlite_retention(db), *objects, o).days_archived == 0);  // idempotent
  CHECK(restore_range(*objects, *s, old_days) == 2 * 2 * 96);
  CHECK(s->count_readings() == 3 * 2 * 96);
  const auto back = s->read_readings(ids[1], old_days);
  REQUIRE(back.size() == 2 * 96);
  CHECK(back.value[10] == 510);
  CHECK(back.quality[10] == 4u);
}

TEST_CASE(
    "an interrupted SQLite retention run completes on re-run with every row archived exactly "
    "once") {
  scratch tmp;
  const auto db = tmp.dir / "site.db";
  auto s = open_sqlite_store(db);
  const auto ids = seed(*s);
  auto real = open_directory_store(tmp.dir / "archive");
  retention_options o;
  o.now = job_now;
  dying_store dying(*real, 1);  // day 1 uploaded, then the manifest write dies: nothing dropped
  CHECK_THROWS_AS(run_retention(*open_sqlite_retention(db), dying, o), storage_error);
  CHECK(s->count_readings() == 3 * 2 * 96);
  CHECK(run_retention(*open_sqlite_retention(db), *real, o).days_archived == 2);

  const auto other = tmp.dir / "restored.db";
  auto fresh = open_sqlite_store(other);
  for (const auto& t : s->list_tenants())
    fresh->put_tenant(t);
  for (const auto& b : s->list_buildings(s->list_tenants().front().id))
    fresh->put_building(b);
  for (const auto& se : s->list_all_sensors())
    fresh->put_sensor(se);
  CHECK(restore_range(*real, *fresh, old_days) == 2 * 2 * 96);
  std::set<std::pair<uuid, epoch_seconds>> keys;
  for (const auto& id : ids) {
    const auto r = fresh->read_readings(id, old_days);
    for (std::size_t i = 0; i < r.size(); ++i)
      keys.emplace(r.sensor_id[i], r.ts[i]);
  }
  CHECK(keys.size() == 2 * 2 * 96);
  CHECK(fresh->count_readings() == 2 * 2 * 96);
}

TEST_CASE("a second SQLite retention run finds the file lock taken and does nothing") {
  scratch tmp;
  const auto db = tmp.dir / "site.db";
  auto s = open_sqlite_store(db);
  (void)seed(*s);
  auto objects = open_directory_store(tmp.dir / "archive");
  auto holder = open_sqlite_retention(db);
  auto held = holder->try_lock();
  REQUIRE(held);
  retention_options o;
  o.now = job_now;
  CHECK(run_retention(*open_sqlite_retention(db), *objects, o).lock_busy);
  CHECK(s->count_readings() == 3 * 2 * 96);
}

TEST_CASE("a SQLite retention run whose upload fails keeps every raw row") {
  scratch tmp;
  const auto db = tmp.dir / "site.db";
  auto s = open_sqlite_store(db);
  (void)seed(*s);
  auto real = open_directory_store(tmp.dir / "archive");
  dying_store failing(*real, 0);
  retention_options o;
  o.now = job_now;
  CHECK_THROWS_AS(run_retention(*open_sqlite_retention(db), failing, o), storage_error);
  CHECK(s->count_readings() == 3 * 2 * 96);
}

TEST_CASE("each building's day is its own archive object, and a restore brings back every one") {
  scratch tmp;
  const auto db = tmp.dir / "site.db";
  auto s = open_sqlite_store(db);
  const auto ids = seed(*s);  // building A: two sensors
  // Building B: one sensor with readings on May 31 only.
  const uuid tenant_id = s->list_tenants().front().id;
  building other;
  other.id = uuid::v7();
  other.tenant_id = tenant_id;
  other.name = "other";
  s->put_building(other);
  sensor se;
  se.id = uuid::v7();
  se.building_id = other.id;
  s->put_sensor(se);
  reading_rows rows;
  for (int k = 0; k < 96; ++k)
    rows.push_back(se.id, may_30 + 86'400 + k * 900, 7);
  (void)s->write_readings(rows);
  for (auto c = s->backend().claim_dirty(100'000); !c.hours.empty();
       c = s->backend().claim_dirty(100'000))
    s->backend().commit_summaries({}, c);

  auto objects = open_directory_store(tmp.dir / "archive");
  retention_options o;
  o.now = job_now;
  const auto report = run_retention(*open_sqlite_retention(db), *objects, o);
  CHECK(report.days_archived == 2);
  CHECK(report.rows_archived == 2 * 2 * 96 + 96);
  const uuid a = s->get_sensor(ids[0])->building_id;
  std::vector<std::string> expected{"readings/2024-05-30/" + a.to_string() + ".csv.gz",
                                    "readings/2024-05-31/" + a.to_string() + ".csv.gz",
                                    "readings/2024-05-31/" + other.id.to_string() + ".csv.gz",
                                    "readings/manifest.csv"};
  std::sort(expected.begin(), expected.end());
  CHECK(objects->list("readings/") == expected);
  // Building B's object holds B's rows only.
  const std::string b_key = "readings/2024-05-31/" + other.id.to_string() + ".csv.gz";
  const auto b_object = objects->get(b_key);
  REQUIRE(b_object);
  const auto b_rows = decode_archive_csv(*b_object, b_key);
  CHECK(b_rows.size() == 96);
  CHECK(std::all_of(b_rows.sensor_id.begin(), b_rows.sensor_id.end(),
                    [&](const uuid& id) { return id == se.id; }));
  CHECK(restore_range(*objects, *s, old_days) == 2 * 2 * 96 + 96);
  CHECK(s->read_readings(se.id, old_days).size() == 96);
}

TEST_CASE(
    "a reading that arrives while its day is archived keeps the day, and the next run "
    "archives it") {
  site x;
  auto& [tmp, db, s, ids, objects, o] = x;
  // A reading at 23:50 on May 30 that the sensor had not sent before (the seed has quarter-hours).
  reading_rows late;
  late.push_back(ids[0], may_30 + 86'400 - 600, 42);
  energy::testing::late_reading_port racing(open_sqlite_retention(db), *s, late);
  const auto first = run_retention(racing, *objects, o);
  REQUIRE(first.days_changed.size() == 1);
  CHECK(first.days_changed[0].start == from_epoch(may_30));
  CHECK(first.days_archived == 1);  // May 31 went as usual
  CHECK(s->read_readings(ids[0], {from_epoch(may_30 + 86'400 - 600), from_epoch(may_30 + 86'400)})
            .size() == 1);  // the late reading is still in the database, not dropped unarchived

  // The late reading's hour is dirty until the summaries catch up; then the day is archived with
  // the reading merged into its object, and a restore brings back every row.
  const auto waiting = run_retention(*open_sqlite_retention(db), *objects, o);
  CHECK(waiting.days_pending.size() == 1);
  for (auto c = s->backend().claim_dirty(100'000); !c.hours.empty();
       c = s->backend().claim_dirty(100'000))
    s->backend().commit_summaries({}, c);
  const auto second = run_retention(*open_sqlite_retention(db), *objects, o);
  CHECK(second.days_archived == 1);
  CHECK(second.days_changed.empty());
  CHECK(s->count_readings() == 2 * 96);  // only the recent day is left
  CHECK(restore_range(*objects, *s, old_days) == 2 * 2 * 96 + 1);
}

TEST_CASE("a correction that lands while its day is archived keeps the day, even once summarised") {
  site x;
  auto& [tmp, db, s, ids, objects, o] = x;
  // A new value for a reading the job has already archived, and an aggregation run that clears
  // its dirty mark before the drop: only the day's fingerprint can tell.
  reading_rows fix;
  fix.push_back(ids[1], may_30 + 900, 9'999);
  energy::testing::late_reading_port racing(open_sqlite_retention(db), *s, fix, true);
  const auto first = run_retention(racing, *objects, o);
  REQUIRE(first.days_changed.size() == 1);
  CHECK(first.days_changed[0].start == from_epoch(may_30));
  const auto second = run_retention(*open_sqlite_retention(db), *objects, o);
  CHECK(second.days_archived == 1);
  CHECK(restore_range(*objects, *s, old_days) == 2 * 2 * 96);
  const auto back = s->read_readings(ids[1], {from_epoch(may_30 + 900), from_epoch(may_30 + 1800)});
  REQUIRE(back.size() == 1);
  CHECK(back.value[0] == 9'999);  // the corrected value is what the archive holds
}
