// SPDX-License-Identifier: Apache-2.0
// Internal: the PostgreSQL store. Its members are defined by job: postgres_store.cpp (opening,
// write groups), postgres_metadata.cpp (tenants, buildings, sensors, alerts, tariffs),
// postgres_readings.cpp (writing and reading readings) and postgres_summaries.cpp (dirty marks,
// summaries, their settings and invalidation). pqxx stays inside the adapter.
#pragma once

#include "pool.hpp"
#include "postgres_rows.hpp"

#include <energy/quality.hpp>
#include <energy/aggregate/aggregator.hpp>
#include <energy/ingest/validate.hpp>
#include <energy/storage/bulk_readings.hpp>
#include <energy/storage/bulk_summaries.hpp>
#include <energy/storage/group_commit.hpp>
#include <energy/storage/postgres.hpp>
#include <energy/storage/tariffs.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace energy::storage {

class postgres_store final : public adapter,
                             public group_commit,
                             public bulk_summary_reader,
                             public bulk_reading_reader,
                             public tariff_port {
 public:
  explicit postgres_store(std::shared_ptr<postgres_pool> pool) : pool_(std::move(pool)) {
    if (!pool_) throw std::invalid_argument("open_postgres_store: null pool");
  }

  std::string_view adapter_name() const noexcept override { return "postgres"; }

  // --- write groups (group commit; storage/group_writer.hpp drives them) ------------------------
  // The group pins one pooled connection and holds one transaction on it; every call until
  // commit_group runs there (a savepoint per call, inside a savepoint per unit), so one COMMIT —
  // one WAL flush — makes the whole group durable. Nothing is retried inside a group: a lost
  // connection or a retryable error loses the group and the writer runs it again.

  bool begin_group() override;
  void begin_unit() override;
  void end_unit(bool keep) override;
  void commit_group() override;
  void rollback_group() noexcept override;

  // --- metadata (postgres_metadata.cpp) ----------------------------------------------------------
  void put_tenant(const tenant& t) override;
  std::optional<tenant> get_tenant(const uuid& id) override;
  std::vector<tenant> list_tenants() override;
  void put_building(const building& b) override;
  std::optional<building> get_building(const uuid& id) override;
  std::vector<building> list_buildings(const uuid& tenant_id) override;
  void put_sensor(const sensor& s) override;
  std::optional<sensor> get_sensor(const uuid& id) override;
  std::vector<sensor> list_sensors(const uuid& building_id) override;
  std::vector<sensor> list_all_sensors() override;
  void put_alert_config(const alert_config& a) override;
  std::vector<alert_config> list_alert_configs(const uuid& building_id) override;
  std::int64_t add_tariff_version(const tariff_version& v) override;
  std::vector<tariff_version> list_tariff_versions(const uuid& building_id) override;

  // --- readings (postgres_readings.cpp) ----------------------------------------------------------
  write_result write_readings(const reading_rows& rows,
                              std::span<const sample_state> states) override;
  void scan_readings(const uuid& sensor_id, time_range range, std::size_t chunk_rows,
                     const reading_chunk_sink& sink) override;
  void scan_building_readings(const uuid& building_id, time_range range, std::size_t chunk_rows,
                              const reading_chunk_sink& sink) override;
  std::vector<reading_rows> read_building_readings_many(
      std::span<const building_range> queries) override;
  std::optional<sample_state> get_sample_state(const uuid& sensor_id) override;
  std::int64_t count_readings() override;

  // --- dirty marks, summaries and their settings (postgres_summaries.cpp) -----------------------
  dirty_claim claim_dirty(std::size_t limit) override;
  void commit_summaries(std::span<const summary_row> rows, const dirty_claim& claim) override;
  void scan_summaries(const summary_query& q, std::size_t chunk_rows,
                      const summary_chunk_sink& sink) override;
  summary_settings get_summary_settings() override;
  void set_summary_settings(const summary_settings& settings) override;
  void invalidate_summaries(const uuid& building_id, time_range range) override;

  /// All queries in one statement (unnest of parallel arrays): the aggregation job asks for
  /// thousands of subjects' summaries per round.
  std::vector<std::vector<summary_row>> read_summaries_many(
      std::span<const summary_query> queries) override;

 private:
  // --- transactions: a pooled connection per call, or the write group's pinned one -----------

  /// Runs `body(t)` in a transaction that writes all or nothing: outside a write group its own,
  /// on a pooled connection and retried on a new one when the connection fails; inside a group a
  /// savepoint of the group's transaction, never retried alone (the group is run again).
  template <class F>
  auto in_write_tx(const char* what, F&& body)
      -> decltype(body(std::declval<pqxx::dbtransaction&>())) {
    return in_tx<pqxx::work>(what, body);
  }
  /// in_write_tx for calls that only read (a read-only transaction outside a group).
  template <class F>
  auto in_read_tx(const char* what, F&& body)
      -> decltype(body(std::declval<pqxx::dbtransaction&>())) {
    return in_tx<pqxx::read_transaction>(what, body);
  }

  template <class Tx, class F>
  auto in_tx(const char* what, F& body) -> decltype(body(std::declval<pqxx::dbtransaction&>())) {
    using R = decltype(body(std::declval<pqxx::dbtransaction&>()));
    if (group_) return in_group<R>(what, body);
    return pool_->run(what, [&](pqxx::connection& c) -> R {
      Tx t{c};
      if constexpr (std::is_void_v<R>) {
        body(t);
        t.commit();
      } else {
        R r = body(t);
        t.commit();  // acknowledged only from here on
        return r;
      }
    });
  }

  template <class R, class F>
  R in_group(const char* what, F& body) {
    if (group_->lost)
      throw storage_error(std::string("postgres ") + what +
                              ": the write group's transaction is lost; the group is run again",
                          true);
    group_->used = true;
    try {
      // Nested in the unit's savepoint, when there is one: savepoints stack on the server.
      pqxx::subtransaction call{*group_->tx, "energy_call"};
      if constexpr (std::is_void_v<R>) {
        body(static_cast<pqxx::dbtransaction&>(call));
        call.commit();
      } else {
        R r = body(static_cast<pqxx::dbtransaction&>(call));
        call.commit();
        return r;
      }
    } catch (const std::invalid_argument&) {
      throw;
    } catch (const energy::error&) {
      throw;
    } catch (...) {
      group_failure(what);
    }
  }

  /// Inside a catch block of a group's statement: a lost connection, or an error after which the
  /// group's work may succeed when run again (deadlock, serialization failure), loses the whole
  /// group (rethrown retryable, end_unit and commit_group refuse); other errors are the call's.
  [[noreturn]] void group_failure(const char* what);
  template <class T, class Map, class... Args>
  std::optional<T> read_one(const char* stmt, Map&& map, const Args&... args) {
    return in_read_tx(stmt, [&](pqxx::dbtransaction& t) -> std::optional<T> {
      const auto res = t.exec_prepared(stmt, args...);
      if (res.empty()) return std::nullopt;
      return map(res[0]);
    });
  }

  template <class T, class Map, class... Args>
  std::vector<T> read_all(const char* stmt, Map&& map, const Args&... args) {
    return in_read_tx(stmt, [&](pqxx::dbtransaction& t) {
      std::vector<T> out;
      for (const auto& r : t.exec_prepared(stmt, args...))
        out.push_back(map(r));
      return out;
    });
  }

  /**
   * Streams `sql` (bound to `args`) to `sink` through a server-side cursor, `chunk_rows` rows per
   * FETCH, so neither libpq nor this process holds more than one chunk. Outside a group a lost
   * connection is retried only while nothing was delivered (a retry would deliver rows twice).
   * What `sink` throws reaches the caller unchanged.
   */
  template <class Chunk, class Sink, class Push, class... Args>
  void scan(const char* what, const char* sql, std::size_t chunk_rows, const Sink& sink,
            Push&& push, const Args&... args) {
    bool delivered = false;
    std::exception_ptr sink_failure;
    in_read_tx(what, [&](pqxx::dbtransaction& t) {
      if (delivered)
        throw storage_error(std::string("postgres ") + what +
                                ": the connection was lost after part of the rows was "
                                "delivered; read again",
                            true);
      t.exec_params(std::string("DECLARE energy_scan NO SCROLL CURSOR FOR ") + sql, args...);
      const std::string fetch = "FETCH FORWARD " + std::to_string(chunk_rows) + " FROM energy_scan";
      Chunk chunk;
      for (;;) {
        const pqxx::result res = t.exec(fetch);
        if (res.empty()) break;
        chunk.clear();
        for (const auto& r : res)
          push(chunk, r);
        delivered = true;
        bool more = false;
        try {
          more = sink(chunk);
        } catch (...) {
          sink_failure = std::current_exception();
          break;
        }
        if (!more || res.size() < chunk_rows) break;
      }
      // Inside a write group the transaction lives on: free the name for the next scan.
      t.exec("CLOSE energy_scan");
    });
    if (sink_failure) std::rethrow_exception(sink_failure);
  }

  static summary_settings read_settings(pqxx::transaction_base& t);
  static std::vector<tariff_version> read_tariff_versions(pqxx::transaction_base& t,
                                                          const uuid& building_id);

  /// store::invalidate_summaries inside the caller's transaction `w`.
  void invalidate(pqxx::dbtransaction& w, const uuid& building_id, time_range range);

  // Unknown sensors are a caller error in the batch: reported by row, nothing written. Sensors are
  // never deleted, so ids seen once stay known.
  void check_sensors(const reading_rows& rows);
  write_result write_once(const reading_rows& rows, std::span<const sample_state> states);
  /// Creates the partitions of `days` (UTC epoch days) that are missing: outside a group on the
  /// pool's partition connection, inside one in the group's transaction.
  void make_partitions(const std::vector<std::int64_t>& days);

  /// Row locks on the guarded states (in the order given: callers pass them sorted by sensor, so
  /// two writers cannot deadlock), then the shared check.
  static void check_state_guards(pqxx::dbtransaction& w, std::span<const sample_state> states);
  /**
   * Fast path for batches of new readings (the common case): COPY straight into `readings` inside
   * a savepoint. Any existing (sensor, ts) makes the COPY fail on the primary key; the savepoint
   * then rolls back and the caller takes the staging path, which applies the duplicate policy.
   * After such a fallback the next batches go straight to the staging path for a while (re-sends
   * and corrections tend to come in runs). Returns false when the caller must use staging.
   */
  bool copy_directly(pqxx::dbtransaction& w, const reading_rows& rows, write_result& result);

  /// Between begin_group and commit_group / rollback_group. Members are destroyed in reverse
  /// order: the transaction before the connection it runs on.
  struct write_group {
    explicit write_group(postgres_pool::lease c) : conn(std::move(c)) {}
    postgres_pool::lease conn;
    std::optional<pqxx::work> tx;
    bool in_unit = false;  // between begin_unit and end_unit (savepoint energy_unit)
    bool lost = false;     // connection or transaction gone: only rollback_group is left
    bool used = false;     // a statement ran in it: it may hold locks on `readings`
    std::set<std::int64_t> created_days;  // partitions made in the group, known at commit
  };
  std::shared_ptr<postgres_pool> pool_;  // declared first: outlives the group's connection
  std::unordered_set<uuid> known_sensors_;
  int fast_path_cooldown_ = 0;
  std::unique_ptr<write_group> group_;
};

}  // namespace energy::storage
