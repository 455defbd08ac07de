// SPDX-License-Identifier: Apache-2.0
#include "jobs/run_ledger.hpp"
#include "http/json_text.hpp"

#include <unistd.h>

#include <array>
#include <stdexcept>

#include <energy/uuid.hpp>

namespace energy::server::jobs {

std::string_view to_string(run_trigger t) noexcept {
  return t == run_trigger::manual ? "manual" : "schedule";
}

std::string_view to_string(run_state s) noexcept {
  switch (s) {
    case run_state::running:
      return "running";
    case run_state::succeeded:
      return "succeeded";
    case run_state::failed:
      return "failed";
    case run_state::busy:
      return "busy";
  }
  return "failed";
}

namespace {

run_state parse_state(const std::string& s) {
  if (s == "running") return run_state::running;
  if (s == "succeeded") return run_state::succeeded;
  if (s == "failed") return run_state::failed;
  if (s == "busy") return run_state::busy;
  throw storage_error("job_runs: unknown state '" + s + "'", false);
}

db::value text(std::string_view s) {
  return std::string(s);
}

constexpr const char* columns =
    "job, period_start, run_trigger, owner, state, attempts, started_at, finished_at, "
    "lease_until, counts, error";

run_record read_record(const db::row& r) {
  run_record rec;
  rec.key.job = r.text(0);
  rec.key.period_start = r.integer(1);
  rec.key.trigger = r.text(2) == "manual" ? run_trigger::manual : run_trigger::schedule;
  rec.owner = r.text(3);
  rec.state = parse_state(r.text(4));
  rec.attempts = r.integer(5);
  rec.started_at = r.integer(6);
  rec.finished_at = r.opt_integer(7);
  rec.lease_until = r.integer(8);
  if (auto c = r.opt_text(9)) {
    rec.counts = nlohmann::json::parse(*c, nullptr, false);
    if (rec.counts.is_discarded()) rec.counts = nlohmann::json::object();
  }
  rec.error = r.opt_text(10);
  return rec;
}

}  // namespace

bool run_ledger::try_acquire(const run_key& key, epoch_seconds now, std::int64_t lease_seconds) {
  // One statement: either inserts the period's row, or takes over a row nobody holds any more
  // (failed/busy past its retry time, or running with an expired lease). A succeeded row and a
  // live lease make the WHERE false, so the statement changes nothing and we lose the race.
  const std::int64_t changed = db_.exec(
      "INSERT INTO job_runs (job, period_start, run_trigger, owner, state, attempts, started_at, "
      "lease_until) VALUES ($1, $2, $3, $4, 'running', 1, $5, $6) "
      "ON CONFLICT (job, period_start, run_trigger) DO UPDATE SET owner = excluded.owner, "
      "state = 'running', attempts = job_runs.attempts + 1, started_at = excluded.started_at, "
      "finished_at = NULL, lease_until = excluded.lease_until "
      "WHERE job_runs.state <> 'succeeded' AND job_runs.lease_until <= excluded.started_at",
      {text(key.job), key.period_start, text(to_string(key.trigger)), owner_, now,
       now + lease_seconds});
  return changed == 1;
}

bool run_ledger::renew(const run_key& key, epoch_seconds now, std::int64_t lease_seconds) {
  return db_.exec(
             "UPDATE job_runs SET lease_until = $5 WHERE job = $1 AND period_start = $2 AND "
             "run_trigger = $3 AND owner = $4 AND state = 'running'",
             {text(key.job), key.period_start, text(to_string(key.trigger)), owner_,
              now + lease_seconds}) == 1;
}

bool run_ledger::finish(const run_key& key, run_state outcome, const nlohmann::json& counts,
                        const std::optional<std::string>& error, epoch_seconds now,
                        epoch_seconds retry_at) {
  if (outcome == run_state::running) throw std::invalid_argument("finish: outcome is running");
  return db_.exec(
             "UPDATE job_runs SET state = $5, finished_at = $6, lease_until = $7, counts = $8, "
             "error = $9 WHERE job = $1 AND period_start = $2 AND run_trigger = $3 AND "
             "owner = $4 AND state = 'running'",
             {text(key.job), key.period_start, text(to_string(key.trigger)), owner_,
              text(to_string(outcome)), now, outcome == run_state::succeeded ? now : retry_at,
              json_text(counts), error ? db::value{*error} : db::value{}}) == 1;
}

std::vector<run_record> run_ledger::list(epoch_seconds since, epoch_seconds until,
                                         std::size_t limit, const std::optional<std::string>& job) {
  std::vector<db::value> params{since, until, static_cast<std::int64_t>(limit)};
  std::string sql = std::string("SELECT ") + columns +
                    " FROM job_runs WHERE started_at >= $1 AND started_at < $2";
  if (job) {
    sql += " AND job = $4";
    params.emplace_back(*job);
  }
  sql += " ORDER BY started_at DESC, job LIMIT $3";
  std::vector<run_record> out;
  for (const auto& r : db_.query(sql, params))
    out.push_back(read_record(r));
  return out;
}

std::optional<run_record> run_ledger::get(const run_key& key) {
  const auto rows = db_.query(std::string("SELECT ") + columns +
                                  " FROM job_runs WHERE job = $1 AND period_start = $2 AND "
                                  "run_trigger = $3",
                              {text(key.job), key.period_start, text(to_string(key.trigger))});
  if (rows.empty()) return std::nullopt;
  return read_record(rows.front());
}

std::string make_owner_name() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  const std::string id = uuid::v7().to_string();
  return std::string(host.data()) + ":" + std::to_string(getpid()) + ":" + id.substr(id.size() - 8);
}

}  // namespace energy::server::jobs
