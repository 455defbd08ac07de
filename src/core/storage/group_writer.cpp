// SPDX-License-Identifier: Apache-2.0
#include <energy/storage/group_writer.hpp>

#include <stdexcept>
#include <utility>
#include <vector>

#include <energy/error.hpp>

namespace energy::storage {

group_writer::group_writer(std::function<std::unique_ptr<store>()> open,
                           group_writer_options options)
    : open_(std::move(open)), options_(options) {
  if (!open_) throw std::invalid_argument("group_writer: no function to open the store");
  if (options_.max_pending == 0 || options_.max_group_units == 0 || options_.max_group_weight == 0)
    throw std::invalid_argument(
        "group_writer: max_pending, max_group_units and "
        "max_group_weight must be at least 1");
  if (options_.max_attempts < 1)
    throw std::invalid_argument("group_writer: max_attempts must be at least 1");
  thread_ = std::thread([this] { loop(); });
}

group_writer::~group_writer() {
  stop();
}

bool group_writer::submit(work unit, done on_done, std::size_t weight) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ || pending_ >= options_.max_pending) return false;
    queue_.push_back({std::move(unit), std::move(on_done), weight});
    ++pending_;
  }
  wake_.notify_one();
  return true;
}

void group_writer::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t group_writer::pending() const {
  const std::lock_guard lock(mutex_);
  return pending_;
}

std::uint64_t group_writer::groups_committed() const {
  const std::lock_guard lock(mutex_);
  return groups_;
}

std::uint64_t group_writer::units_committed() const {
  const std::lock_guard lock(mutex_);
  return units_;
}

void group_writer::report(queued_unit& u, const std::exception_ptr& e) noexcept {
  try {
    if (u.on_done) u.on_done(e);
  } catch (...) {
    // A callback that throws must not take the writer (and every later unit) down with it.
  }
}

void group_writer::loop() {
  std::deque<queued_unit> group;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      // Whatever waits now forms the group: no timer, so a lone unit is written at once and
      // units arriving during a commit form the next group.
      std::size_t weight = 0;
      while (!queue_.empty() && group.size() < options_.max_group_units &&
             (group.empty() || weight + queue_.front().weight <= options_.max_group_weight)) {
        weight += queue_.front().weight;
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const std::size_t n = group.size();
    write(group);
    group.clear();
    const std::lock_guard lock(mutex_);
    pending_ -= n;
  }
}

void group_writer::write_without_group(std::deque<queued_unit>& group) {
  for (auto& u : group) {
    std::exception_ptr failed;
    try {
      u.run(*store_);
    } catch (...) {
      failed = std::current_exception();
    }
    if (!failed) {
      const std::lock_guard lock(mutex_);
      ++units_;
    }
    report(u, failed);
  }
}

void group_writer::write(std::deque<queued_unit>& group) {
  auto pause = options_.retry_backoff;
  for (int attempt = 1;; ++attempt) {
    std::exception_ptr group_failure;
    bool retry = false;
    try {
      if (!store_) store_ = open_();
      group_commit* groups = store_->as<group_commit>();
      if (!groups || !groups->begin_group()) return write_without_group(group);
      std::vector<std::exception_ptr> outcome(group.size());
      for (std::size_t i = 0; i < group.size(); ++i) {
        groups->begin_unit();
        try {
          group[i].run(*store_);
        } catch (...) {
          outcome[i] = std::current_exception();
        }
        // Throws when the transaction itself is lost: then the whole group is run again.
        groups->end_unit(outcome[i] == nullptr);
      }
      groups->commit_group();
      {
        // Counted before the callbacks run, so a callback reading the counters sees its group.
        const std::lock_guard lock(mutex_);
        ++groups_;
        for (const auto& e : outcome)
          units_ += e ? 0 : 1;
      }
      for (std::size_t i = 0; i < group.size(); ++i)
        report(group[i], outcome[i]);
      return;
    } catch (const storage_error& e) {
      group_failure = std::current_exception();
      retry = e.retryable();
    } catch (...) {
      group_failure = std::current_exception();
    }
    if (group_commit* groups = store_ ? store_->as<group_commit>() : nullptr)
      groups->rollback_group();
    if (retry) store_.reset();  // a lost connection must not poison the next run
    if (!retry || attempt >= options_.max_attempts) {
      for (auto& u : group)
        report(u, group_failure);
      return;
    }
    std::this_thread::sleep_for(pause);
    pause *= 2;
  }
}

}  // namespace energy::storage
