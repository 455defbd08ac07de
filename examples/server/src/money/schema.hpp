// SPDX-License-Identifier: Apache-2.0
// The money module's own tables: tariff versions per building and the utility bills uploaded
// for reconciliation. Every row carries the tenant, and every query filters on it besides the
// building (which the handler has already checked belongs to the caller's tenant).
#pragma once

#include "db/sql.hpp"

namespace energy::server::costs {

/// Brings the money tables to the newest version.
void migrate(db::connection& c);

}  // namespace energy::server::costs
