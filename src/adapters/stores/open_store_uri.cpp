// SPDX-License-Identifier: Apache-2.0
#include <energy/storage/open.hpp>

#include <energy/storage/sqlite.hpp>
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

std::unique_ptr<store> open_store_uri(std::string_view uri) {
  if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
#ifdef ENERGY_STORES_HAVE_POSTGRES
    return open_postgres_store(uri);
#else
    throw std::invalid_argument("'" + std::string(uri) +
                                "': this build of energy has no PostgreSQL adapter");
#endif
  }
  if (uri.starts_with("sqlite:") || uri.starts_with("memory:")) return open_store(uri);
  if (uri.find("://") != std::string_view::npos || uri.empty())
    throw std::invalid_argument(
        "unsupported store URI '" + std::string(uri) +
        "' (accepted: memory:, sqlite:PATH, a file path, postgresql://user@host:port/db)");
  return open_sqlite_store(std::filesystem::path(uri));
}

}  // namespace energy::storage
