// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <functional>

#include <energy/io/parsed_readings.hpp>

namespace energy::io {

/// Receives one parsed chunk (the callback of read_csv_readings_file / read_json_batch_file).
using chunk_handler = std::function<void(parsed_readings&& chunk)>;
/// Parses an input, handing each chunk to the handler it is given; e.g.
/// `[&](const chunk_handler& h) { read_csv_readings_file(path, options, h); }`.
using chunk_reader = std::function<void(const chunk_handler& hand_over)>;

/**
 * Runs `read` on a second thread and `on_chunk` on the calling thread with each chunk `read`
 * hands over, in order, so parsing the next chunks overlaps with what `on_chunk` does
 * (`energy import`: writing them to the store). At most two chunks wait between the threads, so
 * memory stays a few chunks whatever the input; consumed chunks' storage goes back to the reader.
 * The result is what `read(on_chunk)` on one thread gives.
 *
 * Failures: when `on_chunk` throws, the reader stops at its next hand-over and the exception is
 * rethrown here. When `read` throws (a parse error part-way), every chunk it handed over before
 * still goes to `on_chunk` first, then its exception is rethrown here — as on one thread.
 *
 * Thread-safety: `read` must not touch what `on_chunk` touches; each runs on one thread.
 */
void read_ahead(const chunk_reader& read, const chunk_handler& on_chunk);

}  // namespace energy::io

ENERGY_API_END
