// SPDX-License-Identifier: Apache-2.0
#include "jobs/routes.hpp"

#include <charconv>
#include <chrono>

#include <energy/storage/store.hpp>

#include "http/context.hpp"
#include "jobs/alert_book.hpp"
#include "jobs/alert_json.hpp"
#include "jobs/alert_rules.hpp"
#include "jobs/outbox.hpp"
#include "jobs/run_ledger.hpp"
#include "jobs/service.hpp"

namespace energy::server::jobs {

namespace {

constexpr std::size_t default_limit = 100;
constexpr std::size_t max_limit = 500;

epoch_seconds now_epoch() {
  return to_epoch(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

nlohmann::json body_object(const request& r) {
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) throw_bad_request("the body must be a JSON object");
  return body;
}

/// The building if it is the caller's tenant's; 404 otherwise (also for a malformed id).
building owned_building(request_context& ctx, const std::string& id_text) {
  const auto id = uuid::try_parse(id_text);
  if (!id) throw_not_found("building");
  auto b = ctx.store().get_building(*id);
  if (!b || b->tenant_id != ctx.who().tenant_id) throw_not_found("building");
  return *b;
}

uuid path_id(const request& r, const char* name, std::string_view what) {
  const auto id = uuid::try_parse(r.path_params.at(name));
  if (!id) throw_not_found(what);
  return *id;
}

alert_rule owned_rule(request_context& ctx, const request& r) {
  auto rule =
      alert_rules(ctx.db()).get(ctx.who().tenant_id, path_id(r, "config_id", "alert config"));
  if (!rule) throw_not_found("alert config");
  return *rule;
}

std::size_t read_limit(const request& r) {
  const auto text = r.query_param("limit");
  if (!text) return default_limit;
  std::size_t v = 0;
  const auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || p != text->data() + text->size() || v < 1 || v > max_limit)
    throw_bad_request("limit must be a whole number from 1 to 500", "limit");
  return v;
}

[[noreturn]] void throw_conflict(std::string detail) {
  throw problem_error(problem{.status = 409,
                              .type = "/problems/conflict",
                              .title = "Conflict",
                              .detail = std::move(detail)});
}

// OpenAPI pieces, inline (the module needs no shared components).
nlohmann::json json_content(const nlohmann::json& schema) {
  return {{"application/json", {{"schema", schema}}}};
}
nlohmann::json ok(std::string_view description, const nlohmann::json& schema) {
  return {{"description", description}, {"content", json_content(schema)}};
}
nlohmann::json problem(std::string_view description) {
  return {{"description", description},
          {"content", {{"application/problem+json", {{"schema", {{"type", "object"}}}}}}}};
}
nlohmann::json path_param(std::string_view name, std::string_view description) {
  return {{"name", name},
          {"in", "path"},
          {"required", true},
          {"description", description},
          {"schema", {{"type", "string"}}}};
}
nlohmann::json query(std::string_view name, std::string_view description, nlohmann::json schema) {
  return {{"name", name}, {"in", "query"}, {"description", description}, {"schema", schema}};
}
nlohmann::json array_of(const nlohmann::json& item) {
  return {{"type", "array"}, {"items", item}};
}

void add_config_routes(std::vector<route>& out) {
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/buildings/{building_id}/alert-configs",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = owned_building(ctx, r.path_params.at("building_id"));
            nlohmann::json items = nlohmann::json::array();
            for (const auto& rule : alert_rules(ctx.db()).for_building(b.tenant_id, b.id))
              items.push_back(to_json(rule));
            return response::json(200, {{"alert_configs", items}});
          },
      .operation = {{"operationId", "listAlertConfigs"},
                    {"tags", {"alerts"}},
                    {"summary", "Alert configs of a building"},
                    {"parameters", {path_param("building_id", "building id")}},
                    {"responses",
                     {{"200", ok("the building's alert configs",
                                 {{"type", "object"},
                                  {"properties",
                                   {{"alert_configs", array_of(alert_config_schema(false))}}}})},
                      {"404", problem("no such building for the caller's tenant")}}}}});
  out.push_back(route{
      .method = http_method::post,
      .pattern = "/api/v1/buildings/{building_id}/alert-configs",
      .who = access::admin,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto b = owned_building(ctx, r.path_params.at("building_id"));
            alert_rule rule{.id = uuid::v7(), .tenant_id = b.tenant_id, .building_id = b.id};
            read_alert_config(body_object(r), rule);
            rule.created_at = rule.updated_at = now_epoch();
            alert_rules(ctx.db()).insert(rule);
            auto res = response::json(201, to_json(rule));
            res.headers.emplace_back("Location", "/api/v1/alert-configs/" + rule.id.to_string());
            return res;
          },
      .operation = {
          {"operationId", "createAlertConfig"},
          {"tags", {"alerts"}},
          {"summary", "Create an alert config (tenant admin)"},
          {"description",
           "One or more conditions, each opened and resolved on its own: threshold_kwh per "
           "local window, peak_kw, data_gap_minutes, "
           "flatline_minutes, baseline_deviation_percent. Notifications go to "
           "notification_emails and a webhook signed with webhook_secret "
           "(X-Energy-Signature: sha256=<hex HMAC-SHA256 of the body>). See docs/alerts.md."},
          {"parameters", {path_param("building_id", "building id")}},
          {"requestBody",
           {{"required", true}, {"content", json_content(alert_config_schema(true))}}},
          {"responses",
           {{"201", ok("created", alert_config_schema(false))},
            {"400", problem("the body is not a JSON object")},
            {"404", problem("no such building for the caller's tenant")},
            {"422", problem("a field is missing or invalid; `field` names it")}}}}});
  out.push_back(
      route{.method = http_method::get,
            .pattern = "/api/v1/alert-configs/{config_id}",
            .who = access::viewer,
            .handle =
                [](const request& r, request_context& ctx) {
                  return response::json(200, to_json(owned_rule(ctx, r)));
                },
            .operation = {{"operationId", "getAlertConfig"},
                          {"tags", {"alerts"}},
                          {"summary", "One alert config"},
                          {"parameters", {path_param("config_id", "alert config id")}},
                          {"responses",
                           {{"200", ok("the alert config", alert_config_schema(false))},
                            {"404", problem("no such alert config for the caller's tenant")}}}}});
  out.push_back(route{
      .method = http_method::put,
      .pattern = "/api/v1/alert-configs/{config_id}",
      .who = access::admin,
      .handle =
          [](const request& r, request_context& ctx) {
            auto rule = owned_rule(ctx, r);
            const auto body = body_object(r);
            // Keep the stored secret when the body repeats the URL without it.
            const auto kept_secret = rule.webhook_secret;
            auto with_secret = body;
            if (body.contains("webhook_url") && !body.contains("webhook_secret") && kept_secret)
              with_secret["webhook_secret"] = *kept_secret;
            read_alert_config(with_secret, rule);
            rule.updated_at = now_epoch();
            ctx.db().transaction([&](db::connection& tx) {
              if (!alert_rules(tx).update(rule)) throw_not_found("alert config");
              alert_book(tx).close_unjudged(
                  rule.tenant_id, rule.id,
                  rule.enabled ? rule.conditions() : std::vector<condition>{}, rule.updated_at);
            });
            return response::json(200, to_json(rule));
          },
      .operation = {
          {"operationId", "replaceAlertConfig"},
          {"tags", {"alerts"}},
          {"summary", "Replace an alert config (tenant admin)"},
          {"description",
           "A full replacement: a condition absent from the body is removed. webhook_secret may "
           "be left out to keep the stored one. Unresolved alerts of a condition that is removed "
           "(or of a disabled config) are closed as resolved, and stay in history."},
          {"parameters", {path_param("config_id", "alert config id")}},
          {"requestBody",
           {{"required", true}, {"content", json_content(alert_config_schema(true))}}},
          {"responses",
           {{"200", ok("the alert config", alert_config_schema(false))},
            {"400", problem("the body is not a JSON object")},
            {"404", problem("no such alert config for the caller's tenant")},
            {"422", problem("a field is missing or invalid; `field` names it")}}}}});
  out.push_back(route{
      .method = http_method::del,
      .pattern = "/api/v1/alert-configs/{config_id}",
      .who = access::admin,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto rule = owned_rule(ctx, r);
            ctx.db().transaction([&](db::connection& tx) {
              if (!alert_rules(tx).remove(rule.tenant_id, rule.id)) throw_not_found("alert config");
              alert_book(tx).close_unjudged(rule.tenant_id, rule.id, {}, now_epoch());
            });
            return response::no_content();
          },
      .operation = {
          {"operationId", "deleteAlertConfig"},
          {"tags", {"alerts"}},
          {"summary",
           "Delete an alert config (tenant admin); its alerts are closed and stay in history"},
          {"parameters", {path_param("config_id", "alert config id")}},
          {"responses",
           {{"204", {{"description", "deleted"}}},
            {"404", problem("no such alert config for the caller's tenant")}}}}});
}

