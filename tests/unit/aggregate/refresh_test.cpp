// SPDX-License-Identifier: Apache-2.0
#include <energy/aggregate/aggregator.hpp>
#include <energy/aggregate/refresh.hpp>
#include <energy/storage/memory.hpp>
#ifdef ENERGY_AGGREGATE_TEST_SQLITE
#include <energy/storage/sqlite.hpp>
#endif

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "support/forwarding_adapter.hpp"

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>

using namespace energy;
using namespace energy::aggregate;
using energy::test::at;
using energy::test::portfolio;

namespace {

/// The store under test: memory in the core test program, an in-memory SQLite database in
/// energy_aggregate_sqlite_tests (same source, so the job is proven on a transactional adapter
/// too).
std::unique_ptr<storage::store> open_test_store() {
#ifdef ENERGY_AGGREGATE_TEST_SQLITE
  return storage::open_sqlite_store(":memory:");
#else
  return storage::open_memory_store();
#endif
}

/// A store holding the portfolio's metadata; per-sensor summaries on unless `sensor_scope` is
/// false.
std::unique_ptr<storage::store> store_for(const portfolio& p, bool sensor_scope = true) {
  auto st = open_test_store();
  st->set_summary_settings({.sensor_scope = sensor_scope});
  st->put_tenant(p.owner);
  for (const auto& b : p.buildings)
    st->put_building(b);
  for (const auto& s : p.sensors)
    st->put_sensor(s);
  return st;
}

/// Every summary the store holds for the portfolio's subjects, in key order.
std::vector<summary_row> all_summaries(storage::store& st, const portfolio& p) {
  const time_range everything{at("2000-01-01T00:00:00Z"), at("2100-01-01T00:00:00Z")};
  std::vector<summary_row> out;
  for (const resolution res : {resolution::hour, resolution::day, resolution::month}) {
    for (const sensor_type type :
         {sensor_type::electricity, sensor_type::gas, sensor_type::temperature}) {
      for (const auto& b : p.buildings)
        for (auto& r : st.read_summaries({summary_scope::building, b.id, type, res, everything}))
          out.push_back(r);
      for (const auto& s : p.sensors)
        for (auto& r : st.read_summaries({summary_scope::sensor, s.id, type, res, everything}))
          out.push_back(r);
    }
  }
  std::sort(out.begin(), out.end(), summary_key_less);
  return out;
}

std::vector<summary_row> one_pass(const portfolio& p, const reading_rows& rows) {
  aggregator agg(p.buildings, p.sensors);
  agg.add(rows);
  auto r = agg.finish();
  std::vector<summary_row> out = r.hourly;
  out.insert(out.end(), r.daily.begin(), r.daily.end());
  out.insert(out.end(), r.monthly.begin(), r.monthly.end());
  std::sort(out.begin(), out.end(), summary_key_less);
  return out;
}

/// The job with per-sensor summaries too (what `one_pass` computes); the store must agree.
refresh_options with_sensors(refresh_options o = {}) {
  o.sensor_scope = true;
  return o;
}

portfolio two_zone_portfolio() {
  portfolio p;
  for (const char* zone : {"America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"}) {
    const building b = p.add_building(zone, money::parse("0.21"));
    p.add_sensor(b, sensor_type::electricity, 900);
    p.add_sensor(b, sensor_type::electricity, 3600);
    p.add_sensor(b, sensor_type::gas, 3600);
    p.add_sensor(b, sensor_type::temperature, 900);
  }
  return p;
}

}  // namespace

TEST_CASE("refreshing with nothing dirty reads and writes nothing", "[aggregate][refresh]") {
  const portfolio p = two_zone_portfolio();
  auto st = store_for(p);
  const auto report = refresh_summaries(*st, with_sensors());
  CHECK(report == refresh_report{});
  CHECK(all_summaries(*st, p).empty());
  refresh_options none;
  none.max_marks_per_commit = 0;  // would silently never make progress
  CHECK_THROWS_AS(refresh_summaries(*st, none), std::invalid_argument);
}

TEST_CASE(
    "a refresh of stored readings equals one pass of the aggregator, and a second refresh does "
    "nothing",
    "[aggregate][refresh][property]") {
  const auto seed = GENERATE(21u, 22u);
  const portfolio p = two_zone_portfolio();
  const reading_rows rows =
      test::generate(p.sensors, at("2024-03-25T00:00:00Z"), at("2024-04-12T00:00:00Z"), seed);
  auto st = store_for(p);
  st->write_readings(rows);
  const auto first = refresh_summaries(*st, with_sensors());
  CHECK(first.rounds == 1);
  CHECK(first.marks_skipped > 0);  // temperature hours are claimed and cleared, not aggregated
  CHECK(first.readings_read <= rows.size());
  const auto stored = all_summaries(*st, p);
  CHECK(stored == one_pass(p, rows));
  CHECK(first.buckets() == stored.size());

  const auto second = refresh_summaries(*st, with_sensors());
  CHECK(second == refresh_report{});
  CHECK(all_summaries(*st, p) == stored);
}

