// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <energy/error.hpp>
#include <energy/ingest/reason.hpp>
#include <energy/ingest/sensor_directory.hpp>
#include <energy/ingest/validate.hpp>
#include <energy/readings.hpp>
#include <energy/storage/store.hpp>

/**
 * Ingestion pipeline: validate a batch against the store's sensors, normalise it, write it.
 *
 * **Example** (a JSON batch file into a store; see docs/ingest.md):
 * ```cpp
 * auto store = energy::storage::open_memory_store();
 * auto parsed = energy::io::read_json_batch_file("batch.json");        // energy/io/json_batch.hpp
 * auto report = energy::ingest::ingest_batch(*store, parsed.batch, {}, parsed.rejections);
 * for (const auto& r : report.rejections)
 *   std::cerr << r.source_row << ": " << to_string(r.why) << ": " << r.detail << '\n';
 * ```
 */
namespace energy::ingest {

struct ingest_options {
  validation_options validation;
  /// Rows per `store::write_readings` call (one transaction each). Larger is faster; smaller
  /// bounds the work a storage failure throws away. The rows of one register/power sensor are
  /// never split (they share a transaction with its new sample state), so such a chunk may be
  /// longer.
  std::size_t chunk_rows = 50'000;
};

/**
 * What one ingest call did. Input accounting (batch rows plus upstream parser rejections):
 * `received == accepted + rejected + duplicates + superseded`. Store accounting (derived rows):
 * `rows == inserted + unchanged + replaced`.
 */
struct ingest_report {
  std::size_t received = 0;
  std::size_t accepted = 0;
  std::size_t rejected = 0;    ///< input rows dropped, each with an entry in `rejections`
  std::size_t duplicates = 0;  ///< identical repeats inside the batch
  /// Rows corrected by a later row of the batch (same sensor and ts, another value): listed in
  /// `rejections` as `duplicate_in_batch`, not counted in `rejected`.
  std::size_t superseded = 0;
  std::size_t rows = 0;  ///< rows written to the store (after normalisation)
  std::size_t inserted = 0;
  std::size_t unchanged = 0;  ///< already stored with the same value: re-sending a batch is a no-op
  std::size_t replaced =
      0;  ///< a different value was stored: replaced and flagged quality::corrected
  /// Parser rejections first (as given), then validation rejections and notices by batch index.
  std::vector<rejection> rejections;

  /// Adds another report's counts and rejections (for imports streamed in several batches).
  void merge(const ingest_report& other);
};

/// A store failure part-way through ingest_batch after earlier chunks of the batch committed:
/// inserted(), unchanged() and replaced() count what those chunks wrote, so a caller can report
/// what is durable. The rest of the batch was not written; re-sending the whole batch is
/// safe. Retryable exactly when the store's failure was.
class ingest_interrupted : public storage_error {
 public:
  ingest_interrupted(const std::string& what, bool retryable, std::size_t inserted,
                     std::size_t unchanged, std::size_t replaced)
      : storage_error(what, retryable),
        inserted_(inserted),
        unchanged_(unchanged),
        replaced_(replaced) {}
  [[nodiscard]] std::size_t inserted() const noexcept { return inserted_; }
  [[nodiscard]] std::size_t unchanged() const noexcept { return unchanged_; }
  [[nodiscard]] std::size_t replaced() const noexcept { return replaced_; }

 private:
  std::size_t inserted_, unchanged_, replaced_;
};

/**
 * Validates `batch` against `directory` (sample states come from `st.get_sample_state`), and writes
 * the valid rows and the advanced sample states in chunks of `options.chunk_rows`; each sensor's
 * new state is written in the same transaction as its last row, so a failure part-way leaves the
 * store consistent and re-sending the batch completes it. Re-sending an applied batch changes
 * nothing (rows count as `unchanged`; see validate_batch for register/power series).
 *
 * Concurrency: register/power states are written guarded (sample_state::guarded). When another
 * import of the same sensor commits between this call's read of the state and its write, the
 * write fails with nothing written and that sensor's rows are derived again from the new state
 * (up to 16 times, then state_conflict, retryable), so concurrent imports store exactly what one
 * sequential import in some order would; the report counts the final derivation.
 *
 * `upstream` are rejections the parser already made for rows that never reached `batch`; they are
 * counted in `received` and `rejected` and listed first in the report.
 *
 * Returns only after every chunk is durable (store::write_readings contract).
 * @throws storage_error from the store when nothing of the batch was written yet;
 *         ingest_interrupted (a storage_error) when earlier chunks committed: they stay committed
 *         and the exception counts them.
 */
[[nodiscard]] ingest_report ingest_batch(storage::store& st, const sensor_directory& directory,
                                         const reading_batch& batch,
                                         const ingest_options& options = {},
                                         std::span<const rejection> upstream = {});

/// As above, with a directory built from `st.list_all_sensors()` for this call. For imports in
/// many batches, build the `sensor_directory` once and use the overload above.
[[nodiscard]] ingest_report ingest_batch(storage::store& st, const reading_batch& batch,
                                         const ingest_options& options = {},
                                         std::span<const rejection> upstream = {});

}  // namespace energy::ingest

ENERGY_API_END
