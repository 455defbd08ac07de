// SPDX-License-Identifier: Apache-2.0
#include "http/worker_pool.hpp"

#include <stdexcept>

#include <energy/storage/open.hpp>

namespace energy::server {

worker_slot::worker_slot(std::string uri) : uri_(std::move(uri)) {}
worker_slot::~worker_slot() = default;

storage::store& worker_slot::store() {
  if (!store_) store_ = storage::open_store_uri(uri_);
  return *store_;
}

db::connection& worker_slot::db() {
  if (!db_) db_ = db::open(uri_);
  return *db_;
}

void worker_slot::reset() noexcept {
  store_.reset();
  db_.reset();
}

worker_pool::worker_pool(std::size_t threads, std::string store_uri, std::size_t max_queue)
    : uri_(std::move(store_uri)), max_queue_(max_queue) {
  if (threads == 0) throw std::invalid_argument("worker_pool: threads must be at least 1");
  if (max_queue == 0) throw std::invalid_argument("worker_pool: max_queue must be at least 1");
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this, i] { run(i); });
}

worker_pool::~worker_pool() {
  stop();
}

bool worker_pool::submit(job j) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= max_queue_) return false;
    jobs_.push_back(std::move(j));
  }
  wake_.notify_one();
  return true;
}

void worker_pool::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

std::size_t worker_pool::queued() const {
  const std::lock_guard lock(mutex_);
  return jobs_.size();
}

void worker_pool::run(std::size_t) {
  worker_slot slot(uri_);
  while (true) {
    job j;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping and drained
      j = std::move(jobs_.front());
      jobs_.pop_front();
    }
    j(slot);  // jobs catch their own exceptions (the dispatcher answers every failure)
  }
}

}  // namespace energy::server
