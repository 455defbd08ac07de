// SPDX-License-Identifier: Apache-2.0
// The store contract, written once (readings: write outcomes, reads, sample states). Every adapter
// runs these through ENERGY_STORE_CONFORMANCE (store_conformance.hpp).
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

// --- readings -----------------------------------------------------------------------------------

void write_outcomes_are_counted_exactly(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  const uuid id = w.s_low.id;
  reading_rows first;
  first.push_back(id, t0, 1000);
  first.push_back(id, t0 + quarter, 2000, quality::estimated);
  first.push_back(id, t0 + 2 * quarter, 3000);
  CHECK(s->write_readings(first) == counts(3, 0, 0));
  CHECK(s->count_readings() == 3);
  CHECK(s->write_readings(first) == counts(0, 3, 0));

  reading_rows second;
  second.push_back(id, t0, 1000);                                // identical
  second.push_back(id, t0 + quarter, 2500, quality::estimated);  // new value: a correction
  second.push_back(id, t0 + 3 * quarter, 4000);                  // new row
  CHECK(s->write_readings(second) == counts(1, 1, 1));
  CHECK(s->count_readings() == 4);
  auto got = s->read_readings(id, range(t0, t0 + hour));
  CHECK(got.value == std::vector<milli>{1000, 2500, 3000, 4000});
  CHECK(got.quality ==
        std::vector<std::uint32_t>{0, quality::estimated | quality::corrected, 0, 0});

  // A change of flags alone is a correction too.
  reading_rows flags_only;
  flags_only.push_back(id, t0 + 2 * quarter, 3000, quality::estimated);
  CHECK(s->write_readings(flags_only) == counts(0, 0, 1));
  got = s->read_readings(id, range(t0 + 2 * quarter, t0 + 3 * quarter));
  CHECK(got.quality == std::vector<std::uint32_t>{quality::estimated | quality::corrected});

  // Re-sending a correction, with or without the corrected bit, is not another correction.
  reading_rows again;
  again.push_back(id, t0 + quarter, 2500, quality::estimated);
  again.push_back(id, t0 + 2 * quarter, 3000, quality::estimated | quality::corrected);
  CHECK(s->write_readings(again) == counts(0, 2, 0));
  got = s->read_readings(id, range(t0, t0 + hour));
  CHECK(got.value == std::vector<milli>{1000, 2500, 3000, 4000});
  CHECK(got.quality == std::vector<std::uint32_t>{0, quality::estimated | quality::corrected,
                                                  quality::estimated | quality::corrected, 0});
  CHECK(s->count_readings() == 4);
}

void resending_a_batch_changes_nothing(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  reading_rows batch;
  for (epoch_seconds t = t0; t < t0 + 3 * hour; t += quarter) {
    batch.push_back(w.s_low.id, t, (t - t0) * 7 + 1,
                    (t / quarter) % 3 == 0 ? quality::estimated : 0);
    batch.push_back(w.s_other.id, t, -(t - t0));
  }
  REQUIRE(s->write_readings(batch) == counts(batch.size(), 0, 0));
  const auto low = s->read_readings(w.s_low.id, range(t0, t0 + 3 * hour));
  const auto other = s->read_readings(w.s_other.id, range(t0, t0 + 3 * hour));
  clear_marks(*s);

  CHECK(s->write_readings(batch) == counts(0, batch.size(), 0));
  CHECK(s->count_readings() == static_cast<std::int64_t>(batch.size()));
  const auto low2 = s->read_readings(w.s_low.id, range(t0, t0 + 3 * hour));
  const auto other2 = s->read_readings(w.s_other.id, range(t0, t0 + 3 * hour));
  CHECK(low2.ts == low.ts);
  CHECK(low2.value == low.value);
  CHECK(low2.quality == low.quality);
  CHECK(other2.value == other.value);
  CHECK(other2.quality == other.quality);
  CHECK(s->backend().claim_dirty(100).hours.empty());
}

void a_batch_with_an_unknown_sensor_writes_nothing(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  reading_rows seed;
  seed.push_back(w.s_low.id, t0, 1000);
  REQUIRE(s->write_readings(seed) == counts(1, 0, 0));
  clear_marks(*s);

  const uuid ghost = make_id(0x30, 200);
  reading_rows bad;
  bad.push_back(w.s_low.id, t0, 9999);         // would be a correction
  bad.push_back(w.s_low.id, t0 + quarter, 5);  // would be new
  bad.push_back(ghost, t0, 1);                 // unknown sensor
  bad.push_back(w.s_other.id, t0, 7);          // would be new
  const std::vector<sample_state> states{{w.s_other.id, t0, 42.5}};
  bool thrown = false;
  try {
    (void)s->write_readings(bad, states);
  } catch (const storage_error& e) {
    thrown = true;
    CHECK_FALSE(e.retryable());
    CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains(ghost.to_string()));
  }
  CHECK(thrown);
  CHECK(s->count_readings() == 1);
  const auto got = s->read_readings(w.s_low.id, range(t0, t0 + hour));
  CHECK(got.value == std::vector<milli>{1000});
  CHECK(got.quality == std::vector<std::uint32_t>{0});
  CHECK(s->read_readings(w.s_other.id, range(t0, t0 + hour)).empty());
  CHECK_FALSE(s->get_sample_state(w.s_other.id).has_value());
  CHECK(s->backend().claim_dirty(100).hours.empty());
}

