// SPDX-License-Identifier: Apache-2.0
#include <energy/storage/sqlite.hpp>
#include <energy/storage/group_commit.hpp>
#include <energy/storage/tariffs.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <energy/quality.hpp>

#include "adapters/sqlite/chunk_functions.hpp"
#include "adapters/sqlite/chunk_store.hpp"
#include "adapters/sqlite/dirty_marks.hpp"
#include "adapters/sqlite/migrations.hpp"
#include "adapters/sqlite/sqlite_calls.hpp"
#include "adapters/sqlite/sqlite_rows.hpp"

#include <energy/ingest/validate.hpp>

namespace energy::storage {
namespace {

// Row mapping and SQL text (sqlite_rows.hpp), statement and transaction use (sqlite_calls.hpp).
using namespace energy::sqlite_detail;

class sqlite_store final : public adapter, public tariff_port, public group_commit {
 public:
  sqlite_store(const std::filesystem::path& path, const sqlite_options& options)
      : where_(quoted(path)), db_(open_database(path, options, where_)) {}

  std::string_view adapter_name() const noexcept override { return "sqlite"; }

  // --- metadata ---------------------------------------------------------------------------------

  void put_tenant(const tenant& t) override {
    guard("put_tenant", [&] {
      statement_use st(upsert_tenant_);
      bind_id(*st, 1, t.id);
      st->bind(2, t.name);
      st->bind(3, static_cast<std::int64_t>(to_epoch(t.created_at)));
      st->exec();
    });
  }

  std::optional<tenant> get_tenant(const uuid& id) override {
    return guard("get_tenant", [&] { return get_one(get_tenant_, id, read_tenant); });
  }

  std::vector<tenant> list_tenants() override {
    return guard("list_tenants", [&] { return get_all(list_tenants_, nullptr, read_tenant); });
  }

  void put_building(const building& b) override {
    if (!is_valid_zone(b.time_zone))
      throw std::invalid_argument("building " + b.id.to_string() + ": unknown IANA time zone '" +
                                  b.time_zone + "'");
    guard("put_building", [&] {
      settle_bulk_writes();
      call_transaction tx(db_, in_group_, SQLite::TransactionBehavior::IMMEDIATE);
      if (!exists(tenant_exists_, b.tenant_id))
        throw std::invalid_argument("building " + b.id.to_string() + ": unknown tenant " +
                                    b.tenant_id.to_string());
      const auto before = get_one(get_building_, b.id, read_building);
      {
        statement_use st(upsert_building_);
        bind_id(*st, 1, b.id);
        bind_id(*st, 2, b.tenant_id);
        st->bind(3, b.name);
        st->bind(4, b.address);
        bind_optional(*st, 5, b.square_footage);
        st->bind(6, b.primary_use);
        st->bind(7, b.time_zone);
        if (b.flat_rate_per_kwh)
          st->bind(8, b.flat_rate_per_kwh->micros());
        else
          st->bind(8);
        st->bind(9, static_cast<std::int64_t>(to_epoch(b.created_at)));
        st->exec();
      }
      if (before && affects_summaries(*before, b)) invalidate(b.id, all_time());
      tx.commit();
    });
  }

  std::optional<building> get_building(const uuid& id) override {
    return guard("get_building", [&] { return get_one(get_building_, id, read_building); });
  }

  std::vector<building> list_buildings(const uuid& tenant_id) override {
    return guard("list_buildings",
                 [&] { return get_all(list_buildings_, &tenant_id, read_building); });
  }

  void put_sensor(const sensor& s) override {
    ingest::check_sensor_metadata(s);
    guard("put_sensor", [&] {
      settle_bulk_writes();
      call_transaction tx(db_, in_group_, SQLite::TransactionBehavior::IMMEDIATE);
      if (!exists(building_exists_, s.building_id))
        throw std::invalid_argument("sensor " + s.id.to_string() + ": unknown building " +
                                    s.building_id.to_string());
      const auto before = get_one(get_sensor_, s.id, read_sensor);
      const bool stale = before && affects_summaries(*before, s);
      // A sensor that moves leaves stale sums in its old building: invalidate that one while the
      // sensor still belongs to it, so its readings and sensor summaries count there.
      if (stale && before->building_id != s.building_id)
        invalidate(before->building_id, all_time());
      {
        statement_use st(upsert_sensor_);
        bind_id(*st, 1, s.id);
        bind_id(*st, 2, s.building_id);
        bind_text(*st, 3, to_string(s.type));
        bind_text(*st, 4, to_string(s.kind));
        st->bind(5, s.unit);
        st->bind(6, s.location);
        st->bind(7, s.interval_seconds);
        bind_optional(*st, 8, s.max_value);
        bind_optional(*st, 9, s.register_max);
        st->bind(10, s.is_active ? 1 : 0);
        st->bind(11, static_cast<std::int64_t>(to_epoch(s.created_at)));
        st->exec();
      }
      if (stale) invalidate(s.building_id, all_time());
      tx.commit();
    });
    sensor_layouts_[s.id] = chunk_layout_for(s.interval_seconds);
  }

  std::optional<sensor> get_sensor(const uuid& id) override {
    return guard("get_sensor", [&] { return get_one(get_sensor_, id, read_sensor); });
  }

