// SPDX-License-Identifier: Apache-2.0
// energy-server's handlers over a real store: every input is one authenticated (or not) request
// dispatched in process through the server's own stack (app/modules.cpp's routes, the real auth
// service minting and checking tokens, http/dispatch.cpp's routing, access rules, retries and
// problem rendering) against a SQLite database made once per process with the server's schema,
// two tenants and their buildings, sensors, readings, tariffs, alert configurations, alerts,
// utility bills, users and device keys.
//
// An input is a request in a small text form (the seeds in fuzz/seeds/api_handlers are readable):
//     POST /api/v1/buildings/{A.building}/tariffs?x=1
//     auth: A
//     content-type: application/json
//
//     {"effective_from": "2024-01-01", "urdb": {...}}
// `{A.building}`, `{B.sensor}`, ... stand for the ids of tenant A's or B's objects anywhere in the
// target, headers and body; `{uuid}` for a fresh id of nothing. `auth:` picks the credentials:
// A, A.viewer, A.device, B, B.viewer, B.device, root (the server administrator), ~N (A's token
// with its Nth character changed); any other value is sent as the Authorization header itself.
//
// Invariants, beyond no crash, leak or sanitizer report:
// - no 5xx but a 503 with Retry-After;
// - every 4xx/5xx is an RFC 9457 problem document whose status is the response's; a JSON
//   answer parses;
// - a caller of one tenant never sees the other tenant's ids or names (a marker string is in
//   every name of each tenant) unless its own requests carried them (since the last restore);
// - another tenant's object answers like a missing one: the request is repeated with the other
//   tenant's ids replaced by fresh ones and must get the same status and problem type;
// - without valid credentials every non-public route answers 401;
// - the dashboard's static files never serve a file outside their folder.
// ENERGY_FUZZ_TRACE=1 prints each request's status, method, route and caller (corpus coverage).
// The database is restored from its snapshot every ENERGY_FUZZ_RESET_EVERY executions (default
// 64), so the store stays small and a finding replays from the initial state; a writing request
// that names the other tenant's objects runs, and is repeated, from the snapshot.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/storage/open.hpp>
#include <energy/uuid.hpp>

#include "app/config.hpp"
#include "app/modules.hpp"
#include "app/services.hpp"
#include "auth/service.hpp"
#include "auth/settings.hpp"
#include "fuzz_check.hpp"
#include "problem_check.hpp"
#include "http/dispatch.hpp"
#include "http/log.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/routing.hpp"
#include "http/worker_pool.hpp"
#include "jobs/service.hpp"
#include "jobs/settings.hpp"

