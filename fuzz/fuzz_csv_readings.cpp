// SPDX-License-Identifier: Apache-2.0
// CSV readings: the whole-input parse equals the streamed parse in small chunks (rows, values bit
// for bit, rejections); chunks never exceed chunk_rows rows or rejections; every line has at most
// one outcome; echoed details are bounded and free of control characters.
#include "fuzz_check.hpp"

#include <energy/error.hpp>
#include <energy/io/csv_readings.hpp>

#include <cstring>
#include <optional>
#include <set>
#include <sstream>
#include <string>

using namespace energy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  io::csv_options opt;
  opt.max_line_bytes = 512;
  opt.max_field_bytes = 128;
  if (size > 0 && data[0] % 2 == 1)
    opt.sensor_id = uuid::parse("0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f88");

  std::optional<io::parsed_readings> whole;
  try {
    whole = io::parse_csv_readings(text, "fuzz.csv", opt);
  } catch (const parse_error&) {
  }

  io::csv_options small = opt;
  small.chunk_rows = 3;
  io::parsed_readings streamed;
  bool streamed_ok = true;
  std::istringstream in{std::string(text)};
  try {
    io::read_csv_readings(in, "fuzz.csv", small, [&](io::parsed_readings&& chunk) {
      FUZZ_CHECK(chunk.batch.size() <= small.chunk_rows);
      FUZZ_CHECK(chunk.rejections.size() <= small.chunk_rows);
      const auto& c = chunk.batch;
      for (std::size_t i = 0; i < c.size(); ++i)
        streamed.batch.push_back(c.sensor_id[i], c.ts[i], c.value[i], c.quality[i],
                                 c.source_row[i]);
      streamed.rejections.insert(streamed.rejections.end(), chunk.rejections.begin(),
                                 chunk.rejections.end());
    });
  } catch (const parse_error&) {
    streamed_ok = false;
  }
  FUZZ_CHECK(whole.has_value() == streamed_ok);
  if (!whole) return 0;

  const auto& b = whole->batch;
  const auto& s = streamed.batch;
  FUZZ_CHECK(b.sensor_id == s.sensor_id && b.ts == s.ts && b.quality == s.quality &&
             b.source_row == s.source_row && b.value.size() == s.value.size());
  FUZZ_CHECK(b.value.empty() ||
             std::memcmp(b.value.data(), s.value.data(), b.value.size() * sizeof(double)) == 0);
  FUZZ_CHECK(whole->rejections == streamed.rejections);

  // At most one outcome per line, and never more outcomes than lines.
  std::set<std::int64_t> lines(b.source_row.begin(), b.source_row.end());
  for (const auto& r : whole->rejections) {
    lines.insert(r.source_row);
    FUZZ_CHECK(r.detail.size() < 1024);
    for (const char ch : r.detail)
      FUZZ_CHECK(static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f);
  }
  FUZZ_CHECK(lines.size() == b.size() + whole->rejections.size());
  FUZZ_CHECK(lines.size() <= fuzz::count_lines(text));
  return 0;
}