  std::vector<sensor> list_sensors(const uuid& building_id) override {
    return guard("list_sensors", [&] { return get_all(list_sensors_, &building_id, read_sensor); });
  }

  std::vector<sensor> list_all_sensors() override {
    return guard("list_all_sensors",
                 [&] { return get_all(list_all_sensors_, nullptr, read_sensor); });
  }

  void put_alert_config(const alert_config& a) override {
    guard("put_alert_config", [&] {
      call_transaction tx(db_, in_group_, SQLite::TransactionBehavior::IMMEDIATE);
      if (!exists(building_exists_, a.building_id))
        throw std::invalid_argument("alert config " + a.id.to_string() + ": unknown building " +
                                    a.building_id.to_string());
      statement_use st(upsert_alert_);
      bind_id(*st, 1, a.id);
      bind_id(*st, 2, a.building_id);
      st->bind(3, static_cast<std::int64_t>(a.threshold));
      bind_text(*st, 4, to_string(a.window));
      st->bind(5, a.notification_email);
      st->bind(6, a.is_enabled ? 1 : 0);
      st->exec();
      tx.commit();
    });
  }

  std::vector<alert_config> list_alert_configs(const uuid& building_id) override {
    return guard("list_alert_configs",
                 [&] { return get_all(list_alerts_, &building_id, read_alert); });
  }

  // --- readings ---------------------------------------------------------------------------------

  write_result write_readings(const reading_rows& rows,
                              std::span<const sample_state> states) override {
    const std::size_t n = rows.size();
    if (rows.sensor_id.size() != n || rows.value.size() != n || rows.quality.size() != n)
      throw std::invalid_argument("write_readings: reading_rows columns have different lengths");
    if (n == 0 && states.empty()) return {};
    return guard("write_readings", [&] {
      check_timestamps_storable(rows);
      check_sensors_known(rows, states);
      write_result result;
      if (group_broken_) throw broken_group_error("write_readings");
      // Outside a bulk group marks are recorded by the call itself; any left over belong to an
      // earlier call that failed (and was rolled back).
      if (!bulk_group_) pending_marks_.clear();
      // A bulk group's call takes no savepoint: its journal would copy every page the call
      // changes. A failure part-way breaks the group instead (bulk_write_section).
      std::optional<call_transaction> tx;
      if (!bulk_group_) tx.emplace(db_, in_group_, SQLite::TransactionBehavior::IMMEDIATE);
      // Guards are checked under the write lock, so no other writer can move a state in between.
      for (const auto& s : states)
        if (s.guarded) {
          statement_use st(get_state_);
          bind_id(*st, 1, s.sensor_id);
          std::optional<sample_state::point> stored;
          if (st->executeStep())
            stored = sample_state::point{st->getColumn(0).getInt64(), st->getColumn(1).getDouble()};
          check_state_guard(s, stored);
        }
      bulk_write_section section(bulk_group_ ? &group_broken_ : nullptr);
      // Outside a bulk group the call's transaction undoes a failure: so must the chunks held.
      held_chunks_guard held(chunks_, !bulk_group_);
      const chunk_layout* layout = nullptr;
      for (std::size_t i = 0; i < n; ++i) {
        // Rows come in runs of one sensor (ingest groups them): one layout lookup per run.
        if (i == 0 || rows.sensor_id[i] != rows.sensor_id[i - 1])
          layout = &sensor_layouts_.at(rows.sensor_id[i]);
        const write_outcome outcome =
            chunks_.apply(rows.sensor_id[i], *layout, rows.ts[i], rows.value[i], rows.quality[i]);
        // Memory stays bounded whatever the call's rows: chunks past the bound are written now,
        // inside the call's transaction (or the bulk group's).
        if (chunks_.held_slots() > max_held_slots) chunks_.flush();
        if (outcome == write_outcome::unchanged) {
          ++result.unchanged;
          continue;
        }
        ++(outcome == write_outcome::inserted ? result.inserted : result.replaced);
        pending_marks_.add(rows.sensor_id[i], rows.ts[i]);
      }
      // A bulk group writes its chunks and records its marks once, at commit (or before anything
      // reads them, or past the bound); other calls before they return.
      if (!bulk_group_) {
        chunks_.flush();
        record_pending_marks();
      }
      for (const auto& s : states) {
        statement_use st(upsert_state_);
        bind_id(*st, 1, s.sensor_id);
        st->bind(2, static_cast<std::int64_t>(s.ts));
        st->bind(3, s.raw_value);
        st->exec();
      }
      section.finish();
      if (tx) tx->commit();
      return result;
    });
  }

  void scan_readings(const uuid& sensor_id, time_range range, std::size_t chunk_rows,
                     const reading_chunk_sink& sink) override {
    guard("scan_readings", [&] {
      settle_bulk_writes();
      reading_rows chunk;
      chunk.reserve(std::min<std::size_t>(chunk_rows, first_chunk_capacity));
      if (scan_sensor(chunk, sensor_id, range, chunk_rows, sink) && !chunk.empty()) sink(chunk);
    });
  }

