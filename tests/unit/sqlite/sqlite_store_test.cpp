// SPDX-License-Identifier: Apache-2.0
// SQLite adapter behaviour beyond the shared store contract: schema migrations, on-disk format,
// durability across a crash of the writer, lock contention and error mapping.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <energy/quality.hpp>
#include <energy/storage/memory.hpp>
#include <energy/storage/sqlite.hpp>

#include "adapters/sqlite/migrations.hpp"
#include "adapters/sqlite/reading_chunk.hpp"
#include "support/concurrent_imports.hpp"
#include "unit/sqlite/sqlite_test_support.hpp"

namespace {

using energy::epoch_seconds;
using energy::storage_error;
using energy::storage::open_sqlite_store;
using energy::testing::id;
using energy::testing::quarter_hours;
using energy::testing::seed;
using energy::testing::t0;
using energy::testing::temp_dir;

/// energy_readings as schema versions 1 to 4 made it: one row per reading.
constexpr std::string_view version_4_readings_table =
    "CREATE TABLE energy_readings (sensor_id BLOB NOT NULL, timestamp INTEGER NOT NULL,"
    " value INTEGER NOT NULL, quality_flag INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (sensor_id, timestamp)) WITHOUT ROWID";

}  // namespace

// --- migrations ---------------------------------------------------------------------------------

TEST_CASE("a new sqlite database records every built-in migration in schema_migrations",
          "[sqlite][migrations]") {
  temp_dir dir;
  const auto path = dir.file("new.db");
  { auto s = open_sqlite_store(path); }
  SQLite::Database db(path);
  const auto steps = energy::sqlite_detail::builtin_migrations();
  REQUIRE(energy::sqlite_detail::recorded_version(db) == energy::storage::sqlite_schema_version());
  SQLite::Statement q(db,
                      "SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
  std::size_t i = 0;
  for (; q.executeStep(); ++i) {
    REQUIRE(i < steps.size());
    CHECK(q.getColumn(0).getInt() == steps[i].version);
    CHECK(q.getColumn(1).getString() == std::string(steps[i].name));
    CHECK(q.getColumn(2).getInt64() > t0);
  }
  CHECK(i == steps.size());
}

TEST_CASE("reopening a sqlite database keeps its data and applies no migration twice",
          "[sqlite][migrations]") {
  temp_dir dir;
  const auto path = dir.file("reopen.db");
  energy::uuid sensor;
  {
    auto s = open_sqlite_store(path);
    sensor = seed(*s);
    REQUIRE(s->write_readings(quarter_hours(sensor, t0, 8, 100)).inserted == 8);
  }
  auto s = open_sqlite_store(path);
  CHECK(s->count_readings() == 8);
  CHECK(s->read_readings(sensor, {energy::from_epoch(t0), energy::from_epoch(t0 + 7200)})
            .value.back() == 107);
  CHECK(s->write_readings(quarter_hours(sensor, t0, 8, 100)).unchanged == 8);
  SQLite::Database db(path);
  CHECK(db.execAndGet("SELECT count(*) FROM schema_migrations").getInt() ==
        static_cast<int>(energy::sqlite_detail::builtin_migrations().size()));
}

TEST_CASE(
    "a sqlite database with a newer schema than the library is refused with a non-retryable error",
    "[sqlite][migrations]") {
  temp_dir dir;
  const auto path = dir.file("future.db");
  { auto s = open_sqlite_store(path); }
  const int future = energy::storage::sqlite_schema_version() + 1;
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (" +
            std::to_string(future) + ", 'from the future', 0)");
  }
  try {
    (void)open_sqlite_store(path);
    FAIL("a newer schema was opened");
  } catch (const storage_error& e) {
    CHECK_FALSE(e.retryable());
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Matchers::Contains("schema version " + std::to_string(future)));
    CHECK_THAT(what, Catch::Matchers::Contains("newer"));
    CHECK_THAT(what, Catch::Matchers::Contains(path.filename().string()));
  }
  SQLite::Database db(path);  // nothing was changed by the refused open
  CHECK(energy::sqlite_detail::recorded_version(db) == future);
}

