// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <energy/error.hpp>
#include <energy/model.hpp>
#include <energy/readings.hpp>
#include <energy/storage/types.hpp>
#include <energy/summary.hpp>

/**
 * The adapter interface: what a database backend implements so that `storage::store` (the API
 * users call) can run on it. Users do not call an adapter; they hold a `store`, which owns one.
 *
 * The split follows SOCI (session over a backend) and DuckDB (connection over a storage
 * extension): the user API stays small and stable, while the interface below may grow operations
 * only library components need (the refresh job's `claim_dirty`/`commit_summaries`) and optional
 * capabilities without changing what users see.
 *
 * **The contract is the conformance suite** (tests/conformance, `energy::test::conformance`):
 * every adapter of this repository runs it, and an adapter written elsewhere should too. The
 * memory adapter (`open_memory_store`) is the reference implementation. The requirements stated
 * below are the ones the suite checks.
 *
 * **Optional capabilities** are separate abstract classes an adapter also derives from, found
 * with `as<Capability>()` (one pattern for all of them):
 * - `tariff_port` (storage/tariffs.hpp): a building's tariff versions;
 * - `group_commit` (storage/group_commit.hpp): many writes in one transaction;
 * - `bulk_reading_reader`, `bulk_summary_reader` (storage/bulk_*.hpp): many reads per round trip.
 * Retention is not a capability of a store object: it works on a database by days and is opened
 * from the same URI (`open_retention_uri`).
 *
 * **Errors**: database failures are `storage_error` (with `retryable()`); invalid metadata is
 * `std::invalid_argument`. No vendor exception may leave an adapter method.
 *
 * **Durability**: a write method returns only after its data is committed; it writes all of its
 * rows or none and then throws.
 *
 * **Thread-safety**: an adapter object is used by one thread at a time (its store's thread).
 */
namespace energy::storage {

/// Receives one chunk of a streamed read, in the read's order. The rows are valid only during the
/// call (an adapter may reuse the buffer for the next chunk). Return false to end the read early.
using reading_chunk_sink = std::function<bool(const reading_rows& chunk)>;
/// As reading_chunk_sink, for summaries.
using summary_chunk_sink = std::function<bool(std::span<const summary_row> chunk)>;

class adapter {
 public:
  virtual ~adapter() = default;
  adapter(const adapter&) = delete;
  adapter& operator=(const adapter&) = delete;

  /// "memory", "sqlite", "postgres", ...: names the backend in messages and reports.
  [[nodiscard]] virtual std::string_view adapter_name() const noexcept = 0;

  /// This adapter's implementation of an optional capability interface, or nullptr when it has
  /// none (e.g. `as<tariff_port>()`). Never throws.
  template <class Capability>
  [[nodiscard]] Capability* as() noexcept {
    return dynamic_cast<Capability*>(this);
  }

  // --- metadata: upserts by id; get of an unknown id answers std::nullopt ---------------------
  virtual void put_tenant(const tenant& t) = 0;
  [[nodiscard]] virtual std::optional<tenant> get_tenant(const uuid& id) = 0;
  /// Any order.
  [[nodiscard]] virtual std::vector<tenant> list_tenants() = 0;

  /// Requirements: rejects an unknown IANA zone or tenant with std::invalid_argument (nothing
  /// stored). When the building exists and `affects_summaries(old, b)`, invalidates its summaries
  /// over `all_time()` exactly as `invalidate_summaries` does, in the same transaction.
  virtual void put_building(const building& b) = 0;
  [[nodiscard]] virtual std::optional<building> get_building(const uuid& id) = 0;
  [[nodiscard]] virtual std::vector<building> list_buildings(const uuid& tenant_id) = 0;

  /// Requirements: rejects metadata `ingest::check_sensor_metadata` refuses, and an unknown
  /// building, with std::invalid_argument. When the sensor exists and `affects_summaries(old, s)`,
  /// invalidates the summaries of its building over `all_time()` — of both buildings when it
  /// moves — in the same transaction.
  virtual void put_sensor(const sensor& s) = 0;
  [[nodiscard]] virtual std::optional<sensor> get_sensor(const uuid& id) = 0;
  [[nodiscard]] virtual std::vector<sensor> list_sensors(const uuid& building_id) = 0;
  [[nodiscard]] virtual std::vector<sensor> list_all_sensors() = 0;

