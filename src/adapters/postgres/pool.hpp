// SPDX-License-Identifier: Apache-2.0
// Internal: the connection pool and the retry policy of energy::postgres. pqxx stays in here.
#pragma once

#include <energy/error.hpp>
#include <energy/storage/postgres.hpp>

#include <pqxx/pqxx>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <stdexcept>
#include <string>
#include <vector>

namespace energy::storage {

class postgres_pool {
 public:
  postgres_pool(std::string uri, postgres_options options);
  ~postgres_pool();
  postgres_pool(const postgres_pool&) = delete;
  postgres_pool& operator=(const postgres_pool&) = delete;

  /// A borrowed connection: returned to the pool on destruction unless marked broken.
  class lease {
   public:
    lease(postgres_pool* pool, std::unique_ptr<pqxx::connection> c)
        : pool_(pool), conn_(std::move(c)) {}
    lease(lease&& o) noexcept : pool_(std::exchange(o.pool_, nullptr)), conn_(std::move(o.conn_)) {}
    lease& operator=(lease&&) = delete;
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    ~lease();
    pqxx::connection& operator*() const noexcept { return *conn_; }
    pqxx::connection* operator->() const noexcept { return conn_.get(); }
    void discard() noexcept { conn_.reset(); }

   private:
    postgres_pool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
  };

  /// Borrows an idle connection or opens a new one (blocking while `pool_size` are borrowed).
  /// @throws pqxx::broken_connection when a new connection cannot be opened.
  lease acquire();

  /**
   * Runs `op` on a borrowed connection, retrying on connection failures, deadlocks and
   * serialization failures (at most `max_attempts`, exponential backoff). `what` names the
   * operation in error messages. Translates pqxx errors into storage_error;
   * std::invalid_argument passes through.
   */
  template <class F>
  auto run(const char* what, F&& op) -> decltype(op(std::declval<pqxx::connection&>()));

  [[nodiscard]] const postgres_options& options() const noexcept { return options_; }
  [[nodiscard]] const std::string& uri() const noexcept { return uri_; }
  /// "native" or "timescaledb".
  [[nodiscard]] const std::string& layout() const noexcept { return layout_; }
  /// Quoted schema name for SQL text.
  [[nodiscard]] const std::string& quoted_schema() const noexcept { return quoted_schema_; }

  /// The UTC days of `epoch_days` (days since 1970-01-01) without a native partition as far as
  /// this pool knows: sorted, distinct; empty for TimescaleDB. Thread-safe.
  [[nodiscard]] std::vector<std::int64_t> missing_partitions(
      const std::vector<std::int64_t>& epoch_days) const;
  /// `epoch_days` and the `partitions_ahead_days` days after each: what a write that needs a
  /// missing day creates, so a backfill moving forward through time creates partitions (each an
  /// exclusive lock on `readings`) once a week rather than every day.
  [[nodiscard]] std::vector<std::int64_t> with_days_after(
      const std::vector<std::int64_t>& epoch_days) const;
  /**
   * Makes sure native partitions cover every UTC day listed, creating the missing ones and the
   * days after them (with_days_after; see create_partitions) in a transaction of their own on a
   * connection kept for this alone (beside the pool's; opened by the first call that creates one),
   * committed before this returns.
   * Remembers what exists, so repeated calls cost nothing. No-op for TimescaleDB.
   * The caller must hold no lock on `readings` on any connection (no open write group that has
   * used it): creation waits for every transaction using the table, so such a caller would wait for
   * itself. A write group creates its days inside its own transaction instead.
   */
  void ensure_partitions(const std::vector<std::int64_t>& epoch_days);
  /**
   * Creates the native partitions of `epoch_days` that do not exist yet, inside `t`. Serialised
   * between processes by an advisory lock, and under an ACCESS EXCLUSIVE lock on `readings` when
   * a partition is missing, held until `t` ends: no other session may plan or route rows over
   * `readings` while its partitions change (it waits for the transactions using the table).
   * (Attaching under ATTACH PARTITION's weaker lock let a session building its partition list at
   * that moment keep one without the new day for good: PostgreSQL 15 then counted a whole day short
   * and refused its rows on every retry.) Lock waits are bounded by a 10 s `lock_timeout` (55P03,
   * retryable). The partitions exist for other sessions once `t` commits; call remember_partitions
   * then. With `wait_for_creators` false (inside a write group, which may hold locks another
   * creator waits for) a creation under way in another session is not waited for: throws
   * partition_creator_busy instead, and the caller gives its locks up.
   */
  void create_partitions(pqxx::transaction_base& t, const std::vector<std::int64_t>& epoch_days,
                         bool wait_for_creators = true);
  /// Thrown by create_partitions when it must not wait for another session's creation.
  struct partition_creator_busy : std::runtime_error {
    partition_creator_busy() : std::runtime_error("another session is creating partitions") {}
  };
  /// Days a write group could not create (its transaction was lost): create_wanted_partitions
  /// makes them, called where the caller holds no lock (begin_group).
  void want_partitions(const std::vector<std::int64_t>& epoch_days);
  void create_wanted_partitions();
  /// Records committed partitions, so missing_partitions no longer lists them.
  void remember_partitions(const std::vector<std::int64_t>& epoch_days);
  /// Forgets the remembered partitions (after retention dropped some).
  void forget_partitions();

