// SPDX-License-Identifier: Apache-2.0
// Text fields of metadata must be valid UTF-8 before a store keeps them.
#include <catch2/catch.hpp>

#include <energy/storage/memory.hpp>

#include "core/storage/metadata_text.hpp"

#include <string>

using energy::storage::detail::first_invalid_utf8;

TEST_CASE("first_invalid_utf8 accepts well-formed UTF-8 and finds the first bad byte") {
  CHECK_FALSE(first_invalid_utf8(""));
  CHECK_FALSE(first_invalid_utf8("plain ASCII"));
  CHECK_FALSE(first_invalid_utf8("Zürich Büro \xE2\x82\xAC \xF0\x9F\x8F\xA2"));  // ü, €, 🏢
  CHECK_FALSE(first_invalid_utf8("\xEF\xBF\xBF\xF4\x8F\xBF\xBF"));               // U+FFFF, U+10FFFF
  CHECK(first_invalid_utf8("bad\xFF") == 3u);
  CHECK(first_invalid_utf8("ab\x80") == 2u);            // a lone continuation byte
  CHECK(first_invalid_utf8("\xC0\xAF") == 0u);          // overlong '/'
  CHECK(first_invalid_utf8("\xE0\x80\xAF") == 0u);      // overlong, three bytes
  CHECK(first_invalid_utf8("x\xED\xA0\x80") == 1u);     // a UTF-16 surrogate
  CHECK(first_invalid_utf8("\xF4\x90\x80\x80") == 0u);  // above U+10FFFF
  CHECK(first_invalid_utf8("\xF5\x80\x80\x80") == 0u);
  CHECK(first_invalid_utf8("\xE2\x82") == 0u);  // cut short
  CHECK(first_invalid_utf8("ok \xE2\x82\xAC \xE2\x82x") == 7u);
}

TEST_CASE(
    "a store refuses metadata whose text is not valid UTF-8, naming the field, and keeps none") {
  auto st = energy::storage::open_memory_store();
  energy::tenant t{.id = energy::uuid::v7(), .name = "Acme \xFF"};
  try {
    st->put_tenant(t);
    FAIL("stored a tenant with an invalid name");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Catch::Contains("name is not valid UTF-8 (byte 5"));
    CHECK_THAT(e.what(), Catch::Contains(t.id.to_string()));
  }
  CHECK(st->list_tenants().empty());
  t.name = "Acme Zürich";
  st->put_tenant(t);

  energy::building b{.id = energy::uuid::v7(), .tenant_id = t.id, .name = "HQ"};
  b.address =
      "Bahnhofstra\xDF"
      "e 1";  // Latin-1 ß
  CHECK_THROWS_WITH(st->put_building(b), Catch::Contains("address is not valid UTF-8"));
  CHECK(st->list_buildings(t.id).empty());
  b.address = "Bahnhofstraße 1";
  st->put_building(b);

  energy::sensor s{.id = energy::uuid::v7(), .building_id = b.id};
  s.location = "Keller \x81";
  CHECK_THROWS_WITH(st->put_sensor(s), Catch::Contains("location is not valid UTF-8"));
  CHECK(st->list_sensors(b.id).empty());

  energy::alert_config a{.id = energy::uuid::v7(), .building_id = b.id};
  a.notification_email = "ops@\xC0\xAE";
  CHECK_THROWS_WITH(st->put_alert_config(a), Catch::Contains("notification_email is not valid"));
  CHECK(st->list_alert_configs(b.id).empty());
}
