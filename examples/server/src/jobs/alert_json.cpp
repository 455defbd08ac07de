// SPDX-License-Identifier: Apache-2.0
#include "jobs/alert_json.hpp"

#include <algorithm>
#include <cmath>

#include "http/enum_json.hpp"
#include "http/message.hpp"

namespace energy::server::jobs {

namespace {

constexpr std::size_t max_emails = 20;
constexpr std::int64_t max_minutes = 30 * 24 * 60;

nlohmann::json opt_time(const std::optional<epoch_seconds>& t) {
  return t ? nlohmann::json(format_utc(from_epoch(*t))) : nlohmann::json();
}

std::string pointer(std::string_view name) {
  return "/" + std::string(name);
}

/// kWh or kW as a decimal string ("12.5") or a JSON number, exact to the milli-unit: a finer
/// value would be rounded, which is a plausible wrong threshold, so it is refused.
std::optional<milli> read_milli(const nlohmann::json& body, std::string_view name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  std::optional<milli> v;
  if (it->is_string()) {
    v = parse_milli(it->get<std::string>());
  } else if (it->is_number()) {
    const double d = it->get<double>();
    v = to_milli(d);
    if (v && std::abs(d * 1000.0 - static_cast<double>(*v)) > 1e-6 * std::max(1.0, std::abs(d)))
      throw_unprocessable(std::string(name) + " is finer than three decimals", pointer(name));
  }
  if (!v)
    throw_unprocessable(std::string(name) + " must be a decimal number (string or JSON number)",
                        pointer(name));
  if (*v <= 0) throw_unprocessable(std::string(name) + " must be positive", pointer(name));
  return v;
}

std::optional<std::int64_t> read_int(const nlohmann::json& body, std::string_view name,
                                     std::int64_t min, std::int64_t max) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer())
    throw_unprocessable(std::string(name) + " must be a whole number", pointer(name));
  const auto v = it->get<std::int64_t>();
  if (v < min || v > max)
    throw_unprocessable(
        std::string(name) + " must be from " + std::to_string(min) + " to " + std::to_string(max),
        pointer(name));
  return v;
}

std::optional<std::string> read_string(const nlohmann::json& body, std::string_view name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw_unprocessable(std::string(name) + " must be a string", pointer(name));
  return it->get<std::string>();
}

bool has_space_or_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

/// A plain addr-spec: local@domain, no spaces, controls, angle brackets or commas (they would
/// let a value add recipients or headers).
bool plausible_email(std::string_view s) {
  const auto at = s.find('@');
  return s.size() <= 254 && at != std::string_view::npos && at > 0 && at + 1 < s.size() &&
         s.find('@', at + 1) == std::string_view::npos && !has_space_or_control(s) &&
         s.find_first_of("<>,;\"") == std::string_view::npos &&
         s.find('.', at) != std::string_view::npos;
}

}  // namespace

nlohmann::json to_json(const alert_rule& r) {
  nlohmann::json conditions = nlohmann::json::array();
  for (auto c : r.conditions())
    conditions.push_back(to_string(c));
  return {
      {"id", r.id.to_string()},
      {"building_id", r.building_id.to_string()},
      {"name", r.name},
      {"conditions", conditions},
      {"threshold_kwh",
       r.threshold ? nlohmann::json(format_milli(*r.threshold)) : nlohmann::json()},
      {"window", energy::to_string(r.window)},
      {"peak_kw", r.peak_demand ? nlohmann::json(format_milli(*r.peak_demand)) : nlohmann::json()},
      {"data_gap_minutes", r.gap_seconds ? nlohmann::json(*r.gap_seconds / 60) : nlohmann::json()},
      {"flatline_minutes",
       r.flatline_seconds ? nlohmann::json(*r.flatline_seconds / 60) : nlohmann::json()},
      {"baseline_deviation_percent",
       r.deviation_percent ? nlohmann::json(*r.deviation_percent) : nlohmann::json()},
      {"notification_emails", r.emails},
      {"webhook_url", r.webhook_url ? nlohmann::json(*r.webhook_url) : nlohmann::json()},
      {"webhook_secret_set", r.webhook_secret.has_value()},
      {"is_enabled", r.enabled},
      {"created_at", format_utc(from_epoch(r.created_at))},
      {"updated_at", format_utc(from_epoch(r.updated_at))}};
}

