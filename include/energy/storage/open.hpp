// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <memory>
#include <string_view>

#include <energy/storage/retention.hpp>
#include <energy/storage/store.hpp>

namespace energy::storage {

/**
 * Opens the store a URI names, over every adapter linked into `energy::stores`:
 * `memory:`, `sqlite:PATH` (`sqlite::memory:`), a bare file path (SQLite), and
 * `postgresql://user@host:port/db` / `postgres://...` when the PostgreSQL adapter is built.
 * @throws std::invalid_argument for any other scheme (naming the accepted ones), or PostgreSQL
 *         without the adapter; storage_error from the adapter.
 */
[[nodiscard]] std::unique_ptr<store> open_store_uri(std::string_view uri);

/**
 * The retention port of the database a URI names (same URIs as open_store_uri): rows deleted by day
 * in SQLite, whole partitions dropped in PostgreSQL.
 * @throws std::invalid_argument for `memory:` (nothing to retain) and unsupported schemes.
 */
[[nodiscard]] std::unique_ptr<retention_port> open_retention_uri(std::string_view uri);

/// Whether this build can open `postgresql://` URIs.
[[nodiscard]] bool has_postgres_adapter() noexcept;

}  // namespace energy::storage

ENERGY_API_END
