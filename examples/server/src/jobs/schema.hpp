// SPDX-License-Identifier: Apache-2.0
// The jobs module's tables (module "jobs" in server_schema): job runs (which are also the leases
// that make a run happen once per period across replicas), alert configurations, alerts and the
// notification outbox. Times are BIGINT epoch seconds (UTC).
#pragma once

#include "db/sql.hpp"

namespace energy::server::jobs {

/// Creates or upgrades the tables. Safe from several processes at once (see db::migrate).
void migrate(db::connection& c);

}  // namespace energy::server::jobs
