// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <energy/storage/memory.hpp>
#include <energy/transport/mqtt_committer.hpp>

#include "support/one_building.hpp"

using namespace energy;
using energy::transport::mqtt::message_committer;

namespace {
std::string topic(const energy::testing::one_building& b, const std::string& last) {
  return "energy/" + b.tenant_id.to_string() + "/" + b.building_id.to_string() + "/" + last;
}
}  // namespace

TEST_CASE("message_committer stores many messages in one commit and maps rejections back",
          "[mqtt]") {
  auto st = storage::open_memory_store();
  const auto a = energy::testing::put_one_building(*st, 2);
  const auto b = energy::testing::put_one_building(*st, 1);
  message_committer c(*st, {});
  c.add(topic(a, a.sensors[0].to_string()), "1719835200,1\n1719836100,-1");
  c.add(topic(a, a.sensors[1].to_string()), "1719835200,2");
  c.add(topic(a, b.sensors[0].to_string()), "1719835200,3");  // b's sensor under a's topic
  c.add(topic(b, "batch"), "[]");                             // empty batch: nothing to say
  c.add(topic(b, "nope"), "1719835200,3");                    // bad sensor level
  c.add("elsewhere/x", "1");                                  // not the pattern
  CHECK(c.pending_messages() == 6);
  const auto r = c.commit();
  CHECK(c.pending_messages() == 0);
  CHECK(r.messages == 6);
  CHECK(r.malformed_messages == 2);
  CHECK(r.report.inserted == 2);
  CHECK(r.report.rejected == 2);
  CHECK(st->count_readings() == 2);
  REQUIRE(r.problems.size() == 4);
  // Whole-message errors first, then rejections by message.
  CHECK(r.problems[0].topic == topic(b, "nope"));
  CHECK_THAT(r.problems[0].error, Catch::Contains("{sensor}"));
  CHECK_THAT(r.problems[1].error, Catch::Contains("does not match"));
  CHECK(r.problems[2].topic == topic(a, b.sensors[0].to_string()));
  REQUIRE(r.problems[2].rejections.size() == 1);
  CHECK(r.problems[2].rejections[0].why == ingest::reason::unknown_sensor);
  CHECK(r.problems[2].rejection_sensor[0] == b.sensors[0]);
  CHECK(r.problems[3].topic == topic(a, a.sensors[0].to_string()));
  REQUIRE(r.problems[3].rejections.size() == 1);
  CHECK(r.problems[3].rejections[0].why == ingest::reason::negative_value);
  CHECK(r.problems[3].rejections[0].source_row == 1);
}

TEST_CASE("message_committer sees sensors registered after its first commit", "[mqtt]") {
  auto st = storage::open_memory_store();
  const auto a = energy::testing::put_one_building(*st, 1);
  message_committer c(*st, {.directory_min_refresh = std::chrono::milliseconds(0)});
  c.add(topic(a, a.sensors[0].to_string()), "1719835200,1");
  CHECK(c.commit().report.inserted == 1);
  sensor late;
  late.id = uuid::v7();
  late.building_id = a.building_id;
  st->put_sensor(late);
  c.add(topic(a, late.id.to_string()), "1719835200,1");
  CHECK(c.commit().report.inserted == 1);
}

TEST_CASE("message_committer needs tenant and building levels", "[mqtt]") {
  auto st = storage::open_memory_store();
  CHECK_THROWS_WITH(message_committer(*st, {.topic_pattern = "energy/{building}/{sensor}"}),
                    Catch::Contains("{tenant}"));
}
