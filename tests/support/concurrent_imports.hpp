// SPDX-License-Identifier: Apache-2.0
// Concurrent imports of the same sensors of every kind — cumulative register, power, interval
// energy and instantaneous value (issue #11, defect 1) — written once for every store adapter: two
// store objects (one per thread, as the store contract asks) import overlapping batches at the same
// instant, many rounds over. Whatever the interleaving, each sensor must end with exactly the rows
// and the state of one of the two sequential orders, and re-running the whole round changes
// nothing.
#pragma once

#include <energy/ingest/ingest.hpp>
#include <energy/storage/memory.hpp>
#include <energy/storage/store.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "one_building.hpp"

namespace energy::testing {

using store_opener = std::function<std::unique_ptr<storage::store>()>;

namespace concurrent_detail {

inline sensor series_sensor(const uuid& building, reading_kind kind) {
  sensor s;
  s.id = uuid::v7();
  s.building_id = building;
  s.kind = kind;
  s.unit = kind == reading_kind::instantaneous_power ? "kW" : "kWh";
  if (kind == reading_kind::instantaneous_value) {
    s.type = sensor_type::temperature;
    s.unit = "degC";
  }
  s.interval_seconds = 900;
  s.created_at = from_epoch(0);
  return s;
}

/// One sensor of each kind.
struct series_sensors {
  sensor reg, pow, energy, value;
  [[nodiscard]] std::vector<const sensor*> all() const { return {&reg, &pow, &energy, &value}; }
};

/// Samples k in [first, last) with the given step of every sensor, stamped 15 min apart. The
/// interval-energy and value sensors get different values from each batch (`version`) at the
/// instants both send, so the order of the two writes shows in the stored rows.
inline reading_batch samples(const series_sensors& s, int first, int last, int step, int version) {
  constexpr epoch_seconds t0 = 1'719'792'000;  // 2024-07-01T00:00:00Z
  reading_batch b;
  for (int k = first; k < last; k += step) {
    b.push_back(s.reg.id, t0 + 900 * k, 1000.0 + 0.25 * k * k);
    b.push_back(s.pow.id, t0 + 900 * k, 3.0 + (k % 7));
    b.push_back(s.energy.id, t0 + 900 * k, 1.0 + 0.5 * version + 0.001 * k);
    b.push_back(s.value.id, t0 + 900 * k, 20.0 + version + 0.01 * k);
  }
  return b;
}

struct outcome {
  std::vector<epoch_seconds> ts;
  std::vector<milli> value;
  std::vector<std::uint32_t> quality;
  std::optional<sample_state> state;
  friend bool operator==(const outcome&, const outcome&) = default;
};

inline outcome outcome_of(storage::store& st, const sensor& s) {
  auto rows = st.read_readings(s.id, time_range{from_epoch(0), from_epoch(4'000'000'000)});
  return {rows.ts, rows.value, rows.quality, st.get_sample_state(s.id)};
}

inline std::string describe(const outcome& o) {
  std::string out = std::to_string(o.ts.size()) + " rows:";
  for (std::size_t i = 0; i < o.ts.size(); ++i)
    out += " " + std::to_string(o.ts[i]) + "=" + std::to_string(o.value[i]);
  return out;
}

}  // namespace concurrent_detail

/// Runs `rounds` rounds of two concurrent imports; fails the test on the first round whose result
/// matches neither sequential order.
inline void check_concurrent_series_imports(const store_opener& open, int rounds) {
  using namespace concurrent_detail;
  auto setup = open();
  const one_building ob = put_one_building(*setup, 0);
  for (int round = 0; round < rounds; ++round) {
    const series_sensors ss{series_sensor(ob.building_id, reading_kind::cumulative_register),
                            series_sensor(ob.building_id, reading_kind::instantaneous_power),
                            series_sensor(ob.building_id, reading_kind::interval_energy),
                            series_sensor(ob.building_id, reading_kind::instantaneous_value)};
    for (const sensor* s : ss.all())
      setup->put_sensor(*s);
    // A: every sample of the first 60; B: every second sample of the first 90 (other interval
    // boundaries, so mixing the two derivations double-counts).
    const std::vector<reading_batch> batches{samples(ss, 0, 60, 1, 0), samples(ss, 0, 90, 2, 1)};
    const auto outcomes = [&](storage::store& st) {
      std::vector<outcome> out;
      for (const sensor* s : ss.all())
        out.push_back(outcome_of(st, *s));
      return out;
    };

    // The two sequential results, in memory stores.
    std::vector<std::vector<outcome>> sequential;
    for (const auto& order : {std::vector<int>{0, 1}, std::vector<int>{1, 0}}) {
      auto mem = storage::open_memory_store();
      mem->put_tenant(*setup->get_tenant(ob.tenant_id));
      mem->put_building(*setup->get_building(ob.building_id));
      for (const sensor* s : ss.all())
        mem->put_sensor(*s);
      for (int i : order)
        (void)ingest::ingest_batch(*mem, batches[static_cast<std::size_t>(i)]);
      sequential.push_back(outcomes(*mem));
    }
    REQUIRE(sequential[0] != sequential[1]);  // the two orders are distinguishable

    std::vector<std::unique_ptr<storage::store>> stores;
    for (int i = 0; i < 2; ++i)
      stores.push_back(open());
    std::latch start(2);
    std::vector<std::string> errors(2);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < 2; ++i)
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        try {
          (void)ingest::ingest_batch(*stores[i], batches[i]);
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    for (auto& t : threads)
      t.join();
    INFO("round " << round);
    CHECK(errors[0].empty());
    CHECK(errors[1].empty());
    const auto got = outcomes(*setup);
    INFO("register: " << describe(got[0]));
    INFO("A then B: " << describe(sequential[0][0]));
    INFO("B then A: " << describe(sequential[1][0]));
    INFO("interval energy: " << describe(got[2]));
    // Every sensor as in one and the same sequential order (each batch is one transaction).
    REQUIRE((got == sequential[0] || got == sequential[1]));
  }
}

}  // namespace energy::testing
