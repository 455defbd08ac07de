// SPDX-License-Identifier: Apache-2.0
// Operations routes: /healthz (process alive), /readyz (store reachable), /metrics (Prometheus
// text) and /api/v1/openapi.json. All public: load balancers and scrapers carry no token.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace energy::server {

/// `openapi_json` is filled once every route is known (the document lists these routes too).
[[nodiscard]] std::vector<route> ops_routes(std::shared_ptr<const std::string> openapi_json);

}  // namespace energy::server
