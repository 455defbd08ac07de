// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <energy/error.hpp>
#include <energy/model.hpp>
#include <energy/readings.hpp>
#include <energy/storage/adapter.hpp>
#include <energy/storage/types.hpp>
#include <energy/summary.hpp>

namespace energy::storage {

/// Rows per chunk of a streamed read when the caller gives none.
inline constexpr std::size_t default_chunk_rows = 65'536;

/**
 * A database of one deployment, as users see it: metadata, ingest, queries and the settings and
 * invalidation of summaries (refresh them with `aggregate::refresh_summaries`). Opened by
 * `open_store_uri`, `open_sqlite_store`, `open_postgres_store`, `open_memory_store`, or built over
 * any `adapter` (storage/adapter.hpp: the interface database backends implement).
 *
 * A store owns its adapter and forwards to it; it adds what every adapter would otherwise repeat
 * (whole reads built on streamed ones, argument checks). Operations only library components need
 * (the refresh job's dirty claims, group commit) are not here: they reach the adapter through
 * `backend()`, and optional capabilities through `as<Capability>()`.
 *
 * Durability: a write call returns only after its data is durable (committed); it writes all of
 * its rows or none and then throws `storage_error`.
 *
 * Thread-safety: one store object belongs to one thread at a time. Open one per thread; the
 * database itself arbitrates between them (WAL in SQLite, MVCC in PostgreSQL).
 */
class store {
 public:
  /// @throws std::invalid_argument when `backend` is null.
  explicit store(std::unique_ptr<adapter> backend);
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  /// "memory", "sqlite", "postgres".
  [[nodiscard]] std::string_view adapter_name() const noexcept { return adapter_->adapter_name(); }

  /// The adapter: for library components and tools that need adapter operations (e.g. the
  /// refresh job's `claim_dirty`). Users should not need it.
  [[nodiscard]] adapter& backend() noexcept { return *adapter_; }

  /// The adapter's optional capability (`tariff_port`, `group_commit`, ...) or nullptr.
  template <class Capability>
  [[nodiscard]] Capability* as() noexcept {
    return adapter_->as<Capability>();
  }

  // --- metadata (upserts by id) ------------------------------------------------------------
  /// @throws std::invalid_argument when a text field is not valid UTF-8 (nothing stored).
  void put_tenant(const tenant& t);
  [[nodiscard]] std::optional<tenant> get_tenant(const uuid& id) {
    return adapter_->get_tenant(id);
  }
  [[nodiscard]] std::vector<tenant> list_tenants() { return adapter_->list_tenants(); }

  /// When the building exists and `affects_summaries(old, b)`, also invalidates its summaries over
  /// all time (see `invalidate_summaries`), in the same transaction.
  /// @throws std::invalid_argument when the time zone is unknown, the tenant does not exist or a
  ///         text field is not valid UTF-8.
  void put_building(const building& b);
  [[nodiscard]] std::optional<building> get_building(const uuid& id) {
    return adapter_->get_building(id);
  }
  [[nodiscard]] std::vector<building> list_buildings(const uuid& tenant_id) {
    return adapter_->list_buildings(tenant_id);
  }

  /// When the sensor exists and `affects_summaries(old, s)`, also invalidates the summaries of its
  /// building over all time — of both buildings when it moves — in the same transaction.
  /// @throws std::invalid_argument when the building does not exist, the metadata would refuse
  ///         every reading (`ingest::check_sensor_metadata`) or `location` is not valid UTF-8.
  void put_sensor(const sensor& s);
  [[nodiscard]] std::optional<sensor> get_sensor(const uuid& id) {
    return adapter_->get_sensor(id);
  }
  [[nodiscard]] std::vector<sensor> list_sensors(const uuid& building_id) {
    return adapter_->list_sensors(building_id);
  }
  /// Every sensor of the database (validation loads this once per import).
  [[nodiscard]] std::vector<sensor> list_all_sensors() { return adapter_->list_all_sensors(); }

  /// @throws std::invalid_argument when the building does not exist or the e-mail address is not
  ///         valid UTF-8.
  void put_alert_config(const alert_config& a);
  [[nodiscard]] std::vector<alert_config> list_alert_configs(const uuid& building_id) {
    return adapter_->list_alert_configs(building_id);
  }

