// SPDX-License-Identifier: Apache-2.0
#include <energy/storage/open.hpp>

#include <energy/storage/sqlite.hpp>
#include <energy/storage/sqlite_retention.hpp>
#ifdef ENERGY_STORES_HAVE_POSTGRES
#include <energy/storage/postgres.hpp>
#endif

#include <filesystem>
#include <stdexcept>
#include <string>

namespace energy::storage {

bool has_postgres_adapter() noexcept {
#ifdef ENERGY_STORES_HAVE_POSTGRES
  return true;
#else
  return false;
#endif
}

namespace {

bool is_postgres(std::string_view uri) noexcept {
  return uri.starts_with("postgresql://") || uri.starts_with("postgres://");
}

/// The SQLite file a URI names, after the schemes every opener handles have been ruled out.
std::filesystem::path sqlite_path(std::string_view uri) {
  if (uri.starts_with("sqlite:")) return std::filesystem::path(uri.substr(7));
  if (uri.find("://") != std::string_view::npos || uri.empty())
    throw std::invalid_argument(
        "unsupported store URI '" + std::string(uri) +
        "' (accepted: memory:, sqlite:PATH, a file path, postgresql://user@host:port/db)");
  return std::filesystem::path(uri);
}

#ifndef ENERGY_STORES_HAVE_POSTGRES
[[noreturn]] void no_postgres(std::string_view uri) {
  throw std::invalid_argument("'" + std::string(uri) +
                              "': this build of energy has no PostgreSQL adapter");
}
#endif

}  // namespace

std::unique_ptr<store> open_store_uri(std::string_view uri) {
  if (is_postgres(uri)) {
#ifdef ENERGY_STORES_HAVE_POSTGRES
    return open_postgres_store(uri);
#else
    no_postgres(uri);
#endif
  }
  if (uri.starts_with("sqlite:") || uri.starts_with("memory:")) return open_store(uri);
  return open_sqlite_store(sqlite_path(uri));
}

std::unique_ptr<retention_port> open_retention_uri(std::string_view uri) {
  if (is_postgres(uri)) {
#ifdef ENERGY_STORES_HAVE_POSTGRES
    return open_postgres_retention(make_postgres_pool(uri));
#else
    no_postgres(uri);
#endif
  }
  if (uri.starts_with("memory:"))
    throw std::invalid_argument("retention needs a database: sqlite:PATH or postgresql://...");
  return open_sqlite_retention(sqlite_path(uri));
}

}  // namespace energy::storage
