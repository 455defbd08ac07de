// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <energy/error.hpp>
#include <energy/model.hpp>
#include <energy/readings.hpp>
#include <energy/summary.hpp>

namespace energy::storage {

/// What writing one row did. Policy for a row whose (sensor_id, ts) is already stored:
/// same value and flags -> `unchanged` (re-sending a batch is a no-op); a different value or flags
/// -> `replaced`, and the stored row gets `quality::corrected` (metering corrections win).
enum class write_outcome : std::uint8_t { inserted, unchanged, replaced };

struct write_result {
  std::size_t inserted = 0;
  std::size_t unchanged = 0;
  std::size_t replaced = 0;
  friend bool operator==(const write_result&, const write_result&) = default;
};

/// A (sensor, UTC hour) whose readings changed since its summaries were last computed.
struct dirty_hour {
  uuid sensor_id;
  epoch_seconds hour = 0;  ///< UTC, multiple of 3600
  friend bool operator==(const dirty_hour&, const dirty_hour&) = default;
  friend auto operator<=>(const dirty_hour&, const dirty_hour&) = default;
};

/// A set of dirty hours taken by an aggregation run. Marks made after the claim (late readings
/// that arrive while the run computes) have a larger sequence number and survive its commit.
struct dirty_claim {
  std::vector<dirty_hour> hours;
  std::int64_t up_to_sequence = 0;
};

/// What summaries to read.
struct summary_query {
  summary_scope scope = summary_scope::building;
  uuid subject_id;
  sensor_type type = sensor_type::electricity;
  resolution res = resolution::day;
  time_range range;  ///< buckets whose period.start lies in [range.start, range.end)
};

/**
 * How the summaries of one database are computed. Kept in the database (not passed per call), so
 * every refresh run agrees; a run whose options disagree is refused
 * (`aggregate::refresh_summaries`).
 */
struct summary_settings {
  /// Also keep per-sensor summaries (hour, day and month of every aggregated sensor) besides the
  /// per-building ones, which are always kept. Off on a new database: at scale they cost three
  /// summary rows per sensor and dirty hour (docs/scaling.md).
  bool sensor_scope = false;
  /// `aggregate::cost_model::identity()` of the model that prices the summaries: "flat_rate"
  /// (`aggregate::flat_rate_cost`, the default) or e.g. "tariff:<fingerprint>"
  /// (`billing::tariff_cost`). Never empty.
  std::string cost_model = "flat_rate";
  friend bool operator==(const summary_settings&, const summary_settings&) = default;
};

/// Every instant a store can hold, years 0000 to 9999 UTC: the range of a rebuild "over all time".
[[nodiscard]] constexpr time_range all_time() noexcept {
  return {from_epoch(-62'167'219'200), from_epoch(253'402'300'800)};
}

/// Whether changing `before` into `after` changes the building's summaries (time zone, flat rate).
[[nodiscard]] bool affects_summaries(const building& before, const building& after) noexcept;
/// Whether changing `before` into `after` changes summaries (building, type, kind, unit,
/// interval).
[[nodiscard]] bool affects_summaries(const sensor& before, const sensor& after) noexcept;

/**
 * The storage port: metadata, readings and summaries of one database. Adapters: memory (tests,
 * notebooks), SQLite (embedded default), PostgreSQL. Every adapter passes the same contract suite
 * (tests/conformance).
 *
 * Durability: a write call returns only after its data is durable (committed); it writes all of
 * its rows or none and then throws `storage_error`.
 *
 * Thread-safety: one store object belongs to one thread at a time. Open one per thread; the
 * database itself arbitrates between them (WAL in SQLite, MVCC in PostgreSQL).
 */
class store {
 public:
  virtual ~store() = default;
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  /// "memory", "sqlite", "postgres".
  [[nodiscard]] virtual std::string_view adapter_name() const noexcept = 0;

  // --- metadata (upserts by id) ------------------------------------------------------------
  virtual void put_tenant(const tenant& t) = 0;
  [[nodiscard]] virtual std::optional<tenant> get_tenant(const uuid& id) = 0;
  [[nodiscard]] virtual std::vector<tenant> list_tenants() = 0;

  /// When the building exists and `affects_summaries(old, b)`, also invalidates its summaries over
  /// all time (see `invalidate_summaries`), in the same transaction.
  /// @throws std::invalid_argument when the time zone is unknown or the tenant does not exist.
  virtual void put_building(const building& b) = 0;
  [[nodiscard]] virtual std::optional<building> get_building(const uuid& id) = 0;
  [[nodiscard]] virtual std::vector<building> list_buildings(const uuid& tenant_id) = 0;

