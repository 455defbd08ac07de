// SPDX-License-Identifier: Apache-2.0
#include "app/modules.hpp"

#include "api/common.hpp"
#include "api/routes.hpp"
#include "app/openapi.hpp"
#include "app/ops_routes.hpp"
#include "jobs/routes.hpp"
#include "jobs/schema.hpp"
#include "jobs/settings.hpp"

namespace energy::server {

std::vector<env_var> all_variables() {
  auto vars = core_variables();
  // auth: append its variables here when it is wired.
  for (auto& v : jobs::settings::documented())
    vars.push_back({std::move(v.name), std::move(v.default_value), std::move(v.meaning)});
  return vars;
}

void migrate_all(db::connection& c) {
  api::migrate(c);
  jobs::migrate(c);
}

assembly assemble(const config& cfg, services& app) {
  auto document = std::make_shared<std::string>();
  assembly out;
  out.routes = ops_routes(document);
  for (auto& r : api::routes({.max_batch_readings = cfg.max_batch_readings}))
    out.routes.push_back(std::move(r));
  if (app.jobs != nullptr)
    for (auto& r : jobs::routes(*app.jobs))
      out.routes.push_back(std::move(r));
  nlohmann::json schemas = api::schemas();
  out.openapi = openapi_document(
      out.routes,
      {.version = ENERGY_SERVER_VERSION, .server_url = cfg.public_url, .schemas = schemas});
  *document = out.openapi.dump();
  return out;
}

std::string first_login_text(const config&, services& app, db::connection&) {
  if (app.authenticator == nullptr) {
    return "This build has no authentication module: every route but /healthz, /readyz, "
           "/metrics and /api/v1/openapi.json answers 401.";
  }
  return {};
}

}  // namespace energy::server
