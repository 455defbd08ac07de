// SPDX-License-Identifier: Apache-2.0
// The store contract, written once. Every adapter runs these through ENERGY_STORE_CONFORMANCE.
#include "conformance/store_conformance.hpp"
#include "conformance/fixtures.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <date/tz.h>

#include <energy/quality.hpp>
#include <energy/storage/bulk_summaries.hpp>

namespace energy::conformance {
namespace {

using storage::dirty_claim;
using storage::dirty_hour;
using storage::store;
using storage::summary_query;
using storage::write_result;

write_result counts(std::size_t inserted, std::size_t unchanged, std::size_t replaced) {
  return write_result{inserted, unchanged, replaced};
}

}  // namespace

// --- metadata -----------------------------------------------------------------------------------

void tenants_upsert_get_list(const store_factory& factory) {
  auto s = factory();
  const tenant a = make_tenant(1, "Acme");
  const tenant b = make_tenant(2, "Globex");
  CHECK_FALSE(s->get_tenant(a.id).has_value());
  CHECK(s->list_tenants().empty());

  s->put_tenant(a);
  s->put_tenant(b);
  REQUIRE(s->get_tenant(a.id) == a);
  REQUIRE(s->get_tenant(b.id) == b);
  CHECK(sorted_by_id(s->list_tenants()) == std::vector<tenant>{a, b});

  tenant renamed = a;
  renamed.name = "Acme Holdings — Europe";  // non-ASCII text survives
  renamed.created_at = from_epoch(t0 + 1);
  s->put_tenant(renamed);
  CHECK(s->get_tenant(a.id) == renamed);
  CHECK(sorted_by_id(s->list_tenants()) == std::vector<tenant>{renamed, b});
}

void buildings_upsert_get_list(const store_factory& factory) {
  auto s = factory();
  const tenant t1 = make_tenant(1, "Acme");
  const tenant t2 = make_tenant(2, "Globex");
  s->put_tenant(t1);
  s->put_tenant(t2);

  const building full = make_building(1, t1, "America/New_York");
  building sparse = make_building(2, t1, "Australia/Lord_Howe");  // a 30-minute DST shift
  sparse.address.clear();
  sparse.square_footage.reset();
  sparse.primary_use.clear();
  sparse.flat_rate_per_kwh.reset();
  const building other = make_building(3, t2, "UTC");

  CHECK_FALSE(s->get_building(full.id).has_value());
  s->put_building(full);
  s->put_building(sparse);
  s->put_building(other);
  REQUIRE(s->get_building(full.id) == full);
  REQUIRE(s->get_building(sparse.id) == sparse);
  CHECK(sorted_by_id(s->list_buildings(t1.id)) == std::vector<building>{full, sparse});
  CHECK(s->list_buildings(t2.id) == std::vector<building>{other});
  CHECK(s->list_buildings(make_id(0x10, 99)).empty());

  building updated = full;
  updated.name = "Renamed tower";
  updated.square_footage.reset();
  updated.flat_rate_per_kwh = money::from_micros(-1);  // a credit rate is still exact
  updated.time_zone = "America/Chicago";
  s->put_building(updated);
  CHECK(s->get_building(full.id) == updated);
  CHECK(sorted_by_id(s->list_buildings(t1.id)) == std::vector<building>{updated, sparse});
}

void building_with_unknown_zone_is_rejected(const store_factory& factory) {
  auto s = factory();
  const tenant t = make_tenant(1, "Acme");
  s->put_tenant(t);
  building b = make_building(1, t, "Mars/Olympus_Mons");
  CHECK_THROWS_AS(s->put_building(b), std::invalid_argument);
  b.time_zone.clear();
  CHECK_THROWS_AS(s->put_building(b), std::invalid_argument);
  CHECK_FALSE(s->get_building(b.id).has_value());
  CHECK(s->list_buildings(t.id).empty());

  // An existing building keeps its valid zone when an update with a bad zone is rejected.
  b.time_zone = "Europe/Berlin";
  s->put_building(b);
  building bad = b;
  bad.time_zone = "Europe/Atlantis";
  bad.name = "never stored";
  CHECK_THROWS_AS(s->put_building(bad), std::invalid_argument);
  CHECK(s->get_building(b.id) == b);
}

void building_with_unknown_tenant_is_rejected(const store_factory& factory) {
  auto s = factory();
  const tenant ghost = make_tenant(7, "not stored");
  const building b = make_building(1, ghost, "UTC");
  CHECK_THROWS_AS(s->put_building(b), std::invalid_argument);
  CHECK_FALSE(s->get_building(b.id).has_value());
  CHECK(s->list_buildings(ghost.id).empty());
}

void updating_metadata_keeps_dependents(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  alert_config a{make_id(0x40, 1), w.b1.id, 5000, alert_window::hour, "ops@example.test", true};
  s->put_alert_config(a);
  reading_rows rows;
  rows.push_back(w.s_low.id, t0, 1000);
  rows.push_back(w.s_high.id, t0, 2000);
  REQUIRE(s->write_readings(rows) == counts(2, 0, 0));

  tenant t = w.t;
  t.name = "Acme renamed";
  s->put_tenant(t);
  building b = w.b1;
  b.name = "B1 renamed";
  s->put_building(b);
  sensor moved = w.s_high;
  moved.location = "roof";
  moved.is_active = false;
  s->put_sensor(moved);

  CHECK(sorted_by_id(s->list_buildings(t.id)) == std::vector<building>{b, w.b2});
  CHECK(sorted_by_id(s->list_sensors(b.id)) == std::vector<sensor>{w.s_low, moved});
  CHECK(s->list_alert_configs(b.id) == std::vector<alert_config>{a});
  CHECK(s->count_readings() == 2);
  CHECK(s->read_readings(w.s_high.id, range(t0, t0 + hour)).value == std::vector<milli>{2000});
}

void sensors_upsert_get_list(const store_factory& factory) {
  auto s = factory();
  const tenant t = make_tenant(1, "Acme");
  const building b1 = make_building(1, t, "America/New_York");
  const building b2 = make_building(2, t, "America/Los_Angeles");
  s->put_tenant(t);
  s->put_building(b1);
  s->put_building(b2);

  sensor gas = make_sensor(1, b1);
  gas.type = sensor_type::gas;
  gas.kind = reading_kind::cumulative_register;
  gas.unit = "m3";
  gas.location = "basement — meter room";
  gas.interval_seconds = 3600;
  gas.max_value = 12.5;
  gas.register_max = 99999999.9;
  gas.is_active = false;
  sensor power = make_sensor(2, b1);
  power.type = sensor_type::electricity;
  power.kind = reading_kind::instantaneous_power;
  power.unit = "kW";
  power.interval_seconds = 60;
  power.max_value = 0.1 + 0.2;  // not representable in decimal: must round-trip bit for bit
  sensor temp = make_sensor(3, b2);
  temp.type = sensor_type::temperature;
  temp.kind = reading_kind::instantaneous_value;
  temp.unit = "degC";
  temp.location.clear();
  sensor water = make_sensor(4, b2);
  water.type = sensor_type::water;
  water.unit = "m3";
  sensor thermal = make_sensor(5, b2);
  thermal.type = sensor_type::thermal;

  CHECK_FALSE(s->get_sensor(gas.id).has_value());
  CHECK(s->list_all_sensors().empty());
  for (const auto& x : {gas, power, temp, water, thermal})
    s->put_sensor(x);
  CHECK(s->get_sensor(gas.id) == gas);
  CHECK(s->get_sensor(power.id) == power);
  CHECK(s->get_sensor(temp.id) == temp);
  CHECK(sorted_by_id(s->list_sensors(b1.id)) == std::vector<sensor>{gas, power});
  CHECK(sorted_by_id(s->list_sensors(b2.id)) == std::vector<sensor>{temp, water, thermal});
  CHECK(sorted_by_id(s->list_all_sensors()) ==
        std::vector<sensor>{gas, power, temp, water, thermal});

  sensor reactivated = gas;
  reactivated.is_active = true;
  reactivated.max_value.reset();
  reactivated.register_max.reset();
  s->put_sensor(reactivated);
  CHECK(s->get_sensor(gas.id) == reactivated);
  CHECK(s->list_all_sensors().size() == 5);
}

void sensor_with_unknown_building_is_rejected(const store_factory& factory) {
  auto s = factory();
  const tenant t = make_tenant(1, "Acme");
  s->put_tenant(t);
  const building ghost = make_building(4, t, "UTC");  // never stored
  const sensor x = make_sensor(1, ghost);
  CHECK_THROWS_AS(s->put_sensor(x), std::invalid_argument);
  CHECK_FALSE(s->get_sensor(x.id).has_value());
  CHECK(s->list_all_sensors().empty());
}

void alert_configs_upsert_list(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  const alert_config a{make_id(0x40, 1),   w.b1.id, 50'000, alert_window::hour,
                       "ops@example.test", true};
  const alert_config b{make_id(0x40, 2), w.b1.id, 1'200'500, alert_window::day, "", false};
  const alert_config c{make_id(0x40, 3),     w.b2.id, 1, alert_window::quarter_hour,
                       "night@example.test", true};
  CHECK(s->list_alert_configs(w.b1.id).empty());
  s->put_alert_config(a);
  s->put_alert_config(b);
  s->put_alert_config(c);
  CHECK(sorted_by_id(s->list_alert_configs(w.b1.id)) == std::vector<alert_config>{a, b});
  CHECK(s->list_alert_configs(w.b2.id) == std::vector<alert_config>{c});

  alert_config changed = b;
  changed.threshold = 7;
  changed.window = alert_window::quarter_hour;
  changed.is_enabled = true;
  changed.notification_email = "energy@example.test";
  s->put_alert_config(changed);
  CHECK(sorted_by_id(s->list_alert_configs(w.b1.id)) == std::vector<alert_config>{a, changed});
}

void alert_config_with_unknown_building_is_rejected(const store_factory& factory) {
  auto s = factory();
  world w{*s};
  const alert_config a{make_id(0x40, 1),   make_id(0x20, 77), 1000,
                       alert_window::hour, "x@example.test",  true};
  CHECK_THROWS_AS(s->put_alert_config(a), std::invalid_argument);
  CHECK(s->list_alert_configs(a.building_id).empty());
  CHECK(s->list_alert_configs(w.b1.id).empty());
}

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
  r.local_start = date::local_seconds{std::chrono::seconds{t0 - 4 * hour}};
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
    r.local_start = date::local_seconds{std::chrono::seconds{start - 4 * hour}};
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
  r.local_start = date::local_seconds{std::chrono::seconds{t0}};
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
  r.local_start = date::local_seconds{std::chrono::seconds{t0 - 4 * hour}};
  r.consumption = std::numeric_limits<milli>::max() - 1;
  r.peak_demand = -odd;
  r.cost = money::from_micros(std::numeric_limits<std::int64_t>::min() + 1);
  r.reading_count = std::numeric_limits<std::int64_t>::max();
  s->backend().commit_summaries(std::vector<summary_row>{r}, dirty_claim{});
  CHECK(s->read_summaries({summary_scope::building, w.b1.id, sensor_type::electricity,
                           resolution::month, range(t0, t0 + 1)}) == std::vector<summary_row>{r});
}

}  // namespace energy::conformance
