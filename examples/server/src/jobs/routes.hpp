// SPDX-License-Identifier: Apache-2.0
// The jobs module's HTTP routes: alert configs (CRUD), alerts (list, read, acknowledge), job
// runs (tenant admins: their view; server admin: everything) and manual job runs.
#pragma once

#include <vector>

#include "http/message.hpp"

namespace energy::server::jobs {

class service;

/// Every route of the module, each with its OpenAPI Operation Object. `svc` must outlive them.
[[nodiscard]] std::vector<route> routes(service& svc);

}  // namespace energy::server::jobs
