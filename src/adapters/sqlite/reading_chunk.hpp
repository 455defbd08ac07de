// SPDX-License-Identifier: Apache-2.0
// Private to energy::sqlite: the encoding of energy_reading_chunks.data (one row per sensor and
// UTC span holding the span's readings), and the rule that picks a sensor's span.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <energy/decimal.hpp>
#include <energy/time.hpp>

namespace energy::sqlite_detail {

/// One stored reading of a chunk: UTC epoch seconds, milli-units, quality flags as stored.
struct chunk_reading {
  epoch_seconds ts = 0;
  milli value = 0;
  std::uint32_t flags = 0;
  friend bool operator==(const chunk_reading&, const chunk_reading&) = default;
};

/// The only format written: byte 1, then per reading in ascending time order
/// varint((offset delta << 1) | has_flags), zigzag varint(value delta), [varint(flags)].
/// The offset is seconds from the span's start; the first delta counts from -1 (so every delta is
/// at least 1 and a repeated time cannot be encoded), the first value delta from 0. Value deltas
/// wrap in 64 bits, so any pair of int64 values encodes. A 15-minute reading in Wh takes ~4 bytes.
inline constexpr std::uint8_t chunk_format = 1;

/// The spans a chunk may cover, longest first. Each divides the one before it, so two aligned
/// spans of a sensor are either nested or disjoint, and each divides a UTC day, so no chunk
/// crosses midnight UTC (retention deletes whole days as whole sets of chunks).
inline constexpr std::int64_t chunk_spans[] = {86400, 43200, 21600, 7200, 3600, 1800, 600, 300, 60};

/// Readings a chunk should hold at most at the sensor's nominal interval. SQLite moves a
/// WITHOUT ROWID cell of over ~1,000 bytes (4 KiB pages) to overflow pages, which every append
/// would then rewrite; 160 readings of ~4 bytes stay well inside one cell.
inline constexpr std::int64_t readings_per_chunk = 160;

/// The span for a sensor of `interval_seconds`: the longest of chunk_spans holding at most
/// readings_per_chunk intervals (15 minutes and slower: a UTC day; 5 minutes: 12 h; 1 minute:
/// 2 h), and 60 s for anything faster.
[[nodiscard]] std::int64_t chunk_span(std::int64_t interval_seconds) noexcept;

/// How a sensor's readings are chunked: the span, and how many readings a full chunk holds at the
/// sensor's nominal interval (the room a new chunk reserves).
struct chunk_layout {
  std::int64_t span = 86400;
  std::size_t readings = 96;
};

/// The layout for a sensor of `interval_seconds` (span from chunk_span).
[[nodiscard]] chunk_layout chunk_layout_for(std::int64_t interval_seconds) noexcept;

/// The start of the span of `span` seconds holding `ts` (floor, also before 1970).
[[nodiscard]] inline epoch_seconds span_floor(epoch_seconds ts, std::int64_t span) noexcept {
  const std::int64_t r = ts % span;
  return ts - (r < 0 ? r + span : r);
}

/**
 * Appends the encoding of `readings` to `out`.
 * @pre readings are in strictly ascending `ts`, all in [span_start, span_start + 86400).
 */
void encode_chunk(std::span<const chunk_reading> readings, epoch_seconds span_start,
                  std::string& out);

/**
 * Decodes a chunk of the span [span_start, span_end) that records `expected` readings,
 * appending them to `out` in ascending time.
 * @return empty on success, otherwise why the bytes are not a valid chunk (an unknown format,
 *         a truncated or overlong varint, a time outside the span or not ascending, a flag wider
 *         than 32 bits, a count other than `expected`, bytes after the last reading); `out` may
 *         then hold part of the readings. Never reads outside `data`, never throws for any bytes.
 */
[[nodiscard]] std::string_view decode_chunk(std::span<const std::uint8_t> data,
                                            epoch_seconds span_start, epoch_seconds span_end,
                                            std::int64_t expected, std::vector<chunk_reading>& out);

}  // namespace energy::sqlite_detail
