// SPDX-License-Identifier: Apache-2.0
#include <energy/io/read_ahead.hpp>

#include <string>
#include <utility>

#include "chunk_queue.hpp"

namespace energy::io {

void read_ahead(const chunk_reader& read, const chunk_handler& on_chunk) {
  detail::hand_over_chunks(
      [&](const auto& hand_over) {
        read([&](parsed_readings&& chunk) { hand_over(std::string{}, std::move(chunk)); });
      },
      [&](detail::queued_chunk& w) { on_chunk(std::move(w.chunk)); });
}

}  // namespace energy::io
