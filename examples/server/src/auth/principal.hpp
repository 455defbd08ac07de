// SPDX-License-Identifier: Apache-2.0
// Who is calling: derived only from verified credentials (an access JWT or a device key), never
// from the path, query or body. Every store access of a handler is scoped by `tenant_id`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <energy/uuid.hpp>

namespace energy::server {

enum class role : std::uint8_t { viewer, operator_, admin, device, server_admin };

[[nodiscard]] std::string_view to_string(role r) noexcept;

struct principal {
  uuid tenant_id;  ///< nil only for the server administrator
  uuid subject;    ///< user id or device key id
  role who = role::viewer;
  std::vector<uuid>
      buildings;        ///< device keys optionally scoped to buildings; empty = all of the tenant
  std::string display;  ///< user e-mail or key name, for logs and audit
};

}  // namespace energy::server