  void scan_building_readings(const uuid& building_id, time_range range, std::size_t chunk_rows,
                              const reading_chunk_sink& sink) override {
    guard("scan_building_readings", [&] {
      settle_bulk_writes();
      // One snapshot for the whole building, even while another connection writes.
      call_transaction tx(db_, in_group_, SQLite::TransactionBehavior::DEFERRED);
      reading_rows chunk;
      chunk.reserve(std::min<std::size_t>(chunk_rows, first_chunk_capacity));
      // One query for the building's sensors in id order, each one's chunks in time order.
      const bool more = chunks_.for_each_building_run(
          building_id, to_epoch(range.start), to_epoch(range.end),
          [&](const uuid& sensor, std::span<const chunk_reading> run) {
            return append_run(chunk, sensor, run, chunk_rows, sink);
          });
      if (more && !chunk.empty()) sink(chunk);
      tx.commit();
    });
  }

  std::optional<sample_state> get_sample_state(const uuid& sensor_id) override {
    return guard("get_sample_state", [&]() -> std::optional<sample_state> {
      statement_use st(get_state_);
      bind_id(*st, 1, sensor_id);
      if (!st->executeStep()) return std::nullopt;
      return sample_state{sensor_id, st->getColumn(0).getInt64(), st->getColumn(1).getDouble()};
    });
  }

  std::int64_t count_readings() override {
    return guard("count_readings", [&] {
      settle_bulk_writes();
      return chunks_.count();
    });
  }

  // --- summaries --------------------------------------------------------------------------------

  dirty_claim claim_dirty(std::size_t limit) override {
    return guard("claim_dirty", [&] {
      // The sequence and the marks from one snapshot: a mark re-made after this read has a larger
      // sequence number, so commit_summaries leaves it for the next run.
      settle_bulk_writes();  // a bulk group's own writes are dirty too
      call_transaction tx(db_, in_group_, SQLite::TransactionBehavior::DEFERRED);
      dirty_claim claim;
      if (limit == 0) return claim;
      claim.up_to_sequence = current_sequence();
      // The oldest hours are in the oldest days but in any sensor's row of them: read whole days
      // (rows come in (day, sensor) key order) until they hold `limit` hours, then keep the first
      // `limit` in (hour, sensor) order. That is every mark up to the last one kept: a prefix.
      claim.is_prefix = true;
      sqlite3_stmt* st = claim_dirty_.get();
      const raw_statement::use in_use(claim_dirty_);
      std::int64_t day = INT64_MIN;
      std::vector<std::pair<uuid, std::int64_t>> rows_of_day;  // (sensor, hour mask), by sensor
      // A day's rows are in sensor order, so emitting them hour by hour gives (hour, sensor)
      // order without a sort.
      const auto emit_day = [&] {
        for (int h = 0; h < 24; ++h)
          for (const auto& [id, mask] : rows_of_day)
            if ((mask >> h) & 1) claim.hours.push_back(dirty_hour{id, day + h * 3600});
        rows_of_day.clear();
      };
      while (claim_dirty_.step()) {
        const std::int64_t row_day = sqlite3_column_int64(st, 0);
        if (row_day != day) {
          emit_day();
          if (claim.hours.size() >= limit) break;
          day = row_day;
        }
        if (sqlite3_column_bytes(st, 1) != 16 || sqlite3_column_type(st, 1) != SQLITE_BLOB)
          throw storage_error(
              "sqlite " + where_ + ": dirty_days holds a sensor id that is not 16 bytes", false);
        std::array<std::uint8_t, 16> id{};
        std::memcpy(id.data(), sqlite3_column_blob(st, 1), 16);
        rows_of_day.emplace_back(uuid{id}, sqlite3_column_int64(st, 2));
      }
      emit_day();
      tx.commit();
      if (claim.hours.size() > limit) claim.hours.resize(limit);
      return claim;
    });
  }

