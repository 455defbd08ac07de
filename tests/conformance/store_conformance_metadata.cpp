// SPDX-License-Identifier: Apache-2.0
// The store contract, written once (metadata: tenants, buildings, sensors, alert configs). Every
// adapter runs these through ENERGY_STORE_CONFORMANCE (store_conformance.hpp).
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

}  // namespace energy::conformance
