// SPDX-License-Identifier: Apache-2.0
#include "pool.hpp"

#include "adapters/schema_migrations.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace energy::storage {
namespace {

std::string day_literal(std::int64_t epoch_day) {
  const auto d = std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{epoch_day}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::string compact_day(std::int64_t epoch_day) {
  std::string s = day_literal(epoch_day);
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s;
}

}  // namespace

bool is_connection_failure(const std::exception_ptr& e) noexcept {
  try {
    std::rethrow_exception(e);
  } catch (const pqxx::in_doubt_error&) {
    return false;  // the commit may have happened: never retried blindly
  } catch (const pqxx::broken_connection&) {
    return true;
  } catch (const pqxx::transaction_rollback&) {
    // Deadlock, serialization failure (libpqxx 6 raises these apart from sql_error, without
    // their SQLSTATE): the server rolled the transaction back, so running it again is safe.
    return true;
  } catch (const pqxx::sql_error& s) {
    // 08xxx connection exceptions, 57P01..57P03 shutdown/cannot-connect-now, 53300 too many
    // connections, 40001/40P01 serialization failure / deadlock (the transaction rolled back),
    // 55P03 lock_timeout expired (partition creation waits at most that long).
    const std::string& st = s.sqlstate();
    return st.rfind("08", 0) == 0 || st == "57P01" || st == "57P02" || st == "57P03" ||
           st == "53300" || st == "40001" || st == "40P01" || st == "55P03";
  } catch (...) {
    return false;
  }
}

postgres_pool::postgres_pool(std::string uri, postgres_options options)
    : uri_(std::move(uri)), options_(std::move(options)) {
  if (options_.schema.empty())
    throw std::invalid_argument("postgres_options.schema must not be empty");
  if (options_.pool_size == 0)
    throw std::invalid_argument("postgres_options.pool_size must be at least 1");
  if (options_.max_attempts < 1)
    throw std::invalid_argument("postgres_options.max_attempts must be at least 1");
  // Quote the schema name by hand (no connection yet): double any '"', wrap in quotes.
  quoted_schema_ = "\"";
  for (char ch : options_.schema)
    quoted_schema_ += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  quoted_schema_ += "\"";
  migrate();
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())
                         .time_since_epoch()
                         .count();
  std::vector<std::int64_t> days;
  for (std::int64_t d = today - 1; d <= today + options_.partitions_ahead_days; ++d)
    days.push_back(d);
  // No write group of this pool exists yet: a pooled connection serves (and stays in the pool),
  // so a pool opens its partition connection only when a write needs a day without a partition.
  const auto missing = missing_partitions(days);
  run("create partitions", [&](pqxx::connection& c) {
    pqxx::work w{c};
    create_partitions(w, missing);
    w.commit();
    return 0;
  });
  remember_partitions(missing);
}

postgres_pool::~postgres_pool() = default;

postgres_pool::lease::~lease() {
  if (pool_ != nullptr) pool_->release(std::move(conn_));
}

std::unique_ptr<pqxx::connection> postgres_pool::connect_session() {
  auto c = std::make_unique<pqxx::connection>(uri_);
  pqxx::nontransaction n{*c};
  n.exec0("SET search_path TO " + quoted_schema_ + ", public");
  n.exec0("SET TIME ZONE 'UTC'");
  return c;
}

std::unique_ptr<pqxx::connection> postgres_pool::connect() {
  auto c = connect_session();
  pqxx::nontransaction n{*c};
  // Session-private staging table for COPY; rows vanish at commit or rollback.
  n.exec0(
      "CREATE TEMP TABLE IF NOT EXISTS staging_readings "
      "(sensor_id uuid NOT NULL, ts bigint NOT NULL, value bigint NOT NULL, quality integer NOT "
      "NULL) "
      "ON COMMIT DELETE ROWS");
  // Same for summaries: the aggregation job commits tens of thousands of rows per round.
  n.exec0(
      "CREATE TEMP TABLE IF NOT EXISTS staging_summaries "
      "(seq bigint NOT NULL, scope text NOT NULL, subject_id uuid NOT NULL, sensor_type text NOT "
      "NULL, "
      "resolution text NOT NULL, period_start bigint NOT NULL, period_end bigint NOT NULL, "
      "local_start bigint NOT NULL, "
      "consumption bigint NOT NULL, peak_demand bigint NOT NULL, cost_micros bigint NOT NULL, "
      "reading_count bigint NOT NULL) ON COMMIT DELETE ROWS");
  prepare_statements(*c);
  return c;
}

postgres_pool::lease postgres_pool::acquire() {
  std::unique_lock lock{mutex_};
  available_.wait(lock, [&] { return !idle_.empty() || open_ < options_.pool_size; });
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return lease{this, std::move(c)};
  }
  ++open_;
  lock.unlock();
  try {
    return lease{this, connect()};
  } catch (...) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw;
  }
}

