// SPDX-License-Identifier: Apache-2.0
// The poller against real Modbus TCP servers (libmodbus server side, tests/support) on loopback:
// a scripted register sequence with a rollover and a meter reset stored exactly, a hung server
// that times out while other meters stay on schedule, Modbus exceptions, refused connections,
// and an outage that becomes a data gap the gap detector finds.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <mutex>
#include <numeric>
#include <thread>

#include <energy/anomaly/detectors.hpp>
#include <energy/quality.hpp>
#include <energy/storage/memory.hpp>
#include <energy/transport/modbus_poller.hpp>
#include <energy/transport/modbus_store_sink.hpp>

#include "support/modbus_test_server.hpp"

using namespace energy;
using namespace energy::modbus;
using energy::testing::modbus_test_server;

namespace {

// The simulated meter's layout: a uint32 Wh counter, low word first, in holding 10-11, and a
// float32 W power, low word first, in input 20-21.
std::shared_ptr<const register_map> test_map() {
  return std::make_shared<const register_map>(parse_register_map(
      "energy-modbus-map 1\n"
      "register energy function=holding address=10 type=uint32 order=cdab unit=Wh "
      "kind=cumulative_register\n"
      "register power function=input address=20 type=float32 order=cdab unit=W "
      "kind=instantaneous_power\n",
      "test.map"));
}

std::vector<std::uint16_t> cdab32(std::uint32_t v) {
  return {static_cast<std::uint16_t>(v & 0xFFFF), static_cast<std::uint16_t>(v >> 16)};
}

std::vector<std::uint16_t> cdab_float(float f) {
  const auto w = modbus_test_server::float_abcd(f);
  return {w[1], w[0]};
}

const epoch_seconds t0 = 1'767'571'200;  // 2026-01-05T00:00:00Z

struct site {
  std::unique_ptr<storage::store> store = storage::open_memory_store();
  building b;
  site() {
    const tenant t{uuid::v7(), "Tenant", utc_seconds{std::chrono::seconds{t0 - 86400}}};
    b = building{.id = uuid::v7(), .tenant_id = t.id, .name = "B", .time_zone = "UTC"};
    store->put_tenant(t);
    store->put_building(b);
  }
  sensor add(reading_kind kind, std::string unit, std::optional<double> register_max = {},
             std::int32_t interval = 15) {
    sensor s{.id = uuid::v7(),
             .building_id = b.id,
             .kind = kind,
             .unit = std::move(unit),
             .interval_seconds = interval,
             .register_max = register_max,
             .created_at = utc_seconds{std::chrono::seconds{t0 - 86400}}};
    store->put_sensor(s);
    return s;
  }
  milli total(const uuid& id) {
    const auto rows = store->read_readings(
        id, {utc_seconds{std::chrono::seconds{t0}}, utc_seconds{std::chrono::seconds{t0 + 86400}}});
    return std::accumulate(rows.value.begin(), rows.value.end(), milli{0});
  }
};

meter make_meter(std::string name, std::uint16_t port, int unit,
                 std::vector<meter::binding> sensors) {
  return meter{.name = std::move(name),
               .host = "127.0.0.1",
               .port = port,
               .unit_id = unit,
               .map = test_map(),
               .sensors = std::move(sensors)};
}

const meter_status& status_of(const std::vector<meter_status>& all, std::string_view name) {
  for (const auto& s : all)
    if (s.name == name) return s;
  FAIL("no status for " << name);
  return all.front();
}

}  // namespace