void add_alert_routes(std::vector<route>& out) {
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/alerts",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            std::optional<std::string> state;
            if (const auto s = r.query_param("state")) {
              if (*s != "open" && *s != "acknowledged" && *s != "resolved")
                throw_bad_request("state must be open, acknowledged or resolved", "state");
              state = std::string(*s);
            }
            const auto limit = read_limit(r);
            std::optional<std::pair<epoch_seconds, std::string>> before;
            if (const auto c = r.query_param("cursor")) {
              // The cursor is "<opened_at>_<id>" of the last alert of the previous page.
              const auto sep = c->find('_');
              epoch_seconds t = 0;
              const auto [p, ec] =
                  std::from_chars(c->data(), c->data() + std::min(sep, c->size()), t);
              if (sep == std::string_view::npos || ec != std::errc{} || p != c->data() + sep ||
                  !uuid::try_parse(c->substr(sep + 1)))
                throw_bad_request("cursor is not one this server issued", "cursor");
              before = std::make_pair(t, std::string(c->substr(sep + 1)));
            }
            const auto page =
                alert_book(ctx.db()).list(ctx.who().tenant_id, state, limit + 1, before);
            nlohmann::json items = nlohmann::json::array();
            for (std::size_t i = 0; i < page.size() && i < limit; ++i)
              items.push_back(to_json(page[i]));
            nlohmann::json next;
            if (page.size() > limit)
              next =
                  std::to_string(page[limit - 1].opened_at) + "_" + page[limit - 1].id.to_string();
            return response::json(200, {{"alerts", items}, {"next_cursor", next}});
          },
      .operation = {{"operationId", "listAlerts"},
                    {"tags", {"alerts"}},
                    {"summary", "Alert history of the caller's tenant, newest first"},
                    {"parameters",
                     {query("state", "open, acknowledged or resolved",
                            {{"type", "string"}, {"enum", {"open", "acknowledged", "resolved"}}}),
                      query("limit", "1..500 (default 100)",
                            {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}}),
                      query("cursor", "next_cursor of the previous page", {{"type", "string"}})}},
                    {"responses",
                     {{"200", ok("one page of alerts",
                                 {{"type", "object"},
                                  {"properties",
                                   {{"alerts", array_of(alert_schema())},
                                    {"next_cursor", {{"type", {"string", "null"}}}}}}})},
                      {"400", problem("bad state, limit or cursor")}}}}});
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/alerts/{alert_id}",
      .who = access::viewer,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto a =
                alert_book(ctx.db()).get(ctx.who().tenant_id, path_id(r, "alert_id", "alert"));
            if (!a) throw_not_found("alert");
            auto body = to_json(*a);
            body["notifications"] = nlohmann::json::array();
            for (const auto& n : outbox(ctx.db()).for_alert(a->id))
              body["notifications"].push_back(to_json(n));
            return response::json(200, body);
          },
      .operation = {{"operationId", "getAlert"},
                    {"tags", {"alerts"}},
                    {"summary", "One alert with the delivery state of its notifications"},
                    {"parameters", {path_param("alert_id", "alert id")}},
                    {"responses",
                     {{"200", ok("the alert", alert_schema())},
                      {"404", problem("no such alert for the caller's tenant")}}}}});
  out.push_back(route{
      .method = http_method::post,
      .pattern = "/api/v1/alerts/{alert_id}/acknowledge",
      .who = access::operator_,
      .handle =
          [](const request& r, request_context& ctx) {
            const auto id = path_id(r, "alert_id", "alert");
            std::string comment;
            if (!r.body.empty()) {
              const auto body = body_object(r);
              for (const auto& [key, value] : body.items())
                if (key != "comment") throw_unprocessable("unknown field '" + key + "'", "/" + key);
              if (body.contains("comment")) {
                if (!body["comment"].is_string() ||
                    body["comment"].get<std::string>().size() > 2000)
                  throw_unprocessable("comment must be a string of at most 2000 characters",
                                      "/comment");
                comment = body["comment"].get<std::string>();
              }
            }
            alert_book book(ctx.db());
            const auto before = book.get(ctx.who().tenant_id, id);
            if (!before) throw_not_found("alert");
            if (before->state != "open")
              throw_conflict("the alert is " + before->state +
                             (before->acknowledged_by
                                  ? " (acknowledged by " + *before->acknowledged_by + ")"
                                  : std::string()));
            const auto& who = ctx.who();
            const auto after = book.acknowledge(
                who.tenant_id, id, who.display.empty() ? who.subject.to_string() : who.display,
                comment, now_epoch());
            if (!after || after->state != "acknowledged")
              throw_conflict("the alert changed meanwhile; read it again");
            return response::json(200, to_json(*after));
          },
      .operation = {
          {"operationId", "acknowledgeAlert"},
          {"tags", {"alerts"}},
          {"summary", "Acknowledge an open alert (operator or admin), with a comment"},
          {"description",
           "Records who and when. An acknowledged alert still resolves by itself when its "
           "condition clears; it is not re-notified while it holds."},
          {"parameters", {path_param("alert_id", "alert id")}},
          {"requestBody",
           {{"required", false},
            {"content",
             json_content(
                 {{"type", "object"},
                  {"additionalProperties", false},
                  {"properties", {{"comment", {{"type", "string"}, {"maxLength", 2000}}}}}})}}},
          {"responses",
           {{"200", ok("the acknowledged alert", alert_schema())},
            {"404", problem("no such alert for the caller's tenant")},
            {"409", problem("the alert is already acknowledged or resolved")},
            {"422", problem("bad comment")}}}}});
}

