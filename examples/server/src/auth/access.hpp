// SPDX-License-Identifier: Apache-2.0
// Which principals a route's `access` level admits: the one table the HTTP layer consults after
// authenticate() (401 without a principal, 403 with one that is not admitted).
#pragma once

#include "auth/principal.hpp"
#include "http/message.hpp"

namespace energy::server::auth {

/**
 * public_: anyone. viewer: a tenant's viewer, operator or admin. operator_: operator or admin.
 * admin: the tenant admin. device: a device key, or an operator or admin user (ingest).
 * server_admin: the server administrator only — who has no tenant, so no tenant route admits
 * it, and no device key or tenant user reaches a server_admin route. person: any signed-in user
 * (tenant users and the server administrator), never a device key (own-account routes).
 */
[[nodiscard]] bool allows(access level, const principal& who) noexcept;

}  // namespace energy::server::auth
