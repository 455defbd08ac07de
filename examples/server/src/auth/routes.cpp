// SPDX-License-Identifier: Apache-2.0
// The auth module's HTTP routes: parse, call the service, serialize. Authorization levels are
// enforced by the HTTP layer from each route's `who`; handlers scope everything by the caller's
// tenant from its token, never by a tenant named in the path or body.
#include <energy/storage/store.hpp>

#include "auth/json_body.hpp"
#include "auth/problems.hpp"
#include "auth/service.hpp"
#include "http/context.hpp"

namespace energy::server::auth {

namespace {

using nlohmann::json;

json problem_response(const char* description) {
  return {
      {"description", description},
      {"content",
       {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

json json_content(const json& schema) {
  return {{"application/json", {{"schema", schema}}}};
}

json user_schema() {
  return {
      {"type", "object"},
      {"required", {"id", "email", "tenant_id", "role", "active", "created_at", "updated_at"}},
      {"properties",
       {{"id", {{"type", "string"}, {"format", "uuid"}}},
        {"email", {{"type", "string"}}},
        {"tenant_id", {{"type", {"string", "null"}}, {"format", "uuid"}}},
        {"role", {{"type", "string"}, {"enum", {"admin", "operator", "viewer", "server_admin"}}}},
        {"active", {{"type", "boolean"}}},
        {"created_at", {{"type", "string"}, {"format", "date-time"}}},
        {"updated_at", {{"type", "string"}, {"format", "date-time"}}}}}};
}

json created_user_schema() {
  return {{"type", "object"},
          {"required", {"user"}},
          {"properties",
           {{"user", user_schema()},
            {"initial_password",
             {{"type", "string"},
              {"description", "present when the server generated the password; shown once"}}}}}};
}

json user_id_parameter() {
  return {{"name", "user_id"},
          {"in", "path"},
          {"required", true},
          {"schema", {{"type", "string"}, {"format", "uuid"}}}};
}

json list_parameters() {
  return json::array(
      {{{"name", "limit"},
        {"in", "query"},
        {"required", false},
        {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}, {"default", 100}}}},
       {{"name", "cursor"},
        {"in", "query"},
        {"required", false},
        {"description", "next_cursor of the previous page"},
        {"schema", {{"type", "string"}}}}});
}

std::optional<std::string> cursor_param(const request& r) {
  auto c = query_string(r, "cursor");
  if (c && !uuid::try_parse(*c)) throw_invalid("cursor is a next_cursor value", "cursor");
  return c;
}

route login_route(service& s) {
  route rt;
  rt.method = http_method::post;
  rt.pattern = "/api/v1/auth/login";
  rt.who = access::public_;
  rt.handle = [&s](const request& r, request_context& ctx) {
    const json body = object_body(r);
    const std::string email = required_string(body, "email");
    const std::string password = required_string(body, "password");
    return response::json(200, s.login(ctx.db(), email, password, r.remote_address).to_json());
  };
  rt.operation = {
      {"operationId", "login"},
      {"tags", {"auth"}},
      {"summary", "Log in with e-mail and password: an access token (JWT) and a refresh token"},
      {"requestBody",
       {{"required", true},
        {"content", json_content({{"type", "object"},
                                  {"required", {"email", "password"}},
                                  {"properties",
                                   {{"email", {{"type", "string"}, {"maxLength", 254}}},
                                    {"password", {{"type", "string"}, {"maxLength", 1024}}}}}})}}},
      {"responses",
       {{"200",
         {{"description", "Logged in"},
          {"content", json_content({{"type", "object"},
                                    {"required",
                                     {"access_token", "token_type", "expires_in", "refresh_token",
                                      "refresh_expires_in", "user"}},
                                    {"properties",
                                     {{"access_token", {{"type", "string"}}},
                                      {"token_type", {{"type", "string"}, {"enum", {"Bearer"}}}},
                                      {"expires_in", {{"type", "integer"}}},
                                      {"refresh_token", {{"type", "string"}}},
                                      {"refresh_expires_in", {{"type", "integer"}}},
                                      {"user", user_schema()}}}})}}},
        {"400", problem_response("Malformed body")},
        {"401", problem_response("Unknown account, wrong password or deactivated account")},
        {"429", problem_response("Too many failed logins for this account or address")}}}};
  return rt;
}

json token_pair_schema() {
  return {
      {"type", "object"},
      {"required",
       {"access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in", "user"}},
      {"properties",
       {{"access_token", {{"type", "string"}}},
        {"token_type", {{"type", "string"}, {"enum", {"Bearer"}}}},
        {"expires_in", {{"type", "integer"}}},
        {"refresh_token", {{"type", "string"}}},
        {"refresh_expires_in", {{"type", "integer"}}},
        {"user", user_schema()}}}};
}

json refresh_body_schema() {
  return {{"type", "object"},
          {"required", {"refresh_token"}},
          {"properties", {{"refresh_token", {{"type", "string"}, {"maxLength", 200}}}}}};
}

route refresh_route(service& s) {
  route rt;
  rt.method = http_method::post;
  rt.pattern = "/api/v1/auth/refresh";
  rt.who = access::public_;
  rt.handle = [&s](const request& r, request_context& ctx) {
    const json body = object_body(r);
    const std::string token = required_string(body, "refresh_token");
    return response::json(200, s.refresh(ctx.db(), token, r.remote_address).to_json());
  };
  rt.operation = {
      {"operationId", "refreshTokens"},
      {"tags", {"auth"}},
      {"summary",
       "Rotate a refresh token: a new access and refresh token; the presented one dies, and "
       "presenting a dead one again revokes its whole session"},
      {"requestBody", {{"required", true}, {"content", json_content(refresh_body_schema())}}},
      {"responses",
       {{"200", {{"description", "New tokens"}, {"content", json_content(token_pair_schema())}}},
        {"400", problem_response("Malformed body")},
        {"401", problem_response("Unknown, used, expired or revoked refresh token")}}}};
  return rt;
}

route logout_route(service& s) {
  route rt;
  rt.method = http_method::post;
  rt.pattern = "/api/v1/auth/logout";
  rt.who = access::public_;
  rt.handle = [&s](const request& r, request_context& ctx) {
    const json body = object_body(r);
    s.logout(ctx.db(), required_string(body, "refresh_token"), r.remote_address);
    response out;
    out.status = 204;
    out.content_type.clear();
    return out;
  };
  rt.operation = {
      {"operationId", "logout"},
      {"tags", {"auth"}},
      {"summary", "End the session of a refresh token: its refresh and access tokens stop working"},
      {"requestBody", {{"required", true}, {"content", json_content(refresh_body_schema())}}},
      {"responses",
       {{"204", {{"description", "Logged out (also for an unknown token)"}}},
        {"400", problem_response("Malformed body")}}}};
  return rt;
}

route change_password_route(service& s) {
  route rt;
  rt.method = http_method::post;
  rt.pattern = "/api/v1/auth/password";
  rt.who = access::person;
  rt.handle = [&s](const request& r, request_context& ctx) {
    const json body = object_body(r);
    const std::string current = required_string(body, "current_password");
    const std::string next = required_string(body, "new_password");
    return response::json(
        200,
        s.change_password(ctx.db(), actor{ctx.who(), r.remote_address}, current, next).to_json());
  };
  rt.operation = {
      {"operationId", "changePassword"},
      {"tags", {"auth"}},
      {"summary",
       "Change the caller's own password: every session of the account ends and new tokens are "
       "returned"},
      {"requestBody",
       {{"required", true},
        {"content",
         json_content({{"type", "object"},
                       {"required", {"current_password", "new_password"}},
                       {"properties",
                        {{"current_password", {{"type", "string"}, {"maxLength", 1024}}},
                         {"new_password", {{"type", "string"}, {"maxLength", 1024}}}}}})}}},
      {"responses",
       {{"200", {{"description", "New tokens"}, {"content", json_content(token_pair_schema())}}},
        {"400", problem_response("Wrong current password, or a weak or unchanged new password")},
        {"401", problem_response("No valid credentials")},
        {"403", problem_response("A device key")},
        {"429", problem_response("Too many failed attempts for this account or address")}}}};
  return rt;
}

json tenant_json(const tenant& t) {
  return {{"id", t.id.to_string()}, {"name", t.name}, {"created_at", format_utc(t.created_at)}};
}

json tenant_schema() {
  return {{"type", "object"},
          {"required", {"id", "name", "created_at"}},
          {"properties",
           {{"id", {{"type", "string"}, {"format", "uuid"}}},
            {"name", {{"type", "string"}}},
            {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}};
}

route create_tenant_route(service& s) {
  route rt;
  rt.method = http_method::post;
  rt.pattern = "/api/v1/tenants";
  rt.who = access::server_admin;
  rt.handle = [&s](const request& r, request_context& ctx) {
    const json body = object_body(r);
    const std::string name = required_string(body, "name");
    const std::string admin_email = required_string(body, "admin_email");
    const std::string admin_password = optional_string(body, "admin_password").value_or("");
    auto [t, admin] = s.create_tenant(ctx.db(), ctx.store(), actor{ctx.who(), r.remote_address},
                                      name, admin_email, admin_password);
    json out{{"tenant", tenant_json(t)}, {"admin", admin.account.to_json()}};
    if (admin.initial_password) out["initial_password"] = *admin.initial_password;
    auto res = response::json(201, out);
    res.headers.emplace_back("Location", "/api/v1/tenants/" + t.id.to_string());
    return res;
  };
  rt.operation = {
      {"operationId", "createTenant"},
      {"tags", {"tenants"}},
      {"summary", "Create a tenant and its first admin user (server administrator only)"},
      {"requestBody",
       {{"required", true},
        {"content",
         json_content({{"type", "object"},
                       {"required", {"name", "admin_email"}},
                       {"properties",
                        {{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
                         {"admin_email", {{"type", "string"}, {"maxLength", 254}}},
                         {"admin_password",
                          {{"type", "string"},
                           {"minLength", 12},
                           {"maxLength", 1024},
                           {"description", "omitted: generated and returned once"}}}}}})}}},
      {"responses",
       {{"201",
         {{"description", "Created"},
          {"content", json_content({{"type", "object"},
                                    {"required", {"tenant", "admin"}},
                                    {"properties",
                                     {{"tenant", tenant_schema()},
                                      {"admin", user_schema()},
                                      {"initial_password", {{"type", "string"}}}}}})}}},
        {"400", problem_response("Invalid name, e-mail or password")},
        {"401", problem_response("No valid credentials")},
        {"403", problem_response("Not the server administrator")},
        {"409", problem_response("The admin e-mail address is taken")}}}};
  return rt;
}

route list_tenants_route(service&) {
  route rt;
  rt.method = http_method::get;
  rt.pattern = "/api/v1/tenants";
  rt.who = access::server_admin;
  rt.handle = [](const request&, request_context& ctx) {
    json list = json::array();
    for (const auto& t : ctx.store().list_tenants())
      list.push_back(tenant_json(t));
    return response::json(200, {{"tenants", list}});
  };
  rt.operation = {
      {"operationId", "listTenants"},
      {"tags", {"tenants"}},
      {"summary", "All tenants (server administrator only)"},
      {"responses",
       {{"200",
         {{"description", "The tenants"},
          {"content",
           json_content(
               {{"type", "object"},
                {"required", {"tenants"}},
                {"properties", {{"tenants", {{"type", "array"}, {"items", tenant_schema()}}}}}})}}},
        {"401", problem_response("No valid credentials")},
        {"403", problem_response("Not the server administrator")}}}};
  return rt;
}

route create_user_route(service& s) {
  route rt;
  rt.method = http_method::post;
  rt.pattern = "/api/v1/users";
  rt.who = access::admin;
  rt.handle = [&s](const request& r, request_context& ctx) {
    const json body = object_body(r);
    const std::string email = required_string(body, "email");
    const std::string role_text = required_string(body, "role");
    const std::string password = optional_string(body, "password").value_or("");
    const auto created =
        s.create_user(ctx.db(), actor{ctx.who(), r.remote_address}, email, role_text, password);
    json out{{"user", created.account.to_json()}};
    if (created.initial_password) out["initial_password"] = *created.initial_password;
    auto res = response::json(201, out);
    res.headers.emplace_back("Location", "/api/v1/users/" + created.account.id.to_string());
    return res;
  };
  rt.operation = {
      {"operationId", "createUser"},
      {"tags", {"users"}},
      {"summary", "Create a user of the caller's tenant with a role (tenant admin)"},
      {"requestBody",
       {{"required", true},
        {"content",
         json_content({{"type", "object"},
                       {"required", {"email", "role"}},
                       {"properties",
                        {{"email", {{"type", "string"}, {"maxLength", 254}}},
                         {"role", {{"type", "string"}, {"enum", {"admin", "operator", "viewer"}}}},
                         {"password",
                          {{"type", "string"},
                           {"minLength", 12},
                           {"maxLength", 1024},
                           {"description", "omitted: generated and returned once"}}}}}})}}},
      {"responses",
       {{"201", {{"description", "Created"}, {"content", json_content(created_user_schema())}}},
        {"400", problem_response("Invalid e-mail, role or password")},
        {"401", problem_response("No valid credentials")},
        {"403", problem_response("Not an admin of a tenant")},
        {"409", problem_response("The e-mail address is taken")}}}};
  return rt;
}

route list_users_route(service&) {
  route rt;
  rt.method = http_method::get;
  rt.pattern = "/api/v1/users";
  rt.who = access::admin;
  rt.handle = [](const request& r, request_context& ctx) {
    const int limit = limit_param(r);
    const auto page = users::list(ctx.db(), ctx.who().tenant_id, limit, cursor_param(r));
    json list = json::array();
    for (const auto& u : page)
      list.push_back(u.to_json());
    json next = nullptr;
    if (static_cast<int>(page.size()) == limit) next = page.back().id.to_string();
    return response::json(200, {{"users", list}, {"next_cursor", next}});
  };
  rt.operation = {
      {"operationId", "listUsers"},
      {"tags", {"users"}},
      {"summary", "The users of the caller's tenant, by id (tenant admin)"},
      {"parameters", list_parameters()},
      {"responses",
       {{"200",
         {{"description", "One page of users"},
          {"content", json_content({{"type", "object"},
                                    {"required", {"users", "next_cursor"}},
                                    {"properties",
                                     {{"users", {{"type", "array"}, {"items", user_schema()}}},
                                      {"next_cursor", {{"type", {"string", "null"}}}}}}})}}},
        {"400", problem_response("Bad limit or cursor")},
        {"401", problem_response("No valid credentials")},
        {"403", problem_response("Not an admin of a tenant")}}}};
  return rt;
}

route get_user_route(service& s) {
  route rt;
  rt.method = http_method::get;
  rt.pattern = "/api/v1/users/{user_id}";
  rt.who = access::admin;
  rt.handle = [&s](const request& r, request_context& ctx) {
    const uuid id = path_uuid(r, "user_id", "user");
    return response::json(200,
                          s.get_user(ctx.db(), actor{ctx.who(), r.remote_address}, id).to_json());
  };
  rt.operation = {
      {"operationId", "getUser"},
      {"tags", {"users"}},
      {"summary", "One user of the caller's tenant (tenant admin)"},
      {"parameters", json::array({user_id_parameter()})},
      {"responses",
       {{"200", {{"description", "The user"}, {"content", json_content(user_schema())}}},
        {"401", problem_response("No valid credentials")},
        {"403", problem_response("Not an admin of a tenant")},
        {"404", problem_response("No such user in this tenant")}}}};
  return rt;
}

route update_user_route(service& s) {
  route rt;
  rt.method = http_method::patch;
  rt.pattern = "/api/v1/users/{user_id}";
  rt.who = access::admin;
  rt.handle = [&s](const request& r, request_context& ctx) {
    const uuid id = path_uuid(r, "user_id", "user");
    const json body = object_body(r);
    const auto role_text = optional_string(body, "role");
    const auto active = optional_bool(body, "active");
    if (!role_text && !active) throw_invalid("give role and/or active", "");
    const std::optional<std::string_view> role_view =
        role_text ? std::optional<std::string_view>(*role_text) : std::nullopt;
    return response::json(
        200, s.update_user(ctx.db(), actor{ctx.who(), r.remote_address}, id, role_view, active)
                 .to_json());
  };
  rt.operation = {
      {"operationId", "updateUser"},
      {"tags", {"users"}},
      {"summary", "Change a user's role or deactivate/reactivate it (tenant admin)"},
      {"parameters", json::array({user_id_parameter()})},
      {"requestBody",
       {{"required", true},
        {"content",
         json_content({{"type", "object"},
                       {"properties",
                        {{"role", {{"type", "string"}, {"enum", {"admin", "operator", "viewer"}}}},
                         {"active", {{"type", "boolean"}}}}}})}}},
      {"responses",
       {{"200", {{"description", "The updated user"}, {"content", json_content(user_schema())}}},
        {"400", problem_response("Invalid role or active")},
        {"401", problem_response("No valid credentials")},
        {"403", problem_response("Not an admin of a tenant")},
        {"404", problem_response("No such user in this tenant")},
        {"409", problem_response("The tenant would have no active admin left")}}}};
  return rt;
}

json device_key_schema() {
  return {{"type", "object"},
          {"required",
           {"id", "tenant_id", "name", "key_prefix", "buildings", "created_at", "created_by",
            "revoked_at", "last_used_at"}},
          {"properties",
           {{"id", {{"type", "string"}, {"format", "uuid"}}},
            {"tenant_id", {{"type", "string"}, {"format", "uuid"}}},
            {"name", {{"type", "string"}}},
            {"key_prefix", {{"type", "string"}}},
            {"buildings",
             {{"type", "array"},
              {"items", {{"type", "string"}, {"format", "uuid"}}},
              {"description", "empty: every building of the tenant"}}},
            {"created_at", {{"type", "string"}, {"format", "date-time"}}},
            {"created_by", {{"type", "string"}}},
            {"revoked_at", {{"type", {"string", "null"}}, {"format", "date-time"}}},
            {"last_used_at", {{"type", {"string", "null"}}, {"format", "date-time"}}}}}};
}

route create_device_key_route(service& s) {
  route rt;
  rt.method = http_method::post;
  rt.pattern = "/api/v1/device-keys";
  rt.who = access::admin;
  rt.handle = [&s](const request& r, request_context& ctx) {
    const json body = object_body(r);
    const std::string name = required_string(body, "name");
    std::vector<std::string> buildings;
    if (const auto it = body.find("buildings"); it != body.end() && !it->is_null()) {
      if (!it->is_array()) throw_invalid("buildings is a list of building ids", "/buildings");
      for (std::size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_string()) {
          throw_invalid("a building id is a string", "/buildings/" + std::to_string(i));
        }
        buildings.push_back((*it)[i].get<std::string>());
      }
    }
    auto [key, secret] = s.create_device_key(ctx.db(), ctx.store(),
                                             actor{ctx.who(), r.remote_address}, name, buildings);
    auto res = response::json(201, {{"device_key", key.to_json()}, {"key", secret}});
    res.headers.emplace_back("Location", "/api/v1/device-keys/" + key.id.to_string());
    return res;
  };
  rt.operation = {
      {"operationId", "createDeviceKey"},
      {"tags", {"device-keys"}},
      {"summary",
       "Create an ingest-only key for a meter or gateway (tenant admin); the key is shown once"},
      {"requestBody",
       {{"required", true},
        {"content",
         json_content({{"type", "object"},
                       {"required", {"name"}},
                       {"properties",
                        {{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
                         {"buildings",
                          {{"type", "array"},
                           {"maxItems", 1000},
                           {"items", {{"type", "string"}, {"format", "uuid"}}}}}}}})}}},
      {"responses",
       {{"201",
         {{"description", "Created; `key` is sent as `Authorization: Bearer <key>`"},
          {"content", json_content({{"type", "object"},
                                    {"required", {"device_key", "key"}},
                                    {"properties",
                                     {{"device_key", device_key_schema()},
                                      {"key", {{"type", "string"}}}}}})}}},
        {"400", problem_response("Invalid name or building")},
        {"401", problem_response("No valid credentials")},
        {"403", problem_response("Not an admin of a tenant")}}}};
  return rt;
}

route list_device_keys_route(service&) {
  route rt;
  rt.method = http_method::get;
  rt.pattern = "/api/v1/device-keys";
  rt.who = access::admin;
  rt.handle = [](const request& r, request_context& ctx) {
    const int limit = limit_param(r);
    const auto page = device_keys::list(ctx.db(), ctx.who().tenant_id, limit, cursor_param(r));
    json list = json::array();
    for (const auto& k : page)
      list.push_back(k.to_json());
    json next = nullptr;
    if (static_cast<int>(page.size()) == limit) next = page.back().id.to_string();
    return response::json(200, {{"device_keys", list}, {"next_cursor", next}});
  };
  rt.operation = {
      {"operationId", "listDeviceKeys"},
      {"tags", {"device-keys"}},
      {"summary", "The tenant's device keys with last-used times, by id (tenant admin)"},
      {"parameters", list_parameters()},
      {"responses",
       {{"200",
         {{"description", "One page of keys"},
          {"content",
           json_content({{"type", "object"},
                         {"required", {"device_keys", "next_cursor"}},
                         {"properties",
                          {{"device_keys", {{"type", "array"}, {"items", device_key_schema()}}},
                           {"next_cursor", {{"type", {"string", "null"}}}}}}})}}},
        {"400", problem_response("Bad limit or cursor")},
        {"401", problem_response("No valid credentials")},
        {"403", problem_response("Not an admin of a tenant")}}}};
  return rt;
}

route revoke_device_key_route(service& s) {
  route rt;
  rt.method = http_method::del;
  rt.pattern = "/api/v1/device-keys/{key_id}";
  rt.who = access::admin;
  rt.handle = [&s](const request& r, request_context& ctx) {
    s.revoke_device_key(ctx.db(), actor{ctx.who(), r.remote_address},
                        path_uuid(r, "key_id", "device key"));
    response out;
    out.status = 204;
    out.content_type.clear();
    return out;
  };
  rt.operation = {
      {"operationId", "revokeDeviceKey"},
      {"tags", {"device-keys"}},
      {"summary", "Revoke a device key at once (tenant admin)"},
      {"parameters", json::array({{{"name", "key_id"},
                                   {"in", "path"},
                                   {"required", true},
                                   {"schema", {{"type", "string"}, {"format", "uuid"}}}}})},
      {"responses",
       {{"204", {{"description", "Revoked (also when it already was)"}}},
        {"401", problem_response("No valid credentials")},
        {"403", problem_response("Not an admin of a tenant")},
        {"404", problem_response("No such key in this tenant")}}}};
  return rt;
}

route audit_route(service&) {
  route rt;
  rt.method = http_method::get;
  rt.pattern = "/api/v1/audit";
  rt.who = access::admin;
  rt.handle = [](const request& r, request_context& ctx) {
    const int limit = limit_param(r);
    const auto page = audit_log::list(ctx.db(), ctx.who().tenant_id, limit, cursor_param(r));
    json next = nullptr;
    if (static_cast<int>(page.size()) == limit) next = page.back()["id"];
    return response::json(200, {{"events", page}, {"next_cursor", next}});
  };
  rt.operation = {
      {"operationId", "listAuditEvents"},
      {"tags", {"audit"}},
      {"summary",
       "The tenant's audit log, newest first: logins, failed logins, token reuse, user, role and "
       "device-key changes (tenant admin)"},
      {"parameters", list_parameters()},
      {"responses",
       {{"200",
         {{"description", "One page of events"},
          {"content",
           json_content({{"type", "object"},
                         {"required", {"events", "next_cursor"}},
                         {"properties",
                          {{"events",
                            {{"type", "array"},
                             {"items",
                              {{"type", "object"},
                               {"required", {"id", "at", "actor", "event", "address", "detail"}},
                               {"properties",
                                {{"id", {{"type", "string"}}},
                                 {"at", {{"type", "string"}, {"format", "date-time"}}},
                                 {"actor", {{"type", "string"}}},
                                 {"event", {{"type", "string"}}},
                                 {"address", {{"type", "string"}}},
                                 {"detail", {{"type", "object"}}}}}}}}},
                           {"next_cursor", {{"type", {"string", "null"}}}}}}})}}},
        {"400", problem_response("Bad limit or cursor")},
        {"401", problem_response("No valid credentials")},
        {"403", problem_response("Not an admin of a tenant")}}}};
  return rt;
}

}  // namespace

std::vector<route> routes(service& s) {
  return {login_route(s),
          refresh_route(s),
          logout_route(s),
          change_password_route(s),
          create_tenant_route(s),
          list_tenants_route(s),
          create_user_route(s),
          list_users_route(s),
          get_user_route(s),
          update_user_route(s),
          create_device_key_route(s),
          list_device_keys_route(s),
          revoke_device_key_route(s),
          audit_route(s)};
}

}  // namespace energy::server::auth
