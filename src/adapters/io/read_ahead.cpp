// SPDX-License-Identifier: Apache-2.0
#include <energy/io/read_ahead.hpp>

#include <exception>
#include <thread>
#include <utility>

#include "chunk_queue.hpp"

namespace energy::io {

void read_ahead(const chunk_reader& read, const chunk_handler& on_chunk) {
  detail::chunk_queue queue;
  std::exception_ptr reader_error;
  std::thread reader([&] {
    try {
      // The chunk goes to the queue; the reader gets a consumed chunk's storage back to fill.
      read([&](parsed_readings&& chunk) {
        detail::queued_chunk w{{}, std::move(chunk)};
        chunk = queue.take_spare();
        if (!queue.push(std::move(w))) throw detail::consumer_stopped{};
      });
    } catch (const detail::consumer_stopped&) {
      // The consumer's own error is rethrown below.
    } catch (...) {
      reader_error = std::current_exception();
    }
    // After a reader failure too: the consumer takes what was handed over, then stops.
    queue.close();
  });
  try {
    detail::queued_chunk w;
    while (queue.pop(w)) {
      on_chunk(std::move(w.chunk));
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

}  // namespace energy::io