nlohmann::json to_json(const alert_record& a) {
  return {{"id", a.id.to_string()},
          {"building_id", a.building_id.to_string()},
          {"config_id", a.config_id.to_string()},
          {"condition", to_string(a.what)},
          {"state", a.state},
          {"severity", a.severity},
          {"summary", a.summary},
          {"details", a.details},
          {"opened_at", format_utc(from_epoch(a.opened_at))},
          {"last_seen_at", format_utc(from_epoch(a.last_seen_at))},
          {"acknowledged_at", opt_time(a.acknowledged_at)},
          {"acknowledged_by",
           a.acknowledged_by ? nlohmann::json(*a.acknowledged_by) : nlohmann::json()},
          {"ack_comment", a.ack_comment ? nlohmann::json(*a.ack_comment) : nlohmann::json()},
          {"resolved_at", opt_time(a.resolved_at)}};
}

nlohmann::json to_json(const notification& n) {
  return {{"id", n.id.to_string()},
          {"event", n.event},
          {"channel", to_string(n.channel)},
          {"target", n.target},
          {"state", n.state},
          {"attempts", n.attempts},
          {"last_error", n.last_error ? nlohmann::json(*n.last_error) : nlohmann::json()},
          {"created_at", format_utc(from_epoch(n.created_at))},
          {"sent_at", opt_time(n.sent_at)}};
}

nlohmann::json to_json(const run_record& r, const principal& viewer) {
  nlohmann::json out = {{"job", r.key.job},
                        {"period_start", format_utc(from_epoch(r.key.period_start))},
                        {"trigger", to_string(r.key.trigger)},
                        {"state", to_string(r.state)},
                        {"attempts", r.attempts},
                        {"started_at", format_utc(from_epoch(r.started_at))},
                        {"finished_at", opt_time(r.finished_at)}};
  if (viewer.who == role::server_admin) {
    out["owner"] = r.owner;
    out["counts"] = r.counts;
    out["error"] = r.error ? nlohmann::json(*r.error) : nlohmann::json();
    return out;
  }
  // Aggregation and retention counts are totals over every tenant, and error texts may name
  // other tenants' objects: a tenant admin sees only the alert counts of its own tenant.
  const auto tenants = r.counts.find("tenants");
  const std::string own = viewer.tenant_id.to_string();
  if (tenants != r.counts.end() && tenants->is_object())
    out["counts"] = tenants->contains(own) ? (*tenants)[own] : nlohmann::json::object();
  else
    out["counts"] = nullptr;
  return out;
}

