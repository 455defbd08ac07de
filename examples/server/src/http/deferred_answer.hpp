// SPDX-License-Identifier: Apache-2.0
// The answer of a request whose handler handed its work to another thread (the ingest group
// writer) instead of finishing it on the worker: the handler returns response::later(answer),
// the worker is free for the next request, and whoever finishes the work sends the answer.
#pragma once

#include <exception>
#include <functional>
#include <mutex>
#include <optional>

#include "http/message.hpp"

namespace energy::server {

/**
 * Thread-safe, one answer per request: the first send()/fail() wins, later ones are ignored. An
 * answer dropped without either (a lost unit of work) is answered as an internal failure, so a
 * client is never left waiting on a connection nobody will write to.
 */
class deferred_answer {
 public:
  /// What the HTTP layer does with the answer: exactly one of `res` and `failure` is set.
  using sink = std::function<void(response* res, std::exception_ptr failure)>;

  deferred_answer() = default;
  ~deferred_answer();
  deferred_answer(const deferred_answer&) = delete;
  deferred_answer& operator=(const deferred_answer&) = delete;

  /// Answers with `res` (a success or a prepared problem). Never throws.
  void send(response res) noexcept;
  /// Answers as if the handler had thrown `failure` (problem documents, 503 for retryable store
  /// errors, 500 otherwise). Never throws.
  void fail(std::exception_ptr failure) noexcept;

  /// The HTTP layer's side: where the answer goes. Delivers at once when it is already there.
  void deliver_to(sink s) noexcept;

 private:
  void settle(std::optional<response> res, std::exception_ptr failure) noexcept;

  std::mutex mutex_;
  sink sink_;
  std::optional<response> response_;
  std::exception_ptr failure_;
  bool settled_ = false;
  bool delivered_ = false;
};

}  // namespace energy::server