nlohmann::json runs_json(request_context& ctx, const request& r) {
  std::optional<std::string> job;
  if (const auto j = r.query_param("job")) {
    if (!service::known_job(*j))
      throw_bad_request("job must be aggregate, alerts or retention", "job");
    job = std::string(*j);
  }
  const auto limit = read_limit(r);
  const auto now = now_epoch();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& run : run_ledger(ctx.db(), "").list(0, now + 1, limit, job))
    items.push_back(to_json(run, ctx.who()));
  return {{"runs", items}};
}

void add_job_routes(std::vector<route>& out, service& svc) {
  const nlohmann::json runs_schema = {{"type", "object"},
                                      {"properties", {{"runs", array_of(job_run_schema())}}}};
  const nlohmann::json params = {
      query("job", "aggregate, alerts or retention",
            {{"type", "string"}, {"enum", {"aggregate", "alerts", "retention"}}}),
      query("limit", "1..500 (default 100)",
            {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}})};
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/jobs/runs",
      .who = access::admin,
      .handle = [](const request& r,
                   request_context& ctx) { return response::json(200, runs_json(ctx, r)); },
      .operation = {
          {"operationId", "listJobRuns"},
          {"tags", {"jobs"}},
          {"summary", "Recent job runs, newest first (tenant admin view)"},
          {"description",
           "Timing and state of every run; counts only of the tenant's own alert "
           "evaluation (aggregation and retention counts span all tenants)."},
          {"parameters", params},
          {"responses",
           {{"200", ok("recent runs", runs_schema)}, {"400", problem("bad job or limit")}}}}});
  out.push_back(route{
      .method = http_method::get,
      .pattern = "/api/v1/admin/jobs/runs",
      .who = access::server_admin,
      .handle = [](const request& r,
                   request_context& ctx) { return response::json(200, runs_json(ctx, r)); },
      .operation = {
          {"operationId", "listAllJobRuns"},
          {"tags", {"jobs"}},
          {"summary", "Recent job runs with counts, owner replica and errors (server admin)"},
          {"parameters", params},
          {"responses",
           {{"200", ok("recent runs", runs_schema)}, {"400", problem("bad job or limit")}}}}});
  out.push_back(route{
      .method = http_method::post,
      .pattern = "/api/v1/jobs/{job}/run",
      .who = access::server_admin,
      .handle =
          [&svc](const request& r, request_context& ctx) {
            const auto& job = r.path_params.at("job");
            if (!service::known_job(job)) throw_not_found("job");
            const auto now = from_epoch(now_epoch());
            const auto run = svc.run_now(job, now, ctx.store(), ctx.db());
            return response::json(200, to_json(run, ctx.who()));
          },
      .operation = {
          {"operationId", "runJobNow"},
          {"tags", {"jobs"}},
          {"summary", "Run a job now, on this replica, and wait for it (server admin)"},
          {"description",
           "Recorded as a manual run, apart from the scheduled periods (which still run "
           "once each). The answer is the run record: state succeeded, failed or busy."},
          {"parameters", {path_param("job", "aggregate, alerts or retention")}},
          {"responses",
           {{"200", ok("the finished run", job_run_schema())}, {"404", problem("no such job")}}}}});
}

}  // namespace

std::vector<route> routes(service& svc) {
  std::vector<route> out;
  add_config_routes(out);
  add_alert_routes(out);
  add_job_routes(out, svc);
  return out;
}

}  // namespace energy::server::jobs