  void commit_summaries(std::span<const summary_row> rows, const dirty_claim& claim) override {
    guard("commit_summaries", [&] {
      call_transaction tx(db_, in_group_, SQLite::TransactionBehavior::IMMEDIATE);
      for (const auto& r : rows) {
        statement_use st(upsert_summary_);
        bind_text(*st, 1, to_string(r.scope));
        bind_id(*st, 2, r.subject_id);
        bind_text(*st, 3, to_string(r.type));
        bind_text(*st, 4, to_string(r.res));
        st->bind(5, static_cast<std::int64_t>(to_epoch(r.period.start)));
        st->bind(6, static_cast<std::int64_t>(to_epoch(r.period.end)));
        st->bind(7, static_cast<std::int64_t>(r.local_start.time_since_epoch().count()));
        st->bind(8, static_cast<std::int64_t>(r.consumption));
        st->bind(9, static_cast<std::int64_t>(r.peak_demand));
        st->bind(10, static_cast<std::int64_t>(r.cost.micros()));
        st->bind(11, static_cast<std::int64_t>(r.reading_count));
        st->exec();
      }
      if (claim.is_prefix && !claim.hours.empty()) {
        // Every mark up to (H, S) = claim.hours.back() in (hour, sensor) order: whole rows of the
        // days before H's, and in H's day the hours before H plus hour H of sensors up to S. Three
        // statements instead of one per mark (a refresh of 10^7 readings clears 2.5 million).
        const dirty_hour& last = claim.hours.back();
        const std::int64_t day = utc_day(last.hour);
        const auto bit = static_cast<int>((last.hour - day) / 3600);
        const std::int64_t before = (std::int64_t{1} << bit) - 1;
        {
          statement_use st(delete_dirty_days_before_);
          st->bind(1, day);
          st->bind(2, static_cast<std::int64_t>(claim.up_to_sequence));
          st->exec();
        }
        {
          statement_use st(clear_dirty_day_through_);
          st->bind(1, day);
          bind_id(*st, 2, last.sensor_id);
          st->bind(3, before | (std::int64_t{1} << bit));
          st->bind(4, before);
          st->bind(5, static_cast<std::int64_t>(claim.up_to_sequence));
          st->exec();
        }
        statement_use st(delete_empty_dirty_day_);
        st->bind(1, day);
        st->exec();
      }
      for (const auto& h : claim.is_prefix ? std::span<const dirty_hour>{} : claim.hours) {
        const std::int64_t day = utc_day(h.hour);
        {
          statement_use st(clear_dirty_hour_);
          st->bind(1, day);
          bind_id(*st, 2, h.sensor_id);
          st->bind(3, std::int64_t{1} << ((h.hour - day) / 3600));
          st->bind(4, static_cast<std::int64_t>(claim.up_to_sequence));
          st->exec();
        }
        statement_use st(delete_empty_dirty_day_);
        st->bind(1, day);
        st->exec();
      }
      tx.commit();
    });
  }

  void scan_summaries(const summary_query& q, std::size_t chunk_rows,
                      const summary_chunk_sink& sink) override {
    guard("scan_summaries", [&] {
      std::vector<summary_row> chunk;
      statement_use st(read_summaries_);
      bind_text(*st, 1, to_string(q.scope));
      bind_id(*st, 2, q.subject_id);
      bind_text(*st, 3, to_string(q.type));
      bind_text(*st, 4, to_string(q.res));
      st->bind(5, static_cast<std::int64_t>(to_epoch(q.range.start)));
      st->bind(6, static_cast<std::int64_t>(to_epoch(q.range.end)));
      while (st->executeStep()) {
        chunk.push_back(read_summary(*st));
        if (chunk.size() == chunk_rows) {
          if (!sink(chunk)) return;
          chunk.clear();
        }
      }
      if (!chunk.empty()) sink(chunk);
    });
  }

  summary_settings get_summary_settings() override {
    return guard("get_summary_settings", [&] { return read_settings(); });
  }

  void set_summary_settings(const summary_settings& settings) override {
    if (settings.cost_model.empty())
      throw std::invalid_argument("set_summary_settings: cost_model must name a cost model");
    guard("set_summary_settings", [&] {
      settle_bulk_writes();
      call_transaction tx(db_, in_group_, SQLite::TransactionBehavior::IMMEDIATE);
      if (read_settings() == settings) return;
      for (const auto& [name, value] :
           {std::pair<const char*, std::string>{"sensor_scope",
                                                settings.sensor_scope ? "on" : "off"},
            std::pair<const char*, std::string>{"cost_model", settings.cost_model}}) {
        statement_use st(upsert_setting_);
        st->bind(1, name);
        st->bind(2, value);
        st->exec();
      }
      std::vector<uuid> buildings;
      {
        statement_use st(all_building_ids_);
        while (st->executeStep())
          buildings.push_back(column_id(st->getColumn(0)));
      }
      for (const uuid& id : buildings)
        invalidate(id, all_time());
      tx.commit();
    });
  }

  void invalidate_summaries(const uuid& building_id, time_range range) override {
    guard("invalidate_summaries", [&] {
      settle_bulk_writes();
      call_transaction tx(db_, in_group_, SQLite::TransactionBehavior::IMMEDIATE);
      if (!exists(building_exists_, building_id))
        throw std::invalid_argument("invalidate_summaries: unknown building " +
                                    building_id.to_string());
      invalidate(building_id, range);
      tx.commit();
    });
  }

  std::int64_t add_tariff_version(const tariff_version& v) override {
    check_new_tariff_version(v);
    return guard("add_tariff_version", [&] {
      settle_bulk_writes();
      SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
      const auto b = get_one(get_building_, v.building_id, read_building);
      if (!b)
        throw std::invalid_argument("add_tariff_version: unknown building " +
                                    v.building_id.to_string());
      const auto existing = read_tariff_versions(v.building_id);
      std::int64_t revision = 1;
      for (const auto& e : existing)
        revision = std::max(revision, e.revision + 1);
      {
        statement_use st(insert_tariff_);
        bind_id(*st, 1, v.building_id);
        st->bind(2, revision);
        st->bind(3, format_date(v.effective));
        st->bind(4, static_cast<std::int64_t>(to_epoch(v.recorded_at)));
        st->bind(5, v.source);
        st->bind(6, v.json_pointer);
        st->bind(7, v.urdb_json);
        if (v.holidays)
          st->bind(8, format_date_list(*v.holidays));
        else
          st->bind(8);  // NULL: not known
        st->exec();
      }
      invalidate(v.building_id,
                 tariff_change_range(existing, v.effective, find_zone(b->time_zone)));
      tx.commit();
      return revision;
    });
  }

