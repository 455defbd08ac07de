// SPDX-License-Identifier: Apache-2.0
// Private to energy::io: the bounded hand-over of parsed chunks between a reading thread and a
// consuming one (summarize_files, read_ahead).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <energy/io/parsed_readings.hpp>

namespace energy::io::detail {

/// One parsed chunk on its way from the reading thread to the consuming one, with the name of
/// the input it came from.
struct queued_chunk {
  std::string source;
  parsed_readings chunk;
};

/**
 * Chunks handed from a reading thread to a consuming thread, in order. At most `capacity`
 * wait, so memory stays a few chunks whatever the file size; a full queue makes the reader wait.
 */
class chunk_queue {
 public:
  /// False when the consumer has stopped (it failed): the reader should give up.
  bool push(queued_chunk&& w) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < capacity || stopped_; });
    if (stopped_) return false;
    items_.push_back(std::move(w));
    not_empty_.notify_one();
    return true;
  }
  /// False when the reader is done (or stopped) and nothing is left.
  bool pop(queued_chunk& w) {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_ || stopped_; });
    if (stopped_ || items_.empty()) return false;
    w = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return true;
  }
  /// The reader has pushed everything.
  void close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }
  /// A consumed chunk's storage, for the reader to fill again (kept: at most `capacity`).
  void give_back(parsed_readings&& spare) {
    spare.batch.clear();
    spare.rejections.clear();
    const std::lock_guard lock(mutex_);
    if (spares_.size() < capacity) spares_.push_back(std::move(spare));
  }
  /// Storage to parse the next chunk into: a consumed chunk's when there is one, else empty.
  parsed_readings take_spare() {
    const std::lock_guard lock(mutex_);
    if (spares_.empty()) return {};
    parsed_readings spare = std::move(spares_.back());
    spares_.pop_back();
    return spare;
  }
  /// Either side failed: both stop as soon as they look.
  void stop() {
    const std::lock_guard lock(mutex_);
    stopped_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  static constexpr std::size_t capacity = 2;
  std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<queued_chunk> items_;
  std::vector<parsed_readings> spares_;
  bool closed_ = false;
  bool stopped_ = false;
};

/// Thrown inside the reader's chunk callback to unwind it when the consuming thread failed.
struct consumer_stopped {};

/**
 * Runs `read(hand_over)` on a second thread and `consume(queued_chunk&)` on the calling thread
 * with each chunk `read` hands over with `hand_over(source, std::move(chunk))`, in order; a
 * consumed chunk's storage goes back to the reader (its `chunk` is refilled from it). The result
 * is what one thread gives. When `consume` throws, the reader stops at its next hand-over and the
 * exception is rethrown; when `read` throws, every chunk handed over before still goes to
 * `consume`, then the reader's exception is rethrown.
 */
template <class Read, class Consume>
void hand_over_chunks(Read&& read, Consume&& consume) {
  chunk_queue queue;
  std::exception_ptr reader_error;
  std::thread reader([&] {
    try {
      read([&](std::string source, parsed_readings&& chunk) {
        queued_chunk w{std::move(source), std::move(chunk)};
        chunk = queue.take_spare();
        if (!queue.push(std::move(w))) throw consumer_stopped{};
      });
    } catch (const consumer_stopped&) {
      // The consumer's own error is rethrown below.
    } catch (...) {
      reader_error = std::current_exception();
    }
    // After a reader failure too: the consumer takes what was handed over, then stops.
    queue.close();
  });
  try {
    queued_chunk w;
    while (queue.pop(w)) {
      consume(w);
      queue.give_back(std::move(w.chunk));
    }
  } catch (...) {
    queue.stop();
    reader.join();
    throw;
  }
  reader.join();
  if (reader_error) std::rethrow_exception(reader_error);
}

}  // namespace energy::io::detail
