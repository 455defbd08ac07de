// SPDX-License-Identifier: Apache-2.0
#include "jobs/alert_book.hpp"
#include "http/json_text.hpp"

#include <energy/anomaly/anomaly.hpp>

#include "jobs/mqtt_channel.hpp"
#include "jobs/outbox.hpp"

namespace energy::server::jobs {

namespace {

constexpr const char* columns =
    "id, tenant_id, building_id, config_id, condition, state, severity, summary, details, "
    "opened_at, last_seen_at, acknowledged_at, acknowledged_by, ack_comment, resolved_at";

alert_record read_row(const db::row& r) {
  alert_record a;
  a.id = uuid::parse(r.text(0));
  a.tenant_id = uuid::parse(r.text(1));
  a.building_id = uuid::parse(r.text(2));
  a.config_id = uuid::parse(r.text(3));
  a.what = parse_condition(r.text(4)).value_or(condition::threshold);
  a.state = r.text(5);
  a.severity = r.text(6);
  a.summary = r.text(7);
  a.details = nlohmann::json::parse(r.text(8), nullptr, false);
  if (a.details.is_discarded()) a.details = nlohmann::json::object();
  a.opened_at = r.integer(9);
  a.last_seen_at = r.integer(10);
  a.acknowledged_at = r.opt_integer(11);
  a.acknowledged_by = r.opt_text(12);
  a.ack_comment = r.opt_text(13);
  a.resolved_at = r.opt_integer(14);
  return a;
}

std::optional<alert_record> unresolved(db::connection& db, const uuid& config_id, condition c) {
  const auto rows = db.query(std::string("SELECT ") + columns +
                                 " FROM alerts WHERE config_id = $1 AND condition = $2 AND "
                                 "state <> 'resolved'",
                             {config_id.to_string(), std::string(to_string(c))});
  if (rows.empty()) return std::nullopt;
  return read_row(rows.front());
}

nlohmann::json webhook_document(const alert_record& a, std::string_view event,
                                const alert_rule& rule) {
  nlohmann::json alert = {{"id", a.id.to_string()},
                          {"tenant_id", a.tenant_id.to_string()},
                          {"building_id", a.building_id.to_string()},
                          {"config_id", a.config_id.to_string()},
                          {"config_name", rule.name},
                          {"condition", to_string(a.what)},
                          {"state", a.state},
                          {"severity", a.severity},
                          {"summary", a.summary},
                          {"details", a.details},
                          {"opened_at", format_utc(from_epoch(a.opened_at))}};
  if (a.resolved_at) alert["resolved_at"] = format_utc(from_epoch(*a.resolved_at));
  return {{"event", event}, {"alert", alert}};
}

}  // namespace

void alert_book::notify(const alert_rule& rule, const alert_record& a, std::string_view event,
                        epoch_seconds now) {
  outbox box(db_);
  const bool opened = event == "alert.opened";
  const std::string subject = std::string("[energy] ") + (opened ? "Alert: " : "Resolved: ") +
                              rule.name + " (" + std::string(to_string(a.what)) + ")";
  std::string text = (opened ? "Alert opened " : "Alert resolved ") +
                     format_utc(from_epoch(opened ? a.opened_at : now)) + "\r\n\r\n" + a.summary +
                     "\r\n\r\nConfig: " + rule.name + " (" + rule.id.to_string() +
                     ")\r\nBuilding: " + a.building_id.to_string() +
                     "\r\nAlert: " + a.id.to_string() + "\r\nSeverity: " + a.severity + "\r\n";
  notification n{.tenant_id = a.tenant_id,
                 .alert_id = a.id,
                 .event = std::string(event),
                 .subject = subject,
                 .next_attempt_at = now,
                 .created_at = now};
  for (const auto& address : rule.emails) {
    n.id = uuid::v7();
    n.channel = channel::email;
    n.target = address;
    n.secret.reset();
    n.body = text;
    box.enqueue(n);
  }
  if (rule.webhook_url) {
    n.id = uuid::v7();
    n.channel = channel::webhook;
    n.target = *rule.webhook_url;
    n.secret = rule.webhook_secret;
    n.body = json_text(webhook_document(a, event, rule));
    box.enqueue(n);
  }
  if (const auto* mqtt = installed_mqtt_channel()) {  // ENERGY_MQTT_ALERT_TOPIC: every alert
    n.id = uuid::v7();
    n.channel = channel::mqtt;
    n.target = mqtt->topic_for(a.tenant_id, a.building_id);
    n.secret.reset();
    n.body = json_text(webhook_document(a, event, rule));
    box.enqueue(n);
  }
}

alert_change alert_book::apply(const alert_rule& rule, const finding& f, epoch_seconds now) {
  if (f.error) return alert_change::none;
  auto current = unresolved(db_, rule.id, f.what);
  if (f.holds && current) {
    db_.exec(
        "UPDATE alerts SET last_seen_at = $2, summary = $3, details = $4, severity = $5 "
        "WHERE id = $1",
        {current->id.to_string(), now, f.summary, json_text(f.details),
         std::string(anomaly::to_string(f.severity))});
    return alert_change::still_open;
  }
  if (f.holds) {
    alert_record a{.id = uuid::v7(),
                   .tenant_id = rule.tenant_id,
                   .building_id = rule.building_id,
                   .config_id = rule.id,
                   .what = f.what,
                   .state = "open",
                   .severity = std::string(anomaly::to_string(f.severity)),
                   .summary = f.summary,
                   .details = f.details,
                   .opened_at = now,
                   .last_seen_at = now};
    // The partial unique index refuses a second unresolved alert if another evaluation won a
    // race: that surfaces as constraint_violation and the transaction rolls back.
    db_.exec(std::string("INSERT INTO alerts (") + columns +
                 ") VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $9, NULL, NULL, NULL, "
                 "NULL)",
             {a.id.to_string(), a.tenant_id.to_string(), a.building_id.to_string(),
              a.config_id.to_string(), std::string(to_string(a.what)), a.severity, a.summary,
              json_text(a.details), now});
    notify(rule, a, "alert.opened", now);
    return alert_change::opened;
  }
  if (current) {
    db_.exec("UPDATE alerts SET state = 'resolved', resolved_at = $2 WHERE id = $1",
             {current->id.to_string(), now});
    current->state = "resolved";
    current->resolved_at = now;
    current->summary = current->summary + " — resolved: " + f.summary;
    notify(rule, *current, "alert.resolved", now);
    return alert_change::resolved;
  }
  return alert_change::none;
}

std::vector<alert_record> alert_book::list(
    const uuid& tenant_id, const std::optional<std::string>& state, std::size_t limit,
    const std::optional<std::pair<epoch_seconds, std::string>>& before) {
  std::vector<db::value> params{tenant_id.to_string(), static_cast<std::int64_t>(limit)};
  std::string sql = std::string("SELECT ") + columns + " FROM alerts WHERE tenant_id = $1";
  if (state) {
    params.emplace_back(*state);
    sql += " AND state = $" + std::to_string(params.size());
  }
  if (before) {
    params.emplace_back(before->first);
    const auto t = params.size();
    params.emplace_back(before->second);
    const auto i = params.size();
    sql += " AND (opened_at < $" + std::to_string(t) + " OR (opened_at = $" + std::to_string(t) +
           " AND id < $" + std::to_string(i) + "))";
  }
  sql += " ORDER BY opened_at DESC, id DESC LIMIT $2";
  std::vector<alert_record> out;
  for (const auto& r : db_.query(sql, params))
    out.push_back(read_row(r));
  return out;
}

std::optional<alert_record> alert_book::get(const uuid& tenant_id, const uuid& id) {
  const auto rows =
      db_.query(std::string("SELECT ") + columns + " FROM alerts WHERE id = $1 AND tenant_id = $2",
                {id.to_string(), tenant_id.to_string()});
  if (rows.empty()) return std::nullopt;
  return read_row(rows.front());
}

std::int64_t alert_book::close_unjudged(const uuid& tenant_id, const uuid& config_id,
                                        const std::vector<condition>& still_judged,
                                        epoch_seconds now) {
  std::vector<db::value> params{config_id.to_string(), tenant_id.to_string(), now};
  std::string sql =
      "UPDATE alerts SET state = 'resolved', resolved_at = $3, summary = summary || "
      "' (closed: its config no longer evaluates this condition)' WHERE config_id = $1 AND "
      "tenant_id = $2 AND state <> 'resolved'";
  for (const auto c : still_judged) {
    params.emplace_back(std::string(to_string(c)));
    sql += " AND condition <> $" + std::to_string(params.size());
  }
  return db_.exec(sql, params);
}

std::optional<alert_record> alert_book::acknowledge(const uuid& tenant_id, const uuid& id,
                                                    const std::string& who,
                                                    const std::string& comment, epoch_seconds now) {
  db_.exec(
      "UPDATE alerts SET state = 'acknowledged', acknowledged_at = $3, acknowledged_by = $4, "
      "ack_comment = $5 WHERE id = $1 AND tenant_id = $2 AND state = 'open'",
      {id.to_string(), tenant_id.to_string(), now, who, comment});
  return get(tenant_id, id);
}

}  // namespace energy::server::jobs
