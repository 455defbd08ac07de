// SPDX-License-Identifier: Apache-2.0
// The auth module's tables, migrated under module name "auth" (db::migrate).
#pragma once

#include "db/sql.hpp"

namespace energy::server::auth {

/// Creates or upgrades the auth tables: auth_users, auth_sessions (refresh-token families),
/// auth_refresh_tokens, auth_device_keys, auth_signing_keys, auth_login_failures, auth_audit.
void migrate_schema(db::connection& c);

}  // namespace energy::server::auth