TEST_CASE("splitting a batch in two with a refresh after each half gives the one-pass result",
          "[aggregate][refresh][property]") {
  const auto seed = GENERATE(31u, 32u, 33u);
  CAPTURE(seed);
  const portfolio p = two_zone_portfolio();
  const reading_rows rows =
      test::generate(p.sensors, at("2024-10-01T00:00:00Z"), at("2024-11-10T00:00:00Z"), seed);
  std::vector<std::size_t> idx(rows.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::mt19937_64 rng(seed);
  std::shuffle(idx.begin(), idx.end(), rng);
  const std::size_t half = idx.size() / 2;
  auto st = store_for(p);
  st->write_readings(
      test::subset(rows, {idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(half)}));
  refresh_summaries(*st, with_sensors());
  st->write_readings(
      test::subset(rows, {idx.begin() + static_cast<std::ptrdiff_t>(half), idx.end()}));
  refresh_options small;
  small.max_marks_per_commit = 97;  // many rounds, each its own commit
  const auto report = refresh_summaries(*st, with_sensors(small));
  CHECK(report.rounds > 1);
  CHECK(all_summaries(*st, p) == one_pass(p, rows));
}

TEST_CASE("a late reading rewrites exactly the buckets that contain it", "[aggregate][refresh]") {
  portfolio p;
  const building b = p.add_building("America/New_York", money::parse("0.10"));
  const sensor s1 = p.add_sensor(b, sensor_type::electricity, 900);
  const sensor s2 = p.add_sensor(b, sensor_type::electricity, 900);
  const reading_rows rows = test::generate(p.sensors, at("2024-11-01T04:00:00Z"),
                                           at("2024-11-05T05:00:00Z"), 41, 5000, 0);
  auto st = store_for(p);
  st->write_readings(rows);
  refresh_summaries(*st, with_sensors());
  const auto before = all_summaries(*st, p);

  // A correction for 01:15 EST on the 25-hour fall-back day (the second 01:00 hour).
  reading_rows late;
  late.push_back(s1.id, to_epoch(at("2024-11-03T06:15:00Z")), 99'999);
  st->write_readings(late);
  const auto report = refresh_summaries(*st, with_sensors());
  CHECK(report.marks_claimed == 1);
  CHECK(report.hour_buckets == 2);   // s1's and the building's 01:00 EST hour
  CHECK(report.day_buckets == 2);    // their Nov 3
  CHECK(report.month_buckets == 2);  // their November
  CHECK(report.readings_read == 8);  // both sensors' four quarter-hours of that hour

  const auto after = all_summaries(*st, p);
  REQUIRE(after.size() == before.size());
  std::size_t changed = 0;
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (after[i] == before[i]) continue;
    ++changed;
    CHECK(after[i].subject_id != s2.id);
    CHECK(after[i].period.contains(at("2024-11-03T06:15:00Z")));
  }
  CHECK(changed == 6);
  reading_rows all = rows;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all.sensor_id[i] == s1.id && all.ts[i] == to_epoch(at("2024-11-03T06:15:00Z")))
      all.value[i] = 99'999;
  CHECK(after == one_pass(p, all));
}

TEST_CASE("a late reading in a half-hour zone refreshes both local hours its UTC hour touches",
          "[aggregate][refresh]") {
  portfolio p;
  const building b = p.add_building("Asia/Kolkata");
  p.add_sensor(b, sensor_type::electricity, 900);
  const reading_rows rows = test::generate(p.sensors, at("2024-05-01T00:00:00Z"),
                                           at("2024-05-02T00:00:00Z"), 51, 5000, 0);
  auto st = store_for(p);
  st->write_readings(rows);
  refresh_summaries(*st, with_sensors());
  reading_rows late;
  late.push_back(p.sensors[0].id, to_epoch(at("2024-05-01T10:45:00Z")),
                 1);  // replaces a stored value
  st->write_readings(late);
  const auto report = refresh_summaries(*st, with_sensors());
  CHECK(report.hour_buckets == 4);  // 15:00 and 16:00 IST, sensor and building scope
  CHECK(report.readings_read == 8);
  reading_rows all = rows;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all.ts[i] == to_epoch(at("2024-05-01T10:45:00Z"))) all.value[i] = 1;
  CHECK(all_summaries(*st, p) == one_pass(p, all));
}

