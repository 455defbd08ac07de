// SPDX-License-Identifier: Apache-2.0
// What a handler gets besides the request: the verified caller, this worker thread's connections
// and the process-wide services. Handlers run on worker threads (never on the network threads),
// so blocking store calls are fine there.
#pragma once

#include "app/services.hpp"
#include "auth/principal.hpp"
#include "db/sql.hpp"

namespace energy::storage {
class store;
}

namespace energy::server {

class request_context {
 public:
  virtual ~request_context() = default;
  /// The authenticated caller. @throws std::logic_error on a public route (no caller).
  [[nodiscard]] virtual const principal& who() const = 0;
  /// The caller if credentials were given (public routes may still receive them), else nullptr.
  [[nodiscard]] virtual const principal* maybe_who() const noexcept = 0;
  /// This worker thread's library store (same database as db()).
  [[nodiscard]] virtual storage::store& store() = 0;
  /// This worker thread's connection for the server's own tables.
  [[nodiscard]] virtual db::connection& db() = 0;
  /// Process-wide services (configuration, metrics, auth, jobs).
  [[nodiscard]] virtual services& app() = 0;
};

}  // namespace energy::server
