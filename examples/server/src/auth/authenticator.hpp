// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>

#include "auth/principal.hpp"
#include "db/sql.hpp"
#include "http/message.hpp"

namespace energy::server {

/// Turns a request's credentials into a principal. The HTTP layer calls it before every handler
/// and enforces the route's `access` level itself.
class authenticator {
 public:
  virtual ~authenticator() = default;
  /// nullopt when the request carries no credentials at all; a principal when they verify.
  /// @throws problem_error (401, type "/problems/unauthorized") when credentials are given but are
  ///         invalid, expired, revoked or of a pinned-out algorithm — the same body for each, so
  ///         the reason does not leak (the reason is logged).
  [[nodiscard]] virtual std::optional<principal> authenticate(const request& r,
                                                              db::connection& db) = 0;
};

}  // namespace energy::server
