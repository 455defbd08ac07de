// SPDX-License-Identifier: Apache-2.0
// The store contract, written once (dirty marks and summaries). Every adapter runs these through
// ENERGY_STORE_CONFORMANCE (store_conformance.hpp).
#include "conformance/store_conformance.hpp"
#include "conformance/fixtures.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <energy/quality.hpp>
#include <energy/storage/bulk_summaries.hpp>

namespace energy::conformance {

// --- dirty marks and summaries ------------------------------------------------------------------

void dirty_marks_are_claimed_oldest_first_up_to_the_limit(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  reading_rows rows;
  rows.push_back(w.s_low.id, t0 + 2 * hour + 5, 1);  // hour t0+2h
  rows.push_back(w.s_high.id, t0 + 10, 1);           // hour t0
  rows.push_back(w.s_low.id, t0 - 1, 1);             // hour t0-1h: the oldest
  rows.push_back(w.s_high.id, t0 + hour, 1);         // hour t0+1h
  rows.push_back(w.s_high.id, t0 + hour + 1799, 1);  // same mark as the previous row
  rows.push_back(w.s_low.id, t0 + 3599, 1);          // hour t0
  REQUIRE(s->write_readings(rows) == counts(6, 0, 0));

  const std::vector<dirty_hour> expected{{w.s_low.id, t0 - hour},
                                         {w.s_low.id, t0},
                                         {w.s_high.id, t0},
                                         {w.s_high.id, t0 + hour},
                                         {w.s_low.id, t0 + 2 * hour}};
  const auto all = s->backend().claim_dirty(100);
  CHECK(sorted(all.hours) == sorted(expected));
  CHECK(std::is_sorted(all.hours.begin(), all.hours.end(),
                       [](const dirty_hour& a, const dirty_hour& b) { return a.hour < b.hour; }));

  const auto oldest = s->backend().claim_dirty(1);
  CHECK(oldest.hours == std::vector<dirty_hour>{{w.s_low.id, t0 - hour}});
  const auto three = s->backend().claim_dirty(3);
  REQUIRE(three.hours.size() == 3);
  CHECK(three.hours[0] == dirty_hour{w.s_low.id, t0 - hour});
  CHECK(sorted({three.hours[1], three.hours[2]}) == sorted({{w.s_low.id, t0}, {w.s_high.id, t0}}));
  CHECK(s->backend().claim_dirty(0).hours.empty());

  // Claiming removes nothing; committing a claim removes exactly the claimed marks.
  CHECK(all_marks(*s) == sorted(expected));
  s->backend().commit_summaries({}, oldest);
  CHECK(all_marks(*s) == sorted({expected.begin() + 1, expected.end()}));
}

void a_large_batch_marks_every_changed_hour(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  reading_rows rows;
  std::vector<dirty_hour> expected;
  for (epoch_seconds h = 0; h < 250; ++h) {  // 250 hours x 4 quarters, two sensors: 2000 rows
    for (const uuid& id : {w.s_low.id, w.s_other.id}) {
      for (int q = 0; q < 4; ++q)
        rows.push_back(id, t0 + h * hour + q * quarter, h * 10 + q);
      expected.push_back({id, t0 + h * hour});
    }
  }
  REQUIRE(s->write_readings(rows) == counts(rows.size(), 0, 0));
  const auto claim = s->backend().claim_dirty(10'000);
  CHECK(claim.hours.size() == expected.size());
  CHECK(sorted(claim.hours) == sorted(expected));
  s->backend().commit_summaries({}, claim);
  CHECK(s->backend().claim_dirty(10'000).hours.empty());
  CHECK(s->write_readings(rows) == counts(0, rows.size(), 0));
  CHECK(s->backend().claim_dirty(10'000).hours.empty());
  CHECK(s->count_readings() == static_cast<std::int64_t>(rows.size()));
}

void marks_made_after_a_claim_survive_its_commit(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  reading_rows first;
  first.push_back(w.s_low.id, t0, 1);
  first.push_back(w.s_high.id, t0, 2);
  REQUIRE(s->write_readings(first) == counts(2, 0, 0));
  const dirty_claim claim = s->backend().claim_dirty(10);
  REQUIRE(sorted(claim.hours) == sorted({{w.s_low.id, t0}, {w.s_high.id, t0}}));

  // While the aggregation run computes: a late reading re-marks a claimed hour, another marks a
  // new hour, and an identical re-send (no change) marks nothing.
  reading_rows late;
  late.push_back(w.s_low.id, t0 + 60, 5);
  late.push_back(w.s_other.id, t0 + hour, 6);
  late.push_back(w.s_high.id, t0, 2);
  REQUIRE(s->write_readings(late) == counts(2, 1, 0));

  summary_row r;
  r.scope = summary_scope::sensor;
  r.subject_id = w.s_low.id;
  r.res = resolution::hour;
  r.period = range(t0, t0 + hour);
  r.local_start = std::chrono::local_seconds{std::chrono::seconds{t0 - 4 * hour}};
  r.consumption = 1;
  r.reading_count = 1;
  s->backend().commit_summaries(std::vector<summary_row>{r}, claim);

  CHECK(all_marks(*s) == sorted({{w.s_low.id, t0}, {w.s_other.id, t0 + hour}}));
  summary_query q{summary_scope::sensor, w.s_low.id, sensor_type::electricity, resolution::hour,
                  range(t0, t0 + hour)};
  CHECK(s->read_summaries(q) == std::vector<summary_row>{r});
}

void summaries_are_upserted_and_read_by_query(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  auto make = [&](summary_scope scope, const uuid& subject, sensor_type type, resolution res,
                  epoch_seconds start, epoch_seconds length, milli consumption) {
    summary_row r;
    r.scope = scope;
    r.subject_id = subject;
    r.type = type;
    r.res = res;
    r.period = range(start, start + length);
    r.local_start = std::chrono::local_seconds{std::chrono::seconds{start - 4 * hour}};
    r.consumption = consumption;
    r.peak_demand = consumption * 4;
    r.cost = price_times(money::from_micros(135530), consumption);
    r.reading_count = 4;
    return r;
  };
  constexpr auto building = summary_scope::building;
  constexpr auto sensor = summary_scope::sensor;
  const auto h0 =
      make(building, w.b1.id, sensor_type::electricity, resolution::hour, t0, hour, 1001);
  const auto h1 =
      make(building, w.b1.id, sensor_type::electricity, resolution::hour, t0 + hour, hour, 2002);
  const auto h2 = make(building, w.b1.id, sensor_type::electricity, resolution::hour, t0 + 2 * hour,
                       hour, 3003);
  // A 25-hour local day (fall-back): the period says so, the store keeps it as given.
  const auto day =
      make(building, w.b1.id, sensor_type::electricity, resolution::day, t0, 25 * hour, 6006);
  const auto gas = make(building, w.b1.id, sensor_type::gas, resolution::hour, t0, hour, 77);
  const auto per_sensor =
      make(sensor, w.s_low.id, sensor_type::electricity, resolution::hour, t0, hour, 11);
  const auto other_building =
      make(building, w.b2.id, sensor_type::electricity, resolution::hour, t0, hour, 5);
  s->backend().commit_summaries(
      std::vector<summary_row>{h2, gas, h0, per_sensor, day, h1, other_building}, dirty_claim{});

  summary_query q{building, w.b1.id, sensor_type::electricity, resolution::hour,
                  range(t0, t0 + 3 * hour)};
  CHECK(s->read_summaries(q) == std::vector<summary_row>{h0, h1, h2});
  q.range = range(t0 + hour, t0 + 2 * hour);  // period.start in [start, end)
  CHECK(s->read_summaries(q) == std::vector<summary_row>{h1});
  q.range = range(t0 + 1, t0 + hour + 1);
  CHECK(s->read_summaries(q) == std::vector<summary_row>{h1});
  q.range = range(t0 + 3 * hour, t0 + 9 * hour);
  CHECK(s->read_summaries(q).empty());

  CHECK(s->read_summaries({building, w.b1.id, sensor_type::electricity, resolution::day,
                           range(t0, t0 + 1)}) == std::vector<summary_row>{day});
  CHECK(s->read_summaries({building, w.b1.id, sensor_type::gas, resolution::hour,
                           range(t0, t0 + 86400)}) == std::vector<summary_row>{gas});
  CHECK(s->read_summaries({sensor, w.s_low.id, sensor_type::electricity, resolution::hour,
                           range(t0, t0 + 86400)}) == std::vector<summary_row>{per_sensor});
  CHECK(s->read_summaries({building, w.b2.id, sensor_type::electricity, resolution::hour,
                           range(t0, t0 + 86400)}) == std::vector<summary_row>{other_building});
  CHECK(s->read_summaries(
             {sensor, w.b1.id, sensor_type::electricity, resolution::hour, range(t0, t0 + 86400)})
            .empty());
  CHECK(s->read_summaries({building, w.b1.id, sensor_type::electricity, resolution::month,
                           range(t0, t0 + 86400)})
            .empty());

  // Upsert by key: a recomputed bucket replaces the stored one.
  auto h1_again = h1;
  h1_again.consumption = 2500;
  h1_again.peak_demand = 10'000;
  h1_again.cost = money::from_micros(338'825);
  h1_again.reading_count = 5;
  s->backend().commit_summaries(std::vector<summary_row>{h1_again}, dirty_claim{});
  q.range = range(t0, t0 + 3 * hour);
  CHECK(s->read_summaries(q) == std::vector<summary_row>{h0, h1_again, h2});
}

// Callers express "no bound" with extreme instants (a CLI without --from/--to); a store whose
// database has a narrower timestamp type must answer as for all_time(), not fail.
void reads_accept_any_range(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  reading_rows rows;
  rows.push_back(w.s_low.id, t0, 1);
  rows.push_back(w.s_low.id, t0 + quarter, 2);
  REQUIRE(s->write_readings(rows) == counts(2, 0, 0));
  summary_row r;
  r.scope = summary_scope::building;
  r.subject_id = w.b1.id;
  r.type = sensor_type::electricity;
  r.res = resolution::hour;
  r.period = range(t0, t0 + hour);
  r.local_start = std::chrono::local_seconds{std::chrono::seconds{t0}};
  r.consumption = 3;
  r.reading_count = 2;
  s->backend().commit_summaries(std::vector<summary_row>{r}, dirty_claim{});

  constexpr auto huge = std::numeric_limits<epoch_seconds>::max() / 2;
  const time_range everything = range(-huge, huge);
  CHECK(s->read_readings(w.s_low.id, everything).value == std::vector<milli>{1, 2});
  CHECK(s->read_building_readings(w.b1.id, everything).size() == 2);
  summary_query q{summary_scope::building, w.b1.id, sensor_type::electricity, resolution::hour,
                  everything};
  const auto got = s->read_summaries(q);
  REQUIRE(got.size() == 1);
  CHECK(got[0].consumption == 3);
  const std::vector<summary_query> many{q, q};
  const auto both = read_summaries_many(*s, many);  // the adapter's bulk read when it has one
  REQUIRE(both.size() == 2);
  CHECK(both[1].size() == 1);
  CHECK(s->read_readings(w.s_low.id, range(huge - 10, huge)).empty());
  CHECK(s->read_readings(w.s_low.id, range(-huge, -huge + 10)).empty());
}

void large_and_negative_values_are_exact(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  constexpr milli big = 999'999'999'999'999;     // ~1e15 Wh (1e12 kWh)
  constexpr milli edge = 9'000'000'000'000'000;  // the largest value ingest accepts (9e15)
  constexpr milli odd = 4'503'599'627'370'497;   // 2^52 + 1: not exact as a double
  reading_rows rows;
  rows.push_back(w.s_low.id, t0, big);
  rows.push_back(w.s_low.id, t0 + quarter, -big);
  rows.push_back(w.s_low.id, t0 + 2 * quarter, edge);
  rows.push_back(w.s_low.id, t0 + 3 * quarter, -edge);
  rows.push_back(w.s_low.id, t0 + 4 * quarter, odd);
  rows.push_back(w.s_low.id, t0 + 5 * quarter, -1);
  rows.push_back(w.s_low.id, t0 + 6 * quarter, 0);
  REQUIRE(s->write_readings(rows) == counts(7, 0, 0));
  CHECK(s->read_readings(w.s_low.id, range(t0, t0 + 2 * hour)).value == rows.value);
  CHECK(s->write_readings(rows) == counts(0, 7, 0));

  reading_rows off_by_one;  // one Wh away from a huge stored value is a correction
  off_by_one.push_back(w.s_low.id, t0 + 4 * quarter, odd + 1);
  CHECK(s->write_readings(off_by_one) == counts(0, 0, 1));
  CHECK(s->read_readings(w.s_low.id, range(t0 + 4 * quarter, t0 + 5 * quarter)).value ==
        std::vector<milli>{odd + 1});

  summary_row r;
  r.scope = summary_scope::building;
  r.subject_id = w.b1.id;
  r.res = resolution::month;
  r.period = range(t0, t0 + 31 * 86400);
  r.local_start = std::chrono::local_seconds{std::chrono::seconds{t0 - 4 * hour}};
  r.consumption = std::numeric_limits<milli>::max() - 1;
  r.peak_demand = -odd;
  r.cost = money::from_micros(std::numeric_limits<std::int64_t>::min() + 1);
  r.reading_count = std::numeric_limits<std::int64_t>::max();
  s->backend().commit_summaries(std::vector<summary_row>{r}, dirty_claim{});
  CHECK(s->read_summaries({summary_scope::building, w.b1.id, sensor_type::electricity,
                           resolution::month, range(t0, t0 + 1)}) == std::vector<summary_row>{r});
}

}  // namespace energy::conformance
