// SPDX-License-Identifier: Apache-2.0
// Retention and archive: object stores (directory, S3 on the moto fixture), the archive format,
// and the retention job against PostgreSQL, including interrupted and failing runs.
#include <catch2/catch.hpp>

#include <energy/archive/object_store.hpp>
#include <energy/archive/retention.hpp>
#include <energy/storage/postgres.hpp>
#ifdef ENERGY_TEST_WITH_SQLITE
#include <energy/storage/sqlite.hpp>
#include <energy/storage/sqlite_retention.hpp>
#endif

#include "pg_test_support.hpp"
#include "support/failing_object_store.hpp"
#include "support/late_reading_port.hpp"
#include "support/one_building.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

using namespace energy;
using namespace energy::storage;
using namespace energy::archive;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
  auto p = fs::temp_directory_path() / ("energy-archive-" + name + "-" + uuid::v7().to_string());
  fs::create_directories(p);
  return p;
}

s3_config moto_config(const std::string& bucket) {
  auto endpoint = test::server_address("s3", "s3.endpoint");
  if (!endpoint)
    throw std::runtime_error("no S3 test server: run through ctest (fixture s3_server)");
  s3_config c;
  c.endpoint = *endpoint;
  c.bucket = bucket;
  c.access_key = "testing";
  c.secret_key = "testing";
  c.create_bucket = true;
  return c;
}

std::string fresh_bucket() {
  std::string b = "energy-";
  for (char ch : uuid::v7().to_string().substr(0, 18))
    if (ch != '-') b += ch;
  return b;
}

void exercise(object_store& s) {
  CHECK_FALSE(s.get("a/missing.txt"));
  s.put("a/one.txt", "one");
  s.put("a/two words.txt", std::string("two\0bytes", 9));
  s.put("b/three.txt", "3");
  s.put("a/one.txt", "one, replaced");
  CHECK(s.get("a/one.txt") == std::optional<std::string>("one, replaced"));
  CHECK(s.get("a/two words.txt") == std::optional<std::string>(std::string("two\0bytes", 9)));
  CHECK(s.list("a/") == std::vector<std::string>{"a/one.txt", "a/two words.txt"});
  s.remove("a/one.txt");
  s.remove("a/one.txt");  // removing a missing object is fine
  CHECK(s.list("") == std::vector<std::string>{"a/two words.txt", "b/three.txt"});
  CHECK_THROWS_AS(s.put("../escape", "x"), std::invalid_argument);
}
using failing_store = energy::testing::failing_object_store;