void empty_writes_are_no_ops(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  CHECK(s->write_readings(reading_rows{}) == counts(0, 0, 0));
  CHECK(s->count_readings() == 0);
  CHECK(s->backend().claim_dirty(100).hours.empty());
  CHECK(s->read_readings(w.s_low.id, range(t0, t0 + hour)).empty());
}

void read_readings_is_half_open_and_ordered(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  reading_rows rows;  // written out of order
  rows.push_back(w.s_low.id, t0 + 2 * quarter, 3);
  rows.push_back(w.s_low.id, t0, 1);
  rows.push_back(w.s_other.id, t0 + quarter, 99);
  rows.push_back(w.s_low.id, t0 + 3 * quarter, 4);
  rows.push_back(w.s_low.id, t0 + quarter, 2);
  REQUIRE(s->write_readings(rows) == counts(5, 0, 0));

  const auto all = s->read_readings(w.s_low.id, range(t0, t0 + hour));
  CHECK(all.ts == std::vector<epoch_seconds>{t0, t0 + quarter, t0 + 2 * quarter, t0 + 3 * quarter});
  CHECK(all.value == std::vector<milli>{1, 2, 3, 4});
  CHECK(std::all_of(all.sensor_id.begin(), all.sensor_id.end(),
                    [&](const uuid& u) { return u == w.s_low.id; }));
  CHECK(all.quality.size() == 4);

  // [start, end): the start is in, the end is out.
  const auto mid = s->read_readings(w.s_low.id, range(t0 + quarter, t0 + 3 * quarter));
  CHECK(mid.ts == std::vector<epoch_seconds>{t0 + quarter, t0 + 2 * quarter});
  const auto one_second =
      s->read_readings(w.s_low.id, range(t0 + 3 * quarter, t0 + 3 * quarter + 1));
  CHECK(one_second.value == std::vector<milli>{4});
  CHECK(s->read_readings(w.s_low.id, range(t0 + quarter, t0 + quarter)).empty());
  CHECK(s->read_readings(w.s_low.id, range(t0 + hour, t0)).empty());
  CHECK(s->read_readings(make_id(0x30, 200), range(t0, t0 + hour)).empty());
}

void read_building_readings_is_ordered_by_sensor_then_time(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  reading_rows rows;
  for (int i = 3; i >= 0; --i) {  // newest first, sensors interleaved
    const epoch_seconds t = t0 + i * quarter;
    rows.push_back(w.s_high.id, t, 100 + i);
    rows.push_back(w.s_other.id, t, 500 + i);
    rows.push_back(w.s_low.id, t, 10 + i);
  }
  rows.push_back(w.s_low.id, t0 + hour, 14);  // outside the range below
  REQUIRE(s->write_readings(rows) == counts(13, 0, 0));

  const auto got = s->read_building_readings(w.b1.id, range(t0 + quarter, t0 + hour));
  REQUIRE(got.size() == 6);
  CHECK(got.sensor_id == std::vector<uuid>{w.s_low.id, w.s_low.id, w.s_low.id, w.s_high.id,
                                           w.s_high.id, w.s_high.id});
  CHECK(got.ts == std::vector<epoch_seconds>{t0 + quarter, t0 + 2 * quarter, t0 + 3 * quarter,
                                             t0 + quarter, t0 + 2 * quarter, t0 + 3 * quarter});
  CHECK(got.value == std::vector<milli>{11, 12, 13, 101, 102, 103});
  CHECK(s->read_building_readings(w.b2.id, range(t0, t0 + hour)).value ==
        std::vector<milli>{500, 501, 502, 503});
  CHECK(s->read_building_readings(make_id(0x20, 99), range(t0, t0 + hour)).empty());
}