void read_alert_config(const nlohmann::json& body, alert_rule& r) {
  static constexpr std::string_view allowed[] = {"name",
                                                 "threshold_kwh",
                                                 "window",
                                                 "peak_kw",
                                                 "data_gap_minutes",
                                                 "flatline_minutes",
                                                 "baseline_deviation_percent",
                                                 "notification_emails",
                                                 "notification_email",
                                                 "webhook_url",
                                                 "webhook_secret",
                                                 "is_enabled"};
  for (const auto& [key, value] : body.items())
    if (std::find(std::begin(allowed), std::end(allowed), key) == std::end(allowed))
      throw_unprocessable("unknown field '" + key + "'", pointer(key));

  const auto name = read_string(body, "name");
  if (!name || name->empty() || name->size() > 200)
    throw_unprocessable("name is required (1 to 200 characters)", "/name");
  r.name = *name;
  r.threshold = read_milli(body, "threshold_kwh");
  r.window = alert_window::hour;
  if (const auto w = read_string(body, "window")) {
    try {
      r.window = parse<alert_window>(*w);
    } catch (const parse_error& e) {
      throw_unprocessable(e.what(), "/window");
    }
  }
  r.peak_demand = read_milli(body, "peak_kw");
  const auto gap = read_int(body, "data_gap_minutes", 15, max_minutes);
  r.gap_seconds = gap ? std::optional<std::int64_t>(*gap * 60) : std::nullopt;
  const auto flat = read_int(body, "flatline_minutes", 0, max_minutes);
  if (flat && *flat != 0 && *flat < 60)
    throw_unprocessable("flatline_minutes must be 0 (automatic) or at least 60",
                        "/flatline_minutes");
  r.flatline_seconds = flat ? std::optional<std::int64_t>(*flat * 60) : std::nullopt;
  r.deviation_percent = read_int(body, "baseline_deviation_percent", 1, 1000);
  if (r.conditions().empty())
    throw_unprocessable(
        "set at least one condition: threshold_kwh, peak_kw, data_gap_minutes, "
        "flatline_minutes or baseline_deviation_percent");

  r.emails.clear();
  if (const auto one = read_string(body, "notification_email")) r.emails.push_back(*one);
  if (const auto it = body.find("notification_emails"); it != body.end() && !it->is_null()) {
    if (!it->is_array())
      throw_unprocessable("notification_emails must be an array of addresses",
                          "/notification_emails");
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string())
        throw_unprocessable("an address must be a string",
                            "/notification_emails/" + std::to_string(i));
      r.emails.push_back((*it)[i].get<std::string>());
    }
  }
  for (std::size_t i = 0; i < r.emails.size(); ++i)
    if (!plausible_email(r.emails[i]))
      throw_unprocessable("'" + r.emails[i] + "' is not an e-mail address (local@domain)",
                          body.contains("notification_emails")
                              ? "/notification_emails/" + std::to_string(i)
                              : std::string("/notification_email"));
  if (r.emails.size() > max_emails)
    throw_unprocessable("at most 20 addresses", "/notification_emails");

  r.webhook_url = read_string(body, "webhook_url");
  r.webhook_secret = read_string(body, "webhook_secret");
  if (r.webhook_url) {
    const auto& u = *r.webhook_url;
    if ((!u.starts_with("https://") && !u.starts_with("http://")) || u.size() > 2048 ||
        has_space_or_control(u))
      throw_unprocessable("webhook_url must be an http:// or https:// URL", "/webhook_url");
    // Unsigned webhooks cannot be told apart from forgeries by the receiver: a secret is
    // required.
    if (!r.webhook_secret || r.webhook_secret->size() < 16)
      throw_unprocessable("a webhook needs webhook_secret (at least 16 characters)",
                          "/webhook_secret");
  } else if (r.webhook_secret) {
    throw_unprocessable("webhook_secret without webhook_url", "/webhook_secret");
  }
  if (const auto it = body.find("is_enabled"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) throw_unprocessable("is_enabled must be true or false", "/is_enabled");
    r.enabled = it->get<bool>();
  } else {
    r.enabled = true;
  }
}

