// SPDX-License-Identifier: Apache-2.0
// jobs::service: the in-process scheduler (hourly aggregation, alert evaluation every 15 minutes,
// daily retention), the notification delivery worker, and manual runs for administrators.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <energy/storage/store.hpp>
#include <energy/time.hpp>

#include "db/sql.hpp"
#include "jobs/run_ledger.hpp"
#include "jobs/settings.hpp"

namespace energy::server {
class metrics;
class logger;
}  // namespace energy::server

namespace energy::server::jobs {

/// A scheduled job: runs once per period of `period` seconds, periods starting at
/// `offset + k × period` seconds after the epoch (UTC), so hh:00, hh:15, 02:00 UTC, ...
struct job_definition {
  std::string name;  ///< "aggregate", "alerts", "retention"
  std::int64_t period = 3600;
  std::int64_t offset = 0;
  /// Start (UTC epoch seconds) of the period containing `now`.
  [[nodiscard]] epoch_seconds period_start(epoch_seconds now) const noexcept;
};

/**
 * One per process. `start()` opens the scheduler's and the delivery worker's own connections to
 * `db_uri` (one each: connections are not thread-safe) and starts both threads; `stop()` asks
 * them to stop, lets the running job finish its current step (recording the run as interrupted
 * so the next run continues), and joins them. The destructor stops.
 *
 * With several replicas on one database each scheduled period runs once: the run's row in
 * job_runs is its lease (run_ledger). Thread-safety: start/stop from one thread; run_now, tick and
 * deliver_due from any thread with that thread's own connections.
 */
class service {
 public:
  /// `metrics` and `log` may be null (tests); they must outlive the service.
  service(settings s, std::string db_uri, server::metrics* metrics, server::logger* log);
  ~service();
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  /// Migrates the module's tables and starts the threads (the scheduler only when
  /// settings.scheduler_enabled). @throws storage_error when the database cannot be opened.
  void start();
  /// Idempotent. Returns once the threads are joined.
  void stop();

  /// The jobs this build schedules (retention only when an archive is configured).
  [[nodiscard]] std::vector<job_definition> schedule() const;
  /// Whether `name` is a job that exists (retention counts even when off: it then fails clearly).
  [[nodiscard]] static bool known_job(std::string_view name) noexcept;

  /// One scheduler pass at `now`: for each scheduled job whose current period this replica can
  /// take, runs it. Returns the runs it made. What the scheduler thread does every tick.
  std::vector<run_record> tick(utc_seconds now, storage::store& store, db::connection& db);
  /// Runs `job` at once on the calling thread as a manual run (its own row, keyed by `now`).
  /// @throws std::invalid_argument for an unknown job name.
  run_record run_now(std::string_view job, utc_seconds now, storage::store& store,
                     db::connection& db);
  /// One delivery pass: sends every due notification once. Returns how many were attempted.
  std::size_t deliver_due(utc_seconds now, db::connection& db);

  [[nodiscard]] const jobs::settings& config() const noexcept { return settings_; }
  [[nodiscard]] const std::string& owner() const noexcept { return owner_; }

 private:
  /// Runs `key` if this replica acquires it; nullopt when another holds or finished it.
  std::optional<run_record> run_if_acquired(const run_key& key, utc_seconds now,
                                            storage::store& store, db::connection& db);
  void scheduler_loop();
  void delivery_loop();
  /// Sleeps up to `d`; true when stop() was called.
  bool wait_for_stop(std::chrono::seconds d);

  jobs::settings settings_;
  std::string db_uri_;
  server::metrics* metrics_;
  server::logger* log_;
  std::string owner_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread scheduler_;
  std::thread delivery_;
  /// One job at a time in this process (a manual run waits for a scheduled one).
  std::mutex run_mutex_;
};

}  // namespace energy::server::jobs