  std::vector<tariff_version> list_tariff_versions(const uuid& building_id) override {
    return guard("list_tariff_versions", [&] { return read_tariff_versions(building_id); });
  }

  // --- write groups ----------------------------------------------------------------------------

  bool begin_group() override {
    if (in_group_) throw std::logic_error("sqlite store: begin_group inside a group");
    guard("begin_group", [&] { db_.exec("BEGIN IMMEDIATE"); });
    in_group_ = true;
    bulk_group_ = false;
    group_broken_ = false;
    pending_marks_.clear();  // left by a call that failed before the group
    return true;
  }

  bool begin_bulk_group() override {
    begin_group();
    bulk_group_ = true;
    return true;
  }

  void begin_unit() override {
    if (!in_group_) return;
    // The marks pending so far belong to the group, not to the unit an end_unit(false) undoes.
    guard("begin_unit", [&] {
      settle_bulk_writes();
      db_.exec("SAVEPOINT energy_unit");
    });
  }

  void end_unit(bool keep) override {
    if (!in_group_) return;
    if (!keep) {
      sensor_layouts_.clear();  // a sensor the unit wrote is gone with it
      pending_marks_.clear();   // and so are the readings it marked
      chunks_.discard();        // and the chunks it changed
    }
    guard("end_unit", [&] {
      if (keep) settle_bulk_writes();
      db_.exec(keep ? "RELEASE energy_unit" : "ROLLBACK TO energy_unit; RELEASE energy_unit");
    });
  }

  void commit_group() override {
    if (!in_group_) return;
    if (group_broken_) throw broken_group_error("commit_group");
    guard("commit_group", [&] {
      // Only a bulk group defers chunks and marks; any other call wrote its own (or failed and
      // was undone).
      if (bulk_group_) {
        bulk_write_section section(&group_broken_);
        chunks_.flush();
        record_pending_marks();
        section.finish();
      }
      db_.exec("COMMIT");
    });
    in_group_ = false;
    bulk_group_ = false;
  }

  void rollback_group() noexcept override {
    if (!in_group_) return;
    in_group_ = false;
    bulk_group_ = false;
    group_broken_ = false;
    pending_marks_.clear();
    chunks_.discard();
    sensor_layouts_.clear();  // a sensor written in the group may be gone with it
    if (sqlite3_get_autocommit(db_.getHandle()) != 0) return;  // SQLite already rolled back
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
      // Nothing left to undo.
    }
  }

 private:
  std::vector<tariff_version> read_tariff_versions(const uuid& building_id) {
    std::vector<tariff_version> out;
    statement_use st(list_tariffs_);
    bind_id(*st, 1, building_id);
    while (st->executeStep()) {
      tariff_version v;
      v.building_id = building_id;
      v.revision = st->getColumn(0).getInt64();
      const std::string effective = st->getColumn(1).getString();
      const auto day = parse_date(effective);
      if (!day)
        throw storage_error("sqlite " + where_ + ": tariff_versions holds effective date '" +
                                effective + "', not YYYY-MM-DD",
                            false);
      v.effective = *day;
      v.recorded_at = from_epoch(st->getColumn(2).getInt64());
      v.source = st->getColumn(3).getString();
      v.json_pointer = st->getColumn(4).getString();
      v.urdb_json = st->getColumn(5).getString();
      if (!st->getColumn(6).isNull()) {
        const std::string days = st->getColumn(6).getString();
        v.holidays = parse_date_list(days);
        if (!v.holidays)
          throw storage_error("sqlite " + where_ + ": tariff_versions holds holidays '" + days +
                                  "', not YYYY-MM-DD dates separated by commas",
                              false);
      }
      out.push_back(std::move(v));
    }
    return out;
  }

  /// What a write call or commit_group inside a broken bulk group throws.
  [[nodiscard]] storage_error broken_group_error(std::string_view operation) const {
    return storage_error("sqlite " + where_ + ": " + std::string(operation) +
                             ": an earlier write of this bulk group failed part-way; the group "
                             "can only be rolled back, nothing of it is stored",
                         false);
  }

  /// Runs `f`, turning SQLite failures into storage_error (retryable for BUSY/LOCKED). Caller
  /// mistakes (std::invalid_argument) and storage_error pass through unchanged.
  template <class F>
  auto guard(std::string_view operation, F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      throw_storage(e, operation, where_);
    }
  }

  bool exists(SQLite::Statement& query, const uuid& id) {
    statement_use st(query);
    bind_id(*st, 1, id);
    return st->executeStep();
  }

  template <class Read>
  auto get_one(SQLite::Statement& query, const uuid& id, Read read)
      -> std::optional<decltype(read(query))> {
    statement_use st(query);
    bind_id(*st, 1, id);
    if (!st->executeStep()) return std::nullopt;
    return read(*st);
  }

  template <class Read>
  auto get_all(SQLite::Statement& query, const uuid* key, Read read)
      -> std::vector<decltype(read(query))> {
    statement_use st(query);
    if (key) bind_id(*st, 1, *key);
    std::vector<decltype(read(query))> out;
    while (st->executeStep())
      out.push_back(read(*st));
    return out;
  }

