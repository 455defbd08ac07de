// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include <energy/storage/store.hpp>

namespace energy::storage {

/**
 * When a committed write is safe, with SQLite in WAL mode.
 * - `full` (default): the WAL is fsync'ed at every commit. A write call that returned survives
 *   a power cut or an OS crash: "acknowledged means durable".
 * - `normal`: the WAL is fsync'ed only at checkpoints. Every commit survives a crash of the
 *   process, but the last commits before a power cut or OS crash may be lost (the database stays
 *   consistent, never corrupt). Faster when batches are small (one fsync less per commit); choose
 * it only when the source can re-send (e.g. a file import that can be re-run: re-sending is a
 * no-op).
 */
enum class sqlite_durability : std::uint8_t { full, normal };

struct sqlite_options {
  sqlite_durability durability = sqlite_durability::full;
  /// How long a call waits for another connection's write lock before it throws a retryable
  /// storage_error (SQLITE_BUSY).
  std::chrono::milliseconds busy_timeout{5000};
  /// SQLite page cache of this connection, KiB. Ingest into a large table touches one B-tree leaf
  /// per sensor, so the cache should hold (sensors × 4 KiB) for steady ingest speed.
  std::int64_t cache_size_kib = 64 * 1024;
};

/// The newest schema version this library creates and understands (see docs/storage.md).
[[nodiscard]] int sqlite_schema_version() noexcept;

/**
 * Opens (creating if needed) a SQLite database as a store. `path` may be ":memory:" for a private
 * in-memory database (tests, notebooks).
 *
 * On open: WAL journal, `synchronous` per `options.durability`, foreign keys on, busy timeout set;
 * pending schema migrations are applied in one transaction and recorded in `schema_migrations`.
 *
 * Values are stored as INTEGER milli-units and timestamps as INTEGER UTC epoch seconds, so every
 * value and sum round-trips exactly. Duplicate policy: see `write_outcome`.
 *
 * **Example**:
 *
 *     auto db = energy::storage::open_sqlite_store("site.db");
 *     db->put_tenant({energy::uuid::v7(), "Acme", energy::from_epoch(0)});
 *
 * @throws storage_error when the file cannot be opened or created, is not a SQLite database, or
 *         its schema is newer than `sqlite_schema_version()` (not retryable); retryable when
 *         another connection holds the lock longer than the busy timeout.
 *
 * Thread-safety: as `store` — one thread at a time per store; open one store per thread, SQLite
 * arbitrates (WAL: readers never block the writer).
 */
[[nodiscard]] std::unique_ptr<store> open_sqlite_store(const std::filesystem::path& path,
                                                       const sqlite_options& options = {});

/**
 * Opens a store from a URI: `memory:` (open_memory_store), `sqlite:<path>` (open_sqlite_store
 * with default options; `sqlite::memory:` for an in-memory SQLite database).
 * @throws std::invalid_argument for any other scheme, naming the accepted ones;
 *         storage_error as open_sqlite_store.
 */
[[nodiscard]] std::unique_ptr<store> open_store(std::string_view uri);

}  // namespace energy::storage

ENERGY_API_END