void sample_states_round_trip(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  CHECK_FALSE(s->get_sample_state(w.s_low.id).has_value());
  reading_rows rows;
  rows.push_back(w.s_low.id, t0, 1250, quality::derived);
  const std::vector<sample_state> first{{w.s_low.id, t0, 12345.678},
                                        {w.s_high.id, t0 - 60, 0.1 + 0.2}};
  REQUIRE(s->write_readings(rows, first) == counts(1, 0, 0));
  CHECK(s->get_sample_state(w.s_low.id) == first[0]);
  CHECK(s->get_sample_state(w.s_high.id) == first[1]);
  CHECK_FALSE(s->get_sample_state(w.s_other.id).has_value());

  // States advance even when a call carries no rows (e.g. the first sample of a register).
  const std::vector<sample_state> later{{w.s_low.id, t0 + quarter, 99999999.9},
                                        {w.s_other.id, t0, -3.25}};
  CHECK(s->write_readings(reading_rows{}, later) == counts(0, 0, 0));
  CHECK(s->get_sample_state(w.s_low.id) == later[0]);
  CHECK(s->get_sample_state(w.s_other.id) == later[1]);
  CHECK(s->get_sample_state(w.s_high.id) == first[1]);
  CHECK(s->count_readings() == 1);
}

void sensor_metadata_that_fails_every_reading_is_rejected(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto variant = [&](auto change) {
    sensor bad = make_sensor(77, w.b1);
    change(bad);
    return bad;
  };
  const std::vector<std::pair<sensor, const char*>> refused{
      {variant([](sensor& x) { x.max_value = -5.0; }), "max_value"},
      {variant([](sensor& x) { x.max_value = 0.0; }), "max_value"},
      {variant([&](sensor& x) { x.max_value = nan; }), "max_value"},
      {variant([&](sensor& x) {
         x.kind = reading_kind::cumulative_register;
         x.register_max = nan;
       }),
       "register_max"},
      {variant([](sensor& x) {
         x.kind = reading_kind::cumulative_register;
         x.register_max = -1.0;
       }),
       "register_max"},
      {variant([](sensor& x) { x.unit = "furlongs"; }), "unsupported_unit"},
      {variant([](sensor& x) {
         x.type = sensor_type::temperature;
         x.kind = reading_kind::cumulative_register;
         x.unit = "degC";
       }),
       "temperature"},
  };
  for (const auto& [bad, word] : refused) {
    INFO(word);
    try {
      s->put_sensor(bad);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK_THAT(std::string(e.what()),
                 Catch::Contains(word) && Catch::Contains(bad.id.to_string()));
    }
    CHECK_FALSE(s->get_sensor(bad.id).has_value());
  }
  // A freezer's bound may be below zero: temperatures are values, not quantities.
  sensor freezer = make_sensor(78, w.b1);
  freezer.type = sensor_type::temperature;
  freezer.kind = reading_kind::instantaneous_value;
  freezer.unit = "degC";
  freezer.max_value = -10.0;
  s->put_sensor(freezer);
  CHECK(s->get_sensor(freezer.id) == freezer);
}

void guarded_states_write_only_over_the_state_they_replace(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  const auto guarded = [&](epoch_seconds ts, double raw, std::optional<sample_state::point> prev) {
    sample_state st{w.s_low.id, ts, raw};
    st.guarded = true;
    st.previous = prev;
    return std::vector<sample_state>{st};
  };
  reading_rows rows;
  rows.push_back(w.s_low.id, t0, 1250, quality::derived);
  // Expected "no state yet": applies.
  REQUIRE(s->write_readings(rows, guarded(t0 + quarter, 10.5, std::nullopt)) == counts(1, 0, 0));
  CHECK(s->get_sample_state(w.s_low.id) == sample_state{w.s_low.id, t0 + quarter, 10.5});

  // Derived from a state that is no longer stored (another writer moved it): nothing written.
  reading_rows more;
  more.push_back(w.s_low.id, t0 + quarter, 7, quality::derived);
  for (const auto& stale :
       {std::optional<sample_state::point>{}, std::optional{sample_state::point{t0, 10.5}},
        std::optional{sample_state::point{t0 + quarter, 10.25}}}) {
    try {
      (void)s->write_readings(more, guarded(t0 + 2 * quarter, 12.0, stale));
      FAIL("a stale guard was applied");
    } catch (const state_conflict& e) {
      CHECK(e.retryable());
      CHECK_THAT(std::string(e.what()), Catch::Contains(w.s_low.id.to_string()));
    }
    CHECK(s->count_readings() == 1);
    CHECK(s->get_sample_state(w.s_low.id) == sample_state{w.s_low.id, t0 + quarter, 10.5});
  }
  // Derived from the stored state: applies, rows and state together.
  CHECK(s->write_readings(
            more, guarded(t0 + 2 * quarter, 12.0, sample_state::point{t0 + quarter, 10.5})) ==
        counts(1, 0, 0));
  CHECK(s->get_sample_state(w.s_low.id) == sample_state{w.s_low.id, t0 + 2 * quarter, 12.0});
}

}  // namespace energy::conformance