TEST_CASE("modbus poller: a scripted register sequence with rollover and reset is stored exactly",
          "[modbus]") {
  modbus_test_server server;
  site s;
  // The register wraps at 2^32 Wh; the sensor takes kWh, so the sink converts Wh -> kWh and the
  // sensor's register_max is the modulus in its own unit: 2^32 Wh = 4294967.296 kWh.
  const auto energy_sensor = s.add(reading_kind::cumulative_register, "kWh", 4294967.296);
  const auto power_sensor = s.add(reading_kind::instantaneous_power, "W");
  std::vector<ingest::ingest_report> reports;
  poller p({make_meter("main", server.port(), 7,
                       {{"energy", energy_sensor.id}, {"power", power_sensor.id}})},
           {.threads = 2, .response_timeout = std::chrono::milliseconds{2000}},
           store_sink(*s.store, [&](const ingest::ingest_report& r) { reports.push_back(r); }));

  // The meter's true consumption per 15 s interval (Wh) and its power samples (W). Slot 4's
  // interval crosses 2^32 (rollover); before slot 8 the meter is reset to 0 and counts 300 Wh.
  const std::vector<std::uint64_t> consumed{0,    1200, 1500, 1800, 2100, 900,
                                            1000, 1100, 999,  700,  800};
  const std::vector<float> power{0, 480, 960, 480, 1440, 0, 480, 0, 960, 0, 480};
  const std::size_t reset_slot = 8;
  std::uint64_t true_energy = 4294967296ULL - 5000;  // 5 kWh below the wrap
  std::uint64_t register_value = true_energy;
  std::uint64_t expected_energy = 0, expected_power_wh = 0;
  for (std::size_t k = 0; k < consumed.size(); ++k) {
    true_energy += consumed[k];
    if (k == reset_slot) {
      register_value = 300;  // reset, then 300 Wh counted in what is left of the interval
    } else {
      register_value = (register_value + consumed[k]) % 4294967296ULL;
      if (k > 0) expected_energy += consumed[k];
    }
    if (k > 0) {
      // Trapezoid over 15 s: (p0 + p1) / 2 W × 15 s = (p0 + p1) / 480 Wh (exact by choice).
      const auto sum = static_cast<std::uint64_t>(power[k - 1] + power[k]);
      REQUIRE(sum % 480 == 0);
      expected_power_wh += sum / 480;
    }
    server.set_words(7, false, 10, cdab32(static_cast<std::uint32_t>(register_value)));
    server.set_words(7, true, 20, cdab_float(power[k]));
    p.poll_once(t0 + 15 * static_cast<epoch_seconds>(k));
  }

  // Wh and milli-kWh are the same unit: the totals compare exactly.
  CHECK(s.total(energy_sensor.id) == static_cast<milli>(expected_energy));
  CHECK(s.total(power_sensor.id) == static_cast<milli>(expected_power_wh));
  const auto rows = s.store->read_readings(
      energy_sensor.id,
      {utc_seconds{std::chrono::seconds{t0}}, utc_seconds{std::chrono::seconds{t0 + 3600}}});
  CHECK(rows.size() == consumed.size() - 2);  // one interval per slot pair, minus the reset one
  std::size_t rollovers = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows.quality[i] & quality::rollover) {
      ++rollovers;
      CHECK(rows.ts[i] == t0 + 15 * 3);  // the interval [slot 3, slot 4)
      CHECK(rows.value[i] == 2100);
    }
  }
  CHECK(rollovers == 1);
  std::size_t resets = 0;
  for (const auto& r : reports)
    for (const auto& rej : r.rejections)
      resets += rej.why == ingest::reason::register_reset;
  CHECK(resets == 1);

  const auto st = status_of(p.status(), "main");
  CHECK(st.health == meter_health::ok);
  CHECK(st.polls_ok == consumed.size());
  CHECK(st.samples == 2 * consumed.size());
  REQUIRE(st.last_success);
  CHECK(*st.last_success == t0 + 150);
  CHECK(p.stats().requests == 2 * consumed.size());
}