  /// Rows must reference existing sensors. Checked before the transaction starts (sensors are never
  /// deleted, so a sensor seen once stays valid); an unknown id aborts the whole call. Learns the
  /// chunk layout of each sensor on the way.
  void check_sensors_known(const reading_rows& rows, std::span<const sample_state> states) {
    auto check = [&](const uuid& id, std::string_view what, std::size_t index) {
      if (sensor_layouts_.contains(id)) return;
      statement_use st(sensor_interval_);
      bind_id(*st, 1, id);
      if (!st->executeStep())
        throw storage_error("sqlite " + where_ + ": write_readings: " + std::string(what) + " " +
                                std::to_string(index) + " references unknown sensor " +
                                id.to_string() + "; nothing was written",
                            false);
      sensor_layouts_.emplace(id, chunk_layout_for(st->getColumn(0).getInt64()));
    };
    // Rows come in runs of one sensor (ingest groups them): one lookup per run, not per row.
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (i == 0 || rows.sensor_id[i] != rows.sensor_id[i - 1]) check(rows.sensor_id[i], "row", i);
    for (std::size_t i = 0; i < states.size(); ++i)
      check(states[i].sensor_id, "sample state", i);
  }

  /// A chunk's span must be representable: refuses (before anything is written) a row within two
  /// days of the int64 limits, about 292 billion years from 1970.
  void check_timestamps_storable(const reading_rows& rows) const {
    constexpr epoch_seconds limit = INT64_MAX - 2 * 86400;
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (rows.ts[i] < -limit || rows.ts[i] > limit)
        throw storage_error("sqlite " + where_ + ": write_readings: row " + std::to_string(i) +
                                " has timestamp " + std::to_string(rows.ts[i]) +
                                ", outside the range this store keeps; nothing was written",
                            false);
  }

  /// Discards the chunks a write call held when the call fails (outside a bulk group, where its
  /// transaction is rolled back with it).
  class held_chunks_guard {
   public:
    held_chunks_guard(chunk_store& chunks, bool active) noexcept
        : chunks_(chunks), active_(active), exceptions_(std::uncaught_exceptions()) {}
    ~held_chunks_guard() {
      if (active_ && std::uncaught_exceptions() > exceptions_) chunks_.discard();
    }
    held_chunks_guard(const held_chunks_guard&) = delete;
    held_chunks_guard& operator=(const held_chunks_guard&) = delete;

   private:
    chunk_store& chunks_;
    bool active_;
    int exceptions_;
  };

  /// Reading slots a bulk group holds in decoded chunks before writing them back: 24 MiB.
  static constexpr std::size_t max_held_slots = std::size_t{1} << 20;

  /**
   * In a bulk group: writes the chunks held and records the marks pending so far in the group's
   * transaction, before a call that must see them (a read of readings or dirty marks, a change of
   * metadata) or must not undo them (a unit's savepoint). Written outside any call's savepoint, so
   * a failure of that call cannot take them with it; a failure part-way breaks the group, as a
   * failed write does. Marks recorded late only carry a newer sequence number, which no claim
   * depends on.
   */
  void settle_bulk_writes() {
    if (!bulk_group_ || (pending_marks_.empty() && chunks_.empty())) return;
    if (group_broken_) return;  // the group can only be rolled back; its writes go with it
    bulk_write_section section(&group_broken_);
    chunks_.flush();
    record_pending_marks();
    section.finish();
  }

  /// Records pending_marks_ in dirty_days (record_marks).
  void record_pending_marks() { record_marks(pending_marks_); }

  /// Records `pending` in dirty_days with one new sequence number, inside the caller's write
  /// transaction: one prepared single-row upsert per (day, sensor), in key order.
  void record_marks(dirty_marks& pending) {
    if (pending.empty()) return;
    const std::vector<dirty_marks::day_mark> marks = pending.take();
    std::int64_t seq = 0;
    {
      statement_use st(next_sequence_);
      if (!st->executeStep())
        throw storage_error("sqlite " + where_ + ": store_counters lacks dirty_sequence", false);
      seq = st->getColumn(0).getInt64();
    }
    for (const dirty_marks::day_mark& m : marks) {
      statement_use st(upsert_dirty_);
      st->bind(1, m.day);
      bind_id(*st, 2, m.sensor);
      st->bind(3, m.hours);
      st->bind(4, seq);
      st->exec();
    }
  }

  summary_settings read_settings() {
    summary_settings out;
    statement_use st(read_settings_);
    while (st->executeStep()) {
      const std::string name = st->getColumn(0).getString();
      const std::string value = st->getColumn(1).getString();
      if (name == "sensor_scope")
        out.sensor_scope = value == "on";
      else if (name == "cost_model")
        out.cost_model = value;
    }
    return out;
  }