  /// When the sensor exists and `affects_summaries(old, s)`, also invalidates the summaries of its
  /// building over all time — of both buildings when it moves — in the same transaction.
  /// @throws std::invalid_argument when the building does not exist.
  virtual void put_sensor(const sensor& s) = 0;
  [[nodiscard]] virtual std::optional<sensor> get_sensor(const uuid& id) = 0;
  [[nodiscard]] virtual std::vector<sensor> list_sensors(const uuid& building_id) = 0;
  /// Every sensor of the database (validation loads this once per import).
  [[nodiscard]] virtual std::vector<sensor> list_all_sensors() = 0;

  /// @throws std::invalid_argument when the building does not exist.
  virtual void put_alert_config(const alert_config& a) = 0;
  [[nodiscard]] virtual std::vector<alert_config> list_alert_configs(const uuid& building_id) = 0;

  // --- readings ------------------------------------------------------------------------------
  /**
   * Writes validated rows (see write_outcome for duplicates), updates `states` and marks every
   * (sensor, UTC hour) whose stored data changed as dirty — all in one transaction.
   * Rows must reference existing sensors; rows within one call must have distinct (sensor, ts).
   * @throws storage_error (nothing written).
   */
  virtual write_result write_readings(const reading_rows& rows,
                                      std::span<const sample_state> states = {}) = 0;

  /// Rows of one sensor with ts in `range`, ordered by ts.
  [[nodiscard]] virtual reading_rows read_readings(const uuid& sensor_id, time_range range) = 0;
  /// Rows of every sensor of a building with ts in `range`, ordered by (sensor_id, ts).
  [[nodiscard]] virtual reading_rows read_building_readings(const uuid& building_id,
                                                            time_range range) = 0;
  /// The stored sample state of a register/power sensor, if any.
  [[nodiscard]] virtual std::optional<sample_state> get_sample_state(const uuid& sensor_id) = 0;
  /// Total number of stored reading rows (for tests and reports).
  [[nodiscard]] virtual std::int64_t count_readings() = 0;

  // --- summaries -----------------------------------------------------------------------------
  /// Takes up to `limit` dirty hours, oldest first. Does not remove them (see commit_summaries).
  [[nodiscard]] virtual dirty_claim claim_dirty(std::size_t limit) = 0;
  /**
   * In one transaction: upserts `rows` (key: scope, subject, type, resolution, period.start) and
   * removes the claimed dirty marks that were not re-marked after the claim.
   */
  virtual void commit_summaries(std::span<const summary_row> rows, const dirty_claim& claim) = 0;
  /// Summaries matching `q`, ordered by period.start.
  [[nodiscard]] virtual std::vector<summary_row> read_summaries(const summary_query& q) = 0;

  /// The stored settings; a new database answers `summary_settings{}`.
  [[nodiscard]] virtual summary_settings get_summary_settings() = 0;
  /**
   * Stores `s`. When it differs from the stored settings, in the same transaction invalidates the
   * summaries of every building over all time (see `invalidate_summaries`), so the next refresh
   * recomputes them all with the new settings.
   * @throws std::invalid_argument when `s.cost_model` is empty.
   */
  virtual void set_summary_settings(const summary_settings& s) = 0;
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
  virtual void invalidate_summaries(const uuid& building_id, time_range range) = 0;

  // --- write groups (group commit; storage/group_writer.hpp drives them) ----------------------
  /**
   * Starts a write group: every write call until commit_group() or rollback_group() joins one
   * transaction, so N calls cost one commit (with SQLite `synchronous=FULL`: one WAL fsync)
   * instead of N. Inside a group a write call still writes all of its rows or none, but it is
   * durable only once commit_group() returns — not when the call returns.
   * Returns false when the adapter has no groups (memory, PostgreSQL): nothing started, every call
   * keeps committing on its own.
   * @throws storage_error (retryable when another connection holds the write lock).
   */
  virtual bool begin_group() { return false; }
  /**
   * Inside a group: marks the start of one unit of work (a savepoint). end_unit(true) keeps the
   * unit's writes in the group; end_unit(false) undoes them and leaves the rest of the group as
   * it was. No-ops outside a group.
   * @throws storage_error when the group's transaction is lost (e.g. an I/O error rolled it
   *         back): the group is broken, call rollback_group().
   */
  virtual void begin_unit() {}
  virtual void end_unit(bool keep) { static_cast<void>(keep); }
  /// Commits the group; returns once every write in it is durable.
  /// @throws storage_error: the group is not stored (call rollback_group()).
  virtual void commit_group() {}
  /// Abandons the group: nothing written in it is stored. Never throws; no-op without a group.
  virtual void rollback_group() noexcept {}

 protected:
  store() = default;
};

}  // namespace energy::storage

ENERGY_API_END
