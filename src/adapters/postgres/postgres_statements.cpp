// SPDX-License-Identifier: Apache-2.0
// The prepared statements of the PostgreSQL store, registered on every new pooled connection.
#include "pool.hpp"

#include <string>

namespace energy::storage {

// Epoch seconds of a timestamptz column, for SELECT lists.
#define EPOCH(col) "extract(epoch FROM " col ")::bigint"

void prepare_statements(pqxx::connection& c) {
  c.prepare(
      "put_tenant",
      "INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, to_timestamp($3)) "
      "ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at");
  c.prepare("get_tenant", "SELECT id, name, " EPOCH("created_at") " FROM tenants WHERE id = $1");
  c.prepare("list_tenants", "SELECT id, name, " EPOCH("created_at") " FROM tenants ORDER BY id");

  const char* building_cols =
      "id, tenant_id, name, address, square_footage, primary_use, time_zone, "
      "flat_rate_micros_per_kwh, "
      "extract(epoch FROM created_at)::bigint";
  c.prepare("put_building",
            "INSERT INTO buildings (id, tenant_id, name, address, square_footage, primary_use, "
            "time_zone, "
            "flat_rate_micros_per_kwh, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
            "to_timestamp($9)) "
            "ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, name = excluded.name, "
            "address = excluded.address, square_footage = excluded.square_footage, primary_use = "
            "excluded.primary_use, "
            "time_zone = excluded.time_zone, flat_rate_micros_per_kwh = "
            "excluded.flat_rate_micros_per_kwh, "
            "created_at = excluded.created_at");
  c.prepare("get_building",
            std::string("SELECT ") + building_cols + " FROM buildings WHERE id = $1");
  c.prepare("list_buildings", std::string("SELECT ") + building_cols +
                                  " FROM buildings WHERE tenant_id = $1 ORDER BY id");

  const char* sensor_cols =
      "id, building_id, sensor_type, reading_kind, unit, location, interval_seconds, max_value, "
      "register_max, "
      "is_active, extract(epoch FROM created_at)::bigint";
  c.prepare(
      "put_sensor",
      "INSERT INTO sensors (id, building_id, sensor_type, reading_kind, unit, location, "
      "interval_seconds, "
      "max_value, register_max, is_active, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_timestamp($11)) "
      "ON CONFLICT (id) DO UPDATE SET building_id = excluded.building_id, sensor_type = "
      "excluded.sensor_type, "
      "reading_kind = excluded.reading_kind, unit = excluded.unit, location = excluded.location, "
      "interval_seconds = excluded.interval_seconds, max_value = excluded.max_value, "
      "register_max = excluded.register_max, is_active = excluded.is_active, created_at = "
      "excluded.created_at");
  c.prepare("get_sensor", std::string("SELECT ") + sensor_cols + " FROM sensors WHERE id = $1");
  c.prepare("list_sensors", std::string("SELECT ") + sensor_cols +
                                " FROM sensors WHERE building_id = $1 ORDER BY id");
  c.prepare("list_all_sensors", std::string("SELECT ") + sensor_cols + " FROM sensors ORDER BY id");
  c.prepare("known_sensors", "SELECT id FROM sensors WHERE id = ANY($1::uuid[])");

  c.prepare("put_alert",
            "INSERT INTO alert_configs (id, building_id, threshold_milli, alert_window, "
            "notification_email, is_enabled) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET building_id = "
            "excluded.building_id, "
            "threshold_milli = excluded.threshold_milli, alert_window = excluded.alert_window, "
            "notification_email = excluded.notification_email, is_enabled = excluded.is_enabled");
  c.prepare("list_alerts",
            "SELECT id, building_id, threshold_milli, alert_window, notification_email, is_enabled "
            "FROM alert_configs WHERE building_id = $1 ORDER BY id");

  // Set-based upsert from the COPY staging table in two statements of one transaction:
  // insert the new keys (ON CONFLICT DO NOTHING also waits for a concurrent inserter of the same
  // key), then update the existing keys whose value or flags (apart from `corrected`) differ.
  // Rows neither inserted nor updated are unchanged. (RETURNING xmax cannot tell an insert from
  // an update on a partitioned table, hence two statements.) Every changed row marks its
  // (sensor, UTC hour) dirty with a new sequence number. $1/$2 bound ts for partition pruning.
  // (sensor, UTC day) rows with the day's dirty hours as a bit mask (migration 0002).
  const std::string mark_dirty =
      "marks AS ("
      "  INSERT INTO dirty_days AS d (sensor_id, day, hours, seq)"
      "  SELECT sensor_id, day, bit_or(1 << ((e - day) / 3600)::integer), "
      "nextval('dirty_hours_seq')"
      "  FROM (SELECT sensor_id, e, e - (((e % 86400) + 86400) % 86400) AS day FROM ("
      "    SELECT sensor_id, floor(extract(epoch FROM ts))::bigint AS e FROM changed) t) h"
      "  GROUP BY sensor_id, day"
      "  ON CONFLICT (sensor_id, day) DO UPDATE SET hours = d.hours | excluded.hours,"
      "    seq = excluded.seq"
      ") SELECT count(*) FROM changed";
  c.prepare("insert_readings",
            "WITH changed AS ("
            "  INSERT INTO readings (sensor_id, ts, value, quality)"
            "  SELECT sensor_id, to_timestamp(ts), value, quality FROM staging_readings"
            "  ON CONFLICT (sensor_id, ts) DO NOTHING RETURNING sensor_id, ts"
            "), " +
                mark_dirty);
  c.prepare(
      "update_readings",
      "WITH changed AS ("
      "  UPDATE readings r SET value = s.value, quality = s.quality | 2 FROM staging_readings s"
      "  WHERE r.sensor_id = s.sensor_id AND r.ts = to_timestamp(s.ts)"
      "    AND r.ts >= to_timestamp($1) AND r.ts <= to_timestamp($2)"
      "    AND (r.value <> s.value OR (r.quality & ~2) <> (s.quality & ~2))"
      "  RETURNING r.sensor_id, r.ts"
      "), " +
          mark_dirty);
  // Fast path's dirty marks: the (sensor, hour) pairs are computed by the client. One sequence
  // number serves the whole batch: the batch commits atomically, so every claim sees all of its
  // marks or none, and marks of later batches still get larger numbers.
  c.prepare("mark_dirty",
            "INSERT INTO dirty_days AS d (sensor_id, day, hours, seq) "
            "SELECT sensor_id, day, hours, (SELECT nextval('dirty_hours_seq')) "
            "FROM unnest($1::uuid[], $2::bigint[], $3::integer[]) AS m(sensor_id, day, hours) "
            "ON CONFLICT (sensor_id, day) DO UPDATE SET hours = d.hours | excluded.hours, "
            "seq = excluded.seq");
  // Invalidation (store::invalidate_summaries) of building $1: the span of its readings in
  // [$2, $3), its summaries (building scope, sensor scope of its sensors) overlapping a span, and
  // dirty marks for every (sensor, hour) holding readings in [$2, $3).
  c.prepare("readings_span",
            "SELECT floor(extract(epoch FROM min(r.ts)))::bigint, "
            "floor(extract(epoch FROM max(r.ts)))::bigint "
            "FROM sensors s JOIN readings r ON r.sensor_id = s.id "
            "WHERE s.building_id = $1 AND r.ts >= to_timestamp($2) AND r.ts < to_timestamp($3)");
  const std::string building_subjects =
      " ((scope = 'building' AND subject_id = $1) OR (scope = 'sensor' AND subject_id IN "
      "(SELECT id FROM sensors WHERE building_id = $1)))"
      " AND period_start < to_timestamp($3) AND period_end > to_timestamp($2)";
  c.prepare("overlapping_summaries", "SELECT " EPOCH("min(period_start)") ", " EPOCH(
                                         "max(period_end)") " FROM summaries WHERE" +
                                         building_subjects);
  c.prepare("delete_overlapping_summaries", "DELETE FROM summaries WHERE" + building_subjects);
  c.prepare("mark_building_readings",
            "WITH changed AS (SELECT r.sensor_id, r.ts FROM sensors s "
            "JOIN readings r ON r.sensor_id = s.id WHERE s.building_id = $1 "
            "AND r.ts >= to_timestamp($2) AND r.ts < to_timestamp($3)), " +
                mark_dirty);
  c.prepare("all_building_ids", "SELECT id FROM buildings ORDER BY id");
  c.prepare("read_settings", "SELECT name, value FROM summary_settings");
  c.prepare("put_setting",
            "INSERT INTO summary_settings (name, value) VALUES ($1, $2) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
  c.prepare(
      "put_state",
      "INSERT INTO sample_states (sensor_id, ts, raw_value) VALUES ($1, to_timestamp($2), $3) "
      "ON CONFLICT (sensor_id) DO UPDATE SET ts = excluded.ts, raw_value = excluded.raw_value");
  c.prepare("get_state",
            "SELECT sensor_id, " EPOCH("ts") ", raw_value FROM sample_states WHERE sensor_id = $1");
  // Guarded states (sample_state::guarded): lock the stored state for the transaction, or claim
  // the absent one by inserting it (a concurrent first insert makes this affect no row).
  c.prepare("lock_state", "SELECT " EPOCH("ts") ", raw_value FROM sample_states WHERE sensor_id = "
                          "$1 FOR UPDATE");
  c.prepare(
      "claim_state",
      "INSERT INTO sample_states (sensor_id, ts, raw_value) VALUES ($1, to_timestamp($2), $3) "
      "ON CONFLICT (sensor_id) DO NOTHING");

  // Many buildings in one statement: one scan of the partitions instead of one per building.
  c.prepare("read_building_readings_many",
            "SELECT q.idx, r.sensor_id, " EPOCH("r.ts") ", r.value, r.quality "
            "FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) WITH ORDINALITY "
            "AS q(building_id, t0, t1, idx) "
            "JOIN sensors s ON s.building_id = q.building_id "
            "JOIN readings r ON r.sensor_id = s.id AND r.ts >= to_timestamp(q.t0) "
            "AND r.ts < to_timestamp(q.t1)");
  c.prepare("count_readings", "SELECT count(*) FROM readings");

  c.prepare("dirty_sequence",
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM dirty_hours_seq");
  // The oldest hours are in the oldest days, but in any of their rows: take every row of the days
  // up to the first one at which the running count of dirty hours reaches $1 (the client then
  // orders the hours and keeps $1 of them).
  c.prepare("claim_dirty",
            "SELECT sensor_id, day, hours, seq FROM dirty_days WHERE day <= coalesce(("
            "  SELECT day FROM ("
            "    SELECT day, sum(n) OVER (ORDER BY day) AS running FROM ("
            "      SELECT day, sum(length(replace(hours::bit(24)::text, '0', ''))) AS n "
            "      FROM dirty_days GROUP BY day) per_day) counted "
            "  WHERE running >= $1 ORDER BY day LIMIT 1), 9223372036854775807)");
  // Clearing a claim: rows not re-marked since (seq) lose the claimed hours; rows left with none
  // are deleted. The DELETE and the UPDATE touch disjoint rows, so one statement does both.
  c.prepare("clear_dirty",
            "WITH c AS (SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::integer[]) "
            "  AS c(sensor_id, day, hours)), "
            "emptied AS (DELETE FROM dirty_days d USING c "
            "  WHERE d.sensor_id = c.sensor_id AND d.day = c.day AND d.seq <= $4 "
            "  AND (d.hours & ~c.hours) = 0) "
            "UPDATE dirty_days d SET hours = d.hours & ~c.hours FROM c "
            "WHERE d.sensor_id = c.sensor_id AND d.day = c.day AND d.seq <= $4 "
            "AND (d.hours & ~c.hours) <> 0");
  // Set-based upsert of the COPYed staging rows. The client already kept only the last row per
  // key (within one commit the last row for a key wins, as it would row by row) and COPYed them in
  // key order, so the server neither sorts nor de-duplicates.
  c.prepare("merge_summaries",
            "INSERT INTO summaries (scope, subject_id, sensor_type, resolution, period_start, "
            "period_end, local_start, "
            "consumption, peak_demand, cost_micros, reading_count) "
            "SELECT scope, subject_id, "
            "sensor_type, resolution, to_timestamp(period_start), to_timestamp(period_end), "
            "to_timestamp(local_start) AT TIME ZONE 'UTC', consumption, peak_demand, cost_micros, "
            "reading_count "
            "FROM staging_summaries "
            "ON CONFLICT (scope, subject_id, sensor_type, resolution, period_start) DO UPDATE SET "
            "period_end = excluded.period_end, local_start = excluded.local_start, consumption = "
            "excluded.consumption, "
            "peak_demand = excluded.peak_demand, cost_micros = excluded.cost_micros, "
            "reading_count = excluded.reading_count");
  c.prepare("read_summaries_many",
            "SELECT q.idx, s.scope, s.subject_id, s.sensor_type, s.resolution, " EPOCH("s.period_start")
            ", " EPOCH("s.period_end") ", " EPOCH("s.local_start")
            ", s.consumption, s.peak_demand, s.cost_micros, s.reading_count "
            "FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) "
            "WITH ORDINALITY AS q(scope, subject_id, sensor_type, resolution, t0, t1, idx) "
            "JOIN summaries s ON s.scope = q.scope AND s.subject_id = q.subject_id "
            "AND s.sensor_type = q.sensor_type AND s.resolution = q.resolution "
            "AND s.period_start >= to_timestamp(q.t0) AND s.period_start < to_timestamp(q.t1) "
            "ORDER BY q.idx, s.period_start");
}

// Streamed reads (adapter::scan_*) run these through a server-side cursor (postgres_store::scan),
// so they are declared with parameters rather than prepared.
const char* const scan_readings_sql =
    "SELECT sensor_id, " EPOCH("ts") ", value, quality FROM readings "
    "WHERE sensor_id = $1 AND ts >= to_timestamp($2) AND ts < to_timestamp($3) ORDER BY ts";
const char* const scan_building_readings_sql =
    "SELECT r.sensor_id, " EPOCH("r.ts") ", r.value, r.quality FROM sensors s JOIN readings r ON r.sensor_id = s.id "
    "WHERE s.building_id = $1 AND r.ts >= to_timestamp($2) AND r.ts < to_timestamp($3) "
    "ORDER BY r.sensor_id, r.ts";
const char* const scan_summaries_sql =
    "SELECT scope, subject_id, sensor_type, resolution, " EPOCH("period_start") ", " EPOCH("period_end")
    ", " EPOCH("local_start") ", consumption, peak_demand, cost_micros, reading_count FROM summaries "
    "WHERE scope = $1 AND subject_id = $2 AND sensor_type = $3 AND resolution = $4 "
    "AND period_start >= to_timestamp($5) AND period_start < to_timestamp($6) ORDER BY period_start";

#undef EPOCH

}  // namespace energy::storage
