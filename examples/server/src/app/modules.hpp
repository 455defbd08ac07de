// SPDX-License-Identifier: Apache-2.0
// The one place that knows every module: their variables (for --help), schema migrations, routes
// and OpenAPI schemas. Wiring a new module (auth, jobs, money) means one line in each function
// here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/config.hpp"
#include "app/services.hpp"
#include "db/sql.hpp"
#include "http/message.hpp"

namespace energy::server {

/// Every module's environment variables, core first.
[[nodiscard]] std::vector<env_var> all_variables();

/// Brings every module's own tables to the newest version.
void migrate_all(db::connection& c);

struct assembly {
  std::vector<route> routes;  ///< every route, operations routes included
  nlohmann::json openapi;     ///< the document generated from `routes`
};

/// Routes of every module plus /healthz, /readyz, /metrics and /api/v1/openapi.json (which
/// serves `openapi`). @throws std::invalid_argument from the OpenAPI generator (a route without
/// operationId).
[[nodiscard]] assembly assemble(const config& cfg, services& app);

/// What to tell the operator at the first start about logging in (the auth module creates the
/// server administrator then); empty on later starts.
[[nodiscard]] std::string first_login_text(std::string_view base_url, services& app,
                                           db::connection& c);

}  // namespace energy::server
