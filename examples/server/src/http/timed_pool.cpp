// SPDX-License-Identifier: Apache-2.0
#include "http/timed_pool.hpp"

#include <optional>
#include <stdexcept>
#include <utility>

#include <energy/error.hpp>
#include <energy/storage/open.hpp>
#include <energy/storage/store.hpp>

#include "http/deferred_answer.hpp"
#include "http/problems.hpp"

namespace energy::server {

timed_pool::timed_pool(std::size_t threads, std::string store_uri, std::size_t max_queue,
                       std::chrono::milliseconds deadline)
    : uri_(std::move(store_uri)), max_queue_(max_queue), deadline_(deadline) {
  if (threads == 0 || max_queue == 0)
    throw std::invalid_argument("timed_pool: threads and max_queue must be at least 1");
  if (deadline.count() <= 0) throw std::invalid_argument("timed_pool: the deadline must be > 0");
  watchdog_ = std::thread([this] { watch(); });
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] { run(); });
}

timed_pool::~timed_pool() {
  stop();
}

bool timed_pool::submit(job work, std::shared_ptr<deferred_answer> answer, std::string what) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queue_) return false;
    auto w = std::make_shared<watched>();
    w->answer = answer;
    w->what = std::move(what);
    w->entry = deadlines_.emplace(clock::now() + deadline_, w);
    queue_.push_back({std::move(work), std::move(answer), std::move(w)});
  }
  work_ready_.notify_one();
  watch_changed_.notify_one();
  return true;
}

void timed_pool::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  {
    const std::lock_guard lock(mutex_);
    threads_.clear();
  }
  watch_changed_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

void timed_pool::time_out(const watched& w) const {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(deadline_).count();
  auto p = make_problem("/problems/timeout",
                        w.what + " took longer than the server's limit of " +
                            std::to_string(std::chrono::duration<double>(deadline_).count()) +
                            " s (ENERGY_REPORT_TIMEOUT); ask for a shorter period or retry later");
  p.extra["limit_seconds"] = seconds;
  w.answer->fail(std::make_exception_ptr(problem_error(std::move(p))));
}

void timed_pool::watch() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (deadlines_.empty()) {
      if (stopping_ && threads_.empty()) return;
      watch_changed_.wait(lock);
      continue;
    }
    const auto first = deadlines_.begin();
    if (first->first > clock::now()) {
      watch_changed_.wait_until(lock, first->first);
      continue;
    }
    const std::shared_ptr<watched> w = first->second;
    w->expired = true;
    deadlines_.erase(first);
    lock.unlock();
    time_out(*w);
    lock.lock();
  }
}

void timed_pool::run() {
  std::unique_ptr<storage::store> store;
  while (true) {
    task t;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      t = std::move(queue_.front());
      queue_.pop_front();
      if (t.deadline->expired) continue;  // answered while it waited: nobody wants it now
    }
    std::optional<response> res;
    std::exception_ptr failed;
    try {
      if (!store) store = storage::open_store_uri(uri_);
      res = t.work(*store);
    } catch (const storage_error& e) {
      failed = std::current_exception();
      if (e.retryable()) store.reset();  // a lost connection must not fail the next job
    } catch (...) {
      failed = std::current_exception();
    }
    {
      const std::lock_guard lock(mutex_);
      if (!t.deadline->expired) deadlines_.erase(t.deadline->entry);
    }
    watch_changed_.notify_one();
    // After a time-out these are ignored: the first answer wins.
    if (failed)
      t.answer->fail(failed);
    else
      t.answer->send(std::move(*res));
  }
}

}  // namespace energy::server
