// SPDX-License-Identifier: Apache-2.0
// JSON of alert configs, alerts and job runs as the API shows them, and the strict reading of an
// alert config body (unknown fields, inexact kWh, malformed addresses refused with the field).
#pragma once

#include <nlohmann/json.hpp>

#include "auth/principal.hpp"
#include "jobs/alert_book.hpp"
#include "jobs/alert_rules.hpp"
#include "jobs/outbox.hpp"
#include "jobs/run_ledger.hpp"

namespace energy::server::jobs {

/// The config as the API shows it; the webhook secret never leaves (only whether one is set).
[[nodiscard]] nlohmann::json to_json(const alert_rule& r);
[[nodiscard]] nlohmann::json to_json(const alert_record& a);
[[nodiscard]] nlohmann::json to_json(const notification& n);
/// A job run for `viewer`: the server administrator sees everything; a tenant admin sees the
/// run's timing and state, and counts only where the job keeps them per tenant (alerts).
[[nodiscard]] nlohmann::json to_json(const run_record& r, const principal& viewer);

/**
 * Fills `r`'s settings from a request body (create: all of them; update: a full replacement,
 * so an absent condition is removed). @throws problem_error 422 naming the field (JSON pointer)
 * for unknown fields, wrong types, non-positive or inexact (finer than a watt-hour / watt)
 * quantities, malformed e-mail addresses or URLs, a webhook without a secret, or no condition.
 */
void read_alert_config(const nlohmann::json& body, alert_rule& r);

/// The OpenAPI schemas of the bodies above (inline: the module needs no shared components).
[[nodiscard]] nlohmann::json alert_config_schema(bool for_input);
[[nodiscard]] nlohmann::json alert_schema();
[[nodiscard]] nlohmann::json job_run_schema();

}  // namespace energy::server::jobs
