// SPDX-License-Identifier: Apache-2.0
#include "fixture.hpp"

#include <energy/ingest/validate.hpp>
#include <energy/quality.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <tuple>

using namespace energy;
using namespace energy::ingest;
using namespace energy::ingest::test;

namespace {

const epoch_seconds t0 = at("2024-06-01T00:00:00Z");

reading_batch samples(const uuid& id, std::initializer_list<std::pair<epoch_seconds, double>> pts) {
  reading_batch b;
  for (const auto& [t, v] : pts)
    b.push_back(id, t, v);
  return b;
}

}  // namespace

TEST_CASE("a cumulative register becomes interval energy stamped at the interval start",
          "[ingest][register]") {
  const auto s = make_sensor(1, reading_kind::cumulative_register, "kWh");
  const sensor_directory dir({s});
  const auto r =
      validate_batch(samples(s.id, {{t0, 1000.0}, {t0 + 900, 1002.5}, {t0 + 1800, 1003.0}}), dir,
                     options_at_fixed_now());
  REQUIRE(r.rejections.empty());
  REQUIRE(r.accepted == 3);
  REQUIRE(r.rows.ts == std::vector<epoch_seconds>{t0, t0 + 900});
  REQUIRE(r.rows.value == std::vector<milli>{2'500, 500});
  REQUIRE(r.rows.quality == std::vector<std::uint32_t>{quality::derived, quality::derived});
  REQUIRE(r.states == std::vector<sample_state>{{s.id, t0 + 1800, 1003.0}});
}

TEST_CASE("a register continues from the stored sample state of the previous batch",
          "[ingest][register]") {
  const auto s = make_sensor(1, reading_kind::cumulative_register, "Wh");
  const sensor_directory dir({s});
  state_map states;
  states.states[s.id] = sample_state{s.id, t0, 5000.0};
  const auto r = validate_batch(samples(s.id, {{t0 + 900, 5750.0}}), dir, options_at_fixed_now(),
                                states.lookup());
  REQUIRE(r.rows.ts == std::vector<epoch_seconds>{t0});
  REQUIRE(r.rows.value == std::vector<milli>{750});  // 750 Wh = 0.75 kWh
  REQUIRE(r.states.at(0) == sample_state{s.id, t0 + 900, 5750.0});
}

TEST_CASE("a register that wraps at register_max is a rollover flagged quality::rollover",
          "[ingest][register]") {
  auto s = make_sensor(1, reading_kind::cumulative_register, "kWh");
  s.register_max = 100000.0;
  const sensor_directory dir({s});
  const auto r =
      validate_batch(samples(s.id, {{t0, 99998.0}, {t0 + 900, 3.0}}), dir, options_at_fixed_now());
  REQUIRE(r.rejections.empty());
  REQUIRE(r.rows.value == std::vector<milli>{5'000});
  REQUIRE(r.rows.quality.at(0) == (quality::derived | quality::rollover));
}

TEST_CASE(
    "a register that goes backwards is a reset: no energy row, a register_reset notice, a new "
    "baseline",
    "[ingest][register]") {
  auto s = make_sensor(1, reading_kind::cumulative_register, "kWh");
  s.register_max = 100000.0;  // 500 -> 10 would need a 99,510 kWh wrap: more than half the register
  const sensor_directory dir({s});
  const auto r = validate_batch(samples(s.id, {{t0, 500.0}, {t0 + 900, 10.0}, {t0 + 1800, 12.0}}),
                                dir, options_at_fixed_now());
  REQUIRE(r.rows.ts == std::vector<epoch_seconds>{t0 + 900});
  REQUIRE(r.rows.value == std::vector<milli>{2'000});
  REQUIRE(r.rejections.size() == 1);
  REQUIRE(r.rejections[0].why == reason::register_reset);
  REQUIRE(r.rejections[0].batch_index == 1);
  REQUIRE_THAT(r.rejections[0].detail, Catch::Contains("500") && Catch::Contains("10"));
  REQUIRE(r.rejected == 0);  // a notice: the sample is kept as the baseline
  REQUIRE(r.accepted == 3);
}

TEST_CASE("without register_max every decrease of a register is a reset", "[ingest][register]") {
  const auto s = make_sensor(1, reading_kind::cumulative_register, "kWh");
  const sensor_directory dir({s});
  const auto r =
      validate_batch(samples(s.id, {{t0, 99998.0}, {t0 + 900, 3.0}}), dir, options_at_fixed_now());
  REQUIRE(r.rows.empty());
  REQUIRE(r.rejections.at(0).why == reason::register_reset);
}

TEST_CASE("a register step above max_value drops the spike and keeps the previous baseline",
          "[ingest][register]") {
  auto s = make_sensor(1, reading_kind::cumulative_register, "kWh");
  s.max_value = 50.0;
  const sensor_directory dir({s});
  const auto r = validate_batch(samples(s.id, {{t0, 100.0}, {t0 + 900, 900.0}, {t0 + 1800, 110.0}}),
                                dir, options_at_fixed_now());
  REQUIRE(r.rejections.size() == 1);
  REQUIRE(r.rejections[0].why == reason::above_max_value);
  REQUIRE(r.rejections[0].batch_index == 1);
  REQUIRE(r.rows.ts == std::vector<epoch_seconds>{t0});
  REQUIRE(r.rows.value == std::vector<milli>{10'000});
  REQUIRE(r.accepted + r.rejected == 3);
}

TEST_CASE("a negative register reading is rejected negative_value", "[ingest][register]") {
  const auto s = make_sensor(1, reading_kind::cumulative_register, "kWh");
  const auto r =
      validate_batch(samples(s.id, {{t0, -1.0}}), sensor_directory({s}), options_at_fixed_now());
  REQUIRE(r.rejections.at(0).why == reason::negative_value);
}

TEST_CASE("instantaneous power integrates to energy by the trapezoid rule, flagged derived",
          "[ingest][power]") {
  const auto s = make_sensor(1, reading_kind::instantaneous_power, "kW");
  const sensor_directory dir({s});
  // 10 kW then 20 kW over 15 min: (10 + 20) / 2 × 0.25 h = 3.75 kWh; 20 -> 20: 5 kWh.
  const auto r = validate_batch(samples(s.id, {{t0, 10.0}, {t0 + 900, 20.0}, {t0 + 1800, 20.0}}),
                                dir, options_at_fixed_now());
  REQUIRE(r.rejections.empty());
  REQUIRE(r.rows.ts == std::vector<epoch_seconds>{t0, t0 + 900});
  REQUIRE(r.rows.value == std::vector<milli>{3'750, 5'000});
  REQUIRE(r.rows.quality.at(0) == quality::derived);
  REQUIRE(r.states.at(0) == sample_state{s.id, t0 + 1800, 20.0});
}

TEST_CASE("power in watts integrates to kWh and keeps the closing sample's source flags",
          "[ingest][power]") {
  const auto s = make_sensor(1, reading_kind::instantaneous_power, "W");
  reading_batch b;
  b.push_back(s.id, t0, 4000.0);
  b.push_back(s.id, t0 + 900, 4000.0, quality::estimated);
  const auto r = validate_batch(b, sensor_directory({s}), options_at_fixed_now());
  REQUIRE(r.rows.value == std::vector<milli>{1'000});
  REQUIRE(r.rows.quality.at(0) == (quality::derived | quality::estimated));
}

TEST_CASE("samples further apart than max_gap_intervals derive no energy and say so gap_too_long",
          "[ingest][power]") {
  const auto s = make_sensor(1, reading_kind::instantaneous_power, "kW");
  const sensor_directory dir({s});
  // 3 × 900 s = 2700 s is still fine; 2701 s is not.
  const auto ok =
      validate_batch(samples(s.id, {{t0, 4.0}, {t0 + 2700, 4.0}}), dir, options_at_fixed_now());
  REQUIRE(ok.rows.value == std::vector<milli>{3'000});
  const auto r = validate_batch(samples(s.id, {{t0, 4.0}, {t0 + 2701, 4.0}, {t0 + 3601, 4.0}}), dir,
                                options_at_fixed_now());
  REQUIRE(r.rows.ts == std::vector<epoch_seconds>{t0 + 2701});
  REQUIRE(r.rejections.size() == 1);
  REQUIRE(r.rejections[0].why == reason::gap_too_long);
  REQUIRE(r.rejected == 0);
  const auto reg = make_sensor(2, reading_kind::cumulative_register, "kWh");
  const auto rr = validate_batch(samples(reg.id, {{t0, 10.0}, {t0 + 86400, 500.0}}),
                                 sensor_directory({reg}), options_at_fixed_now());
  REQUIRE(rr.rows.empty());
  REQUIRE(rr.rejections.at(0).why == reason::gap_too_long);
  REQUIRE_THAT(rr.rejections.at(0).detail, Catch::Contains("500"));
}

TEST_CASE("samples at or before the stored state are stale unless they repeat it exactly",
          "[ingest][register]") {
  const auto s = make_sensor(1, reading_kind::cumulative_register, "kWh");
  const sensor_directory dir({s});
  state_map states;
  states.states[s.id] = sample_state{s.id, t0 + 900, 50.0};
  const auto r = validate_batch(samples(s.id, {{t0, 40.0}, {t0 + 900, 50.0}, {t0 + 1800, 55.0}}),
                                dir, options_at_fixed_now(), states.lookup());
  REQUIRE(r.rejections.size() == 1);
  REQUIRE(r.rejections[0].why == reason::stale_sample);
  REQUIRE(r.rejections[0].batch_index == 0);
  REQUIRE(r.accepted == 2);
  REQUIRE(r.rows.ts == std::vector<epoch_seconds>{t0 + 900});
  REQUIRE(r.rows.value == std::vector<milli>{5'000});

  const auto changed = validate_batch(samples(s.id, {{t0 + 900, 51.0}}), dir,
                                      options_at_fixed_now(), states.lookup());
  REQUIRE(changed.rejections.at(0).why == reason::stale_sample);
  const auto same = validate_batch(samples(s.id, {{t0 + 900, 50.0}}), dir, options_at_fixed_now(),
                                   states.lookup());
  REQUIRE(same.rejections.empty());
  REQUIRE(same.accepted == 1);
  REQUIRE(same.states.empty());  // nothing advanced
}

TEST_CASE("a register's in-batch duplicates follow the same last-wins rule before differencing",
          "[ingest][register]") {
  const auto s = make_sensor(1, reading_kind::cumulative_register, "kWh");
  const auto r = validate_batch(samples(s.id, {{t0 + 900, 20.0}, {t0, 10.0}, {t0 + 900, 25.0}}),
                                sensor_directory({s}), options_at_fixed_now());
  REQUIRE(r.rows.value == std::vector<milli>{15'000});
  REQUIRE(r.rejections.at(0).why == reason::duplicate_in_batch);
  REQUIRE(r.rejections.at(0).batch_index == 0);
}

namespace {

using row_tuple = std::tuple<uuid, epoch_seconds, milli, std::uint32_t>;

std::vector<row_tuple> as_tuples(const reading_rows& rows) {
  std::vector<row_tuple> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.emplace_back(rows.sensor_id[i], rows.ts[i], rows.value[i], rows.quality[i]);
  std::sort(out.begin(), out.end());
  return out;
}

reading_batch slice(const reading_batch& b, std::size_t from, std::size_t to) {
  reading_batch out;
  for (std::size_t i = from; i < to; ++i)
    out.push_back(b.sensor_id[i], b.ts[i], b.value[i], b.quality[i], b.source_row[i]);
  return out;
}

}  // namespace

TEST_CASE(
    "property: splitting a time-ordered batch in two with the sample state carried gives the same "
    "rows",
    "[ingest][property]") {
  auto reg = make_sensor(1, reading_kind::cumulative_register, "kWh");
  reg.register_max = 10000.0;
  const auto pow = make_sensor(2, reading_kind::instantaneous_power, "kW");
  const auto iv = make_sensor(3, reading_kind::interval_energy, "Wh");
  const auto tmp =
      make_sensor(4, reading_kind::instantaneous_value, "degF", sensor_type::temperature);
  const sensor_directory dir({reg, pow, iv, tmp});

  std::mt19937_64 rng(GENERATE(1u, 2u, 3u, 4u, 5u));
  std::uniform_real_distribution<double> step(0.0, 40.0);
  std::uniform_int_distribution<int> gap_k(1, 5);  // sometimes beyond the 3-interval gap limit
  std::bernoulli_distribution reset(0.03);

  reading_batch all;
  double register_value = 9000.0;
  epoch_seconds t = t0;
  for (int k = 0; k < 400; ++k) {
    t += 900 * (gap_k(rng) <= 4 ? 1 : gap_k(rng));
    register_value = reset(rng) ? 5.0 : std::fmod(register_value + step(rng), 10000.0);
    all.push_back(reg.id, t, std::round(register_value * 10) / 10);
    all.push_back(pow.id, t, std::round(step(rng) * 100) / 100);
    all.push_back(iv.id, t, std::round(step(rng) * 1000));
    all.push_back(tmp.id, t, std::round((step(rng) + 20) * 10) / 10);
  }
  auto opt = options_at_fixed_now();
  state_map whole_states;
  const auto whole = validate_batch(all, dir, opt, whole_states.lookup());

  const std::size_t cut = std::uniform_int_distribution<std::size_t>(1, all.size() - 1)(rng);
  CAPTURE(cut);
  state_map carried;
  const auto first = validate_batch(slice(all, 0, cut), dir, opt, carried.lookup());
  carried.apply(first.states);
  const auto second = validate_batch(slice(all, cut, all.size()), dir, opt, carried.lookup());
  carried.apply(second.states);

  auto split_rows = as_tuples(first.rows);
  const auto second_rows = as_tuples(second.rows);
  split_rows.insert(split_rows.end(), second_rows.begin(), second_rows.end());
  std::sort(split_rows.begin(), split_rows.end());
  REQUIRE(whole.rows.size() > 1000);
  REQUIRE(split_rows == as_tuples(whole.rows));
  whole_states.apply(whole.states);
  REQUIRE(carried.states == whole_states.states);
  REQUIRE(first.rejections.size() + second.rejections.size() == whole.rejections.size());
}

TEST_CASE("a gas register in ccf becomes interval volume in litres of m³", "[ingest][register]") {
  const auto s = make_sensor(1, reading_kind::cumulative_register, "ccf", sensor_type::gas);
  const auto r = validate_batch(samples(s.id, {{t0, 1000.0}, {t0 + 900, 1001.0}}),
                                sensor_directory({s}), options_at_fixed_now());
  REQUIRE(r.rows.value == std::vector<milli>{2'832});  // 100 ft³ = 2.8316846592 m³ = 2832 L
  REQUIRE(r.rows.quality.at(0) == quality::derived);
}

TEST_CASE("water flow in litres per second integrates to cubic metres", "[ingest][power]") {
  const auto s = make_sensor(1, reading_kind::instantaneous_power, "L/s", sensor_type::water);
  const auto r = validate_batch(samples(s.id, {{t0, 2.0}, {t0 + 900, 2.0}}), sensor_directory({s}),
                                options_at_fixed_now());
  REQUIRE(r.rows.value == std::vector<milli>{1'800});  // 2 L/s × 900 s = 1.8 m³
}
