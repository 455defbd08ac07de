// SPDX-License-Identifier: Apache-2.0
// The data API (/api/v1): buildings, sensors, batch ingest, energy series. Every handler scopes
// by the caller's tenant (ctx.who().tenant_id), never by ids in the path, query or body.
#pragma once

#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/message.hpp"

namespace energy::server::api {

struct options {
  std::size_t max_batch_readings = 50'000;  ///< ENERGY_MAX_BATCH_READINGS: 413 beyond
};

/// Every route of the data API.
[[nodiscard]] std::vector<route> routes(const options& opt);
/// The OpenAPI component schemas its operations reference.
[[nodiscard]] nlohmann::json schemas();

void add_building_routes(std::vector<route>& out);
void add_sensor_routes(std::vector<route>& out);
void add_ingest_routes(std::vector<route>& out, const options& opt);
void add_energy_routes(std::vector<route>& out);
void add_latest_readings_route(std::vector<route>& out);

}  // namespace energy::server::api