TEST_CASE("steps are named by their files, and databases that recorded the older names still open",
          "[sqlite][migrations]") {
  const auto steps = energy::sqlite_detail::builtin_migrations();
  REQUIRE(steps.size() >= 3);
  CHECK(steps[0].name == "0001_initial.sql");  // share/migrations/sqlite, as PostgreSQL's
  temp_dir dir;
  const auto path = dir.file("legacy.db");
  { auto s = open_sqlite_store(path); }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec(
        "UPDATE schema_migrations SET name = 'seed tables, readings and summaries' "
        "WHERE version = 1");
    db.exec("UPDATE schema_migrations SET name = 'tariff versions' WHERE version = 3");
  }
  CHECK_NOTHROW(open_sqlite_store(path));
}

TEST_CASE("hour marks of a database from before dirty_days are carried over by the migration",
          "[sqlite][migrations]") {
  temp_dir dir;
  const auto path = dir.file("hour-marks.db");
  energy::uuid sensor;
  {
    auto s = open_sqlite_store(path);
    sensor = seed(*s);
  }
  const epoch_seconds day = t0 - (((t0 % 86400) + 86400) % 86400);
  {
    // The database as version 3 left it: one dirty_hours row per (hour, sensor), a row per reading.
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("DROP TABLE dirty_days");
    db.exec("DROP TABLE energy_reading_chunks");
    db.exec(std::string(version_4_readings_table));
    db.exec(
        "CREATE TABLE dirty_hours (hour INTEGER NOT NULL, sensor_id BLOB NOT NULL, seq INTEGER "
        "NOT NULL, PRIMARY KEY (hour, sensor_id)) WITHOUT ROWID");
    SQLite::Statement ins(db, "INSERT INTO dirty_hours VALUES (?1, ?2, ?3)");
    // Hours 0, 5 and 23 of one day, hour 1 of the next, and one before 1970 (negative epoch).
    for (const epoch_seconds h :
         {day, day + 5 * 3600, day + 23 * 3600, day + 86400 + 3600, epoch_seconds{-2 * 3600}}) {
      ins.bind(1, static_cast<std::int64_t>(h));
      ins.bind(2, sensor.bytes().data(), 16);
      ins.bind(3, 7);
      ins.exec();
      ins.reset();
    }
    // Later steps' changes undone too, so reopening replays them on what version 3 had.
    db.exec("ALTER TABLE tariff_versions DROP COLUMN holidays");
    db.exec("DELETE FROM schema_migrations WHERE version >= 4");
  }
  auto s = open_sqlite_store(path);
  const auto claim = s->backend().claim_dirty(100);
  std::vector<epoch_seconds> hours;
  for (const auto& h : claim.hours) {
    CHECK(h.sensor_id == sensor);
    hours.push_back(h.hour);
  }
  CHECK(hours == std::vector<epoch_seconds>{-2 * 3600, day, day + 5 * 3600, day + 23 * 3600,
                                            day + 86400 + 3600});
  SQLite::Database db(path);
  CHECK_FALSE(db.tableExists("dirty_hours"));
  CHECK(db.execAndGet("SELECT count(*) FROM dirty_days").getInt() == 3);
}