  /// Requirements: rejects an unknown building with std::invalid_argument.
  virtual void put_alert_config(const alert_config& a) = 0;
  [[nodiscard]] virtual std::vector<alert_config> list_alert_configs(const uuid& building_id) = 0;

  // --- readings --------------------------------------------------------------------------------
  /**
   * Requirements, all in one transaction: writes the rows with the duplicate policy of
   * `write_outcome` (values exact to the milli-unit, ts UTC seconds), upserts `states` by sensor,
   * and marks dirty every (sensor, UTC hour) whose stored data changed — with a sequence number
   * larger than any claim taken before (see `dirty_claim`). Rows reference existing sensors and
   * have distinct (sensor, ts) within a call (the store's caller guarantees it).
   * @throws storage_error (nothing written).
   */
  virtual write_result write_readings(const reading_rows& rows,
                                      std::span<const sample_state> states) = 0;

  /**
   * Streams the rows of one sensor with ts in `range`, ordered by ts, to `sink` in chunks of
   * exactly `chunk_rows` rows but the last, which holds 1..`chunk_rows` (`chunk_rows` >= 1 is
   * guaranteed by the store; a read of nothing never calls `sink`). Requirements: the
   * concatenated chunks equal the whole read; at most O(chunk_rows) rows are held at once; stops
   * as soon as `sink` returns false. `sink` does not call this adapter.
   */
  virtual void scan_readings(const uuid& sensor_id, time_range range, std::size_t chunk_rows,
                             const reading_chunk_sink& sink) = 0;
  /// As scan_readings, over every sensor of a building, ordered by (sensor_id, ts) — sensor ids
  /// compared as `uuid::operator<` does (byte order).
  virtual void scan_building_readings(const uuid& building_id, time_range range,
                                      std::size_t chunk_rows, const reading_chunk_sink& sink) = 0;
  [[nodiscard]] virtual std::optional<sample_state> get_sample_state(const uuid& sensor_id) = 0;
  [[nodiscard]] virtual std::int64_t count_readings() = 0;

  // --- summaries -------------------------------------------------------------------------------
  /// Takes up to `limit` dirty hours, oldest hour first. Does not remove them. `limit` 0
  /// answers an empty claim. An adapter that takes the first marks in (hour, sensor) order sets
  /// `is_prefix`, which lets its commit_summaries clear them with one range delete.
  [[nodiscard]] virtual dirty_claim claim_dirty(std::size_t limit) = 0;
  /**
   * Requirements, in one transaction: upserts `rows` (key: scope, subject, type, resolution,
   * period.start) and removes the marks of `claim` that were not re-marked after the claim
   * (sequence number <= `claim.up_to_sequence`) — when `claim.is_prefix`, every mark up to
   * `claim.hours.back()` in (hour, sensor) order with such a sequence number. All or nothing.
   */
  virtual void commit_summaries(std::span<const summary_row> rows, const dirty_claim& claim) = 0;
  /// Streams the summaries matching `q`, ordered by period.start, in chunks as scan_readings.
  virtual void scan_summaries(const summary_query& q, std::size_t chunk_rows,
                              const summary_chunk_sink& sink) = 0;

  /// A new database answers `summary_settings{}`.
  [[nodiscard]] virtual summary_settings get_summary_settings() = 0;
  /// Requirements: std::invalid_argument for an empty cost model; when `s` differs from the stored
  /// settings, invalidates every building over `all_time()` in the same transaction.
  virtual void set_summary_settings(const summary_settings& s) = 0;
  /// Requirements: exactly the three steps `store::invalidate_summaries` documents, in one
  /// transaction; std::invalid_argument for an unknown building.
  virtual void invalidate_summaries(const uuid& building_id, time_range range) = 0;

 protected:
  adapter() = default;
};

}  // namespace energy::storage

ENERGY_API_END