constexpr epoch_seconds june_1 = 1'717'200'000;         // 2024-06-01T00:00Z
const utc_seconds job_now = from_epoch(1'727'784'000);  // 2024-10-01T12:00Z: June is past 90 days

struct seeded {
  std::shared_ptr<postgres_pool> pool;
  std::unique_ptr<store> s;
  uuid building;
  std::vector<uuid> sensors;
  std::int64_t old_rows = 0;
  std::int64_t recent_rows = 0;
};

// Three old days (June 1-3) and one recent (Sep 25) of 15-minute readings for 3 sensors, with
// every dirty mark committed (summaries are up to date).
seeded seed_store(const std::string& prefix = "arch") {
  seeded x;
  x.pool = make_postgres_pool(test::postgres_uri(), test::test_options(prefix));
  x.s = open_postgres_store(x.pool);
  const auto site = energy::testing::put_one_building(*x.s, 3);
  x.building = site.building_id;
  x.sensors = site.sensors;
  reading_rows rows;
  for (const auto& id : x.sensors) {
    for (int k = 0; k < 3 * 96; ++k)
      rows.push_back(id, june_1 + k * 900, 1'000 + k, k % 7 == 0 ? 1u : 0u);
    for (int k = 0; k < 96; ++k)
      rows.push_back(id, 1'727'222'400 + k * 900, -5 + k);  // 2024-09-25
  }
  (void)x.s->write_readings(rows);
  x.old_rows = 3 * 3 * 96;
  x.recent_rows = 3 * 96;
  for (auto claim = x.s->backend().claim_dirty(100'000); !claim.hours.empty();
       claim = x.s->backend().claim_dirty(100'000))
    x.s->backend().commit_summaries({}, claim);
  return x;
}

std::int64_t count_in(store& s, const std::vector<uuid>& sensors, time_range r) {
  std::int64_t n = 0;
  for (const auto& id : sensors)
    n += static_cast<std::int64_t>(s.read_readings(id, r).size());
  return n;
}

const time_range june{from_epoch(june_1), from_epoch(june_1 + 3 * 86'400)};

}  // namespace

TEST_CASE("archive objects are gzip CSV that round-trip every reading exactly") {
  reading_rows rows;
  rows.push_back(uuid::v7(), 1'719'792'000, 1'234'567'890'123'456, 0);
  rows.push_back(uuid::v7(), -86'400, -1, 0xFFFFFFFFu);
  const auto packed = encode_archive_csv(rows);
  REQUIRE(packed.size() > 2);
  CHECK(static_cast<unsigned char>(packed[0]) == 0x1f);  // gzip magic
  const auto back = decode_archive_csv(packed, "t.csv.gz");
  CHECK(back.sensor_id == rows.sensor_id);
  CHECK(back.ts == rows.ts);
  CHECK(back.value == rows.value);
  CHECK(back.quality == rows.quality);
  CHECK(encode_archive_csv(rows) == packed);  // deterministic: a re-upload is byte-identical
  CHECK_THROWS_AS(decode_archive_csv(packed.substr(0, packed.size() / 2), "cut.csv.gz"),
                  parse_error);
}

TEST_CASE("pandas reads an archive object directly with its header, timestamps and exact values") {
  if (std::system("/usr/bin/python3 -c 'import pandas' >/dev/null 2>&1") != 0) {
    WARN("skipped: /usr/bin/python3 has no pandas");
    return;
  }
  reading_rows rows;
  const uuid id = uuid::v7();
  for (int k = 0; k < 10; ++k)
    rows.push_back(id, 1'719'792'000 + k * 900, 1'250 + k, 0);
  const auto dir = temp_dir("pandas");
  const auto file = dir / "day.csv.gz";
  {
    std::ofstream out(file, std::ios::binary);
    const auto bytes = encode_archive_csv(rows);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  const std::string cmd =
      "/usr/bin/python3 -c \"import pandas as pd; d = pd.read_csv('" + file.string() +
      "', compression='gzip', parse_dates=['ts']); "
      "assert len(d) == 10, len(d); assert str(d.ts.dt.tz) == 'UTC', d.ts.dt.tz; "
      "assert round(d.value.sum() * 1000) == 12545, d.value.sum()\"";
  CHECK(std::system(cmd.c_str()) == 0);
  fs::remove_all(dir);
}

TEST_CASE("the directory object store puts, gets, lists and removes objects") {
  const auto dir = temp_dir("dir");
  auto s = open_directory_store(dir);
  exercise(*s);
  fs::remove_all(dir);
}

TEST_CASE("the S3 object store puts, gets, lists and removes objects on an S3-compatible server") {
  auto s = open_s3_store(moto_config(fresh_bucket()));
  exercise(*s);
}

TEST_CASE("S3 listing follows continuation tokens past one page") {
  auto s = open_s3_store(moto_config(fresh_bucket()));
  for (int i = 0; i < 1005; ++i)
    s->put("p/" + std::to_string(10'000 + i), "x");
  CHECK(s->list("p/").size() == 1005);
}

TEST_CASE(
    "retention archives old days to S3, verifies them, drops their partitions and keeps recent "
    "data") {
  auto x = seed_store();
  auto objects = open_s3_store(moto_config(fresh_bucket()));
  auto port = open_postgres_retention(x.pool);
  retention_options o;
  o.now = job_now;
  const auto report = run_retention(*port, *objects, o);
  CHECK_FALSE(report.lock_busy);
  CHECK(report.days_archived == 3);
  CHECK(report.rows_archived == x.old_rows);
  CHECK(report.days_pending.empty());
  CHECK(x.s->count_readings() == x.recent_rows);
  const std::string b = "/" + x.building.to_string() + ".csv.gz";
  CHECK(objects->list("readings/") ==
        std::vector<std::string>{"readings/2024-06-01" + b, "readings/2024-06-02" + b,
                                 "readings/2024-06-03" + b, "readings/manifest.csv"});
  const auto manifest = objects->get("readings/manifest.csv");
  REQUIRE(manifest);
  CHECK_THAT(*manifest,
             Catch::StartsWith("object_key,range_start,range_end,row_count,csv_bytes,crc32\n"
                               "readings/2024-06-01" +
                               b + ",2024-06-01T00:00:00Z,2024-06-02T00:00:00Z,288,"));
  // Re-running finds nothing more to do.
  const auto again = run_retention(*port, *objects, o);
  CHECK(again.days_archived == 0);
  CHECK(x.s->count_readings() == x.recent_rows);

  // Restore re-imports exactly what was archived.
  const auto before = x.s->count_readings();
  CHECK(restore_range(*objects, *x.s, june) == x.old_rows);
  CHECK(x.s->count_readings() == before + x.old_rows);
  auto first = x.s->read_readings(x.sensors[0], june);
  REQUIRE(first.size() == 3 * 96);
  CHECK(first.value[5] == 1'005);
  CHECK(first.quality[7] == 1u);
  CHECK(restore_range(*objects, *x.s, june) == x.old_rows);  // again: all unchanged
  CHECK(x.s->count_readings() == before + x.old_rows);
}

TEST_CASE("summaries older than the summary retention are deleted and newer ones kept") {
  auto x = seed_store();
  const auto dir = temp_dir("summ");
  auto objects = open_directory_store(dir);
  std::vector<summary_row> rows;
  for (epoch_seconds start : {job_now.time_since_epoch().count() - 6 * 365 * 86'400,
                              job_now.time_since_epoch().count() - 4 * 365 * 86'400}) {
    summary_row r;
    r.scope = summary_scope::sensor;
    r.subject_id = x.sensors[0];
    r.res = resolution::day;
    r.period = {from_epoch(start), from_epoch(start + 86'400)};
    rows.push_back(r);
  }
  x.s->backend().commit_summaries(rows, dirty_claim{});
  retention_options o;
  o.now = job_now;
  CHECK(run_retention(*open_postgres_retention(x.pool), *objects, o).summaries_deleted == 1);
  CHECK(x.s->read_summaries({summary_scope::sensor,
                             x.sensors[0],
                             sensor_type::electricity,
                             resolution::day,
                             {from_epoch(0), job_now}})
            .size() == 1);
  fs::remove_all(dir);
}

TEST_CASE("a day with unsummarised (dirty) hours is not archived or dropped") {
  auto x = seed_store();
  reading_rows late;
  late.push_back(x.sensors[1], june_1 + 86'400 + 60, 7);  // June 2: a late reading marks it dirty
  (void)x.s->write_readings(late);
  const auto dir = temp_dir("dirty");
  auto objects = open_directory_store(dir);
  retention_options o;
  o.now = job_now;
  const auto report = run_retention(*open_postgres_retention(x.pool), *objects, o);
  CHECK(report.days_archived == 2);
  REQUIRE(report.days_pending.size() == 1);
  CHECK(report.days_pending[0].start == from_epoch(june_1 + 86'400));
  CHECK(count_in(*x.s, x.sensors, {from_epoch(june_1 + 86'400), from_epoch(june_1 + 2 * 86'400)}) ==
        3 * 96 + 1);
  fs::remove_all(dir);
}

TEST_CASE("a failing upload leaves the raw data in place and drops nothing") {
  auto x = seed_store();
  const auto dir = temp_dir("fail");
  auto real = open_directory_store(dir);
  failing_store objects(*real, 0);
  retention_options o;
  o.now = job_now;
  CHECK_THROWS_AS(run_retention(*open_postgres_retention(x.pool), objects, o), storage_error);
  CHECK(x.s->count_readings() == x.old_rows + x.recent_rows);
  CHECK(count_in(*x.s, x.sensors, june) == x.old_rows);
  fs::remove_all(dir);
}

TEST_CASE("a late reading that lands while its day is archived keeps the partition") {
  auto x = seed_store("late");
  const auto dir = temp_dir("late");
  auto objects = open_directory_store(dir);
  retention_options o;
  o.now = job_now;
  reading_rows late;  // 23:50 on June 1: a time the seed has no reading for
  late.push_back(x.sensors[1], june_1 + 86'400 - 600, 77);
  energy::testing::late_reading_port racing(open_postgres_retention(x.pool), *x.s, late);
  const auto report = run_retention(racing, *objects, o);
  REQUIRE(report.days_changed.size() == 1);
  CHECK(report.days_changed[0].start == from_epoch(june_1));
  CHECK(report.days_archived == 2);                      // June 2 and 3
  CHECK(count_in(*x.s, x.sensors, june) == 3 * 96 + 1);  // June 1 kept, with the late reading
  fs::remove_all(dir);
}

TEST_CASE("a retention run killed halfway completes on re-run without loss or duplicates") {
  auto x = seed_store();
  const auto dir = temp_dir("kill");
  auto real = open_directory_store(dir);
  retention_options o;
  o.now = job_now;
  auto port = open_postgres_retention(x.pool);
  // Puts: day 1 object, manifest, day 2 object, manifest, ... — die after day 1 is fully done
  // and day 2's object is uploaded but neither recorded nor dropped.
  failing_store dying(*real, 3);
  CHECK_THROWS_AS(run_retention(*port, dying, o), storage_error);
  CHECK(count_in(*x.s, x.sensors, june) == 2 * 3 * 96);  // day 1 dropped, days 2-3 still online

  const auto report = run_retention(*port, *real, o);
  CHECK(report.days_archived == 2);
  CHECK(x.s->count_readings() == x.recent_rows);

  // Everything is in the archive exactly once: restore into an empty store and compare.
  auto fresh = open_postgres_store(test::postgres_uri(), test::test_options("restore"));
  fresh->put_tenant(tenant{uuid::v7(), "t", {}});
  const auto tenant_id = fresh->list_tenants().front().id;
  building b;
  b.id = uuid::v7();
  b.tenant_id = tenant_id;
  b.name = "b";
  fresh->put_building(b);
  for (const auto& id : x.sensors) {
    sensor se;
    se.id = id;
    se.building_id = b.id;
    fresh->put_sensor(se);
  }
  CHECK(restore_range(*real, *fresh, june) == x.old_rows);
  CHECK(fresh->count_readings() == x.old_rows);
  std::set<std::pair<uuid, epoch_seconds>> keys;
  for (const auto& id : x.sensors) {
    auto r = fresh->read_readings(id, june);
    for (std::size_t i = 0; i < r.size(); ++i)
      keys.emplace(r.sensor_id[i], r.ts[i]);
  }
  CHECK(static_cast<std::int64_t>(keys.size()) == x.old_rows);
  fs::remove_all(dir);
}

TEST_CASE("only one retention run at a time: a second one finds the lock busy and does nothing") {
  auto x = seed_store();
  const auto dir = temp_dir("lock");
  auto objects = open_directory_store(dir);
  auto holder = open_postgres_retention(x.pool);
  auto held = holder->try_lock();
  REQUIRE(held);
  retention_options o;
  o.now = job_now;
  const auto report = run_retention(*open_postgres_retention(x.pool), *objects, o);
  CHECK(report.lock_busy);
  CHECK(report.days_archived == 0);
  CHECK(x.s->count_readings() == x.old_rows + x.recent_rows);
  held.reset();
  CHECK(run_retention(*open_postgres_retention(x.pool), *objects, o).days_archived == 3);
  fs::remove_all(dir);
}

#ifdef ENERGY_TEST_WITH_SQLITE
TEST_CASE(
    "SQLite and PostgreSQL archive the same readings into byte-identical objects and manifests") {
  auto x = seed_store("cross");
  const auto dir = temp_dir("cross");
  const auto db = dir / "site.db";
  {
    auto lite = open_sqlite_store(db);
    for (const auto& t : x.s->list_tenants())
      lite->put_tenant(t);
    for (const auto& b : x.s->list_buildings(x.s->list_tenants().front().id))
      lite->put_building(b);
    for (const auto& se : x.s->list_all_sensors())
      lite->put_sensor(se);
    (void)lite->write_readings(x.s->read_building_readings(
        x.s->list_all_sensors().front().building_id, {from_epoch(0), job_now}));
    for (auto c = lite->backend().claim_dirty(100'000); !c.hours.empty();
         c = lite->backend().claim_dirty(100'000))
      lite->backend().commit_summaries({}, c);
  }
  auto pg_objects = open_directory_store(dir / "pg");
  auto lite_objects = open_directory_store(dir / "lite");
  retention_options o;
  o.now = job_now;
  const auto a = run_retention(*open_postgres_retention(x.pool), *pg_objects, o);
  const auto b = run_retention(*open_sqlite_retention(db), *lite_objects, o);
  CHECK(a.rows_archived == b.rows_archived);
  const auto keys = pg_objects->list("");
  REQUIRE(keys.size() == 4);
  CHECK(lite_objects->list("") == keys);
  for (const auto& k : keys) {
    INFO(k);
    CHECK(pg_objects->get(k) == lite_objects->get(k));
  }
  fs::remove_all(dir);
}
#endif