TEST_CASE("modbus poller: a hung server times out while other meters stay on schedule",
          "[modbus]") {
  modbus_test_server good;
  modbus_test_server hung(modbus_test_server::behaviour::hang);
  good.set_words(1, false, 10, cdab32(1000));
  good.set_words(1, true, 20, cdab_float(100));
  const auto a = uuid::v7(), b = uuid::v7();
  std::mutex mu;
  std::vector<epoch_seconds> good_slots;
  bool from_hung = false;  // Catch assertions stay on the test's thread
  poller p({make_meter("good", good.port(), 1, {{"energy", a}}),
            make_meter("hung", hung.port(), 1, {{"energy", b}})},
           {.interval = std::chrono::seconds{2},
            .threads = 2,
            .response_timeout = std::chrono::milliseconds{400},
            .retries = 1,
            .retry_backoff = std::chrono::milliseconds{50}},
           [&](std::span<const sample> samples) {
             std::lock_guard lock(mu);
             for (const auto& x : samples) {
               from_hung = from_hung || x.sensor_id != a;
               good_slots.push_back(x.ts);
             }
           });
  p.start();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{60};
  for (;;) {
    {
      std::lock_guard lock(mu);
      if (good_slots.size() >= 4) break;
    }
    REQUIRE(std::chrono::steady_clock::now() < give_up);
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  p.stop();
  CHECK_FALSE(from_hung);  // nothing ever came from the hung meter
  const auto stats = p.stats();
  // Every slot of the good meter was polled in its own slot: consecutive, aligned, none missed.
  for (std::size_t i = 1; i < good_slots.size(); ++i)
    CHECK(good_slots[i] - good_slots[i - 1] == 2);
  for (const auto ts : good_slots)
    CHECK(ts % 2 == 0);
  CHECK(stats.slots_missed == 0);
  CHECK(stats.timeouts >= 2);
  CHECK(stats.threads == 3);  // two workers and the scheduler
  const auto all = p.status();
  CHECK(status_of(all, "good").health == meter_health::ok);
  const auto& h = status_of(all, "hung");
  CHECK((h.health == meter_health::failing || h.health == meter_health::offline));
  CHECK(h.polls_ok == 0);
  CHECK(h.polls_failed >= 3);
  CHECK_THAT(h.last_error,
             Catch::Contains("register 'energy' (holding 10): no answer within 400 ms"));
  CHECK(hung.requests() >= 2);
}

TEST_CASE("modbus poller: Modbus exceptions are reported, not retried, and other registers land",
          "[modbus]") {
  modbus_test_server busy(modbus_test_server::behaviour::exception);
  modbus_test_server small(modbus_test_server::behaviour::answer, 16);  // no input register 20
  small.set_words(1, false, 10, cdab32(42));
  const auto a = uuid::v7(), b = uuid::v7(), c = uuid::v7();
  std::vector<sample> got;
  poller p({make_meter("busy", busy.port(), 1, {{"energy", a}}),
            make_meter("partial", small.port(), 1, {{"energy", b}, {"power", c}})},
           {.threads = 2},
           [&](std::span<const sample> s) { got.insert(got.end(), s.begin(), s.end()); });
  p.poll_once(t0);
  p.poll_once(t0 + 15);
  const auto all = p.status();
  const auto& bs = status_of(all, "busy");
  CHECK(bs.health == meter_health::failing);
  CHECK_THAT(bs.last_error, Catch::Contains("Modbus exception 6"));
  CHECK(busy.requests() == 2);  // one per slot: an exception is an answer, never retried
  const auto& ps = status_of(all, "partial");
  CHECK(ps.health == meter_health::failing);
  CHECK_THAT(ps.last_error, Catch::Contains("register 'power' (input 20): Modbus exception 2"));
  // The energy register of the partial meter still landed, twice.
  REQUIRE(got.size() == 2);
  CHECK(got[0].sensor_id == b);
  CHECK(got[0].value == 42.0);
  CHECK(p.stats().exceptions == 4);
}

TEST_CASE("modbus poller: a refused connection fails the endpoint fast and goes offline",
          "[modbus]") {
  std::size_t delivered = 0;
  std::uint16_t closed_port = 0;
  { closed_port = modbus_test_server().port(); }  // a port nothing listens on any more
  poller p({make_meter("gone-1", closed_port, 1, {{"energy", uuid::v7()}}),
            make_meter("gone-2", closed_port, 2, {{"energy", uuid::v7()}})},
           {.threads = 1,
            .retries = 1,
            .retry_backoff = std::chrono::milliseconds{10},
            .offline_after = 2},
           [&](std::span<const sample> got) { delivered += got.size(); });
  for (int k = 0; k < 3; ++k)
    p.poll_once(t0 + 15 * k);
  for (const auto& st : p.status()) {
    CHECK(st.health == meter_health::offline);
    CHECK(st.consecutive_failures == 3);
    CHECK_THAT(st.last_error, Catch::Contains("cannot connect to 127.0.0.1:"));
  }
  CHECK(p.stats().requests == 0);
  CHECK(delivered == 0);
}

TEST_CASE("modbus poller: an outage is a data gap the gap detector reports, energy resumes",
          "[modbus]") {
  modbus_test_server server;
  site s;
  const auto energy_sensor = s.add(reading_kind::cumulative_register, "Wh");
  poller p({make_meter("m", server.port(), 1, {{"energy", energy_sensor.id}})},
           {.threads = 1, .response_timeout = std::chrono::milliseconds{200}, .retries = 0},
           store_sink(*s.store));
  std::uint32_t reg = 10'000;
  for (int k = 0; k <= 12; ++k) {
    const bool down = k >= 4 && k <= 8;  // five slots without an answer
    server.set_behaviour(down ? modbus_test_server::behaviour::hang
                              : modbus_test_server::behaviour::answer);
    reg += 100;
    server.set_words(1, false, 10, cdab32(reg));
    p.poll_once(t0 + 15 * k);
    if (k == 6) {
      // During the outage the meter is reported, and the newest interval has no row.
      CHECK(status_of(p.status(), "m").health == meter_health::offline);
    }
  }
  const auto rows = s.store->read_readings(
      energy_sensor.id,
      {utc_seconds{std::chrono::seconds{t0}}, utc_seconds{std::chrono::seconds{t0 + 3600}}});
  const anomaly::meter_series series{.building_id = s.b.id,
                                     .sensor_id = energy_sensor.id,
                                     .interval_seconds = 15,
                                     .ts = rows.ts,
                                     .value = rows.value,
                                     .quality = rows.quality,
                                     .unit = "kWh"};
  const auto found = anomaly::detect_data_quality(
      series, {.expected_range = time_range{utc_seconds{std::chrono::seconds{t0}},
                                            utc_seconds{std::chrono::seconds{t0 + 15 * 12}}}});
  std::size_t gaps = 0;
  for (const auto& a : found) {
    if (a.kind != anomaly::anomaly_kind::missing_data) continue;
    ++gaps;
    // Samples at slots 3 and 9 are 6 intervals apart (> max_gap_intervals 3): no row for
    // [slot 3, slot 9); the gap covers exactly the intervals the outage left without a sample.
    CHECK(a.range.start == utc_seconds{std::chrono::seconds{t0 + 15 * 3}});
    CHECK(a.range.end == utc_seconds{std::chrono::seconds{t0 + 15 * 9}});
  }
  CHECK(gaps == 1);
  // Before and after the outage every interval holds its 100 Wh.
  CHECK(rows.size() == 3 + 3);
  for (const auto v : rows.value)
    CHECK(v == 100);
  const auto st = status_of(p.status(), "m");
  CHECK(st.health == meter_health::ok);
  CHECK(st.polls_failed == 5);
}

TEST_CASE("modbus poller: polled every 15 s, a 60 s sensor stores one row per minute", "[modbus]") {
  modbus_test_server server;
  site s;
  const auto minute = s.add(reading_kind::cumulative_register, "Wh", std::nullopt, 60);
  poller p({make_meter("m", server.port(), 1, {{"energy", minute.id}})}, {.threads = 1},
           store_sink(*s.store));
  for (int k = 0; k <= 8; ++k) {  // slots 0, 15, ..., 120 s; 100 Wh per 15 s
    server.set_words(1, false, 10, cdab32(static_cast<std::uint32_t>(5000 + 100 * k)));
    p.poll_once(t0 + 15 * k);
  }
  const auto rows = s.store->read_readings(
      minute.id,
      {utc_seconds{std::chrono::seconds{t0}}, utc_seconds{std::chrono::seconds{t0 + 3600}}});
  REQUIRE(rows.size() == 2);  // [0, 60) and [60, 120), each from the samples on the grid
  CHECK(rows.ts[0] == t0);
  CHECK(rows.ts[1] == t0 + 60);
  CHECK(rows.value[0] == 400);
  CHECK(rows.value[1] == 400);
  CHECK(status_of(p.status(), "m").polls_ok == 9);  // health is still checked every 15 s
}

TEST_CASE("modbus poller: a dead unit behind a gateway is polled last once offline", "[modbus]") {
  modbus_test_server gateway;
  gateway.set_unit_behaviour(1, modbus_test_server::behaviour::hang);
  for (int unit = 1; unit <= 3; ++unit)
    gateway.set_words(unit, false, 10, cdab32(100));
  std::vector<sample> got;
  poller p({make_meter("dead", gateway.port(), 1, {{"energy", uuid::v7()}}),
            make_meter("live-2", gateway.port(), 2, {{"energy", uuid::v7()}}),
            make_meter("live-3", gateway.port(), 3, {{"energy", uuid::v7()}})},
           {.threads = 1,
            .response_timeout = std::chrono::milliseconds{800},
            .retries = 1,
            .retry_backoff = std::chrono::milliseconds{10},
            .offline_after = 2},
           [&](std::span<const sample> s) { got.insert(got.end(), s.begin(), s.end()); });
  for (int k = 0; k < 4; ++k)
    p.poll_once(t0 + 15 * k);
  // Every slot read both live meters, whatever the dead one did. (The timeout is generous so that
  // a live answer is never late on a loaded machine: the request order below must be exact.)
  CHECK(got.size() == 8);
  const auto units = gateway.request_units();
  // Slots 0 and 1: the dead unit first (listed first), two attempts each. Once offline (from
  // slot 2), the live units go first and the dead one gets one attempt, last.
  const std::vector<int> expected{1, 1, 2, 3, 1, 1, 2, 3, 2, 3, 1, 2, 3, 1};
  CHECK(units == expected);
  const auto all = p.status();
  CHECK(status_of(all, "dead").health == meter_health::offline);
  CHECK(status_of(all, "live-2").health == meter_health::ok);
  CHECK(status_of(all, "live-3").polls_ok == 4);
}
