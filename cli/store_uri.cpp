// SPDX-License-Identifier: Apache-2.0
#include "store_uri.hpp"

#include "args.hpp"

#include <energy/storage/sqlite.hpp>
#ifdef ENERGY_CLI_HAVE_POSTGRES
#include <energy/storage/postgres.hpp>
#endif

namespace energy::cli {

std::unique_ptr<storage::store> open_store_uri(std::string_view uri) {
  if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
#ifdef ENERGY_CLI_HAVE_POSTGRES
    return storage::open_postgres_store(uri);
#else
    throw usage_error("this energy was built without the PostgreSQL adapter");
#endif
  }
  if (uri.starts_with("sqlite:") || uri.starts_with("memory:")) return storage::open_store(uri);
  if (uri.find("://") != std::string_view::npos)
    throw usage_error("--db: unsupported URI '" + std::string(uri) + "' (sqlite:PATH, memory:, postgresql://...)");
  return storage::open_sqlite_store(std::filesystem::path(uri));  // a bare path
}

}  // namespace energy::cli
