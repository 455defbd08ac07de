// SPDX-License-Identifier: Apache-2.0
// Uses energy::sqlite: a tenant written to a new SQLite file reads back the same. Prints "ok".
#include <energy/storage/sqlite.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::puts("usage: consumer <database file>");
    return 2;
  }
  const std::filesystem::path file = argv[1];
  std::filesystem::remove(file);
  const auto t0 = energy::parse_utc_timestamp("2024-01-01T00:00:00Z");
  const energy::tenant acme{energy::uuid::v7(), "Acme Properties", *t0};
  {
    auto db = energy::storage::open_sqlite_store(file);
    db->put_tenant(acme);
  }
  auto db = energy::storage::open_sqlite_store(file);
  const auto back = db->get_tenant(acme.id);
  if (!back || back->name != acme.name) {
    std::puts("the tenant did not read back");
    return 1;
  }
  std::puts("ok");
  return 0;
}
