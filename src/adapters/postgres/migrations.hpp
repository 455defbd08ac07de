// SPDX-License-Identifier: Apache-2.0
// Internal: the embedded copies of share/migrations/postgres/*.sql.
#pragma once

#include <vector>

namespace energy::storage::detail {

struct migration {
  int version;
  const char* name;
  const char* sql;
};

/// Every migration, ordered by version.
const std::vector<migration>& postgres_migrations();

}  // namespace energy::storage::detail
