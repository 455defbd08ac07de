// SPDX-License-Identifier: Apache-2.0
#include "adapters/sqlite/reading_chunk.hpp"

#include <algorithm>

namespace energy::sqlite_detail {
namespace {

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

/// False for a truncated varint or one of more than 64 bits.
bool get_varint(const std::uint8_t*& p, const std::uint8_t* end, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p == end) return false;
    const std::uint8_t byte = *p++;
    // The tenth byte carries bit 63 only.
    if (shift == 63 && byte > 1) return false;
    v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

std::uint64_t zigzag(std::uint64_t delta) {
  return (delta << 1) ^ (0 - (delta >> 63));
}

std::uint64_t unzigzag(std::uint64_t v) {
  return (v >> 1) ^ (0 - (v & 1));
}

}  // namespace

std::int64_t chunk_span(std::int64_t interval_seconds) noexcept {
  const std::int64_t interval = std::max<std::int64_t>(interval_seconds, 1);
  for (const std::int64_t span : chunk_spans)
    if (span / interval <= readings_per_chunk) return span;
  return chunk_spans[std::size(chunk_spans) - 1];
}

chunk_layout chunk_layout_for(std::int64_t interval_seconds) noexcept {
  const std::int64_t span = chunk_span(interval_seconds);
  const std::int64_t per_chunk = span / std::max<std::int64_t>(interval_seconds, 1);
  return {span,
          static_cast<std::size_t>(std::clamp<std::int64_t>(per_chunk, 1, readings_per_chunk))};
}

void encode_chunk(std::span<const chunk_reading> readings, epoch_seconds span_start,
                  std::string& out) {
  out.push_back(static_cast<char>(chunk_format));
  std::int64_t offset = -1;
  std::uint64_t value = 0;
  for (const chunk_reading& r : readings) {
    const std::int64_t at = r.ts - span_start;
    const auto delta = static_cast<std::uint64_t>(at - offset);
    put_varint(out, (delta << 1) | (r.flags != 0 ? 1u : 0u));
    // Unsigned: the difference of two int64 values wraps instead of overflowing.
    const auto v = static_cast<std::uint64_t>(r.value);
    put_varint(out, zigzag(v - value));
    if (r.flags != 0) put_varint(out, r.flags);
    offset = at;
    value = v;
  }
}

std::string_view decode_chunk(std::span<const std::uint8_t> data, epoch_seconds span_start,
                              epoch_seconds span_end, std::int64_t expected,
                              std::vector<chunk_reading>& out) {
  if (data.empty() || data[0] != chunk_format) return "unknown chunk format";
  if (span_end <= span_start || span_end - span_start > 86400) return "span is not within a day";
  if (expected < 0) return "negative reading count";
  const std::int64_t length = span_end - span_start;
  const std::uint8_t* p = data.data() + 1;
  const std::uint8_t* const end = data.data() + data.size();
  std::int64_t offset = -1;
  std::uint64_t value = 0;
  std::int64_t count = 0;
  while (p != end) {
    if (count == expected) return "more readings than the row records";
    std::uint64_t head = 0, delta = 0, flags = 0;
    if (!get_varint(p, end, head) || !get_varint(p, end, delta)) return "truncated reading";
    const std::uint64_t step = head >> 1;
    if (step == 0) return "readings not in ascending time";
    if (step > static_cast<std::uint64_t>(length - 1 - offset)) return "time outside the span";
    if ((head & 1) != 0) {
      if (!get_varint(p, end, flags)) return "truncated quality flags";
      if (flags == 0 || flags > UINT32_MAX) return "quality flags not a nonzero 32-bit mask";
    }
    offset += static_cast<std::int64_t>(step);
    value += unzigzag(delta);
    out.push_back(
        {span_start + offset, static_cast<milli>(value), static_cast<std::uint32_t>(flags)});
    ++count;
  }
  if (count != expected) return "fewer readings than the row records";
  return {};
}

}  // namespace energy::sqlite_detail
