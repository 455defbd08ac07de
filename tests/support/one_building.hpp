// SPDX-License-Identifier: Apache-2.0
// Test setup written once: a tenant, one building and N default sensors (electricity, 15-minute
// interval energy) put into any store.
#pragma once

#include <energy/storage/store.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace energy::testing {

struct one_building {
  uuid tenant_id;
  uuid building_id;
  std::vector<uuid> sensors;
};

inline one_building put_one_building(storage::store& s, std::size_t sensors,
                                     std::string zone = "UTC") {
  one_building out{uuid::v7(), uuid::v7(), {}};
  s.put_tenant(tenant{out.tenant_id, "t", {}});
  building b;
  b.id = out.building_id;
  b.tenant_id = out.tenant_id;
  b.name = "b";
  b.time_zone = std::move(zone);
  s.put_building(b);
  for (std::size_t i = 0; i < sensors; ++i) {
    sensor se;
    se.id = uuid::v7();
    se.building_id = b.id;
    s.put_sensor(se);
    out.sensors.push_back(se.id);
  }
  return out;
}

}  // namespace energy::testing