nlohmann::json alert_config_schema(bool for_input) {
  const nlohmann::json decimal = {{"oneOf", {{{"type", "string"}}, {{"type", "number"}}}},
                                  {"description", "decimal, at most three decimals"}};
  const nlohmann::json nullable_int = {{"type", {"integer", "null"}}};
  nlohmann::json props = {
      {"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
      {"threshold_kwh", decimal},
      {"window", {{"type", "string"}, {"enum", enum_names_json<alert_window>()}}},
      {"peak_kw", decimal},
      {"data_gap_minutes", {{"type", "integer"}, {"minimum", 15}}},
      {"flatline_minutes",
       {{"type", "integer"}, {"minimum", 0}, {"description", "0 = automatic length"}}},
      {"baseline_deviation_percent", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}},
      {"notification_emails",
       {{"type", "array"}, {"items", {{"type", "string"}, {"format", "email"}}}, {"maxItems", 20}}},
      {"webhook_url", {{"type", "string"}, {"format", "uri"}}},
      {"is_enabled", {{"type", "boolean"}}}};
  if (for_input) {
    props["notification_email"] = {
        {"type", "string"},
        {"format", "email"},
        {"description", "one address (notification_emails takes several)"}};
    props["webhook_secret"] = {{"type", "string"}, {"minLength", 16}, {"writeOnly", true}};
    return {{"type", "object"},
            {"required", {"name"}},
            {"additionalProperties", false},
            {"properties", props}};
  }
  props["id"] = {{"type", "string"}, {"format", "uuid"}};
  props["building_id"] = {{"type", "string"}, {"format", "uuid"}};
  props["conditions"] = {{"type", "array"}, {"items", {{"type", "string"}}}};
  props["threshold_kwh"] = {{"type", {"string", "null"}}};
  props["peak_kw"] = {{"type", {"string", "null"}}};
  props["data_gap_minutes"] = nullable_int;
  props["flatline_minutes"] = nullable_int;
  props["baseline_deviation_percent"] = nullable_int;
  props["webhook_url"] = {{"type", {"string", "null"}}};
  props["webhook_secret_set"] = {{"type", "boolean"}};
  props["created_at"] = {{"type", "string"}, {"format", "date-time"}};
  props["updated_at"] = {{"type", "string"}, {"format", "date-time"}};
  return {{"type", "object"}, {"properties", props}};
}

nlohmann::json alert_schema() {
  const nlohmann::json time = {{"type", "string"}, {"format", "date-time"}};
  const nlohmann::json opt_time_schema = {{"type", {"string", "null"}}, {"format", "date-time"}};
  return {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "string"}, {"format", "uuid"}}},
        {"building_id", {{"type", "string"}, {"format", "uuid"}}},
        {"config_id", {{"type", "string"}, {"format", "uuid"}}},
        {"condition",
         {{"type", "string"},
          {"enum", {"threshold", "peak_demand", "data_gap", "flatline", "baseline_deviation"}}}},
        {"state", {{"type", "string"}, {"enum", {"open", "acknowledged", "resolved"}}}},
        {"severity", {{"type", "string"}, {"enum", enum_names_json<anomaly::severity>()}}},
        {"summary", {{"type", "string"}}},
        {"details", {{"type", "object"}}},
        {"opened_at", time},
        {"last_seen_at", time},
        {"acknowledged_at", opt_time_schema},
        {"acknowledged_by", {{"type", {"string", "null"}}}},
        {"ack_comment", {{"type", {"string", "null"}}}},
        {"resolved_at", opt_time_schema},
        {"notifications", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}};
}

nlohmann::json job_run_schema() {
  return {
      {"type", "object"},
      {"properties",
       {{"job", {{"type", "string"}, {"enum", {"aggregate", "alerts", "retention"}}}},
        {"period_start", {{"type", "string"}, {"format", "date-time"}}},
        {"trigger", {{"type", "string"}, {"enum", {"schedule", "manual"}}}},
        {"state", {{"type", "string"}, {"enum", {"running", "succeeded", "failed", "busy"}}}},
        {"attempts", {{"type", "integer"}}},
        {"started_at", {{"type", "string"}, {"format", "date-time"}}},
        {"finished_at", {{"type", {"string", "null"}}, {"format", "date-time"}}},
        {"counts", {{"type", {"object", "null"}}}},
        {"owner", {{"type", "string"}, {"description", "server administrator only"}}},
        {"error", {{"type", {"string", "null"}}, {"description", "server administrator only"}}}}}};
}

}  // namespace energy::server::jobs
