// SPDX-License-Identifier: Apache-2.0
#include "fixture.hpp"

#include <energy/ingest/validate.hpp>
#include <energy/quality.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace energy;
using namespace energy::ingest;
using namespace energy::ingest::test;

namespace {

/// Validates a one-row batch against `s` and returns the only rejection (REQUIREs there is one).
rejection reject_one(const sensor& s, epoch_seconds t, double v, std::uint32_t q = 0) {
  const sensor_directory dir({s});
  reading_batch b;
  b.push_back(s.id, t, v, q, 42);
  const auto r = validate_batch(b, dir, options_at_fixed_now());
  REQUIRE(r.rows.empty());
  REQUIRE(r.rejected == 1);
  REQUIRE(r.accepted == 0);
  REQUIRE(r.rejections.size() == 1);
  REQUIRE(r.rejections[0].batch_index == 0);
  REQUIRE(r.rejections[0].source_row == 42);
  return r.rejections[0];
}

const epoch_seconds t0 = at("2024-06-01T00:00:00Z");

}  // namespace

TEST_CASE("a valid interval reading is stored exactly in milli-units of the canonical unit",
          "[ingest][validate]") {
  const auto s = make_sensor(1);
  const sensor_directory dir({s});
  reading_batch b;
  b.push_back(s.id, t0, 10.5, quality::estimated);
  const auto r = validate_batch(b, dir, options_at_fixed_now());
  REQUIRE(r.rejections.empty());
  REQUIRE(r.accepted == 1);
  REQUIRE(r.rows.size() == 1);
  REQUIRE(r.rows.sensor_id[0] == s.id);
  REQUIRE(r.rows.ts[0] == t0);
  REQUIRE(r.rows.value[0] == 10'500);
  REQUIRE(r.rows.quality[0] == quality::estimated);
}

TEST_CASE("values in Wh are converted to kWh milli-units (exact Wh)", "[ingest][validate]") {
  const auto s = make_sensor(1, reading_kind::interval_energy, "Wh");
  const sensor_directory dir({s});
  reading_batch b;
  b.push_back(s.id, t0, 1234.0);
  const auto r = validate_batch(b, dir, options_at_fixed_now());
  REQUIRE(r.rows.value.at(0) == 1234);
}

TEST_CASE("a reading of an unknown sensor is rejected unknown_sensor naming the id",
          "[ingest][validate]") {
  const sensor_directory dir({make_sensor(1)});
  reading_batch b;
  b.push_back(id_of(2), t0, 1.0, 0, 7);
  b.push_back(id_of(1), t0, 1.0, 0, 8);
  const auto r = validate_batch(b, dir, options_at_fixed_now());
  REQUIRE(r.rows.size() == 1);
  REQUIRE(r.rejections.size() == 1);
  REQUIRE(r.rejections[0].why == reason::unknown_sensor);
  REQUIRE(r.rejections[0].source_row == 7);
  REQUIRE_THAT(r.rejections[0].detail, Catch::Contains(id_of(2).to_string()));
}

TEST_CASE("a reading of an inactive sensor is rejected inactive_sensor", "[ingest][validate]") {
  auto s = make_sensor(1);
  s.is_active = false;
  REQUIRE(reject_one(s, t0, 1.0).why == reason::inactive_sensor);
}

TEST_CASE("a sensor whose unit cannot be converted has its readings rejected unsupported_unit",
          "[ingest][validate]") {
  const auto s = make_sensor(1, reading_kind::interval_energy, "therm", sensor_type::gas);
  const auto r = reject_one(s, t0, 1.0);
  REQUIRE(r.why == reason::unsupported_unit);
  REQUIRE_THAT(r.detail, Catch::Contains("therm"));
}

TEST_CASE("quality flags outside the documented bitmask are rejected invalid_quality_flag",
          "[ingest][validate]") {
  REQUIRE(reject_one(make_sensor(1), t0, 1.0, 1u << 12).why == reason::invalid_quality_flag);
}

TEST_CASE("NaN and infinite values are rejected non_finite_value", "[ingest][validate]") {
  const auto s = make_sensor(1);
  REQUIRE(reject_one(s, t0, std::nan("")).why == reason::non_finite_value);
  REQUIRE(reject_one(s, t0, std::numeric_limits<double>::infinity()).why ==
          reason::non_finite_value);
  REQUIRE(reject_one(s, t0, -std::numeric_limits<double>::infinity()).why ==
          reason::non_finite_value);
}

TEST_CASE("values beyond the milli-unit range are rejected value_out_of_range",
          "[ingest][validate]") {
  REQUIRE(reject_one(make_sensor(1), t0, 1e13).why == reason::value_out_of_range);
  // 1e10 MWh is 1e13 kWh: in range as sent, out of range once converted.
  REQUIRE(reject_one(make_sensor(1, reading_kind::interval_energy, "MWh"), t0, 1e10).why ==
          reason::value_out_of_range);
}

TEST_CASE("negative interval energy is rejected negative_value", "[ingest][validate]") {
  const auto r = reject_one(make_sensor(1), t0, -0.5);
  REQUIRE(r.why == reason::negative_value);
  REQUIRE_THAT(r.detail, Catch::Contains("-0.5"));
}

TEST_CASE("negative power is rejected negative_value but a negative temperature is stored",
          "[ingest][validate]") {
  REQUIRE(reject_one(make_sensor(1, reading_kind::instantaneous_power, "kW"), t0, -3.0).why ==
          reason::negative_value);
  const auto t =
      make_sensor(2, reading_kind::instantaneous_value, "degF", sensor_type::temperature);
  const sensor_directory dir({t});
  reading_batch b;
  b.push_back(t.id, t0, -40.0);
  const auto r = validate_batch(b, dir, options_at_fixed_now());
  REQUIRE(r.rejections.empty());
  REQUIRE(r.rows.value.at(0) == -40'000);  // -40 °F = -40 °C
}

TEST_CASE("a value above the sensor's max_value is rejected above_max_value",
          "[ingest][validate]") {
  auto s = make_sensor(1);
  s.max_value = 100.0;
  const auto r = reject_one(s, t0, 100.001);
  REQUIRE(r.why == reason::above_max_value);
  REQUIRE_THAT(r.detail, Catch::Contains("100.001") && Catch::Contains("max_value"));
  const sensor_directory dir({s});
  reading_batch b;
  b.push_back(s.id, t0, 100.0);  // the bound itself is allowed
  REQUIRE(validate_batch(b, dir, options_at_fixed_now()).rows.size() == 1);
}

TEST_CASE("a timestamp beyond now plus the allowed skew is rejected future_timestamp",
          "[ingest][validate]") {
  const auto s = make_sensor(1);
  const epoch_seconds now = to_epoch(fixed_now());
  REQUIRE(reject_one(s, now + 301, 1.0).why == reason::future_timestamp);
  const sensor_directory dir({s});
  reading_batch b;
  b.push_back(s.id, now + 300, 1.0);  // exactly at the 5-minute default skew: accepted
  REQUIRE(validate_batch(b, dir, options_at_fixed_now()).rows.size() == 1);
  auto strict = options_at_fixed_now();
  strict.max_future_skew = std::chrono::seconds{0};
  const auto r = validate_batch(b, dir, strict);
  REQUIRE(r.rejections.at(0).why == reason::future_timestamp);
}

TEST_CASE("a timestamp before the sensor was created is rejected before_sensor_created",
          "[ingest][validate]") {
  const auto s = make_sensor(1);
  const auto r = reject_one(s, at("2019-12-31T23:45:00Z"), 1.0);
  REQUIRE(r.why == reason::before_sensor_created);
  REQUIRE_THAT(r.detail, Catch::Contains("2019-12-31T23:45:00Z"));
}

TEST_CASE("identical duplicates inside a batch collapse into one row without a rejection",
          "[ingest][validate]") {
  const auto s = make_sensor(1);
  const sensor_directory dir({s});
  reading_batch b;
  b.push_back(s.id, t0, 2.0);
  b.push_back(s.id, t0, 2.0);
  const auto r = validate_batch(b, dir, options_at_fixed_now());
  REQUIRE(r.rows.size() == 1);
  REQUIRE(r.duplicates == 1);
  REQUIRE(r.rejections.empty());
  REQUIRE(r.accepted + r.rejected + r.duplicates == b.size());
}

TEST_CASE(
    "a duplicate with a different value: the later row wins, the earlier is superseded (listed "
    "duplicate_in_batch, not rejected)",
    "[ingest][validate]") {
  const auto s = make_sensor(1);
  const sensor_directory dir({s});
  reading_batch b;
  b.push_back(s.id, t0 + 900, 1.0, 0, 10);
  b.push_back(s.id, t0, 2.0, 0, 11);
  b.push_back(s.id, t0, 3.0, 0, 12);
  const auto r = validate_batch(b, dir, options_at_fixed_now());
  REQUIRE(r.rows.size() == 2);
  REQUIRE(r.rows.ts[0] == t0);
  REQUIRE(r.rows.value[0] == 3'000);
  REQUIRE(r.rejections.size() == 1);
  REQUIRE(r.rejections[0].why == reason::duplicate_in_batch);
  REQUIRE(r.rejections[0].source_row == 11);
  REQUIRE_THAT(r.rejections[0].detail, Catch::Contains("row 12"));
  REQUIRE(r.superseded == 1);
  REQUIRE(r.rejected == 0);
  REQUIRE(r.accepted + r.rejected + r.duplicates + r.superseded == b.size());
}

TEST_CASE("rows come out grouped by sensor in ascending time whatever the batch order",
          "[ingest][validate]") {
  const auto a = make_sensor(1);
  const auto c = make_sensor(2);
  const sensor_directory dir({a, c});
  reading_batch b;
  b.push_back(c.id, t0 + 900, 4.0);
  b.push_back(a.id, t0 + 900, 2.0);
  b.push_back(c.id, t0, 3.0);
  b.push_back(a.id, t0, 1.0);
  const auto r = validate_batch(b, dir, options_at_fixed_now());
  REQUIRE(r.rows.size() == 4);
  REQUIRE(r.rows.sensor_id == std::vector<uuid>{a.id, a.id, c.id, c.id});
  REQUIRE(r.rows.ts == std::vector<epoch_seconds>{t0, t0 + 900, t0, t0 + 900});
  REQUIRE(r.rows.value == std::vector<milli>{1'000, 2'000, 3'000, 4'000});
}

TEST_CASE("one bad row never blocks the rest of the batch and rejections are ordered by row",
          "[ingest][validate]") {
  const auto s = make_sensor(1);
  const sensor_directory dir({s});
  reading_batch b;
  for (int k = 0; k < 10; ++k)
    b.push_back(s.id, t0 + 900 * k, k % 3 == 0 ? -1.0 : 1.0);
  const auto r = validate_batch(b, dir, options_at_fixed_now());
  REQUIRE(r.rows.size() == 6);
  REQUIRE(r.rejected == 4);
  for (std::size_t k = 1; k < r.rejections.size(); ++k)
    REQUIRE(r.rejections[k - 1].batch_index < r.rejections[k].batch_index);
}

TEST_CASE("batch columns of different lengths are a caller mistake", "[ingest][validate]") {
  reading_batch b;
  b.push_back(id_of(1), t0, 1.0);
  b.value.push_back(2.0);
  REQUIRE_THROWS_AS(validate_batch(b, sensor_directory({make_sensor(1)}), options_at_fixed_now()),
                    std::invalid_argument);
}

TEST_CASE("a sensor directory refuses two sensors with the same id and finds 50,000 sensors",
          "[ingest][directory]") {
  REQUIRE_THROWS_AS(sensor_directory({make_sensor(1), make_sensor(1)}), std::invalid_argument);
  std::vector<sensor> many;
  many.reserve(50'000);
  for (int k = 0; k < 50'000; ++k) {
    auto s = make_sensor(0);
    s.id = uuid::v7();
    many.push_back(s);
  }
  const auto probe = many[31'337].id;
  const sensor_directory dir(std::move(many));
  REQUIRE(dir.size() == 50'000);
  REQUIRE(dir.index_of(probe) == 31'337u);
  REQUIRE(dir.find(probe)->id == probe);
  REQUIRE(dir.find(id_of(5)) == nullptr);
}