  /// Inside a catch block: rethrows the exception at hand as a storage_error naming `what`
  /// (retryable for connection failures, deadlocks and serialization failures).
  [[noreturn]] void rethrow_as_storage_error(const char* what, int attempts);

 private:
  /// A pool connection: a session (schema, UTC) with the store's statements and staging tables.
  std::unique_ptr<pqxx::connection> connect();
  /// Only the session settings (for partition creation).
  std::unique_ptr<pqxx::connection> connect_session();
  /// The quoted, schema-qualified name of the native partition of `epoch_day`.
  [[nodiscard]] std::string partition_name(std::int64_t epoch_day) const;
  void release(std::unique_ptr<pqxx::connection> c) noexcept;
  void migrate();
  void backoff(int attempt) const;

  std::string uri_;
  postgres_options options_;
  std::string quoted_schema_;
  std::string layout_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t open_ = 0;
  // Held only briefly, never across a statement: a write group's thread takes it while holding
  // locks in the database.
  mutable std::mutex partitions_mutex_;
  std::vector<std::int64_t> partition_days_;  // sorted epoch days known to be covered
  std::vector<std::int64_t> wanted_days_;     // see want_partitions
  // Held while partition_connection_ creates partitions (possibly waiting in the database for
  // write groups to finish); never taken by a thread with an open write group.
  std::mutex creator_mutex_;
  std::unique_ptr<pqxx::connection> partition_connection_;  // under creator_mutex_
};

/// Registers every prepared statement of the store on a new connection (postgres_statements.cpp).
void prepare_statements(pqxx::connection& c);

/// The streamed reads' statements (run through a cursor, not prepared): parameters sensor or
/// building id, start and end epoch seconds; summaries: scope, subject, type, resolution, start,
/// end.
extern const char* const scan_readings_sql;
extern const char* const scan_building_readings_sql;
extern const char* const scan_summaries_sql;

/// True for errors after which the same operation may succeed on a new connection.
bool is_connection_failure(const std::exception_ptr& e) noexcept;

template <class F>
auto postgres_pool::run(const char* what, F&& op)
    -> decltype(op(std::declval<pqxx::connection&>())) {
  for (int attempt = 1;; ++attempt) {
    try {
      auto c = acquire();
      try {
        return op(*c);
      } catch (const pqxx::transaction_rollback&) {
        throw;  // the server rolled the transaction back; the connection is fine
      } catch (const pqxx::broken_connection&) {
        c.discard();
        throw;
      } catch (const pqxx::in_doubt_error&) {
        c.discard();
        throw;
      } catch (const pqxx::sql_error& e) {
        // The server answered, so the connection is fine — unless the answer was its death: a
        // server crash mid-statement surfaces as an error on a connection that is no longer
        // open. Nothing was committed then; classify it as the lost connection it is.
        if ((*c).is_open()) throw;
        c.discard();
        throw pqxx::broken_connection(e.what());
      } catch (const pqxx::failure& e) {
        // Any other libpq failure is the connection itself, e.g. the backend killed mid-COPY
        // ("Error writing to table: server closed the connection"). Never reuse it (pqxx would
        // reconnect it silently without the session settings) and classify it as a lost
        // connection: nothing was committed, the operation may be retried.
        c.discard();
        throw pqxx::broken_connection(e.what());
      }
    } catch (const std::invalid_argument&) {
      throw;
    } catch (const energy::error&) {
      throw;
    } catch (...) {
      if (is_connection_failure(std::current_exception()) && attempt < options_.max_attempts) {
        backoff(attempt);
        continue;
      }
      rethrow_as_storage_error(what, attempt);
    }
  }
}

}  // namespace energy::storage
