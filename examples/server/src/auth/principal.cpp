// SPDX-License-Identifier: Apache-2.0
#include "auth/principal.hpp"

namespace energy::server {

std::string_view to_string(role r) noexcept {
  switch (r) {
    case role::viewer:
      return "viewer";
    case role::operator_:
      return "operator";
    case role::admin:
      return "admin";
    case role::device:
      return "device";
    case role::server_admin:
      return "server_admin";
  }
  return "viewer";
}

}  // namespace energy::server