  // --- readings ------------------------------------------------------------------------------
  /**
   * Writes validated rows (see write_outcome for duplicates), updates `states` and marks every
   * (sensor, UTC hour) whose stored data changed as dirty — all in one transaction.
   * Rows must reference existing sensors; rows within one call must have distinct (sensor, ts).
   * @throws storage_error (nothing written).
   */
  write_result write_readings(const reading_rows& rows, std::span<const sample_state> states = {}) {
    return adapter_->write_readings(rows, states);
  }

  /**
   * Streams the rows of one sensor with ts in `range` (UTC, half-open), ordered by ts, to `sink`
   * in chunks of exactly `chunk_rows` rows but the last (1..`chunk_rows`), holding about one
   * chunk in memory. The chunk is
   * valid only during the call; return false from `sink` to stop. `sink` must not use this store
   * (the read is still open). One read: the chunks together are what read_readings returns.
   * @throws std::invalid_argument when `chunk_rows` is 0; storage_error from the database.
   */
  void scan_readings(const uuid& sensor_id, time_range range, const reading_chunk_sink& sink,
                     std::size_t chunk_rows = default_chunk_rows);
  /// As scan_readings, for every sensor of a building, ordered by (sensor_id, ts).
  void scan_building_readings(const uuid& building_id, time_range range,
                              const reading_chunk_sink& sink,
                              std::size_t chunk_rows = default_chunk_rows);

  /// Rows of one sensor with ts in `range`, ordered by ts (all of them: see scan_readings to
  /// stream a large range).
  [[nodiscard]] reading_rows read_readings(const uuid& sensor_id, time_range range);
  /// Rows of every sensor of a building with ts in `range`, ordered by (sensor_id, ts).
  [[nodiscard]] reading_rows read_building_readings(const uuid& building_id, time_range range);
  /// The stored sample state of a register/power sensor, if any.
  [[nodiscard]] std::optional<sample_state> get_sample_state(const uuid& sensor_id) {
    return adapter_->get_sample_state(sensor_id);
  }
  /// Total number of stored reading rows (for tests and reports).
  [[nodiscard]] std::int64_t count_readings() { return adapter_->count_readings(); }

  // --- summaries -----------------------------------------------------------------------------
  /// Streams the summaries matching `q`, ordered by period.start, as scan_readings streams rows.
  void scan_summaries(const summary_query& q, const summary_chunk_sink& sink,
                      std::size_t chunk_rows = default_chunk_rows);
  /// Summaries matching `q`, ordered by period.start.
  [[nodiscard]] std::vector<summary_row> read_summaries(const summary_query& q);

  /// The stored settings; a new database answers `summary_settings{}`.
  [[nodiscard]] summary_settings get_summary_settings() { return adapter_->get_summary_settings(); }
  /**
   * Stores `s`. When it differs from the stored settings, in the same transaction invalidates the
   * summaries of every building over all time (see `invalidate_summaries`), so the next refresh
   * recomputes them all with the new settings.
   * @throws std::invalid_argument when `s.cost_model` is empty.
   */
  void set_summary_settings(const summary_settings& s) { adapter_->set_summary_settings(s); }
  /**
   * Makes the next refresh recompute a building's summaries over `range` (a rebuild), in one
   * transaction:
   * 1. `span` = the UTC hours holding the building's stored readings within `range`
   *    ([first reading's hour, last reading's hour + 1 h)); nothing happens when there are none;
   * 2. deletes the building's summaries (building scope, and sensor scope of its current sensors)
   *    whose period overlaps `span` — a bucket of an old time zone, sensor type or cost is gone
   *    rather than stale;
   * 3. marks dirty every (sensor, UTC hour) of the building holding readings within the union of
   *    `span` and the deleted periods, so every deleted bucket that still has data is recomputed.
   * Buckets whose readings retention dropped lie outside `span` and are kept as they are.
   * @throws std::invalid_argument when the building does not exist.
   */
  void invalidate_summaries(const uuid& building_id, time_range range) {
    adapter_->invalidate_summaries(building_id, range);
  }

 private:
  std::unique_ptr<adapter> adapter_;
};

}  // namespace energy::storage

ENERGY_API_END