void postgres_pool::release(std::unique_ptr<pqxx::connection> c) noexcept {
  std::lock_guard lock{mutex_};
  if (c && c->is_open()) {
    idle_.push_back(std::move(c));
  } else {
    --open_;  // broken or discarded: a new one is opened on demand
  }
  available_.notify_one();
}

void postgres_pool::backoff(int attempt) const {
  std::this_thread::sleep_for(options_.retry_backoff * (1 << (attempt - 1)));
}

void postgres_pool::rethrow_as_storage_error(const char* what, int attempts) {
  const std::string prefix = std::string("postgres ") + what + ": ";
  try {
    throw;
  } catch (const pqxx::in_doubt_error& e) {
    throw storage_error(
        prefix + "connection lost during COMMIT, outcome unknown (re-sending is safe): " + e.what(),
        true);
  } catch (const pqxx::broken_connection& e) {
    throw storage_error(
        prefix + "connection failed after " + std::to_string(attempts) + " attempt(s): " + e.what(),
        true);
  } catch (const pqxx::transaction_rollback& e) {
    throw storage_error(prefix + "rolled back by the server after " + std::to_string(attempts) +
                            " attempt(s) (deadlock or serialization failure; running it again is "
                            "safe): " +
                            e.what(),
                        true);
  } catch (const pqxx::sql_error& e) {
    const bool retry = is_connection_failure(std::current_exception());
    throw storage_error(
        prefix + (retry ? "failed after " + std::to_string(attempts) + " attempt(s) " : "") + "[" +
            e.sqlstate() + "] " + e.what(),
        retry);
  } catch (const std::exception& e) {
    throw storage_error(prefix + e.what(), false);
  }
}

