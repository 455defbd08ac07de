// SPDX-License-Identifier: Apache-2.0
// The money routes (/api/v1/buildings/{building_id}/...): tariffs versioned by effective date,
// bills, utility bills and Green Button uploads with their reconciliation, and the analytics
// report (JSON or PDF). Every handler first checks the building belongs to the caller's tenant
// (api::owned_building: another tenant's building is a 404 like a missing one).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "http/message.hpp"

namespace energy::server::costs {

/// Every route of the money module.
[[nodiscard]] std::vector<route> routes();
/// The OpenAPI component schemas its operations reference.
[[nodiscard]] nlohmann::json schemas();

void add_tariff_routes(std::vector<route>& out);
void add_bill_routes(std::vector<route>& out);
void add_utility_bill_routes(std::vector<route>& out);
void add_greenbutton_route(std::vector<route>& out);
void add_report_route(std::vector<route>& out);

}  // namespace energy::server::costs
