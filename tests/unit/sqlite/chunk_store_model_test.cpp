// SPDX-License-Identifier: Apache-2.0
// The SQLite store with readings in chunks against the memory store, the reference model of the
// store contract: seeded random write sequences — sensors of 15-minute to 1-second intervals,
// intervals changed between writes, re-sent and corrected readings, times across midnight UTC,
// bulk groups committed or rolled back — must give the same outcome counts call by call, the same
// readings (times, values, flags) and the same dirty hours.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include <energy/quality.hpp>
#include <energy/storage/group_commit.hpp>
#include <energy/storage/memory.hpp>
#include <energy/storage/sqlite.hpp>

#include "unit/sqlite/sqlite_test_support.hpp"

namespace {

using energy::epoch_seconds;
using energy::testing::t0;

/// A batch of distinct (sensor, ts) rows: the store's callers guarantee that within a call.
energy::reading_rows random_batch(std::mt19937_64& rng, const std::vector<energy::uuid>& sensors) {
  std::map<std::pair<energy::uuid, epoch_seconds>, std::pair<energy::milli, std::uint32_t>> rows;
  const int n = 1 + static_cast<int>(rng() % 300);
  const epoch_seconds steps[] = {1, 60, 900};
  for (int i = 0; i < n; ++i) {
    const energy::uuid& s = sensors[rng() % sensors.size()];
    const epoch_seconds step = steps[rng() % 3];
    // Five days around t0, including times before it (another UTC day) and repeats.
    const epoch_seconds ts =
        t0 - 86400 + step * static_cast<epoch_seconds>(rng() % (5 * 86400 / step));
    const energy::milli value = static_cast<energy::milli>(rng() % 5);  // small: repeats match
    const std::uint32_t flags = rng() % 4 == 0 ? energy::quality::estimated : 0;
    rows[{s, ts}] = {value, flags};
  }
  energy::reading_rows out;
  for (const auto& [key, v] : rows)
    out.push_back(key.first, key.second, v.first, v.second);
  return out;
}

std::set<std::pair<energy::uuid, epoch_seconds>> dirty_hours(energy::storage::store& s) {
  std::set<std::pair<energy::uuid, epoch_seconds>> out;
  for (const auto& h : s.backend().claim_dirty(1'000'000).hours)
    out.emplace(h.sensor_id, h.hour);
  return out;
}

}  // namespace

TEST_CASE("random write sequences give the memory store's answers: counts, readings, dirty hours",
          "[sqlite][chunks][model]") {
  for (const std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    energy::testing::temp_dir dir;
    auto sql = energy::storage::open_sqlite_store(dir.file("model.db"));
    auto mem = energy::storage::open_memory_store();
    std::vector<energy::uuid> sensors{energy::testing::seed(*sql)};
    (void)energy::testing::seed(*mem);
    const std::int32_t intervals[] = {900, 300, 60, 1};
    for (std::uint8_t k = 2; k <= 4; ++k) {
      energy::sensor x = *sql->get_sensor(sensors[0]);
      x.id = energy::testing::id(3, k);
      x.interval_seconds = intervals[k - 1];
      sql->put_sensor(x);
      mem->put_sensor(x);
      sensors.push_back(x.id);
    }
    auto* groups = sql->as<energy::storage::group_commit>();
    REQUIRE(groups != nullptr);

    for (int step = 0; step < 60; ++step) {
      CAPTURE(step);
      const auto dice = rng() % 10;
      if (dice == 0) {  // a sensor's interval changes: its next writes use another span
        energy::sensor x = *sql->get_sensor(sensors[rng() % sensors.size()]);
        x.interval_seconds = intervals[rng() % 4];
        sql->put_sensor(x);
        mem->put_sensor(x);
      } else if (dice <= 3) {  // a bulk group of 1-3 calls, committed, or rolled back
        const bool keep = dice != 1;
        std::vector<energy::reading_rows> calls;
        for (std::uint64_t c = 0; c < 1 + rng() % 3; ++c)
          calls.push_back(random_batch(rng, sensors));
        REQUIRE(groups->begin_bulk_group());
        std::vector<energy::storage::write_result> got;
        for (const auto& rows : calls)
          got.push_back(sql->write_readings(rows));
        if (keep) {
          groups->commit_group();
          for (std::size_t c = 0; c < calls.size(); ++c)
            CHECK(got[c] == mem->write_readings(calls[c]));
        } else {
          groups->rollback_group();
        }
      } else {
        const auto rows = random_batch(rng, sensors);
        CHECK(sql->write_readings(rows) == mem->write_readings(rows));
      }
      if (step % 15 == 14) CHECK(dirty_hours(*sql) == dirty_hours(*mem));  // and both clear none
    }
    CHECK(sql->count_readings() == mem->count_readings());
    for (const auto& id : sensors) {
      const auto a = sql->read_readings(id, energy::storage::all_time());
      const auto b = mem->read_readings(id, energy::storage::all_time());
      CHECK(a.ts == b.ts);
      CHECK(a.value == b.value);
      CHECK(a.quality == b.quality);
    }
    CHECK(dirty_hours(*sql) == dirty_hours(*mem));
  }
}