TEST_CASE("migration 5 moves every reading of a row-per-reading database into chunks, exactly",
          "[sqlite][migrations]") {
  temp_dir dir;
  const auto path = dir.file("rows.db");
  energy::uuid quarter, minute;
  {
    auto s = open_sqlite_store(path);
    quarter = seed(*s);
    minute = energy::testing::add_second_sensor(*s);
    energy::sensor m = *s->get_sensor(minute);
    m.interval_seconds = 60;
    s->put_sensor(m);
  }
  // What version 4 stored: across UTC midnight and before 1970, with flags and extreme values,
  // in no particular order of insertion.
  struct row {
    energy::uuid sensor;
    epoch_seconds ts;
    energy::milli value;
    std::uint32_t flags;
  };
  std::vector<row> rows{{quarter, t0 + 86400 - 900, 5, 0},
                        {quarter, t0, INT64_MAX, energy::quality::estimated},
                        {quarter, t0 + 86400, INT64_MIN, 0},
                        {quarter, -86400 - 900, -7, energy::quality::corrected},
                        {quarter, t0 + 900, 0, 0}};
  for (int i = 0; i < 300; ++i)  // 5 hours of a 1-minute sensor: 2-hour chunks
    rows.push_back({minute, t0 + 60 * i, 1000 + i * i, 0});
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("DROP TABLE energy_reading_chunks");
    db.exec(std::string(version_4_readings_table));
    SQLite::Statement ins(db, "INSERT INTO energy_readings VALUES (?1, ?2, ?3, ?4)");
    for (const row& r : rows) {
      ins.bind(1, r.sensor.bytes().data(), 16);
      ins.bind(2, static_cast<std::int64_t>(r.ts));
      ins.bind(3, static_cast<std::int64_t>(r.value));
      ins.bind(4, static_cast<std::int64_t>(r.flags));
      ins.exec();
      ins.reset();
    }
    // Later steps' changes undone too, so reopening replays them on what version 4 had.
    db.exec("ALTER TABLE tariff_versions DROP COLUMN holidays");
    db.exec("DELETE FROM schema_migrations WHERE version >= 5");
  }
  auto s = open_sqlite_store(path);
  CHECK(s->count_readings() == static_cast<std::int64_t>(rows.size()));
  const energy::time_range all{energy::from_epoch(-1'000'000'000),
                               energy::from_epoch(4'000'000'000)};
  for (const energy::uuid& sensor : {quarter, minute}) {
    std::vector<row> expected;
    for (const row& r : rows)
      if (r.sensor == sensor) expected.push_back(r);
    std::sort(expected.begin(), expected.end(),
              [](const row& a, const row& b) { return a.ts < b.ts; });
    const energy::reading_rows got = s->read_readings(sensor, all);
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got.ts[i] == expected[i].ts);
      CHECK(got.value[i] == expected[i].value);
      CHECK(got.quality[i] == expected[i].flags);
    }
  }
  {
    SQLite::Database db(path);
    CHECK_FALSE(db.tableExists("energy_readings"));
    // The 15-minute sensor: three UTC days; the 1-minute one: three 2-hour spans.
    CHECK(db.execAndGet("SELECT count(*) FROM energy_reading_chunks").getInt() == 3 + 3);
    CHECK(db.execAndGet("SELECT min(span_end - span_start) = 7200 AND max(span_end - span_start)"
                        " = 7200 FROM energy_reading_chunks WHERE sensor_id = X'0300000000007000"
                        "8000000000000002'")
              .getInt() == 1);
  }
  // Writes after the move merge into the moved chunks.
  energy::reading_rows more;
  more.push_back(quarter, t0 + 900, 1);
  more.push_back(quarter, t0 + 1800, 2);
  const auto w = s->write_readings(more);
  CHECK(w.inserted == 1);
  CHECK(w.replaced == 1);
  CHECK(s->count_readings() == static_cast<std::int64_t>(rows.size()) + 1);
}

TEST_CASE("a prefix claim that ends inside a day clears exactly the claimed hours of that day",
          "[sqlite][summaries]") {
  temp_dir dir;
  auto s = open_sqlite_store(dir.file("partial-day.db"));
  const auto a = seed(*s);
  // Two sensors, hours 0..3 of one day: claim 5 of the 8 marks (hours 0, 1 of both, hour 2 of
  // the smaller id), commit, and the other 3 remain, in the same day rows.
  energy::sensor second = *s->get_sensor(a);
  second.id = energy::uuid::v7();
  s->put_sensor(second);
  const epoch_seconds day = t0 - (((t0 % 86400) + 86400) % 86400);
  energy::reading_rows rows;
  for (const auto& id : {a, second.id})
    for (int h = 0; h < 4; ++h)
      rows.push_back(id, day + h * 3600, 1);
  REQUIRE(s->write_readings(rows).inserted == 8);
  const auto claim = s->backend().claim_dirty(5);
  REQUIRE(claim.hours.size() == 5);
  CHECK(claim.is_prefix);
  s->backend().commit_summaries({}, claim);
  const auto rest = s->backend().claim_dirty(100);
  REQUIRE(rest.hours.size() == 3);
  const auto low = std::min(a, second.id), high = std::max(a, second.id);
  CHECK(rest.hours[0] == energy::storage::dirty_hour{high, day + 2 * 3600});
  CHECK(rest.hours[1] == energy::storage::dirty_hour{low, day + 3 * 3600});
  CHECK(rest.hours[2] == energy::storage::dirty_hour{high, day + 3 * 3600});
}

