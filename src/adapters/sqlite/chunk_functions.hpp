// SPDX-License-Identifier: Apache-2.0
// Private to energy::sqlite: the SQL functions with which schema migration 5 moves the rows of
// energy_readings into energy_reading_chunks (plain SQL cannot build the encoded blobs).
#pragma once

struct sqlite3;

namespace energy::sqlite_detail {

/**
 * Registers on `db` (deterministic, UTF-8):
 * - `energy_chunk_span(interval_seconds)`: chunk_span() of a sensor's interval;
 * - the aggregate `energy_encode_chunk(span_start, timestamp, value, quality_flag)`: the chunk
 *   encoding of a group's readings, in any input order (sorted by timestamp before encoding);
 *   an error for two readings of one timestamp or one outside [span_start, span_start + 1 day).
 * @throws SQLite::Exception when SQLite refuses a registration.
 */
void register_chunk_functions(sqlite3* db);

}  // namespace energy::sqlite_detail
