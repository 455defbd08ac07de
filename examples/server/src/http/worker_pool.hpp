// SPDX-License-Identifier: Apache-2.0
// Handlers run here, never on the network threads: each worker thread owns its own library store
// and SQL connection for the same database (stores are one-thread objects), opened lazily and
// reopened after a connection-level failure.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/sql.hpp"

namespace energy::storage {
class store;
}

namespace energy::server {

/// One worker thread's connections. Not thread-safe (it belongs to its worker).
class worker_slot {
 public:
  explicit worker_slot(std::string uri);
  ~worker_slot();
  worker_slot(const worker_slot&) = delete;
  worker_slot& operator=(const worker_slot&) = delete;
  /// Opens on first use. @throws storage_error / std::invalid_argument from the adapters.
  storage::store& store();
  db::connection& db();
  /// Drops both connections (after a retryable failure) so the next use opens fresh ones.
  void reset() noexcept;

 private:
  std::string uri_;
  std::unique_ptr<storage::store> store_;
  std::unique_ptr<db::connection> db_;
};

/**
 * A fixed set of worker threads and a bounded FIFO queue of jobs. Thread-safe.
 */
class worker_pool {
 public:
  using job = std::function<void(worker_slot&)>;

  /// @throws std::invalid_argument when `threads` or `max_queue` is 0.
  worker_pool(std::size_t threads, std::string store_uri, std::size_t max_queue);
  ~worker_pool();
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  /// Queues a job; false when the queue is full or the pool is stopping (the caller answers 503).
  [[nodiscard]] bool submit(job j);
  /// Runs every queued job, then joins the threads. Idempotent.
  void stop();
  [[nodiscard]] std::size_t queued() const;
  [[nodiscard]] std::size_t threads() const noexcept { return threads_.size(); }

 private:
  void run(std::size_t index);

  std::string uri_;
  std::size_t max_queue_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace energy::server
