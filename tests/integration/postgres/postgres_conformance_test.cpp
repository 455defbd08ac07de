// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL adapter against the store contract: every check gets a store in a new, empty
// schema of the fixture's server.
#include "conformance/store_conformance.hpp"

#include <energy/storage/postgres.hpp>

#include "pg_test_support.hpp"

ENERGY_STORE_CONFORMANCE("postgres", [] {
  return energy::storage::open_postgres_store(energy::test::postgres_uri(),
                                              energy::test::test_options("conf"));
})
