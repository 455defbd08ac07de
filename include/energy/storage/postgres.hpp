// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <energy/storage/retention.hpp>
#include <energy/storage/store.hpp>

namespace energy::storage {

/// Settings of a PostgreSQL store. Defaults suit a production deployment.
struct postgres_options {
  /// Schema holding every table of the store (created when missing). One database can hold
  /// several independent stores in different schemas (tests use one schema each).
  std::string schema = "energy";
  /// Connections kept open by the pool; at most this many operations run at once.
  std::size_t pool_size = 4;
  /// Attempts for an operation whose connection failed (default 3), with exponential
  /// backoff starting at `retry_backoff` (100 ms, 200 ms, ...).
  int max_attempts = 3;
  std::chrono::milliseconds retry_backoff{100};
  /// Native partitioning: days of raw-reading partitions created ahead of today (UTC) on open.
  /// Partitions for older or later data are created on demand when a batch needs them.
  int partitions_ahead_days = 7;
};

/**
 * A small thread-safe pool of PostgreSQL connections to one database and schema. Several store
 * objects (one per thread) can share one pool: each operation borrows a connection for its
 * duration and returns it. Broken connections are discarded and replaced on the next borrow.
 * Thread-safety: every member may be called from any thread.
 */
class postgres_pool;

/**
 * Connects to `uri` (`postgresql://user[:password]@host:port/dbname[?params]`, or a libpq
 * key=value string), creates the schema when missing and applies the library's migrations
 * (share/migrations/postgres/NNNN_*.sql, embedded in the library) in order, each in its own
 * transaction, recorded in `<schema>.schema_migrations`. Concurrent openers serialise on an
 * advisory lock.
 * @throws storage_error (non-retryable) when the database schema is newer than this library;
 *         storage_error (retryable) when the server is unreachable after `max_attempts`.
 */
[[nodiscard]] std::shared_ptr<postgres_pool> make_postgres_pool(
    std::string_view uri, const postgres_options& options = {});

/// A store over a shared pool. The returned object belongs to one thread at a time.
[[nodiscard]] std::unique_ptr<store> open_postgres_store(std::shared_ptr<postgres_pool> pool);

/**
 * A store with a pool of its own: `open_postgres_store(make_postgres_pool(uri, options))`.
 *
 * Semantics are those of the store port (the memory store is the reference). Writes go through
 * COPY into a temporary staging table and one set-based upsert; `write_readings` returns only
 * after its transaction committed. When the connection fails mid-call, the call is retried on a
 * fresh connection (the transaction was rolled back); when it fails during COMMIT the outcome is
 * unknown and `storage_error` (retryable) is thrown: re-sending the same batch is safe (identical
 * rows count as unchanged).
 */
[[nodiscard]] std::unique_ptr<store> open_postgres_store(std::string_view uri,
                                                         const postgres_options& options = {});

/**
 * The retention port of a PostgreSQL store (for energy::archive::run_retention): days are native
 * daily partitions (dropped whole) or, under TimescaleDB, daily chunks (drop_chunks). The job's
 * lock is a session advisory lock held on one pooled connection for the job's duration, so the
 * pool needs at least 2 connections.
 */
[[nodiscard]] std::unique_ptr<retention_port> open_postgres_retention(
    std::shared_ptr<postgres_pool> pool);

/// Schema version the library's migrations produce (the highest NNNN).
[[nodiscard]] int postgres_schema_version() noexcept;

}  // namespace energy::storage

ENERGY_API_END
