// SPDX-License-Identifier: Apache-2.0
// A memory store holding one tenant, one building and the given sensor (its building id is set
// here).
#pragma once

#include <energy/storage/memory.hpp>

#include <memory>
#include <string>

namespace energy::io::test {

inline std::unique_ptr<storage::store> store_with_sensor(sensor s, std::string time_zone = "UTC") {
  auto st = storage::open_memory_store();
  const tenant t{uuid::v7(), "t", {}};
  st->put_tenant(t);
  building b;
  b.id = uuid::v7();
  b.tenant_id = t.id;
  b.time_zone = std::move(time_zone);
  st->put_building(b);
  s.building_id = b.id;
  st->put_sensor(s);
  return st;
}

}  // namespace energy::io::test