void postgres_pool::migrate() {
  const auto all = detail::postgres_migrations();
  const int known = all.empty() ? 0 : all.back().version;
  run("migrate", [&](pqxx::connection& c) {
    // Each statement outside a transaction runs in a short nontransaction of its own (pqxx allows
    // one transaction object at a time per connection).
    auto session = [&c](const std::string& sql) {
      pqxx::nontransaction n{c};
      return n.exec(sql);
    };
    const std::string lock_key = "hashtext(" + c.quote("energy.migrate." + options_.schema) + ")";
    session("SELECT pg_advisory_lock(" + lock_key + ")");  // session lock: held across transactions
    struct unlock_guard {
      std::function<pqxx::result(const std::string&)> run;
      std::string key;
      ~unlock_guard() {
        try {
          run("SELECT pg_advisory_unlock(" + key + ")");
        } catch (...) {  // a broken connection released the session lock anyway
        }
      }
    } guard{session, lock_key};
    session("CREATE SCHEMA IF NOT EXISTS " + quoted_schema_);
    session("SET search_path TO " + quoted_schema_ + ", public");
    session(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT "
        "NULL, "
        "applied_at timestamptz NOT NULL DEFAULT now())");
    const int current =
        session("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0].as<int>();
    if (current > known)
      throw storage_error("postgres: schema " + options_.schema + " is at version " +
                              std::to_string(current) + ", newer than this library knows (" +
                              std::to_string(known) + "); upgrade the library",
                          false);
    // The recorded steps must be ours (the same check as energy::sqlite's): a schema another
    // program migrated is refused before anything is applied to it.
    for (const auto& row :
         session("SELECT version, name FROM schema_migrations ORDER BY version")) {
      const int v = row[0].as<int>();
      const auto name = row[1].as<std::string>();
      if (v < 1 || v > known || all[static_cast<std::size_t>(v - 1)].name != name)
        throw storage_error("postgres: schema " + options_.schema + " records schema migration " +
                                std::to_string(v) + " '" + name +
                                "', which is not this library's: a different schema history",
                            false);
    }
    for (const auto& m : all) {
      if (m.version <= current) continue;
      pqxx::work w{c};
      w.exec0(std::string(m.sql));
      w.exec_params0("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version,
                     std::string(m.name));
      w.commit();
    }
    layout_ = session("SELECT layout FROM storage_layout")[0][0].as<std::string>();
    return 0;
  });
}

std::vector<std::int64_t> postgres_pool::missing_partitions(
    const std::vector<std::int64_t>& days) const {
  std::vector<std::int64_t> missing;
  if (layout_ != "native") return missing;
  {
    std::lock_guard lock{partitions_mutex_};
    for (auto d : days)
      if (!std::binary_search(partition_days_.begin(), partition_days_.end(), d))
        missing.push_back(d);
  }
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  return missing;
}

void postgres_pool::remember_partitions(const std::vector<std::int64_t>& days) {
  std::lock_guard lock{partitions_mutex_};
  partition_days_.insert(partition_days_.end(), days.begin(), days.end());
  std::sort(partition_days_.begin(), partition_days_.end());
  partition_days_.erase(std::unique(partition_days_.begin(), partition_days_.end()),
                        partition_days_.end());
}

void postgres_pool::create_partitions(pqxx::transaction_base& t,
                                      const std::vector<std::int64_t>& days,
                                      bool wait_for_creators) {
  if (days.empty() || layout_ != "native") return;
  // Inside a write group the timeout must not outlive this call: the group's later statements
  // keep the session's own.
  const std::string previous = t.exec1("SELECT current_setting('lock_timeout')")[0].c_str();
  // A bounded wait turns a cycle the server cannot see as a deadlock (one that runs through a
  // client, or through retention's LOCK TABLE) into a retryable error (55P03).
  t.exec0("SET LOCAL lock_timeout = '10s'");
  // Serialises partition creation between processes, so the existence check cannot race.
  const std::string key = "hashtext(" + t.quote("energy.partitions." + options_.schema) + ")";
  if (wait_for_creators)
    t.exec("SELECT pg_advisory_xact_lock(" + key + ")");
  else if (!t.exec1("SELECT pg_try_advisory_xact_lock(" + key + ")")[0].as<bool>())
    throw partition_creator_busy{};
  bool locked = false;
  for (auto d : days) {
    const std::string name = partition_name(d);
    if (t.exec1("SELECT to_regclass(" + t.quote(name) + ") IS NOT NULL")[0].as<bool>()) continue;
    if (!locked) {
      t.exec0("LOCK TABLE readings IN ACCESS EXCLUSIVE MODE");
      locked = true;
    }
    t.exec0("CREATE TABLE " + name + " PARTITION OF readings FOR VALUES FROM ('" + day_literal(d) +
            " 00:00:00+00') TO ('" + day_literal(d + 1) + " 00:00:00+00')");
  }
  t.exec("SELECT set_config('lock_timeout', " + t.quote(previous) + ", true)");
}

std::vector<std::int64_t> postgres_pool::with_days_after(
    const std::vector<std::int64_t>& days) const {
  std::vector<std::int64_t> out;
  const int ahead = std::max(0, options_.partitions_ahead_days);
  for (auto d : days)
    for (int i = 0; i <= ahead; ++i)
      out.push_back(d + i);
  return out;
}

void postgres_pool::ensure_partitions(const std::vector<std::int64_t>& days) {
  if (missing_partitions(days).empty()) return;
  std::lock_guard creator{creator_mutex_};
  // Another thread may have made them meanwhile.
  const auto needed = missing_partitions(days);
  if (needed.empty()) return;
  const auto missing = missing_partitions(with_days_after(needed));
  for (int attempt = 1;; ++attempt) {
    try {
      if (!partition_connection_ || !partition_connection_->is_open())
        partition_connection_ = connect_session();
      pqxx::work w{*partition_connection_};
      create_partitions(w, missing);
      w.commit();
      break;
    } catch (...) {
      const bool lost = !partition_connection_ || !partition_connection_->is_open();
      partition_connection_.reset();  // opened afresh for the next attempt
      if ((lost || is_connection_failure(std::current_exception())) &&
          attempt < options_.max_attempts) {
        backoff(attempt);
        continue;
      }
      rethrow_as_storage_error("create partitions", attempt);
    }
  }
  remember_partitions(missing);
}

void postgres_pool::want_partitions(const std::vector<std::int64_t>& days) {
  std::lock_guard lock{partitions_mutex_};
  wanted_days_.insert(wanted_days_.end(), days.begin(), days.end());
}

void postgres_pool::create_wanted_partitions() {
  std::vector<std::int64_t> wanted;
  {
    std::lock_guard lock{partitions_mutex_};
    wanted.swap(wanted_days_);
  }
  if (wanted.empty()) return;
  try {
    ensure_partitions(wanted);
  } catch (...) {
    want_partitions(wanted);
    throw;
  }
}

std::string postgres_pool::partition_name(std::int64_t epoch_day) const {
  return quoted_schema_ + ".readings_p" + compact_day(epoch_day);
}

void postgres_pool::forget_partitions() {
  std::lock_guard lock{partitions_mutex_};
  partition_days_.clear();
}

std::shared_ptr<postgres_pool> make_postgres_pool(std::string_view uri,
                                                  const postgres_options& options) {
  return std::make_shared<postgres_pool>(std::string(uri), options);
}

int postgres_schema_version() noexcept {
  const auto all = detail::postgres_migrations();
  return all.empty() ? 0 : all.back().version;
}

}  // namespace energy::storage