  /// store::invalidate_summaries inside the caller's write transaction: the summaries of the
  /// building overlapping its readings in `range` are deleted and every (sensor, hour) holding a
  /// reading in the span they covered is marked dirty.
  void invalidate(const uuid& building_id, time_range range) {
    std::optional<epoch_seconds> first, last;
    chunks_.for_each_building_run(building_id, to_epoch(range.start), to_epoch(range.end),
                                  [&](const uuid&, std::span<const chunk_reading> run) {
                                    first =
                                        std::min(first.value_or(run.front().ts), run.front().ts);
                                    last = std::max(last.value_or(run.back().ts), run.back().ts);
                                    return true;
                                  });
    if (!first) return;  // no readings: nothing to redo
    const std::int64_t span_start = utc_hour(*first), span_end = utc_hour(*last) + 3600;
    std::int64_t mark_start = span_start, mark_end = span_end;
    {
      statement_use st(overlapping_summaries_);
      bind_id(*st, 1, building_id);
      st->bind(2, span_start);
      st->bind(3, span_end);
      if (st->executeStep() && !st->getColumn(0).isNull()) {
        mark_start = std::min(mark_start, st->getColumn(0).getInt64());
        mark_end = std::max(mark_end, st->getColumn(1).getInt64());
      }
    }
    {
      statement_use st(delete_overlapping_summaries_);
      bind_id(*st, 1, building_id);
      st->bind(2, span_start);
      st->bind(3, span_end);
      st->exec();
    }
    dirty_marks marks;
    chunks_.for_each_building_run(building_id, mark_start, mark_end,
                                  [&](const uuid& sensor, std::span<const chunk_reading> run) {
                                    for (const chunk_reading& r : run)
                                      marks.add(sensor, r.ts);
                                    return true;
                                  });
    record_marks(marks);
  }

  std::int64_t current_sequence() {
    statement_use st(current_sequence_);
    return st->executeStep() ? st->getColumn(0).getInt64() : 0;
  }

  /// Rows reserved for the first chunk of a scan: a small read allocates little, a large one
  /// grows to chunk_rows once and then reuses the buffer.
  static constexpr std::size_t first_chunk_capacity = 4096;

  /// Appends the sensor's rows in `range` to `chunk`, handing every full chunk to `sink`; false
  /// when the sink asked to stop.
  bool scan_sensor(reading_rows& chunk, const uuid& sensor_id, time_range range,
                   std::size_t chunk_rows, const reading_chunk_sink& sink) {
    return chunks_.for_each_run(sensor_id, to_epoch(range.start), to_epoch(range.end),
                                [&](std::span<const chunk_reading> run) {
                                  return append_run(chunk, sensor_id, run, chunk_rows, sink);
                                });
  }

  /// Appends `run` to `chunk`, handing every full chunk to `sink`; false when the sink asked to
  /// stop.
  static bool append_run(reading_rows& chunk, const uuid& sensor,
                         std::span<const chunk_reading> run, std::size_t chunk_rows,
                         const reading_chunk_sink& sink) {
    for (const chunk_reading& r : run) {
      chunk.push_back(sensor, r.ts, r.value, r.flags);
      if (chunk.size() == chunk_rows) {
        if (!sink(chunk)) return false;
        chunk.clear();
      }
    }
    return true;
  }

  std::string where_;
  SQLite::Database db_;
  // The chunk layout of each sensor seen (from its interval).
  std::unordered_map<uuid, chunk_layout> sensor_layouts_;
  bool in_group_ = false;      // between begin_group and commit_group / rollback_group
  bool bulk_group_ = false;    // the group was started by begin_bulk_group
  bool group_broken_ = false;  // a bulk group's write failed part-way: roll back only
  // Marks of readings written but not yet in dirty_days: empty after every call outside a bulk
  // group; in a bulk group, recorded at commit_group or before a call that uses dirty_days.
  dirty_marks pending_marks_;

  // Prepared once per connection. Members initialise in declaration order: db_ (opened and
  // migrated) comes first, so every table exists when these are prepared.
  using stmt = SQLite::Statement;
  stmt upsert_tenant_{db_, upsert_sql("tenants", tenant_columns, 1)};
  stmt get_tenant_{db_, select_from(tenant_columns, "tenants", "WHERE id = ?1")};
  stmt list_tenants_{db_, select_from(tenant_columns, "tenants", "ORDER BY id")};
  stmt tenant_exists_{db_, "SELECT 1 FROM tenants WHERE id = ?1"};
  stmt upsert_building_{db_, upsert_sql("buildings", building_columns, 1)};
  stmt get_building_{db_, select_from(building_columns, "buildings", "WHERE id = ?1")};
  stmt list_buildings_{
      db_, select_from(building_columns, "buildings", "WHERE tenant_id = ?1 ORDER BY id")};
  stmt building_exists_{db_, "SELECT 1 FROM buildings WHERE id = ?1"};
  stmt upsert_sensor_{db_, upsert_sql("sensors", sensor_columns, 1)};
  stmt get_sensor_{db_, select_from(sensor_columns, "sensors", "WHERE id = ?1")};
  stmt list_sensors_{db_,
                     select_from(sensor_columns, "sensors", "WHERE building_id = ?1 ORDER BY id")};
  stmt list_all_sensors_{db_, select_from(sensor_columns, "sensors", "ORDER BY id")};
  stmt sensor_interval_{db_, "SELECT interval_seconds FROM sensors WHERE id = ?1"};
  stmt upsert_alert_{db_, upsert_sql("alert_configs", alert_columns, 1)};
  stmt list_alerts_{
      db_, select_from(alert_columns, "alert_configs", "WHERE building_id = ?1 ORDER BY id")};

