// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <filesystem>
#include <memory>

#include <energy/storage/retention.hpp>

namespace energy::storage {

/**
 * The retention port of a SQLite store file (for energy::archive::run_retention). SQLite has no
 * partitions: a day is dropped by deleting its rows in one transaction. Opens a connection of its
 * own to `path` (an in-memory database cannot be shared: files only). The job lock is an
 * exclusive `flock` on `<path>.retention-lock`, so runs from several processes on the host
 * exclude each other.
 * @throws storage_error when the file cannot be opened or has no energy schema.
 * Thread-safety: one object per thread.
 */
[[nodiscard]] std::unique_ptr<retention_port> open_sqlite_retention(
    const std::filesystem::path& path);

}  // namespace energy::storage

ENERGY_API_END
