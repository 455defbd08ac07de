// SPDX-License-Identifier: Apache-2.0
#include "fixture.hpp"

#include <energy/ingest/ingest.hpp>
#include <energy/quality.hpp>
#include <energy/storage/memory.hpp>

#include <catch2/catch.hpp>

using namespace energy;
using namespace energy::ingest;
using namespace energy::ingest::test;

namespace {

const epoch_seconds t0 = at("2024-06-01T00:00:00Z");

std::unique_ptr<storage::store> store_with(const std::vector<sensor>& sensors) {
  auto st = storage::open_memory_store();
  tenant t{id_of(9001), "tenant", {}};
  st->put_tenant(t);
  building b;
  b.id = building_id;
  b.tenant_id = t.id;
  b.name = "HQ";
  b.time_zone = "America/Chicago";
  st->put_building(b);
  for (const auto& s : sensors)
    st->put_sensor(s);
  return st;
}

ingest_options fixed() {
  ingest_options o;
  o.validation = options_at_fixed_now();
  return o;
}

const time_range everything{from_epoch(0), from_epoch(at("2030-01-01T00:00:00Z"))};

}  // namespace

TEST_CASE("ingest_batch stores valid rows, reports rejected ones and counts every input row",
          "[ingest][pipeline]") {
  const auto s = make_sensor(1);
  auto st = store_with({s});
  reading_batch b;
  b.push_back(s.id, t0, 1.5);
  b.push_back(s.id, t0 + 900, -2.0);
  b.push_back(id_of(77), t0, 1.0);
  b.push_back(s.id, t0 + 1800, 2.25);
  const std::vector<rejection> upstream{
      {-1, 3, reason::malformed_timestamp, "line 3: timestamp 'x'"}};
  const auto r = ingest_batch(*st, b, fixed(), upstream);
  REQUIRE(r.received == 5);
  REQUIRE(r.accepted == 2);
  REQUIRE(r.rejected == 3);
  REQUIRE(r.inserted == 2);
  REQUIRE(r.rows == 2);
  REQUIRE(r.rejections.size() == 3);
  REQUIRE(r.rejections[0].why == reason::malformed_timestamp);  // upstream first
  REQUIRE(r.rejections[1].why == reason::negative_value);
  REQUIRE(r.rejections[2].why == reason::unknown_sensor);
  const auto stored = st->read_readings(s.id, everything);
  REQUIRE(stored.value == std::vector<milli>{1'500, 2'250});
}

TEST_CASE("re-sending a batch changes nothing: every row is unchanged", "[ingest][pipeline]") {
  const auto iv = make_sensor(1);
  const auto reg = make_sensor(2, reading_kind::cumulative_register, "kWh");
  auto st = store_with({iv, reg});
  reading_batch b;
  for (int k = 0; k < 8; ++k) {
    b.push_back(iv.id, t0 + 900 * k, 0.5 * k);
    b.push_back(reg.id, t0 + 900 * k, 100.0 + k);
  }
  const auto first = ingest_batch(*st, b, fixed());
  REQUIRE(first.inserted == 15);  // 8 interval rows + 7 register intervals
  REQUIRE(first.rejections.empty());
  const auto count = st->count_readings();
  const auto state = st->get_sample_state(reg.id);
  REQUIRE(state == sample_state{reg.id, t0 + 900 * 7, 107.0});

  const auto again = ingest_batch(*st, b, fixed());
  REQUIRE(again.inserted == 0);
  REQUIRE(again.replaced == 0);
  REQUIRE(again.unchanged == 8);
  REQUIRE(st->count_readings() == count);
  REQUIRE(st->get_sample_state(reg.id) == state);
  // The register's samples before its last applied one cannot be re-differenced: reported, not
  // applied.
  REQUIRE(count_reasons(again.rejections)[reason::stale_sample] == 7);
}

TEST_CASE("a corrected value replaces the stored one and is flagged corrected",
          "[ingest][pipeline]") {
  const auto s = make_sensor(1);
  auto st = store_with({s});
  reading_batch b;
  b.push_back(s.id, t0, 1.0);
  (void)ingest_batch(*st, b, fixed());
  b.value[0] = 1.25;
  const auto r = ingest_batch(*st, b, fixed());
  REQUIRE(r.replaced == 1);
  const auto stored = st->read_readings(s.id, everything);
  REQUIRE(stored.value == std::vector<milli>{1'250});
  REQUIRE((stored.quality.at(0) & quality::corrected) != 0);
}

TEST_CASE("chunked writes store the same rows and states as one write", "[ingest][pipeline]") {
  const auto reg1 = make_sensor(1, reading_kind::cumulative_register, "kWh");
  const auto reg2 = make_sensor(2, reading_kind::cumulative_register, "kWh");
  const auto only_baseline = make_sensor(3, reading_kind::instantaneous_power, "kW");
  reading_batch b;
  for (int k = 0; k < 10; ++k) {
    b.push_back(reg1.id, t0 + 900 * k, 10.0 * k);
    b.push_back(reg2.id, t0 + 900 * k, 3.0 * k);
  }
  b.push_back(only_baseline.id, t0, 7.0);
  auto one = store_with({reg1, reg2, only_baseline});
  auto chunked = store_with({reg1, reg2, only_baseline});
  auto opt = fixed();
  (void)ingest_batch(*one, b, opt);
  opt.chunk_rows = 4;
  const auto r = ingest_batch(*chunked, b, opt);
  REQUIRE(r.inserted == 18);
  for (const auto& s : {reg1, reg2}) {
    const auto x = chunked->read_readings(s.id, everything);
    const auto y = one->read_readings(s.id, everything);
    REQUIRE(x.ts == y.ts);
    REQUIRE(x.value == y.value);
    REQUIRE(x.quality == y.quality);
    REQUIRE(x.size() == 9);
    REQUIRE(chunked->get_sample_state(s.id) == one->get_sample_state(s.id));
    REQUIRE(chunked->get_sample_state(s.id).has_value());
  }
  REQUIRE(chunked->get_sample_state(only_baseline.id) == sample_state{only_baseline.id, t0, 7.0});
}

TEST_CASE("a register continues across two ingest calls through the stored sample state",
          "[ingest][pipeline]") {
  const auto reg = make_sensor(1, reading_kind::cumulative_register, "kWh");
  auto st = store_with({reg});
  reading_batch a, b;
  a.push_back(reg.id, t0, 100.0);
  a.push_back(reg.id, t0 + 900, 101.0);
  b.push_back(reg.id, t0 + 1800, 103.5);
  (void)ingest_batch(*st, a, fixed());
  const auto r = ingest_batch(*st, b, fixed());
  REQUIRE(r.inserted == 1);
  REQUIRE(st->read_readings(reg.id, everything).value == std::vector<milli>{1'000, 2'500});
}

TEST_CASE("ingest reports merge their counts and rejections", "[ingest][pipeline]") {
  ingest_report a, b;
  a.received = 3;
  a.rejected = 1;
  a.rejections.push_back({0, 1, reason::unknown_sensor, "x"});
  b.received = 2;
  b.inserted = 2;
  a.merge(b);
  REQUIRE(a.received == 5);
  REQUIRE(a.inserted == 2);
  REQUIRE(a.rejections.size() == 1);
}

TEST_CASE("a zero chunk size is a caller mistake", "[ingest][pipeline]") {
  auto st = store_with({});
  ingest_options o = fixed();
  o.chunk_rows = 0;
  REQUIRE_THROWS_AS(ingest_batch(*st, reading_batch{}, o), std::invalid_argument);
}
