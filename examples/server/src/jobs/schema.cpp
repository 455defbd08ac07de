// SPDX-License-Identifier: Apache-2.0
#include "jobs/schema.hpp"

namespace energy::server::jobs {

namespace {

// job_runs: one row per (job, period, trigger). The primary key is what makes a scheduled run
// happen once per period: replicas race on INSERT ... ON CONFLICT, and only the winner (or a
// later taker of an expired lease) runs it. `lease_until` is renewed between steps.
//
// server_alert_configs: the seed's alert_configs (threshold per window, e-mail, enabled) plus the
// other conditions, one nullable column each; a config holds one or more conditions. (The
// library's own alert_configs table keeps the seed's narrower shape.)
//
// alerts: history. The partial unique index allows one unresolved alert per (config, condition),
// so two evaluations racing cannot open a second one.
//
// notification_outbox: written in the same transaction as the alert change it announces, so an
// alert is never opened without its notifications; delivered later by the delivery worker.
constexpr const char* v1 = R"sql(CREATE TABLE job_runs (
  job TEXT NOT NULL,
  period_start BIGINT NOT NULL,
  run_trigger TEXT NOT NULL,
  owner TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  lease_until BIGINT NOT NULL,
  counts TEXT,
  error TEXT,
  PRIMARY KEY (job, period_start, run_trigger)
);
CREATE INDEX job_runs_by_start ON job_runs (started_at);
CREATE TABLE server_alert_configs (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  building_id TEXT NOT NULL,
  name TEXT NOT NULL,
  threshold_milli BIGINT,
  alert_window TEXT NOT NULL,
  peak_w BIGINT,
  gap_seconds BIGINT,
  flatline_seconds BIGINT,
  deviation_percent BIGINT,
  emails TEXT NOT NULL,
  webhook_url TEXT,
  webhook_secret TEXT,
  is_enabled INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX server_alert_configs_by_building ON server_alert_configs (tenant_id, building_id);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  building_id TEXT NOT NULL,
  config_id TEXT NOT NULL,
  condition TEXT NOT NULL,
  state TEXT NOT NULL,
  severity TEXT NOT NULL,
  summary TEXT NOT NULL,
  details TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by TEXT,
  ack_comment TEXT,
  resolved_at BIGINT
);
CREATE UNIQUE INDEX alerts_one_unresolved ON alerts (config_id, condition) WHERE state <> 'resolved';
CREATE INDEX alerts_by_tenant ON alerts (tenant_id, state, opened_at);
CREATE TABLE notification_outbox (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  alert_id TEXT NOT NULL,
  event TEXT NOT NULL,
  channel TEXT NOT NULL,
  target TEXT NOT NULL,
  secret TEXT,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX notification_outbox_due ON notification_outbox (state, next_attempt_at))sql";

}  // namespace

void migrate(db::connection& c) {
  const db::migration steps[] = {{1, v1, ""}};
  db::migrate(c, "jobs", steps);
}

}  // namespace energy::server::jobs