namespace {

namespace fs = std::filesystem;
using namespace energy;
using namespace energy::server;
using nlohmann::json;

constexpr std::string_view root_email = "root@fuzz.test";
constexpr std::string_view root_password = "root-password-fuzz-1";
// Fixed passwords: the login and password seeds use them.
constexpr std::string_view tenant_password = "tenant-password-fuzz-1";
// The file outside the dashboard's folder that /assets/{asset} must never serve.
constexpr std::string_view secret_text = "SECRET-OUTSIDE-DASHBOARD-7f3a";

struct tenant_data {
  std::string key;     ///< "A" or "B"
  std::string marker;  ///< in every name, e-mail and comment of this tenant's objects
  std::map<std::string, std::string> ids;  ///< placeholder name -> id ("building" -> uuid)
  std::string admin_token, viewer_token, device_key;
  std::set<std::string> created;  ///< ids of objects its requests created since the last reset
  /// The other tenant's ids and marker its own requests carried since the last reset: they may
  /// come back later from what it stored (a tariff's unknown key named after one, say).
  std::set<std::string> named;
};

struct world {
  fs::path dir, db_file, snapshot, dashboard;
  std::string uri;
  config cfg;
  metrics stats;
  logger log{log_level::warning};  ///< the cause of a 5xx (store_failed, handler_failed) on stdout
  std::unique_ptr<auth::service> auth;
  std::unique_ptr<jobs::service> jobs;
  services app;
  std::unique_ptr<router> routes;
  std::unique_ptr<dispatcher> dispatch;
  std::unique_ptr<worker_slot> slot;
  std::string root_token;
  tenant_data a{.key = "A", .marker = "MarkerAqz41"}, b{.key = "B", .marker = "MarkerBxv93"};
  long reset_every = 64;
  long executions = 0;
  long generation = 0;  ///< restores so far: names the database file
  bool trace = std::getenv("ENERGY_FUZZ_TRACE") != nullptr;  ///< a line per request on stderr
};

world* the_world = nullptr;

std::string bearer(const std::string& token) {
  return "Bearer " + token;
}

/// A request made by the harness itself (set-up), through the same dispatcher.
response call(world& w, http_method m, const std::string& target, const std::string& token,
              const json& body = nullptr) {
  request r;
  r.method = m;
  const auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = *parse_query(target.substr(q + 1));
  if (!token.empty()) r.headers.emplace_back("authorization", bearer(token));
  if (!body.is_null()) {
    r.body = body.dump();
    r.headers.emplace_back("content-type", "application/json");
  }
  r.request_id = "setup";
  r.remote_address = "192.0.2.1";
  return w.dispatch->handle(r, *w.slot);
}

json expect(const response& r, int status, const std::string& what) {
  if (r.status != status) {
    std::fprintf(stderr, "fuzz_api_handlers set-up: %s answered %d: %s\n", what.c_str(), r.status,
                 r.body.c_str());
    std::abort();
  }
  return r.content_type == "application/json" && !r.body.empty() ? json::parse(r.body) : json();
}

/// Readings of one sensor: hourly kWh for two days from 2024-03-09 (a DST change in New York).
json hourly_readings(const std::string& sensor, int hours) {
  json readings = json::array();
  for (int h = 0; h < hours; ++h) {
    char ts[32];
    std::snprintf(ts, sizeof ts, "2024-03-%02dT%02d:00:00Z", 9 + h / 24, h % 24);
    readings.push_back({{"sensor_id", sensor}, {"timestamp", ts}, {"value_kwh", 1.5 + h % 7}});
  }
  return readings;
}

json simple_urdb(const std::string& marker) {
  json week = json::array();
  for (int m = 0; m < 12; ++m)
    week.push_back(json(std::vector<int>(24, 0)));
  return {{"name", "Flat " + marker},
          {"utility", "Utility " + marker},
          {"energyratestructure", json::array({json::array({{{"rate", 0.12}, {"unit", "kWh"}}})})},
          {"energyweekdayschedule", week},
          {"energyweekendschedule", week},
          {"fixedmonthlycharge", 10}};
}

void populate(world& w, tenant_data& t) {
  const std::string m = t.marker;
  const std::string admin_email = "admin-" + m + "@fuzz.test";
  auto created = expect(call(w, http_method::post, "/api/v1/tenants", w.root_token,
                             {{"name", "Tenant " + m},
                              {"admin_email", admin_email},
                              {"admin_password", tenant_password}}),
                        201, "create tenant " + t.key);
  t.ids["tenant"] = created.at("tenant").at("id");
  t.ids["admin"] = created.at("admin").at("id");
  t.admin_token = expect(call(w, http_method::post, "/api/v1/auth/login", "",
                              {{"email", admin_email}, {"password", tenant_password}}),
                         200, "login " + t.key)
                      .at("access_token");
  const std::string viewer_email = "viewer-" + m + "@fuzz.test";
  t.ids["user"] =
      expect(call(w, http_method::post, "/api/v1/users", t.admin_token,
                  {{"email", viewer_email}, {"role", "viewer"}, {"password", tenant_password}}),
             201, "create viewer")
          .at("user")
          .at("id");
  t.viewer_token = expect(call(w, http_method::post, "/api/v1/auth/login", "",
                               {{"email", viewer_email}, {"password", tenant_password}}),
                          200, "login viewer")
                       .at("access_token");
  for (const char* which : {"building", "building2"}) {
    t.ids[which] = expect(call(w, http_method::post, "/api/v1/buildings", t.admin_token,
                               {{"name", "Building " + m},
                                {"time_zone", "America/New_York"},
                                {"flat_rate_per_kwh", "0.15"},
                                {"square_footage", 5000}}),
                          201, "create building")
                       .at("id");
  }
  const std::string building = "/api/v1/buildings/" + t.ids["building"];
  t.ids["sensor"] = expect(call(w, http_method::post, building + "/sensors", t.admin_token,
                                {{"location", "Meter " + m},
                                 {"type", "electricity"},
                                 {"kind", "interval_energy"},
                                 {"unit", "kWh"},
                                 {"interval_seconds", 3600},
                                 {"created_at", "2024-01-01T00:00:00Z"}}),
                           201, "create sensor")
                        .at("id");
  t.ids["sensor2"] = expect(call(w, http_method::post, building + "/sensors", t.admin_token,
                                 {{"location", "Register " + m},
                                  {"type", "electricity"},
                                  {"kind", "cumulative_register"},
                                  {"unit", "kWh"},
                                  {"interval_seconds", 3600},
                                  {"created_at", "2024-01-01T00:00:00Z"}}),
                            201, "create register sensor")
                         .at("id");
  const auto ingest =
      expect(call(w, http_method::post, "/api/v1/sensors/readings/batch", t.admin_token,
                  {{"readings", hourly_readings(t.ids["sensor"], 48)}}),
             202, "ingest");
  FUZZ_CHECK(ingest.at("inserted") == 48);
  t.ids["tariff"] = expect(call(w, http_method::post, building + "/tariffs", t.admin_token,
                                {{"effective_from", "2024-01-01"}, {"urdb", simple_urdb(m)}}),
                           201, "upload tariff")
                        .at("id");
  expect(call(w, http_method::post, building + "/utility-bills", t.admin_token,
              {{"bills", json::array({{{"id", "INV-" + m},
                                       {"period_start", "2024-03-01"},
                                       {"period_end", "2024-04-01"},
                                       {"consumption_kwh", "150.000"},
                                       {"amount", "30.00"}}})}}),
         200, "upload utility bill");
  t.ids["alert_config"] =
      expect(call(w, http_method::post, building + "/alert-configs", t.admin_token,
                  {{"name", "Silent " + m}, {"data_gap_minutes", 30}}),
             201, "create alert config")
          .at("id");
  const auto key = expect(
      call(w, http_method::post, "/api/v1/device-keys", t.admin_token, {{"name", "Gateway " + m}}),
      201, "create device key");
  t.ids["device_key"] = key.at("device_key").at("id");
  t.device_key = key.at("key");
}

void find_alert(world& w, tenant_data& t) {
  const auto alerts = expect(call(w, http_method::get, "/api/v1/alerts", t.admin_token), 200,
                             "list alerts " + t.key);
  FUZZ_CHECK(!alerts.at("alerts").empty());
  t.ids["alert"] = alerts.at("alerts")[0].at("id");
}

/// Back to the snapshot, in a new file: connections the server keeps per thread beyond the worker
/// slot (the energy route's retention port) still hold the old one, and move to the new file when
/// they see the configuration's new URI, as after a restart.
void restore(world& w) {
  w.slot.reset();
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(w.db_file.string() + suffix, ec);
  w.db_file = w.dir / ("energy-" + std::to_string(++w.generation) + ".db");
  fs::copy_file(w.snapshot, w.db_file);
  w.uri = "sqlite:" + w.db_file.string();
  w.cfg.db_uri = w.uri;
  w.slot = std::make_unique<worker_slot>(w.uri);
  for (tenant_data* t : {&w.a, &w.b}) {
    t->created.clear();
    t->named.clear();
  }
}

void remove_dir() {
  if (the_world == nullptr) return;
  the_world->slot.reset();
  std::error_code ec;
  fs::remove_all(the_world->dir, ec);
}

world* build_world() {
  auto* w = new world;
  if (const char* every = std::getenv("ENERGY_FUZZ_RESET_EVERY"))
    w->reset_every = std::max(1L, std::atol(every));
  const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  w->dir = base / ("energy-fuzz-api-" + uuid::v7().to_string());
  fs::create_directories(w->dir);
  w->db_file = w->dir / "energy.db";
  w->snapshot = w->dir / "snapshot.db";
  w->uri = "sqlite:" + w->db_file.string();
  // The dashboard's folder, and a file beside it that must stay unreachable.
  w->dashboard = w->dir / "dashboard";
  fs::create_directories(w->dashboard / "assets");
  std::ofstream(w->dashboard / "index.html") << "<!doctype html><title>energy</title>";
  std::ofstream(w->dashboard / "assets" / "app-1234.js") << "console.log('energy');";
  std::ofstream(w->dir / "secret.txt") << secret_text;

  const std::string uri = w->uri, dashboard = w->dashboard.string();
  w->cfg =
      config::from_environment([uri, dashboard](std::string_view n) -> std::optional<std::string> {
        if (n == "ENERGY_DB") return uri;
        if (n == "ENERGY_DASHBOARD_DIR") return dashboard;
        // Bounds the store's growth per request (ingest beyond it is a 413).
        if (n == "ENERGY_MAX_BATCH_READINGS") return std::string("2000");
        return std::nullopt;
      });
  { auto store = storage::open_store_uri(w->uri); }  // the library's schema
  w->slot = std::make_unique<worker_slot>(w->uri);
  migrate_all(w->slot->db());

  auth::settings s;
  s.argon2_memory_kib = 256;  // logins are fuzzed: keep each Argon2id hash cheap
  s.argon2_passes = 1;
  s.admin_email = std::string(root_email);
  s.admin_password = std::string(root_password);
  // A fixed clock: tokens never expire during a campaign and a replay sees the same times.
  const epoch_seconds now = 1'800'000'000;
  w->auth = std::make_unique<auth::service>(s, w->slot->db(), [now] { return now; });
  (void)w->auth->bootstrap(w->slot->db(), "http://127.0.0.1:8080");
  jobs::settings js;
  js.scheduler_enabled = false;
  w->jobs = std::make_unique<jobs::service>(js, w->uri, &w->stats, nullptr);
  w->app = services{.config = &w->cfg,
                    .metrics = &w->stats,
                    .log = &w->log,
                    .authenticator = w->auth.get(),
                    .auth = w->auth.get(),
                    .jobs = w->jobs.get()};
  auto assembled = assemble(w->cfg, w->app);
  w->routes = std::make_unique<router>(std::move(assembled.routes));
  // No pause between store retries: a retry here would only slow the campaign.
  w->dispatch = std::make_unique<dispatcher>(
      *w->routes, w->app, dispatch_options{.retry_backoff = std::chrono::milliseconds(0)});

  w->root_token = expect(call(*w, http_method::post, "/api/v1/auth/login", "",
                              {{"email", root_email}, {"password", root_password}}),
                         200, "root login")
                      .at("access_token");
  populate(*w, w->a);
  populate(*w, w->b);
  // The alerts job opens a data-gap alert for each tenant (the meters fell silent in 2024).
  expect(call(*w, http_method::post, "/api/v1/jobs/alerts/run", w->root_token), 200, "alerts job");
  find_alert(*w, w->a);
  find_alert(*w, w->b);
  // Fontconfig and pango build their process-wide caches on the first PDF: here, not inside an
  // input (where libFuzzer would count them as that input's leak).
  {
    request r;
    r.path = "/api/v1/buildings/" + w->a.ids["building"] + "/analytics/report";
    r.query = {{"period", "week"}, {"end", "2024-03-12"}};
    r.headers = {{"authorization", bearer(w->a.admin_token)}, {"accept", "application/pdf"}};
    r.request_id = "setup";
    expect(w->dispatch->handle(r, *w->slot), 200, "PDF report");
  }

  w->slot->reset();  // the last connection closes: SQLite checkpoints into the main file
  FUZZ_CHECK(!fs::exists(w->db_file.string() + "-wal"));
  fs::copy_file(w->db_file, w->snapshot);
  return w;
}

// --- the input ---------------------------------------------------------------------------------

struct fuzz_request {
  request req;
  tenant_data* caller = nullptr;  ///< the tenant whose credentials were sent, if any
  bool valid_credentials = false;
  std::set<std::string> other_ids;  ///< the other tenant's ids the request itself names
  std::string text;                 ///< target, headers and body after substitution
};

std::optional<http_method> method_named(std::string_view m) {
  if (m == "GET") return http_method::get;
  if (m == "POST") return http_method::post;
  if (m == "PUT") return http_method::put;
  if (m == "PATCH") return http_method::patch;
  if (m == "DELETE") return http_method::del;
  return std::nullopt;
}

/// Replaces {A.x}, {B.x} and {uuid}; `fresh` maps the other tenant's ids to fresh ones instead
/// (the repeat that must answer like the original).
std::string substitute(world& w, std::string_view in,
                       const std::map<std::string, std::string>* fresh,
                       std::set<std::string>& used) {
  std::string out;
  out.reserve(in.size());
  std::size_t at = 0;
  while (at < in.size()) {
    const auto open = in.find('{', at);
    if (open == std::string_view::npos) break;
    const auto close = in.find('}', open);
    if (close == std::string_view::npos || close - open > 20) {
      out.append(in.substr(at, open + 1 - at));
      at = open + 1;
      continue;
    }
    out.append(in.substr(at, open - at));
    const auto name = in.substr(open + 1, close - open - 1);
    std::optional<std::string> value;
    if (name == "uuid") {
      value = uuid::v7().to_string();
    } else if (name.size() > 2 && (name[0] == 'A' || name[0] == 'B') && name[1] == '.') {
      const tenant_data& t = name[0] == 'A' ? w.a : w.b;
      if (const auto it = t.ids.find(std::string(name.substr(2))); it != t.ids.end()) {
        value = it->second;
        used.insert(it->second);
        if (fresh != nullptr)
          if (const auto f = fresh->find(it->second); f != fresh->end()) value = f->second;
      }
    }
    if (value) {
      out += *value;
    } else {
      out.append(in.substr(open, close + 1 - open));
    }
    at = close + 1;
  }
  out.append(in.substr(std::min(at, in.size())));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// The request an input stands for; nullopt when it is not one (the wire layer's business).
std::optional<fuzz_request> decode(world& w, std::string_view input,
                                   const std::map<std::string, std::string>* fresh = nullptr) {
  fuzz_request out;
  std::set<std::string> used;
  const auto first_end = input.find('\n');
  const auto first = trim(input.substr(0, first_end));
  const auto space = first.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto method = method_named(first.substr(0, space));
  if (!method) return std::nullopt;
  out.req.method = *method;
  const std::string target = substitute(w, trim(first.substr(space + 1)), fresh, used);
  if (target.empty() || target.front() != '/') return std::nullopt;
  const auto q = target.find('?');
  out.req.path = target.substr(0, q);
  if (q != std::string::npos) {
    auto query = parse_query(std::string_view(target).substr(q + 1));
    if (!query) return std::nullopt;  // the network layer answers 400 before dispatching
    out.req.query = std::move(*query);
  }
  out.text = target;

  std::optional<std::string> auth;
  std::size_t at = first_end == std::string_view::npos ? input.size() : first_end + 1;
  bool has_type = false;
  while (at < input.size()) {
    auto end = input.find('\n', at);
    if (end == std::string_view::npos) end = input.size();
    const auto line = trim(input.substr(at, end - at));
    at = std::min(end + 1, input.size());
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    const auto name = lower(trim(line.substr(0, colon)));
    const auto value = substitute(w, trim(line.substr(colon + 1)), fresh, used);
    if (name == "auth") {
      auth = value;
      continue;
    }
    has_type = has_type || name == "content-type";
    out.text += "\n" + value;
    out.req.headers.emplace_back(name, value);
  }
  out.req.body = substitute(w, input.substr(std::min(at, input.size())), fresh, used);
  out.text += "\n" + out.req.body;
  if (!out.req.body.empty() && !has_type)
    out.req.headers.emplace_back("content-type", "application/json");

  if (auth) {
    std::erase_if(out.req.headers, [](const auto& h) { return h.first == "authorization"; });
    std::string token;
    if (*auth == "root") {
      token = w.root_token;
    } else if (auth->size() >= 1 && ((*auth)[0] == 'A' || (*auth)[0] == 'B')) {
      tenant_data& t = (*auth)[0] == 'A' ? w.a : w.b;
      const std::string_view role = std::string_view(*auth).substr(1);
      if (role.empty()) {
        token = t.admin_token;
      } else if (role == ".viewer") {
        token = t.viewer_token;
      } else if (role == ".device") {
        token = t.device_key;
      }
      if (!token.empty()) out.caller = &t;
    } else if (auth->size() >= 2 && (*auth)[0] == '~') {
      // A's token with one character changed (never the last: its spare bits may not count).
      token = w.a.admin_token;
      const auto n = static_cast<std::size_t>(std::strtoul(auth->c_str() + 1, nullptr, 10));
      char& c = token[n % (token.size() - 1)];
      c = c == 'A' ? 'B' : 'A';
      out.req.headers.emplace_back("authorization", bearer(token));
      token.clear();
    } else {
      out.req.headers.emplace_back("authorization", *auth);
    }
    if (!token.empty()) {
      out.valid_credentials = true;
      out.req.headers.emplace_back("authorization", bearer(token));
    }
  }
  if (out.caller != nullptr) {
    const tenant_data& other = out.caller == &w.a ? w.b : w.a;
    for (const auto& [name, id] : other.ids)
      if (used.contains(id)) out.other_ids.insert(id);
  }
  out.req.request_id = "fuzz";
  out.req.remote_address = "192.0.2.1";
  return out;
}

// --- the invariants ----------------------------------------------------------------------------

const std::string* header_of(const response& res, std::string_view lower_name) {
  for (const auto& [name, value] : res.headers)
    if (lower(name) == lower_name) return &value;
  return nullptr;
}

void check_answer(const fuzz_request& f, const response& res) {
  FUZZ_CHECK(res.status >= 200 && res.status < 600);
  if (res.status >= 500) {
    if (res.status != 503 || header_of(res, "retry-after") == nullptr) {
      std::fprintf(stderr, "answer %d: %s\n", res.status, res.body.c_str());
      FUZZ_CHECK(res.status == 503 && header_of(res, "retry-after") != nullptr);
    }
  }
  if (res.status >= 400) {
    (void)energy::fuzz::check_problem_document(res, f.req.request_id);
  } else if (res.content_type.starts_with("application/json") && !res.body.empty()) {
    FUZZ_CHECK(!json::parse(res.body, nullptr, false).is_discarded());
  }
  // (A request may carry the text itself: libFuzzer learns it from the comparison above.)
  FUZZ_CHECK(res.body.find(secret_text) == std::string::npos ||
             f.text.find(secret_text) != std::string::npos);
}

/// What of the other tenant's names and ids reached this caller without its request naming them
/// ("" when nothing did).
std::string leaked(world& w, const fuzz_request& f, const response& res) {
  if (f.caller == nullptr) return {};
  const tenant_data& other = f.caller == &w.a ? w.b : w.a;
  const auto leaks = [&](const std::string& s) {
    if (s.empty() || f.text.find(s) != std::string::npos || f.caller->named.contains(s))
      return false;
    if (res.body.find(s) != std::string::npos) return true;
    for (const auto& [name, value] : res.headers)
      if (value.find(s) != std::string::npos) return true;
    return false;
  };
  if (leaks(other.marker)) return "marker " + other.marker;
  for (const auto& [name, id] : other.ids)
    if (leaks(id)) return name + " " + id;
  for (const auto& id : other.created)
    if (leaks(id)) return "created object " + id;
  return {};
}

void check_isolation(world& w, const fuzz_request& f, const response& res) {
  if (const auto what = leaked(w, f, res); !what.empty()) {
    const tenant_data& other = f.caller == &w.a ? w.b : w.a;
    std::fprintf(stderr, "tenant %s sees tenant %s's %s in: %d %s\n", f.caller->key.c_str(),
                 other.key.c_str(), what.c_str(), res.status, res.body.c_str());
    std::abort();
  }
}

void collect_ids(const json& j, std::set<std::string>& into) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "id" && it->is_string() && uuid::try_parse(it->get<std::string>()))
        into.insert(it->get<std::string>());
      else
        collect_ids(*it, into);
    }
  } else if (j.is_array()) {
    for (const auto& x : j)
      collect_ids(x, into);
  }
}

}  // namespace

