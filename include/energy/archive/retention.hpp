// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <energy/archive/object_store.hpp>
#include <energy/readings.hpp>
#include <energy/storage/retention.hpp>
#include <energy/storage/store.hpp>
#include <energy/time.hpp>

namespace energy::archive {

/**
 * Archive format (one object per UTC day and building, readable with pandas:
 * `pd.read_csv(path, compression="gzip", parse_dates=["ts"])`):
 *   `<prefix><YYYY-MM-DD>/<building id>.csv.gz` — gzip CSV, header `sensor_id,ts,value,quality`;
 *   ts is
 *   RFC 3339 UTC ("2024-07-01T00:15:00Z"), value is exact decimal text in the sensor's canonical
 *   unit (kWh, m3, degC: three decimals, so Wh-exact), quality the flag bitmask.
 *   `<prefix>manifest.csv` — one line per archived object:
 *   `object_key,range_start,range_end,row_count,csv_bytes,crc32` (crc32 of the uncompressed CSV,
 *   8 hex digits).
 */
struct retention_options {
  std::chrono::days raw_retention{90};           ///< raw readings kept online (90 days)
  std::chrono::days summary_retention{5 * 365};  ///< summaries kept (5 years)
  std::string prefix = "readings/";              ///< key prefix of archive objects and manifest
  utc_seconds now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
};

struct retention_report {
  bool lock_busy = false;          ///< another process runs the job: nothing done
  std::int64_t days_archived = 0;  ///< days uploaded, verified and dropped
  std::int64_t rows_archived = 0;
  std::int64_t days_dropped_empty = 0;   ///< days without readings, dropped without an object
  std::vector<time_range> days_pending;  ///< kept: they still have unsummarised (dirty) hours
  /// Archived but kept: readings arrived or changed while the job ran (the next run re-archives
  /// them, merged with what the archive holds).
  std::vector<time_range> days_changed;
  std::int64_t summaries_deleted = 0;
};

/**
 * The retention job: for each UTC day older than `raw_retention`, oldest first, building by
 * building: read its readings, write the gzip CSV, read it back and verify row count and
 * checksum, record it in the manifest; then drop the day from the database, provided it still
 * holds what was archived (otherwise it is kept and reported in `days_changed`). Days with dirty
 * hours are kept (their summaries are not computed yet). Then deletes summaries older than
 * `summary_retention`.
 *
 * Idempotent and crash-safe: an interrupted run leaves every day either still in the database or
 * archived and listed in the manifest; re-running re-uploads a day whose drop did not happen
 * (same key, same content: no duplicates). Safe to run from several processes: a run that does
 * not get the port's lock returns `lock_busy` at once.
 * @throws storage_error when the database or the object store fails (nothing of the failing day
 *         is dropped).
 */
retention_report run_retention(storage::retention_port& db, object_store& objects,
                               const retention_options& options);

/**
 * Re-imports archived readings with ts in `range` into `store` (through write_readings, so
 * re-importing twice changes nothing). Verifies each object against the manifest first.
 * Returns the number of rows written (inserted + unchanged + replaced).
 * @throws storage_error when an object is missing or fails verification.
 */
std::int64_t restore_range(object_store& objects, storage::store& store, time_range range,
                           const std::string& prefix = "readings/");

/// gzip CSV of `rows` in the archive format (exposed for tests and tools).
[[nodiscard]] std::string encode_archive_csv(const reading_rows& rows);
/// Parses an archive object back. @throws parse_error naming the line.
[[nodiscard]] reading_rows decode_archive_csv(std::string_view gzip_bytes, const std::string& name);

}  // namespace energy::archive

ENERGY_API_END
