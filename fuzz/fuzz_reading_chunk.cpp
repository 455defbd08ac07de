// SPDX-License-Identifier: Apache-2.0
// The SQLite adapter's reading-chunk decoder (a stored blob is the only input it trusts nothing
// of): any bytes decode or name why not, never read outside the input, never throw; what decodes
// is ascending, inside its span, exactly the recorded count, and survives encode + decode
// unchanged in an encoding no longer than the input.
// Input: 2 bytes of expected count (little-endian), 1 byte choosing the span, then the blob.
#include "fuzz_check.hpp"

#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "adapters/sqlite/reading_chunk.hpp"

using namespace energy;
using namespace energy::sqlite_detail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::int64_t expected = data[0] | (data[1] << 8);
  const std::int64_t span = chunk_spans[data[2] % std::size(chunk_spans)];
  const epoch_seconds start = -3 * span;  // before 1970: negative times too
  const std::span<const std::uint8_t> blob(data + 3, size - 3);
  std::vector<chunk_reading> out;
  if (!decode_chunk(blob, start, start + span, expected, out).empty()) return 0;
  FUZZ_CHECK(static_cast<std::int64_t>(out.size()) == expected);
  for (std::size_t i = 0; i < out.size(); ++i) {
    FUZZ_CHECK(out[i].ts >= start && out[i].ts < start + span);
    FUZZ_CHECK(i == 0 || out[i - 1].ts < out[i].ts);
  }
  std::string again;
  encode_chunk(out, start, again);
  FUZZ_CHECK(again.size() <= blob.size());
  std::vector<chunk_reading> back;
  FUZZ_CHECK(decode_chunk({reinterpret_cast<const std::uint8_t*>(again.data()), again.size()},
                          start, start + span, expected, back)
                 .empty());
  FUZZ_CHECK(back == out);
  return 0;
}
