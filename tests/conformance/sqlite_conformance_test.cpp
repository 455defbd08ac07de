// SPDX-License-Identifier: Apache-2.0
// The SQLite adapter against the store contract: once on a private in-memory database, once on a
// fresh file in WAL mode with full durability (the configuration users run).
#include "conformance/store_conformance.hpp"

#include <atomic>
#include <filesystem>
#include <string>

#include <unistd.h>

#include <energy/storage/sqlite.hpp>

namespace {

/// A new database file per call, under the system temp directory; removed when the test binary
/// exits.
class temp_databases {
 public:
  temp_databases() {
    dir_ = std::filesystem::temp_directory_path() /
           ("energy-sqlite-conformance-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  ~temp_databases() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  temp_databases(const temp_databases&) = delete;
  temp_databases& operator=(const temp_databases&) = delete;
  std::filesystem::path next() { return dir_ / ("store-" + std::to_string(++counter_) + ".db"); }

 private:
  std::filesystem::path dir_;
  std::atomic<int> counter_{0};
};

temp_databases& databases() {
  static temp_databases d;
  return d;
}

}  // namespace

ENERGY_STORE_CONFORMANCE("sqlite-memory",
                         [] { return energy::storage::open_sqlite_store(":memory:"); })
ENERGY_STORE_CONFORMANCE("sqlite-file",
                         [] { return energy::storage::open_sqlite_store(databases().next()); })
