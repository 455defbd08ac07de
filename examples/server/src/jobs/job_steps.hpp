// SPDX-License-Identifier: Apache-2.0
// The three scheduled jobs as functions of a step context. Each works in steps (an aggregation
// round, one building's alerts, the retention call) and calls `checkpoint()` between steps, which
// renews the lease and says whether to stop (shutdown): so stop() finishes the running step and
// no more, and a lease lost to another replica stops the work at once.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include <energy/storage/store.hpp>
#include <energy/time.hpp>

#include "db/sql.hpp"
#include "jobs/settings.hpp"

namespace energy::server::jobs {

struct step_context {
  storage::store& store;
  db::connection& db;
  utc_seconds now;
  /// Renews the lease; true when the job should stop after the step it just finished.
  /// @throws lease_lost when another replica holds the run now.
  std::function<bool()> checkpoint;
};

/// The lease of a run expired and another replica took it: this one must stop working on it.
class lease_lost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a job did. `counts` is recorded with the run; `error` makes the run failed (retried);
/// `busy` means another process held the job's own lock; `interrupted` that it stopped early for
/// shutdown (the next run continues where it stopped).
struct job_result {
  nlohmann::json counts = nlohmann::json::object();
  std::optional<std::string> error;
  bool busy = false;
  bool interrupted = false;
};

/// Incremental aggregation (aggregate::refresh_summaries), one round per step until the backlog
/// is below one round.
[[nodiscard]] job_result run_aggregation(step_context& ctx);
/// Alert evaluation of every enabled config, one building per step. counts has per-tenant
/// entries under "tenants".
[[nodiscard]] job_result run_alert_evaluation(step_context& ctx);
/// Retention and archive (archive::run_retention) of the database `db_uri` into
/// `settings.archive`.
[[nodiscard]] job_result run_retention_job(step_context& ctx, const settings& s,
                                           std::string_view db_uri);

}  // namespace energy::server::jobs
