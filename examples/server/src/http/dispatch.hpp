// SPDX-License-Identifier: Apache-2.0
// Everything between a parsed request and its response that does not depend on the wire:
// routing (404/405), authentication and the route's access level (401/403), the handler on a
// worker's connections with the store retry rule (3 attempts, then 503 + Retry-After), problem
// documents for every failure, one JSON log line and the latency histogram per request.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <optional>

#include "app/services.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "http/worker_pool.hpp"

namespace energy::server {

struct dispatch_options {
  int max_attempts = 3;         ///< per request, for retryable store errors (the seed's rule)
  int retry_after_seconds = 2;  ///< Retry-After of the 503 that follows
  std::chrono::milliseconds retry_backoff{50};  ///< doubled after each failed attempt
};

class dispatcher {
 public:
  /// `app` must outlive the dispatcher; its metrics and log may be null (tests).
  dispatcher(const router& routes, services& app, dispatch_options options = {});

  /// Where an answer goes. Called exactly once per request, on the worker thread or — for a
  /// handler that answers later (response::deferred) — on the thread that finishes its work.
  using reply = std::function<void(response)>;

  /// Answers `req` through `to`; never throws. Runs on a worker thread. `req` must stay alive
  /// until `to` has been called.
  void handle(request& req, worker_slot& slot, reply to) noexcept;

  /// As above, waiting for the answer (tests, and callers that have no connection to free).
  [[nodiscard]] response handle(request& req, worker_slot& slot) noexcept;

  /// Answers a request the network layer refused before routing (body too large, bad encoding,
  /// ...) with `p`, logged and counted like any other. Never throws.
  [[nodiscard]] response refuse(const request& req, const problem& p) noexcept;

  /// Answers a CORS preflight (an OPTIONS request, routed here by the network layer before any
  /// route or credentials) through the auth module's policy (auth::preflight). Never throws.
  [[nodiscard]] response preflight(const request& req) noexcept;

  [[nodiscard]] const router& routes() const noexcept { return routes_; }

 private:
  response run(request& req, worker_slot& slot, const route*& matched,
               std::optional<principal>& caller);
  /// The answer to a failure of the handler (thrown, or sent to a deferred answer). Never throws.
  response render_failure(const std::exception_ptr& failure, const request& req,
                          const route* matched) noexcept;
  void finish(const request& req, const route* matched, const principal* who, response& res,
              std::chrono::steady_clock::time_point start, bool add_cors = true) noexcept;

  const router& routes_;
  services& app_;
  dispatch_options options_;
};

}  // namespace energy::server
