// SPDX-License-Identifier: Apache-2.0
#include "jobs/service.hpp"

#include <stdexcept>

#include <energy/storage/open.hpp>

#include "http/log.hpp"
#include "http/metrics.hpp"
#include "jobs/delivery.hpp"
#include "jobs/job_steps.hpp"
#include "jobs/outbox.hpp"
#include "jobs/schema.hpp"

namespace energy::server::jobs {

namespace {

constexpr std::int64_t quarter_hour = 900;
constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 86400;
constexpr std::size_t delivery_batch = 50;

epoch_seconds wall_clock() {
  return to_epoch(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

}  // namespace

epoch_seconds job_definition::period_start(epoch_seconds now) const noexcept {
  const epoch_seconds shifted = now - offset;
  const epoch_seconds floor = shifted / period * period - (shifted % period < 0 ? period : 0);
  return floor + offset;
}

service::service(jobs::settings s, std::string db_uri, server::metrics* metrics,
                 server::logger* log)
    : settings_(std::move(s)),
      db_uri_(std::move(db_uri)),
      metrics_(metrics),
      log_(log),
      owner_(make_owner_name()) {
  init_curl_once();
  if (metrics_) {
    metrics_->describe("energy_job_duration_seconds", "histogram",
                       "Duration of job runs by job, seconds");
    metrics_->describe("energy_job_runs_total", "counter", "Job runs by job and outcome");
    metrics_->describe("energy_alerts_total", "counter", "Alerts opened and resolved");
    metrics_->describe("energy_notifications_total", "counter",
                       "Notification delivery attempts by channel and outcome");
    metrics_->describe("energy_notification_failures_total", "counter",
                       "Failed notification attempts by channel (retried until given up)");
  }
}

service::~service() {
  stop();
}

bool service::known_job(std::string_view name) noexcept {
  return name == "aggregate" || name == "alerts" || name == "retention";
}

std::vector<job_definition> service::schedule() const {
  std::vector<job_definition> jobs{{"aggregate", hour, 0}, {"alerts", quarter_hour, 0}};
  if (!settings_.archive.empty())
    jobs.push_back({"retention", day, settings_.retention_hour_utc * hour});
  return jobs;
}

void service::start() {
  {
    auto db = db::open(db_uri_);
    migrate(*db);
  }
  stopping_ = false;
  if (settings_.scheduler_enabled) scheduler_ = std::thread([this] { scheduler_loop(); });
  delivery_ = std::thread([this] { delivery_loop(); });
}

void service::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  if (delivery_.joinable()) delivery_.join();
}

bool service::wait_for_stop(std::chrono::seconds d) {
  std::unique_lock lock(mutex_);
  return wake_.wait_for(lock, d, [this] { return stopping_.load(); });
}

std::optional<run_record> service::run_if_acquired(const run_key& key, utc_seconds now,
                                                   storage::store& store, db::connection& db) {
  const std::lock_guard one_at_a_time(run_mutex_);
  run_ledger ledger(db, owner_);
  const std::int64_t lease = settings_.lease.count();
  if (!ledger.try_acquire(key, to_epoch(now), lease)) return std::nullopt;

  const auto started = std::chrono::steady_clock::now();
  step_context ctx{.store = store, .db = db, .now = now, .checkpoint = [&] {
                     if (!ledger.renew(key, wall_clock(), lease))
                       throw lease_lost("lease of " + key.job + " lost to another replica");
                     return stopping_.load();
                   }};
  job_result result;
  bool lost = false;
  try {
    if (key.job == "aggregate")
      result = run_aggregation(ctx);
    else if (key.job == "alerts")
      result = run_alert_evaluation(ctx);
    else
      result = run_retention_job(ctx, settings_, db_uri_);
  } catch (const lease_lost& e) {
    lost = true;
    result.error = e.what();
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  run_state outcome = run_state::succeeded;
  if (result.busy) outcome = run_state::busy;
  if (result.error || result.interrupted) outcome = run_state::failed;
  if (result.interrupted && !result.error)
    result.error = "interrupted by shutdown after a step; the next run continues";
  // An interrupted run may be taken at once by another replica; a failed one after the delay.
  const epoch_seconds finished = wall_clock();
  const epoch_seconds retry_at =
      result.interrupted ? finished : finished + settings_.retry_after.count();
  if (!lost) {
    try {
      lost = !ledger.finish(key, outcome, result.counts, result.error, finished, retry_at);
    } catch (const std::exception& e) {
      // The database went away after the work: the lease expires and the run is retried.
      if (log_) log_->error("job_record_failed", {{"job", key.job}, {"error", e.what()}});
    }
  }
  const std::string outcome_name = lost ? "lost" : std::string(to_string(outcome));
  if (metrics_) {
    metrics_->observe("energy_job_duration_seconds", {{"job", key.job}}, seconds,
                      {0.01, 0.1, 1, 10, 60, 300, 1800, 3600});
    metrics_->add("energy_job_runs_total", {{"job", key.job}, {"outcome", outcome_name}});
    if (key.job == "alerts") {
      metrics_->add("energy_alerts_total", {{"event", "opened"}},
                    result.counts.value("opened", 0.0));
      metrics_->add("energy_alerts_total", {{"event", "resolved"}},
                    result.counts.value("resolved", 0.0));
    }
  }
  if (log_) {
    nlohmann::json line = {{"event", "job"},
                           {"job", key.job},
                           {"period_start", format_utc(from_epoch(key.period_start))},
                           {"trigger", to_string(key.trigger)},
                           {"outcome", outcome_name},
                           {"duration_seconds", seconds},
                           {"owner", owner_}};
    line["counts"] = result.counts;
    line["counts"].erase("tenants");
    if (result.error) line["error"] = *result.error;
    log_->write(outcome == run_state::succeeded ? log_level::info : log_level::warning, line);
  }
  if (auto rec = ledger.get(key)) return rec;
  run_record rec{.key = key,
                 .owner = owner_,
                 .state = outcome,
                 .counts = result.counts,
                 .error = result.error};
  return rec;
}

std::vector<run_record> service::tick(utc_seconds now, storage::store& store, db::connection& db) {
  std::vector<run_record> runs;
  for (const auto& job : schedule()) {
    if (stopping_) break;
    const run_key key{job.name, job.period_start(to_epoch(now)), run_trigger::schedule};
    if (auto rec = run_if_acquired(key, now, store, db)) runs.push_back(std::move(*rec));
  }
  return runs;
}

run_record service::run_now(std::string_view job, utc_seconds now, storage::store& store,
                            db::connection& db) {
  if (!known_job(job)) throw std::invalid_argument("unknown job '" + std::string(job) + "'");
  const run_key key{std::string(job), to_epoch(now), run_trigger::manual};
  if (auto rec = run_if_acquired(key, now, store, db)) return std::move(*rec);
  // Two manual runs of one job in the same second: the second reports the first's run.
  run_ledger ledger(db, owner_);
  if (auto rec = ledger.get(key)) return std::move(*rec);
  throw storage_error("job run " + std::string(job) + " could not be recorded", true);
}

std::size_t service::deliver_due(utc_seconds now, db::connection& db) {
  outbox box(db);
  const deliverer send(settings_);
  const retry_policy policy{.max_attempts = settings_.notify_max_attempts,
                            .first_delay = settings_.notify_backoff};
  // Claimed for a few timeouts: long enough to try them all, short enough to be retried soon
  // after a crash.
  const std::int64_t claim = settings_.notify_timeout.count() * 3 + 60;
  const auto due = box.claim_due(to_epoch(now), delivery_batch, claim);
  for (const auto& n : due) {
    const auto result = send.send(n, to_epoch(now));
    const std::string ch(to_string(n.channel));
    if (result.ok) {
      box.mark_sent(n.id, to_epoch(now));
      if (metrics_)
        metrics_->add("energy_notifications_total", {{"channel", ch}, {"outcome", "sent"}});
      continue;
    }
    const bool gave_up = box.mark_failed(n, result.error, to_epoch(now), policy);
    if (metrics_) {
      metrics_->add("energy_notification_failures_total", {{"channel", ch}});
      metrics_->add("energy_notifications_total",
                    {{"channel", ch}, {"outcome", gave_up ? "failed" : "retry"}});
    }
    if (log_)
      log_->warning("notification_failed", {{"id", n.id.to_string()},
                                            {"channel", ch},
                                            {"attempt", n.attempts + 1},
                                            {"gave_up", gave_up},
                                            {"error", result.error}});
  }
  return due.size();
}

void service::scheduler_loop() {
  std::unique_ptr<storage::store> store;
  std::unique_ptr<db::connection> db;
  while (!stopping_) {
    try {
      if (!store) store = storage::open_store_uri(db_uri_);
      if (!db) db = db::open(db_uri_);
      tick(from_epoch(wall_clock()), *store, *db);
    } catch (const std::exception& e) {
      // Lost connection or similar: reopen on the next tick; the leases keep the runs right.
      if (log_) log_->error("scheduler_error", {{"error", e.what()}});
      store.reset();
      db.reset();
    }
    if (wait_for_stop(settings_.tick)) break;
  }
}

void service::delivery_loop() {
  std::unique_ptr<db::connection> db;
  while (!stopping_) {
    try {
      if (!db) db = db::open(db_uri_);
      deliver_due(from_epoch(wall_clock()), *db);
    } catch (const std::exception& e) {
      if (log_) log_->error("delivery_error", {{"error", e.what()}});
      db.reset();
    }
    if (wait_for_stop(settings_.notify_poll)) break;
  }
}

}  // namespace energy::server::jobs
