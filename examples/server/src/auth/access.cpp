// SPDX-License-Identifier: Apache-2.0
#include "auth/access.hpp"

namespace energy::server::auth {

bool allows(access level, const principal& who) noexcept {
  const role r = who.who;
  const bool tenant_user =
      !who.tenant_id.is_nil() && (r == role::viewer || r == role::operator_ || r == role::admin);
  switch (level) {
    case access::public_:
      return true;
    case access::viewer:
      return tenant_user;
    case access::operator_:
      return tenant_user && (r == role::operator_ || r == role::admin);
    case access::admin:
      return tenant_user && r == role::admin;
    case access::device:
      return !who.tenant_id.is_nil() &&
             (r == role::device || r == role::operator_ || r == role::admin);
    case access::server_admin:
      return who.tenant_id.is_nil() && r == role::server_admin;
    case access::person:
      return tenant_user || (who.tenant_id.is_nil() && r == role::server_admin);
  }
  return false;
}

}  // namespace energy::server::auth
