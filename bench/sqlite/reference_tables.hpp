// SPDX-License-Identifier: Apache-2.0
// What the bare SQLite programs of bench/sqlite share about tables: the row-per-reading layout
// the library's schema had up to version 4, kept here as the benchmarks' reference, and a
// decoder of the chunk blobs that both the library's energy_reading_chunks (schema version 5 on)
// and chunked_csv_import.cpp's bench-only table use. The decoder is written from the format's
// description, not taken from the adapter, so a bench that checks what the library stored reads
// it independently. Bench code, not the library's.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace reference_tables {

/**
 * CREATE TABLE IF NOT EXISTS for energy_readings as schema versions 1 to 4 made it
 * (share/migrations/sqlite/0001_initial.sql): one WITHOUT ROWID B-tree row per reading, clustered
 * on (sensor, time). Version 5 moved the readings into energy_reading_chunks and dropped the
 * table; the benchmarks create it themselves as "the bare sqlite3 loop" of issues #10 and #18.
 * `id_type` is BLOB (16-byte ids, the library's) or TEXT (36-character ids, a variant measured
 * by sqlite_ingest_bench.cpp).
 */
inline std::string row_table_sql(std::string_view id_type = "BLOB") {
  return "CREATE TABLE IF NOT EXISTS energy_readings (sensor_id " + std::string(id_type) +
         " NOT NULL, timestamp INTEGER NOT NULL, value INTEGER NOT NULL,"
         " quality_flag INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (sensor_id, timestamp))"
         " WITHOUT ROWID";
}

/// The only chunk format: byte 1 first.
inline constexpr std::uint8_t chunk_format = 1;

namespace detail {

/// One LEB128 varint of at most 64 bits; throws for a truncated or longer one.
inline std::uint64_t get_varint(const std::uint8_t*& p, const std::uint8_t* end) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p == end) throw std::runtime_error("chunk: truncated varint");
    const std::uint8_t b = *p++;
    if (shift == 63 && b > 1) throw std::runtime_error("chunk: varint over 64 bits");
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  throw std::runtime_error("chunk: varint over 64 bits");
}

}  // namespace detail

/**
 * Calls f(ts, value, flags) for every reading of the chunk blob of the span
 * [span_start, span_end), in ascending time, and returns how many there were. The format: byte 1,
 * then per reading varint((offset delta << 1) | has_flags), zigzag varint(value delta),
 * [varint(flags)]; the offset is seconds from span_start, the first delta counts from -1 (every
 * delta is at least 1), the first value delta from 0, and value deltas wrap in 64 bits.
 * Throws std::runtime_error for bytes that are not such a chunk: another format, a truncated or
 * overlong varint, a time that does not ascend or leaves the span, flags present but zero or
 * wider than 32 bits, or a count other than `expected` (the row's own count; < 0: not checked).
 */
template <class F>
std::int64_t decode_chunk(const void* blob, int size, std::int64_t span_start,
                          std::int64_t span_end, std::int64_t expected, F&& f) {
  const auto* p = static_cast<const std::uint8_t*>(blob);
  const std::uint8_t* const end = p + (size > 0 ? size : 0);
  if (size < 1 || *p++ != chunk_format) throw std::runtime_error("chunk: unknown format");
  if (span_end <= span_start) throw std::runtime_error("chunk: empty span");
  std::int64_t offset = -1, count = 0;
  std::uint64_t value = 0;
  while (p != end) {
    const std::uint64_t head = detail::get_varint(p, end);
    const std::uint64_t delta = detail::get_varint(p, end);
    const std::uint64_t step = head >> 1;
    if (step == 0) throw std::runtime_error("chunk: readings not in ascending time");
    if (step > static_cast<std::uint64_t>(span_end - span_start - 1 - offset))
      throw std::runtime_error("chunk: reading outside its span");
    std::uint64_t flags = 0;
    if ((head & 1) != 0) {
      flags = detail::get_varint(p, end);
      if (flags == 0 || flags > 0xffffffffu)
        throw std::runtime_error("chunk: quality flags not a nonzero 32-bit mask");
    }
    offset += static_cast<std::int64_t>(step);
    value += (delta >> 1) ^ (0 - (delta & 1));  // unsigned: wraps as the encoder's deltas do
    f(span_start + offset, static_cast<std::int64_t>(value), static_cast<std::int64_t>(flags));
    ++count;
  }
  if (expected >= 0 && count != expected)
    throw std::runtime_error("chunk: " + std::to_string(count) + " readings, the row records " +
                             std::to_string(expected));
  return count;
}

}  // namespace reference_tables
