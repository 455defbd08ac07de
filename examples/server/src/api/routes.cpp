// SPDX-License-Identifier: Apache-2.0
#include "api/routes.hpp"

namespace energy::server::api {

std::vector<route> routes(const options& opt) {
  std::vector<route> out;
  add_building_routes(out);
  add_sensor_routes(out);
  add_ingest_routes(out, opt);
  add_energy_routes(out);
  add_latest_readings_route(out);
  return out;
}

}  // namespace energy::server::api
