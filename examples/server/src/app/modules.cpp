// SPDX-License-Identifier: Apache-2.0
#include "app/modules.hpp"

#include "api/common.hpp"
#include "api/routes.hpp"
#include "app/openapi.hpp"
#include "app/ops_routes.hpp"
#include "http/static_files.hpp"
#include "auth/service.hpp"
#include "auth/settings.hpp"
#include "jobs/routes.hpp"
#include "jobs/schema.hpp"
#include "jobs/settings.hpp"
#include "money/routes.hpp"
#include "money/schema.hpp"
#ifdef ENERGY_SERVER_WITH_MODBUS
#include "transport/modbus_settings.hpp"
#endif
#ifdef ENERGY_SERVER_WITH_MQTT
#include "transport/mqtt_config.hpp"
#endif

namespace energy::server {

std::vector<env_var> all_variables() {
  auto vars = core_variables();
  for (const auto& v : auth::environment_variables())
    vars.push_back({std::string(v.name), std::string(v.default_value), std::string(v.description)});
  for (const auto& v : jobs::settings::documented())
    vars.push_back({v.name, v.default_value, v.meaning});
#ifdef ENERGY_SERVER_WITH_MODBUS
  for (auto& v : transport::modbus_settings::documented())
    vars.push_back(std::move(v));
#endif
#ifdef ENERGY_SERVER_WITH_MQTT
  for (auto& v : transport::mqtt_variables())
    vars.push_back(std::move(v));
#endif
  return vars;
}

void migrate_all(db::connection& c) {
  api::migrate(c);
  jobs::migrate(c);
  costs::migrate(c);
}

assembly assemble(const config& cfg, services& app) {
  auto document = std::make_shared<std::string>();
  assembly out;
  out.routes = ops_routes(document);
  for (auto& r : api::routes({.max_batch_readings = cfg.max_batch_readings}))
    out.routes.push_back(std::move(r));
  for (auto& r : costs::routes())
    out.routes.push_back(std::move(r));
  if (app.auth != nullptr)
    for (auto& r : auth::routes(*app.auth))
      out.routes.push_back(std::move(r));
  if (app.jobs != nullptr)
    for (auto& r : jobs::routes(*app.jobs))
      out.routes.push_back(std::move(r));
  for (auto& r : dashboard_routes(cfg.dashboard_dir))
    out.routes.push_back(std::move(r));
  nlohmann::json schemas = api::schemas();
  const nlohmann::json money_schemas = costs::schemas();
  for (auto it = money_schemas.begin(); it != money_schemas.end(); ++it)
    schemas[it.key()] = it.value();
  out.openapi = openapi_document(
      out.routes,
      {.version = ENERGY_SERVER_VERSION, .server_url = cfg.public_url, .schemas = schemas});
  *document = out.openapi.dump();
  return out;
}

std::string first_login_text(std::string_view base_url, services& app, db::connection& c) {
  if (app.auth == nullptr) {
    return "No authentication module: every route but /healthz, /readyz, /metrics and "
           "/api/v1/openapi.json answers 401.";
  }
  return app.auth->bootstrap(c, base_url).value_or("");
}

}  // namespace energy::server
