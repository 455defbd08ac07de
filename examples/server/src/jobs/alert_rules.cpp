// SPDX-License-Identifier: Apache-2.0
#include "jobs/alert_rules.hpp"
#include "http/json_text.hpp"

#include <nlohmann/json.hpp>

namespace energy::server::jobs {

std::string_view to_string(condition c) noexcept {
  switch (c) {
    case condition::threshold:
      return "threshold";
    case condition::peak_demand:
      return "peak_demand";
    case condition::data_gap:
      return "data_gap";
    case condition::flatline:
      return "flatline";
    case condition::baseline_deviation:
      return "baseline_deviation";
  }
  return "threshold";
}

std::optional<condition> parse_condition(std::string_view s) noexcept {
  for (auto c : {condition::threshold, condition::peak_demand, condition::data_gap,
                 condition::flatline, condition::baseline_deviation})
    if (to_string(c) == s) return c;
  return std::nullopt;
}

std::vector<condition> alert_rule::conditions() const {
  std::vector<condition> out;
  if (threshold) out.push_back(condition::threshold);
  if (peak_demand) out.push_back(condition::peak_demand);
  if (gap_seconds) out.push_back(condition::data_gap);
  if (flatline_seconds) out.push_back(condition::flatline);
  if (deviation_percent) out.push_back(condition::baseline_deviation);
  return out;
}

namespace {

constexpr const char* columns =
    "id, tenant_id, building_id, name, threshold_milli, alert_window, peak_w, gap_seconds, "
    "flatline_seconds, deviation_percent, emails, webhook_url, webhook_secret, is_enabled, "
    "created_at, updated_at";

db::value opt(const std::optional<std::int64_t>& v) {
  return v ? db::value{*v} : db::value{};
}
db::value opt(const std::optional<std::string>& v) {
  return v ? db::value{*v} : db::value{};
}

alert_window parse_window(const std::string& s) {
  for (auto w : {alert_window::quarter_hour, alert_window::hour, alert_window::day})
    if (energy::to_string(w) == s) return w;
  throw storage_error("server_alert_configs: unknown alert_window '" + s + "'", false);
}

alert_rule read_rule(const db::row& r) {
  alert_rule a;
  a.id = uuid::parse(r.text(0));
  a.tenant_id = uuid::parse(r.text(1));
  a.building_id = uuid::parse(r.text(2));
  a.name = r.text(3);
  a.threshold = r.opt_integer(4);
  a.window = parse_window(r.text(5));
  a.peak_demand = r.opt_integer(6);
  a.gap_seconds = r.opt_integer(7);
  a.flatline_seconds = r.opt_integer(8);
  a.deviation_percent = r.opt_integer(9);
  const auto emails = nlohmann::json::parse(r.text(10), nullptr, false);
  if (emails.is_array())
    for (const auto& e : emails)
      if (e.is_string()) a.emails.push_back(e.get<std::string>());
  a.webhook_url = r.opt_text(11);
  a.webhook_secret = r.opt_text(12);
  a.enabled = r.integer(13) != 0;
  a.created_at = r.integer(14);
  a.updated_at = r.integer(15);
  return a;
}

std::vector<db::value> params_of(const alert_rule& a) {
  return {a.id.to_string(),
          a.tenant_id.to_string(),
          a.building_id.to_string(),
          a.name,
          opt(a.threshold),
          std::string(energy::to_string(a.window)),
          opt(a.peak_demand),
          opt(a.gap_seconds),
          opt(a.flatline_seconds),
          opt(a.deviation_percent),
          json_text(nlohmann::json(a.emails)),
          opt(a.webhook_url),
          opt(a.webhook_secret),
          std::int64_t{a.enabled ? 1 : 0},
          a.created_at,
          a.updated_at};
}

}  // namespace

void alert_rules::insert(const alert_rule& r) {
  db_.exec(std::string("INSERT INTO server_alert_configs (") + columns +
               ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
               "$16)",
           params_of(r));
}

bool alert_rules::update(const alert_rule& r) {
  // created_at is kept as stored; the tenant ($2) scopes the update.
  auto params = params_of(r);
  params.erase(params.begin() + 14);  // created_at: $15 becomes updated_at
  return db_.exec(
             "UPDATE server_alert_configs SET building_id = $3, name = $4, threshold_milli = $5, "
             "alert_window = $6, peak_w = $7, gap_seconds = $8, flatline_seconds = $9, "
             "deviation_percent = $10, emails = $11, webhook_url = $12, webhook_secret = $13, "
             "is_enabled = $14, updated_at = $15 WHERE id = $1 AND tenant_id = $2",
             params) == 1;
}

bool alert_rules::remove(const uuid& tenant_id, const uuid& id) {
  return db_.exec("DELETE FROM server_alert_configs WHERE id = $1 AND tenant_id = $2",
                  {id.to_string(), tenant_id.to_string()}) == 1;
}

std::optional<alert_rule> alert_rules::get(const uuid& tenant_id, const uuid& id) {
  const auto rows = db_.query(std::string("SELECT ") + columns +
                                  " FROM server_alert_configs WHERE id = $1 AND tenant_id = $2",
                              {id.to_string(), tenant_id.to_string()});
  if (rows.empty()) return std::nullopt;
  return read_rule(rows.front());
}

std::vector<alert_rule> alert_rules::for_building(const uuid& tenant_id, const uuid& building_id) {
  std::vector<alert_rule> out;
  for (const auto& r :
       db_.query(std::string("SELECT ") + columns +
                     " FROM server_alert_configs WHERE tenant_id = $1 AND building_id = $2 "
                     "ORDER BY created_at, id",
                 {tenant_id.to_string(), building_id.to_string()}))
    out.push_back(read_rule(r));
  return out;
}

std::vector<alert_rule> alert_rules::all_enabled() {
  std::vector<alert_rule> out;
  for (const auto& r : db_.query(std::string("SELECT ") + columns +
                                 " FROM server_alert_configs WHERE is_enabled = 1 "
                                 "ORDER BY building_id, id"))
    out.push_back(read_rule(r));
  return out;
}

}  // namespace energy::server::jobs
