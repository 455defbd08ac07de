// SPDX-License-Identifier: Apache-2.0
// Shared by the fuzz harnesses: an invariant check that aborts (a finding) with a message, and the
// input as text. Any exception other than the documented ones escapes the harness, which libFuzzer
// also reports: no vendor exception may cross the public API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace energy::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline std::size_t count_lines(std::string_view text) {
  std::size_t n = 0;
  for (char c : text)
    n += c == '\n';
  return n + 1;
}

}  // namespace energy::fuzz