TEST_CASE("a dirty mark of a sensor the store does not know is reported, not dropped",
          "[aggregate][refresh]") {
  // A store whose marks name a sensor it cannot return: the run fails loudly and keeps the mark.
  struct forgetful final : test::forwarding_adapter {
    using forwarding_adapter::forwarding_adapter;
    std::optional<sensor> get_sensor(const uuid&) override { return std::nullopt; }
  };
  storage::store st(std::make_unique<forgetful>(storage::open_memory_store()));
  portfolio p;
  const building b = p.add_building("UTC");
  const sensor s = p.add_sensor(b, sensor_type::electricity, 900);
  st.put_tenant(p.owner);
  st.put_building(b);
  st.put_sensor(s);
  reading_rows rows;
  rows.push_back(s.id, 0, 1);
  st.write_readings(rows, {});
  CHECK_THROWS_WITH(refresh_summaries(st), Catch::Contains(s.id.to_string()));
  CHECK(st.backend().claim_dirty(10).hours.size() == 1);
}

TEST_CASE("rows of a sensor missing from the building's listing are read whole, not dropped",
          "[aggregate][refresh]") {
  // A listing that lags behind the readings (a sensor created while the job runs): the streamed
  // read meets a sensor it was not told about and the job falls back to a whole read.
  struct lagging final : test::forwarding_adapter {
    using forwarding_adapter::forwarding_adapter;
    std::vector<sensor> list_sensors(const uuid& b) override {
      auto all = forwarding_adapter::list_sensors(b);
      if (!all.empty()) all.pop_back();
      return all;
    }
  };
  const portfolio p = two_zone_portfolio();
  const reading_rows rows =
      test::generate(p.sensors, at("2024-03-25T00:00:00Z"), at("2024-03-29T00:00:00Z"), 23);
  storage::store st(std::make_unique<lagging>(store_for(p)));
  st.write_readings(rows);
  refresh_summaries(st, with_sensors());
  CHECK(all_summaries(st, p) == one_pass(p, rows));
}

TEST_CASE("by default the job writes the same building summaries and no sensor ones",
          "[aggregate][refresh]") {
  const portfolio p = two_zone_portfolio();
  const reading_rows rows =
      test::generate(p.sensors, at("2024-10-25T00:00:00Z"), at("2024-11-08T00:00:00Z"), 41);
  auto full = store_for(p);
  full->write_readings(rows);
  refresh_summaries(*full, with_sensors());
  auto lean = store_for(p, false);
  lean->write_readings(rows);
  const auto report = refresh_summaries(*lean);  // the default: per-building summaries only
  std::vector<summary_row> expected;
  for (const auto& r : all_summaries(*full, p))
    if (r.scope == summary_scope::building) expected.push_back(r);
  const auto got = all_summaries(*lean, p);
  CHECK_FALSE(expected.empty());
  CHECK(got == expected);
  CHECK(report.buckets() == got.size());
}

TEST_CASE("a claim naming many sensors lists them once and still equals one aggregator pass",
          "[aggregate][refresh][property]") {
  portfolio p;
  for (const char* zone : {"Europe/London", "America/Havana"}) {
    const building b = p.add_building(zone, money::parse("0.30"));
    for (int i = 0; i < 45; ++i)
      p.add_sensor(b, i % 9 == 0 ? sensor_type::gas : sensor_type::electricity, 900);
  }
  const reading_rows rows =
      test::generate(p.sensors, at("2024-10-26T00:00:00Z"), at("2024-10-29T00:00:00Z"), 51);
  auto st = store_for(p);
  st->write_readings(rows);
  refresh_options small;
  small.max_marks_per_commit = 500;  // several rounds after the listing
  const auto report = refresh_summaries(*st, with_sensors(small));
  CHECK(report.rounds > 1);
  CHECK(all_summaries(*st, p) == one_pass(p, rows));
}

TEST_CASE("raw batches with re-sent and corrected rows give the store's summaries in one pass",
          "[aggregate][refresh][dedup]") {
  const portfolio p = two_zone_portfolio();
  const reading_rows truth =
      test::generate(p.sensors, at("2024-11-01T00:00:00Z"), at("2024-11-05T00:00:00Z"), 77);
  // Batch 1: a third of the rows with wrong values; batch 2: every true row; batch 3: an exact
  // re-send of another third. Each batch has distinct (sensor, ts), as write_readings requires.
  reading_rows wrong, resent;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (i % 3 == 0) wrong.push_back(truth.sensor_id[i], truth.ts[i], truth.value[i] + 4'321);
    if (i % 3 == 1) resent.push_back(truth.sensor_id[i], truth.ts[i], truth.value[i]);
  }
  auto st = store_for(p);
  st->write_readings(wrong);
  refresh_summaries(*st, with_sensors());  // summaries of the wrong values first
  st->write_readings(truth);
  st->write_readings(resent);
  refresh_summaries(*st, with_sensors());

  reading_rows raw = wrong;
  for (const reading_rows* part : {&truth, static_cast<const reading_rows*>(&resent)})
    for (std::size_t i = 0; i < part->size(); ++i)
      raw.push_back(part->sensor_id[i], part->ts[i], part->value[i]);
  CHECK(one_pass(p, raw) == all_summaries(*st, p));
  CHECK(one_pass(p, raw) == one_pass(p, truth));
}
