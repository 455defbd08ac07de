// SPDX-License-Identifier: Apache-2.0
// Long computations (reports) off the request workers: a few threads of their own, a bounded
// queue, and a deadline after which the client is answered 504 whatever the computation does.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/message.hpp"

namespace energy::storage {
class store;
}

namespace energy::server {

class deferred_answer;

/**
 * Runs jobs that build a response from the store on `threads` threads of its own (each with its
 * own store, opened on first use, reopened after a retryable storage_error), in queue order.
 *
 * **Bounded in time:** a job not answered within `deadline` of its submission is answered with a
 * 504 problem (/problems/timeout) by a watchdog thread; its result, if it comes later, is dropped.
 * A job whose deadline passed while it waited is never started. The library's computations have
 * no cancellation point, so an overrunning job keeps its thread until it returns: at most
 * `threads` run at once, whatever clients do.
 * **Bounded in memory:** at most `max_queue` jobs wait; submit() refuses beyond (the caller
 * answers 503).
 *
 * Thread-safety: submit() and stop() may be called from any thread.
 */
class timed_pool {
 public:
  using job = std::function<response(storage::store&)>;

  /// @throws std::invalid_argument for zero threads, queue or deadline.
  timed_pool(std::size_t threads, std::string store_uri, std::size_t max_queue,
             std::chrono::milliseconds deadline);
  /// stop().
  ~timed_pool();
  timed_pool(const timed_pool&) = delete;
  timed_pool& operator=(const timed_pool&) = delete;

  /// Queues `work`; its response (or failure, rendered as the handler's would be) goes to
  /// `answer`. `what` names the work in the timeout message. False when the queue is full or the
  /// pool is stopping (nothing was queued).
  [[nodiscard]] bool submit(job work, std::shared_ptr<deferred_answer> answer, std::string what);
  /// Answers every queued job (each runs, or times out), then joins the threads. Idempotent.
  void stop();

  [[nodiscard]] std::chrono::milliseconds deadline() const noexcept { return deadline_; }

 private:
  using clock = std::chrono::steady_clock;
  /// A job's deadline: in `deadlines_` until the job ends or the watchdog answers it.
  struct watched {
    std::shared_ptr<deferred_answer> answer;
    std::string what;
    bool expired = false;  // answered by the watchdog (and out of `deadlines_`)
    std::multimap<clock::time_point, std::shared_ptr<watched>>::iterator entry;
  };
  struct task {
    job work;
    std::shared_ptr<deferred_answer> answer;
    std::shared_ptr<watched> deadline;
  };
  void run();
  void watch();
  void time_out(const watched& w) const;

  std::string uri_;
  std::size_t max_queue_;
  std::chrono::milliseconds deadline_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable watch_changed_;
  std::deque<task> queue_;
  std::multimap<clock::time_point, std::shared_ptr<watched>> deadlines_;  // queued or running
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  std::thread watchdog_;
};

}  // namespace energy::server
