// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <energy/error.hpp>
#include <energy/transport/mqtt_payload.hpp>

#include "support/enum_names_check.hpp"

using namespace energy;
using energy::transport::mqtt::decode_payload;
using energy::transport::mqtt::payload_form;

namespace {
const uuid sensor = uuid::parse("0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f88");
const uuid other = uuid::parse("0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f89");
}  // namespace

TEST_CASE("a single JSON reading takes the topic's sensor unless it names one", "[mqtt]") {
  auto d = decode_payload(R"({"timestamp": "2024-07-01T12:00:00Z", "value": 1.25})", sensor, "t");
  CHECK(d.form == payload_form::single);
  REQUIRE(d.readings.batch.size() == 1);
  CHECK(d.readings.batch.sensor_id[0] == sensor);
  CHECK(d.readings.batch.ts[0] == 1'719'835'200);
  CHECK(d.readings.batch.value[0] == 1.25);

  d = decode_payload(
      R"( {"sensor_id": ")" + other.to_string() +
          R"(", "timestamp": "2024-07-01T12:00:00Z", "value_kwh": 2, "quality_flag": 1})",
      sensor, "t");
  REQUIRE(d.readings.batch.size() == 1);
  CHECK(d.readings.batch.sensor_id[0] == other);  // the committer then refuses it for this topic
  CHECK(d.readings.batch.quality[0] == 1u);

  d = decode_payload(R"({"timestamp": "yesterday", "value": 1})", sensor, "t");
  CHECK(d.readings.batch.empty());
  REQUIRE(d.readings.rejections.size() == 1);
  CHECK(d.readings.rejections[0].why == ingest::reason::malformed_timestamp);

  CHECK_THROWS_AS(
      decode_payload(R"({"timestamp": "2024-07-01T12:00:00Z", "value": 1}, {"x": 1})", sensor, "t"),
      parse_error);
  CHECK_THROWS_AS(decode_payload(R"({"timestamp": )", sensor, "t"), parse_error);
}

TEST_CASE("the seed's batch is parsed by the library's batch parser", "[mqtt]") {
  const auto id = sensor.to_string();
  auto d = decode_payload(R"({"readings": [{"sensor_id": ")" + id +
                              R"(", "timestamp": "2024-07-01T12:00:00Z", "value": 1},
                              {"sensor_id": ")" +
                              id + R"(", "timestamp": "2024-07-01T12:15:00Z", "value": "x"}]})",
                          std::nullopt, "t");
  CHECK(d.form == payload_form::batch);
  CHECK(d.readings.batch.size() == 1);
  REQUIRE(d.readings.rejections.size() == 1);
  CHECK(d.readings.rejections[0].source_row == 1);
  d = decode_payload("[]", std::nullopt, "t");
  CHECK(d.form == payload_form::batch);
  CHECK(d.readings.batch.empty());
  // A `readings` key nested in a single reading does not make it a batch.
  d = decode_payload(
      R"({"meta": {"readings": 1}, "timestamp": "2024-07-01T12:00:00Z", "value": 1})", sensor, "t");
  CHECK(d.form == payload_form::single);
  CHECK(d.readings.batch.size() == 1);
}

TEST_CASE("compact lines take epoch or RFC 3339 timestamps and optional flags and name bad lines",
          "[mqtt]") {
  auto d = decode_payload(
      "1719835200,1.5\n\n2024-07-01T12:15:00+02:00, 2 ,1\r\n1719837000,abc\n"
      "x,1\n1719837900\n1719838800,1,256\n1719839700,1,2,3",
      sensor, "t");
  CHECK(d.form == payload_form::compact);
  REQUIRE(d.readings.batch.size() == 2);
  CHECK(d.readings.batch.ts[0] == 1'719'835'200);
  CHECK(d.readings.batch.ts[1] == 1'719'836'100 - 7200);
  CHECK(d.readings.batch.value[1] == 2.0);
  CHECK(d.readings.batch.quality[1] == 1u);
  CHECK(d.readings.batch.source_row[1] == 2);
  const auto& r = d.readings.rejections;
  REQUIRE(r.size() == 5);
  CHECK(r[0].source_row == 3);
  CHECK(r[0].why == ingest::reason::malformed_value);
  CHECK(r[1].why == ingest::reason::malformed_timestamp);
  CHECK(r[2].why == ingest::reason::missing_field);
  CHECK(r[3].why == ingest::reason::invalid_quality_flag);
  CHECK(r[4].why == ingest::reason::malformed_value);
  CHECK_THROWS_WITH(decode_payload("1719835200,1", std::nullopt, "topic x"),
                    Catch::Contains("names the sensor"));
  CHECK_THROWS_AS(decode_payload("  \n", sensor, "t"), parse_error);
}

TEST_CASE("payload forms have one name per value that parses back (enum_names.hpp)",
          "[mqtt][enum_names]") {
  energy::testing::check_enum_names<payload_form>();
  CHECK(to_string(payload_form::compact) == "compact");
}
