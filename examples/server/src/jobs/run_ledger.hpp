// SPDX-License-Identifier: Apache-2.0
// The job_runs table: the record of every job run and, at the same time, the lease that makes a
// scheduled run happen once per period across replicas sharing one database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <energy/time.hpp>

#include "db/sql.hpp"

namespace energy::server::jobs {

/// How a run was started: by the clock (one per period) or by an administrator (one per call).
enum class run_trigger : std::uint8_t { schedule, manual };

/// running: someone holds the lease; succeeded: the period is done for good; failed: retried
/// after the retry delay; busy: another process held the job's own lock (retention), retried too.
enum class run_state : std::uint8_t { running, succeeded, failed, busy };

[[nodiscard]] std::string_view to_string(run_trigger t) noexcept;
[[nodiscard]] std::string_view to_string(run_state s) noexcept;

/// Identity of one run: the job, the UTC start of its period (a manual run uses its start time)
/// and the trigger.
struct run_key {
  std::string job;
  epoch_seconds period_start = 0;
  run_trigger trigger = run_trigger::schedule;
};

struct run_record {
  run_key key;
  std::string owner;  ///< replica that ran (or runs) it: host:pid:random
  run_state state = run_state::running;
  std::int64_t attempts = 0;  ///< > 1 when a failed run was retried or an expired lease taken over
  epoch_seconds started_at = 0;
  std::optional<epoch_seconds> finished_at;
  epoch_seconds lease_until = 0;
  nlohmann::json counts = nlohmann::json::object();
  std::optional<std::string> error;
};

/**
 * Leases on one connection (not thread-safe, like the connection). Every method is a single
 * statement, atomic on SQLite and PostgreSQL alike, so two replicas racing for a period cannot
 * both win. @throws storage_error from the database.
 */
class run_ledger {
 public:
  run_ledger(db::connection& db, std::string owner) : db_(db), owner_(std::move(owner)) {}

  /// Takes the run `key` at `now` with a lease until `now + lease_seconds`. True when this owner
  /// now holds it: the run was never started, or it failed/was busy and its retry delay passed,
  /// or its holder's lease expired (the holder died mid-run; the jobs are idempotent, so taking
  /// over finishes what it left). False when it succeeded already or is held by a live lease.
  [[nodiscard]] bool try_acquire(const run_key& key, epoch_seconds now, std::int64_t lease_seconds);
  /// Extends the lease. False when this owner no longer holds the run (its lease expired and
  /// another replica took it): the caller must stop working on it.
  [[nodiscard]] bool renew(const run_key& key, epoch_seconds now, std::int64_t lease_seconds);
  /// Records the outcome. `retry_at` is when a failed/busy run may be taken again (ignored for
  /// succeeded). False when the lease was lost meanwhile (nothing recorded).
  bool finish(const run_key& key, run_state outcome, const nlohmann::json& counts,
              const std::optional<std::string>& error, epoch_seconds now, epoch_seconds retry_at);
  /// Runs started in [since, until), newest first, at most `limit` (optionally one job only).
  [[nodiscard]] std::vector<run_record> list(epoch_seconds since, epoch_seconds until,
                                             std::size_t limit,
                                             const std::optional<std::string>& job = {});
  [[nodiscard]] std::optional<run_record> get(const run_key& key);

  [[nodiscard]] const std::string& owner() const noexcept { return owner_; }

 private:
  db::connection& db_;
  std::string owner_;
};

/// A fresh owner name for this process: host name, pid and a random suffix.
[[nodiscard]] std::string make_owner_name();

}  // namespace energy::server::jobs
