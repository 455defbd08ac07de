// SPDX-License-Identifier: Apache-2.0
// io::read_ahead: the reader runs on its own thread, every chunk reaches the consumer in order,
// a reader failure comes after the chunks handed over before it, a consumer failure stops the
// reader.
#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include <energy/error.hpp>
#include <energy/io/read_ahead.hpp>

namespace {

using energy::io::chunk_handler;
using energy::io::parsed_readings;
using energy::io::read_ahead;

/// A chunk of one row whose source_row is `n`.
parsed_readings chunk_numbered(std::int64_t n) {
  parsed_readings c;
  c.batch.push_back(energy::uuid{}, 0, 0, 0, n);
  return c;
}

std::int64_t number_of(const parsed_readings& c) {
  REQUIRE(c.batch.size() == 1);
  return c.batch.source_row[0];
}

}  // namespace

TEST_CASE("read_ahead: the reader runs on another thread, every chunk arrives in order",
          "[io][read_ahead]") {
  const auto consumer_thread = std::this_thread::get_id();
  std::thread::id reader_thread;
  std::vector<std::int64_t> seen;
  read_ahead(
      [&](const chunk_handler& hand_over) {
        reader_thread = std::this_thread::get_id();
        for (std::int64_t n = 0; n < 50; ++n) {
          parsed_readings c = chunk_numbered(n);
          hand_over(std::move(c));
        }
      },
      [&](parsed_readings&& c) {
        CHECK(std::this_thread::get_id() == consumer_thread);
        seen.push_back(number_of(c));
      });
  CHECK(reader_thread != consumer_thread);
  REQUIRE(seen.size() == 50);
  for (std::int64_t n = 0; n < 50; ++n)
    CHECK(seen[static_cast<std::size_t>(n)] == n);
}

TEST_CASE("read_ahead: a reader failure comes after every chunk it handed over before",
          "[io][read_ahead]") {
  std::vector<std::int64_t> seen;
  CHECK_THROWS_WITH(read_ahead(
                        [&](const chunk_handler& hand_over) {
                          for (std::int64_t n = 0; n < 3; ++n)
                            hand_over(chunk_numbered(n));
                          throw energy::parse_error("line 7: broken");
                        },
                        [&](parsed_readings&& c) { seen.push_back(number_of(c)); }),
                    "line 7: broken");
  CHECK(seen == std::vector<std::int64_t>{0, 1, 2});
}

TEST_CASE("read_ahead: a consumer failure stops the reader and is rethrown", "[io][read_ahead]") {
  constexpr std::int64_t offered = 100'000;
  std::atomic<std::int64_t> handed{0};
  CHECK_THROWS_WITH(read_ahead(
                        [&](const chunk_handler& hand_over) {
                          for (std::int64_t n = 0; n < offered; ++n) {
                            hand_over(chunk_numbered(n));
                            ++handed;
                          }
                        },
                        [&](parsed_readings&& c) {
                          if (number_of(c) == 2) throw std::runtime_error("store failed");
                        }),
                    "store failed");
  // The reader stopped at a hand-over soon after: at most the queue's few chunks more.
  CHECK(handed.load() < 10);
}