/// The isolation check sees what it must: B's marker and ids in an answer to A, unless A named
/// them itself.
void self_test(world& w) {
  const auto probe = decode(w, "GET /api/v1/buildings\nauth: A\n\n");
  FUZZ_CHECK(probe && probe->caller == &w.a && probe->valid_credentials);
  response res;
  res.body = "{\"name\": \"Building " + w.b.marker + "\"}";
  FUZZ_CHECK(!leaked(w, *probe, res).empty());
  res.body = "{\"id\": \"" + w.b.ids.at("sensor") + "\"}";
  FUZZ_CHECK(!leaked(w, *probe, res).empty());
  const auto naming = decode(w, "GET /api/v1/sensors/{B.sensor}\nauth: A\n\n");
  FUZZ_CHECK(naming && naming->other_ids.size() == 1 && leaked(w, *naming, res).empty());
  res.body = "{\"name\": \"Building " + w.a.marker + "\"}";
  FUZZ_CHECK(leaked(w, *probe, res).empty());
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  the_world = build_world();
  self_test(*the_world);
  std::atexit(remove_dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  world& w = *the_world;
  if (w.executions++ % w.reset_every == 0 && w.executions > 1) restore(w);
  const std::string_view input = energy::fuzz::as_text(data, size);
  auto decoded = decode(w, input);
  if (!decoded) return 0;
  fuzz_request& f = *decoded;

  // What the router will find, for the credentials rule (the dispatcher routes its own copy).
  request probe = f.req;
  const auto routed = route_request(*w.routes, probe);
  const bool needs_credentials =
      !routed.refusal && routed.found != nullptr && routed.found->who != access::public_;

  // A request that names the other tenant's objects is compared with the same request naming
  // fresh ids (below); one that writes must start from the same state as its repeat.
  const bool compare = !f.other_ids.empty();
  const bool writes = f.req.method != http_method::get;
  if (compare && writes) restore(w);
  const response res = w.dispatch->handle(f.req, *w.slot);
  if (w.trace) {  // which routes the corpus reaches, and how they answer
    std::fprintf(
        stderr, "trace %d %s %s %s %.160s\n", res.status,
        std::string(to_string(f.req.method)).c_str(),
        routed.found != nullptr ? routed.found->pattern.c_str() : "-",
        f.caller != nullptr ? f.caller->key.c_str() : (f.valid_credentials ? "root" : "none"),
        res.status >= 400 ? res.body.c_str() : "");
  }
  check_answer(f, res);
  if (needs_credentials && !f.valid_credentials) {
    if (res.status != 401)
      std::fprintf(stderr, "no credentials: %d %s\n", res.status, res.body.c_str());
    FUZZ_CHECK(res.status == 401);
  }
  check_isolation(w, f, res);
  if (f.caller != nullptr) {
    const tenant_data& other = f.caller == &w.a ? w.b : w.a;
    const auto note = [&](const std::string& s) {
      if (f.text.find(s) != std::string::npos) f.caller->named.insert(s);
    };
    note(other.marker);
    for (const auto& [name, id] : other.ids)
      note(id);
    for (const auto& id : other.created)
      note(id);
  }
  if (f.caller != nullptr && res.status == 201) {
    const json body = json::parse(res.body, nullptr, false);
    collect_ids(body, f.caller->created);
  }

  // Another tenant's object answers like a missing one: the same request with fresh ids instead.
  if (compare) {
    std::map<std::string, std::string> fresh;
    for (const auto& id : f.other_ids)
      fresh[id] = uuid::v7().to_string();
    auto again = decode(w, input, &fresh);
    FUZZ_CHECK(again.has_value());
    if (writes) restore(w);
    const response missing = w.dispatch->handle(again->req, *w.slot);
    check_answer(*again, missing);
    const auto type_of = [](const response& r) {
      const json body = json::parse(r.body, nullptr, false);
      return body.is_object() && body.contains("type") ? body["type"].dump() : std::string();
    };
    // A login limit reached between the two (429) is no difference between the objects.
    const bool limited = res.status == 429 || missing.status == 429;
    if (!limited && (res.status != missing.status || type_of(res) != type_of(missing))) {
      std::fprintf(stderr, "another tenant's object answers %d %s, a missing one %d %s\n",
                   res.status, res.body.c_str(), missing.status, missing.body.c_str());
      std::abort();
    }
  }
  return 0;
}