  // Declared after db_ and where_, which it uses.
  chunk_store chunks_{db_, where_};
  stmt upsert_state_{db_, upsert_sql("sample_states", "sensor_id, timestamp, raw_value", 1)};
  stmt get_state_{db_, "SELECT timestamp, raw_value FROM sample_states WHERE sensor_id = ?1"};

  stmt next_sequence_{
      db_,
      "UPDATE store_counters SET value = value + 1 WHERE name = 'dirty_sequence' RETURNING value"};
  stmt current_sequence_{db_, "SELECT value FROM store_counters WHERE name = 'dirty_sequence'"};
  stmt upsert_dirty_{db_,
                     "INSERT INTO dirty_days (day, sensor_id, hours, seq) VALUES (?1, ?2, ?3, ?4)"
                     " ON CONFLICT (day, sensor_id) DO UPDATE"
                     " SET hours = hours | excluded.hours, seq = excluded.seq"};
  // Oldest day first; the primary key (day, sensor_id) is the order, no sort needed.
  raw_statement claim_dirty_{
      db_, "SELECT day, sensor_id, hours FROM dirty_days ORDER BY day, sensor_id"};
  // Clearing a prefix claim that ends at hour bit b of day ?1 and sensor ?2 (commit_summaries).
  stmt delete_dirty_days_before_{db_, "DELETE FROM dirty_days WHERE day < ?1 AND seq <= ?2"};
  stmt clear_dirty_day_through_{
      db_,
      "UPDATE dirty_days SET hours = hours & ~(CASE WHEN sensor_id <= ?2 THEN ?3 ELSE ?4 END)"
      " WHERE day = ?1 AND seq <= ?5"};
  stmt delete_empty_dirty_day_{db_, "DELETE FROM dirty_days WHERE day = ?1 AND hours = 0"};
  // Clearing one mark of a claim built by hand.
  stmt clear_dirty_hour_{db_,
                         "UPDATE dirty_days SET hours = hours & ~?3"
                         " WHERE day = ?1 AND sensor_id = ?2 AND seq <= ?4"};
  stmt upsert_summary_{db_, upsert_sql("summaries", summary_columns, 5)};
  stmt read_settings_{db_, "SELECT name, value FROM summary_settings"};
  stmt upsert_setting_{db_, upsert_sql("summary_settings", "name, value", 1)};
  stmt all_building_ids_{db_, "SELECT id FROM buildings ORDER BY id"};
  stmt insert_tariff_{db_,
                      "INSERT INTO tariff_versions (building_id, revision, effective, recorded_at,"
                      " source, json_pointer, urdb_json, holidays)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"};
  stmt list_tariffs_{db_,
                     "SELECT revision, effective, recorded_at, source, json_pointer, urdb_json,"
                     " holidays FROM tariff_versions WHERE building_id = ?1"
                     " ORDER BY effective, revision"};
  // Invalidation (store::invalidate_summaries): the summaries of a building (building scope, and
  // sensor scope of its sensors) overlapping [?2, ?3).
  stmt overlapping_summaries_{
      db_, std::string("SELECT min(period_start), max(period_end) FROM summaries WHERE") +
               building_subjects_sql + " AND period_start < ?3 AND period_end > ?2"};
  stmt delete_overlapping_summaries_{db_, std::string("DELETE FROM summaries WHERE") +
                                              building_subjects_sql +
                                              " AND period_start < ?3 AND period_end > ?2"};
  stmt read_summaries_{
      db_, select_from(summary_columns, "summaries",
                       "WHERE scope = ?1 AND subject_id = ?2 AND sensor_type = ?3"
                       " AND resolution = ?4 AND period_start >= ?5 AND period_start < ?6"
                       " ORDER BY period_start")};

  static SQLite::Database open_database(const std::filesystem::path& path,
                                        const sqlite_options& options, const std::string& where) {
    SQLite::Database db(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
        static_cast<int>(std::clamp<std::int64_t>(options.busy_timeout.count(), 0, INT32_MAX)));
    // journal_mode answers "memory" for ":memory:" databases; WAL applies to files.
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(options.durability == sqlite_durability::full ? "PRAGMA synchronous = FULL"
                                                          : "PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA cache_size = " +
            std::to_string(-std::max<std::int64_t>(options.cache_size_kib, 64)));
    // Migration 5 moves readings into chunks with SQL functions of this connection.
    sqlite_detail::register_chunk_functions(db.getHandle());
    sqlite_detail::migrate(db, sqlite_detail::builtin_migrations(), where);
    return db;
  }
};

}  // namespace

int sqlite_schema_version() noexcept {
  return sqlite_detail::builtin_migrations().back().version;
}

std::unique_ptr<store> open_sqlite_store(const std::filesystem::path& path,
                                         const sqlite_options& options) {
  try {
    return std::make_unique<store>(std::make_unique<sqlite_store>(path, options));
  } catch (const SQLite::Exception& e) {
    throw_storage(e, "open", quoted(path));
  }
}

}  // namespace energy::storage