TEST_CASE("a sqlite database with a different schema history is refused", "[sqlite][migrations]") {
  temp_dir dir;
  const auto path = dir.file("foreign.db");
  { auto s = open_sqlite_store(path); }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE schema_migrations SET name = 'someone else''s table' WHERE version = 1");
  }
  CHECK_THROWS_WITH(open_sqlite_store(path), Catch::Matchers::Contains("different schema history"));
}

TEST_CASE(
    "pending migrations are applied in order in one transaction and a failing one applies none",
    "[sqlite][migrations]") {
  using energy::sqlite_detail::migration;
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  const std::vector<migration> v1{{1, "a", "CREATE TABLE a (x INTEGER)"}};
  energy::sqlite_detail::migrate(db, v1, "test");
  CHECK(energy::sqlite_detail::recorded_version(db) == 1);

  const std::vector<migration> broken{
      {1, "a", "CREATE TABLE a (x INTEGER)"},
      {2, "b", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1)"},
      {3, "c", "CREATE TABLE c (z INTEGER); THIS IS NOT SQL"}};
  CHECK_THROWS_AS(energy::sqlite_detail::migrate(db, broken, "test"), SQLite::Exception);
  CHECK(energy::sqlite_detail::recorded_version(db) == 1);
  CHECK_FALSE(db.tableExists("b"));
  CHECK(db.execAndGet("SELECT count(*) FROM a").getInt() == 0);

  const std::vector<migration> v2{{1, "a", "CREATE TABLE a (x INTEGER)"},
                                  {2, "b", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1)"}};
  energy::sqlite_detail::migrate(db, v2, "test");
  CHECK(energy::sqlite_detail::recorded_version(db) == 2);
  CHECK(db.execAndGet("SELECT count(*) FROM a").getInt() == 1);
  energy::sqlite_detail::migrate(db, v2, "test");  // idempotent
  CHECK(db.execAndGet("SELECT count(*) FROM a").getInt() == 1);
}

// --- on-disk format -----------------------------------------------------------------------------

TEST_CASE("sqlite stores ids as 16-byte blobs, values and times as exact integers, in WAL mode",
          "[sqlite][schema]") {
  temp_dir dir;
  const auto path = dir.file("format.db");
  energy::uuid sensor;
  {
    auto s = open_sqlite_store(path);
    sensor = seed(*s);
    energy::reading_rows rows;
    rows.push_back(sensor, t0, 9'007'199'254'740'993, energy::quality::estimated);  // 2^53 + 1
    REQUIRE(s->write_readings(rows).inserted == 1);
  }
  SQLite::Database db(path);
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  // One chunk: the sensor's UTC day (a 15-minute sensor), holding the reading exactly.
  SQLite::Statement q(db,
                      "SELECT typeof(sensor_id), length(sensor_id), typeof(span_start), span_start,"
                      " span_end, readings, typeof(data), data, sensor_id"
                      " FROM energy_reading_chunks");
  REQUIRE(q.executeStep());
  CHECK(q.getColumn(0).getString() == "blob");
  CHECK(q.getColumn(1).getInt() == 16);
  CHECK(q.getColumn(2).getString() == "integer");
  CHECK(q.getColumn(3).getInt64() == t0);
  CHECK(q.getColumn(4).getInt64() == t0 + 86400);
  CHECK(q.getColumn(5).getInt64() == 1);
  CHECK(q.getColumn(6).getString() == "blob");
  std::vector<energy::sqlite_detail::chunk_reading> decoded;
  const SQLite::Column data = q.getColumn(7);
  CHECK(energy::sqlite_detail::decode_chunk({static_cast<const std::uint8_t*>(data.getBlob()),
                                             static_cast<std::size_t>(data.getBytes())},
                                            t0, t0 + 86400, 1, decoded)
            .empty());
  CHECK(decoded == std::vector<energy::sqlite_detail::chunk_reading>{
                       {t0, 9'007'199'254'740'993, energy::quality::estimated}});
  CHECK(std::memcmp(q.getColumn(8).getBlob(), sensor.bytes().data(), 16) == 0);
  CHECK_FALSE(q.executeStep());
}

TEST_CASE("the seed's daily_summaries view shows building days by local date", "[sqlite][schema]") {
  temp_dir dir;
  const auto path = dir.file("views.db");
  {
    auto s = open_sqlite_store(path);
    (void)seed(*s);
    energy::summary_row day;
    day.scope = energy::summary_scope::building;
    day.subject_id = id(2, 1);
    day.res = energy::resolution::day;
    day.period = {energy::from_epoch(t0 + 4 * 3600), energy::from_epoch(t0 + 28 * 3600)};
    day.local_start =
        std::chrono::local_seconds{std::chrono::seconds{t0}};  // 2024-07-01 00:00 local
    day.consumption = 123'456;
    day.cost = energy::money::from_micros(16'730'000);
    s->backend().commit_summaries(std::vector<energy::summary_row>{day}, {});
  }
  SQLite::Database db(path);
  SQLite::Statement q(
      db, "SELECT date, total_consumption_milli, cost_estimate_micros FROM daily_summaries");
  REQUIRE(q.executeStep());
  CHECK(q.getColumn(0).getString() == "2024-07-01");
  CHECK(q.getColumn(1).getInt64() == 123'456);
  CHECK(q.getColumn(2).getInt64() == 16'730'000);
}

// --- atomicity, durability, locking -------------------------------------------------------------

TEST_CASE(
    "a write_readings that fails inside its transaction leaves rows, marks and states untouched",
    "[sqlite][atomicity]") {
  temp_dir dir;
  const auto path = dir.file("atomic.db");
  auto s = open_sqlite_store(path);
  const auto sensor = seed(*s);
  const auto refused = energy::testing::add_second_sensor(*s);
  REQUIRE(s->write_readings(quarter_hours(sensor, t0, 2, 10)).inserted == 2);
  s->backend().commit_summaries({}, s->backend().claim_dirty(100));
  energy::testing::refuse_chunks_of(path, refused);
  energy::reading_rows rows = quarter_hours(sensor, t0 + 3600, 4, 1);
  rows.push_back(sensor, t0, 11);           // a correction, in the chunk written first
  rows.push_back(refused, t0 + 7200, 666);  // its chunk fails
  const std::vector<energy::sample_state> states{{sensor, t0 + 7200, 5.0}};
  try {
    (void)s->write_readings(rows, states);
    FAIL("the trigger did not fire");
  } catch (const storage_error& e) {
    CHECK_FALSE(e.retryable());
    CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains("injected failure"));
  }
  CHECK(s->count_readings() == 2);
  CHECK(s->read_readings(sensor, {energy::from_epoch(t0), energy::from_epoch(t0 + 3600)}).value ==
        std::vector<energy::milli>{10, 11});
  CHECK(s->backend().claim_dirty(100).hours.empty());
  CHECK_FALSE(s->get_sample_state(sensor).has_value());
  energy::testing::allow_chunks(path);  // the same store goes on working
  const auto again = s->write_readings(rows, states);
  CHECK(again.inserted == 5);
  CHECK(again.replaced == 1);
  CHECK(s->read_readings(sensor, {energy::from_epoch(t0), energy::from_epoch(t0 + 3600)}).value ==
        std::vector<energy::milli>{11, 11});
}

TEST_CASE(
    "commit_summaries is atomic: if the summary upsert fails, no summary lands and the marks stay",
    "[sqlite][atomicity]") {
  temp_dir dir;
  const auto path = dir.file("summaries.db");
  auto s = open_sqlite_store(path);
  const auto sensor = seed(*s);
  REQUIRE(s->write_readings(quarter_hours(sensor, t0, 8, 1)).inserted == 8);
  const auto claim = s->backend().claim_dirty(100);
  REQUIRE(claim.hours.size() == 2);
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    raw.exec(
        "CREATE TRIGGER reject_666 BEFORE INSERT ON summaries WHEN NEW.consumption = 666"
        " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  }
  energy::summary_row ok;
  ok.scope = energy::summary_scope::sensor;
  ok.subject_id = sensor;
  ok.res = energy::resolution::hour;
  ok.period = {energy::from_epoch(t0), energy::from_epoch(t0 + 3600)};
  ok.consumption = 10;
  energy::summary_row bad = ok;
  bad.period = {energy::from_epoch(t0 + 3600), energy::from_epoch(t0 + 7200)};
  bad.consumption = 666;
  CHECK_THROWS_AS(s->backend().commit_summaries(std::vector<energy::summary_row>{ok, bad}, claim),
                  storage_error);
  const energy::storage::summary_query q{energy::summary_scope::sensor,
                                         sensor,
                                         energy::sensor_type::electricity,
                                         energy::resolution::hour,
                                         {energy::from_epoch(t0), energy::from_epoch(t0 + 86400)}};
  CHECK(s->read_summaries(q).empty());
  CHECK(s->backend().claim_dirty(100).hours == claim.hours);
}

TEST_CASE("readings acknowledged by write_readings survive the writer being killed",
          "[sqlite][durability]") {
  temp_dir dir;
  const auto path = dir.file("crash.db");
  energy::uuid sensor;
  {
    auto s = open_sqlite_store(path);
    sensor = seed(*s);
  }
  const auto run = energy::testing::kill_writer_after(5, [&](int fd) {
    // The writer: acknowledges each committed batch, then keeps writing until killed.
    auto s = open_sqlite_store(path);
    for (int batch = 0;; ++batch) {
      (void)s->write_readings(quarter_hours(sensor, t0 + batch * 96 * 900, 96, batch * 1000));
      const int acked = batch + 1;
      if (::write(fd, &acked, sizeof acked) != sizeof acked) ::_exit(2);
    }
  });
  REQUIRE(run.killed);
  REQUIRE(run.acknowledged.size() >= 5);
  const int acked = run.acknowledged.back();

  auto s = open_sqlite_store(path);
  CHECK(s->count_readings() >= static_cast<std::int64_t>(acked) * 96);
  CHECK(s->count_readings() % 96 == 0);  // whole batches only
  for (int batch = 0; batch < acked; ++batch) {
    const auto got = s->read_readings(sensor, {energy::from_epoch(t0 + batch * 96 * 900),
                                               energy::from_epoch(t0 + (batch + 1) * 96 * 900)});
    REQUIRE(got.size() == 96);
    CHECK(got.value.front() == batch * 1000);
  }
}

TEST_CASE(
    "a write blocked by another connection's lock fails with a retryable storage_error, then "
    "succeeds",
    "[sqlite][locking]") {
  temp_dir dir;
  const auto path = dir.file("busy.db");
  energy::storage::sqlite_options options;
  options.busy_timeout = std::chrono::milliseconds{20};
  auto s = open_sqlite_store(path, options);
  const auto sensor = seed(*s);
  {
    SQLite::Database other(path, SQLite::OPEN_READWRITE);
    SQLite::Transaction lock(other, SQLite::TransactionBehavior::IMMEDIATE);
    try {
      (void)s->write_readings(quarter_hours(sensor, t0, 4, 1));
      FAIL("the write went through a held lock");
    } catch (const storage_error& e) {
      CHECK(e.retryable());
      CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains("busy"));
    }
    CHECK(s->count_readings() == 0);  // readers are not blocked by the writer (WAL)
  }
  CHECK(s->write_readings(quarter_hours(sensor, t0, 4, 1)).inserted == 4);
}

TEST_CASE("an open read transaction elsewhere does not block writes (WAL)", "[sqlite][locking]") {
  temp_dir dir;
  const auto path = dir.file("wal.db");
  auto s = open_sqlite_store(path);
  const auto sensor = seed(*s);
  SQLite::Database reader(path);
  SQLite::Transaction snapshot(reader, SQLite::TransactionBehavior::DEFERRED);
  CHECK(reader.execAndGet("SELECT count(*) FROM energy_reading_chunks").getInt() == 0);
  CHECK(s->write_readings(quarter_hours(sensor, t0, 4, 1)).inserted == 4);
  // Its snapshot.
  CHECK(reader.execAndGet("SELECT count(*) FROM energy_reading_chunks").getInt() == 0);
}

TEST_CASE(
    "SQLite: concurrent imports of the same sensors of every kind store what one sequential "
    "import would",
    "[sqlite][locking][concurrency]") {
  temp_dir dir;
  const auto path = dir.file("concurrent.db");
  energy::testing::check_concurrent_series_imports([&] { return open_sqlite_store(path); }, 12);
}

TEST_CASE("opening a current database and listing tenants succeeds during another's long write",
          "[sqlite][locking][open]") {
  temp_dir dir;
  const auto path = dir.file("busy.db");
  {
    auto s = open_sqlite_store(path);
    (void)seed(*s);
  }
  SQLite::Database writer(path, SQLite::OPEN_READWRITE);
  SQLite::Transaction long_write(writer, SQLite::TransactionBehavior::IMMEDIATE);
  writer.exec("DELETE FROM energy_reading_chunks");  // holds the write lock until rolled back
  energy::storage::sqlite_options quick;
  quick.busy_timeout = std::chrono::milliseconds{200};
  auto reader = open_sqlite_store(path, quick);  // must not need the write lock
  CHECK(reader->list_tenants().size() == 1);
}

// --- opening ------------------------------------------------------------------------------------

TEST_CASE(
    "opening a file that is not a sqlite database throws a non-retryable error naming the file",
    "[sqlite][open]") {
  temp_dir dir;
  const auto path = dir.file("not-a-database.db");
  std::ofstream(path)
      << "this is a text file, not a database, and it is long enough to have a header page";
  try {
    (void)open_sqlite_store(path);
    FAIL("a text file was opened as a database");
  } catch (const storage_error& e) {
    CHECK_FALSE(e.retryable());
    CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains("not-a-database.db"));
  }
  CHECK_THROWS_AS(open_sqlite_store(dir.file("missing-dir/x.db")), storage_error);
}

TEST_CASE("open_store opens memory: and sqlite: URIs and rejects other schemes", "[sqlite][open]") {
  temp_dir dir;
  CHECK(energy::storage::open_store("memory:")->adapter_name() == "memory");
  CHECK(energy::storage::open_store("sqlite::memory:")->adapter_name() == "sqlite");
  const auto path = dir.file("uri.db");
  CHECK(energy::storage::open_store("sqlite:" + path.string())->adapter_name() == "sqlite");
  CHECK(std::filesystem::exists(path));
  CHECK_THROWS_AS(energy::storage::open_store("sqlite:"), std::invalid_argument);
  CHECK_THROWS_WITH(energy::storage::open_store("mysql://localhost/x"),
                    Catch::Matchers::Contains("sqlite:<path>"));
}

TEST_CASE("a store opened with normal durability reads and writes like the default",
          "[sqlite][durability]") {
  temp_dir dir;
  energy::storage::sqlite_options options;
  options.durability = energy::storage::sqlite_durability::normal;
  auto s = open_sqlite_store(dir.file("normal.db"), options);
  const auto sensor = seed(*s);
  CHECK(s->write_readings(quarter_hours(sensor, t0, 4, 1)).inserted == 4);
  CHECK(s->write_readings(quarter_hours(sensor, t0, 4, 1)).unchanged == 4);
}
