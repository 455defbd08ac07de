// SPDX-License-Identifier: Apache-2.0
#include "pool.hpp"

#include <date/tz.h>

#include <energy/quality.hpp>
#include <energy/aggregate/aggregator.hpp>
#include <energy/ingest/validate.hpp>
#include <energy/storage/bulk_readings.hpp>
#include <energy/storage/bulk_summaries.hpp>
#include <energy/storage/postgres.hpp>
#include <energy/storage/tariffs.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <tuple>
#include <unordered_set>

namespace energy::storage {
namespace {

// --- conversions -------------------------------------------------------------------------------

template <class E>
E parse_enum(std::string_view text, int count, const char* what) {
  for (int i = 0; i < count; ++i)
    if (to_string(static_cast<E>(i)) == text) return static_cast<E>(i);
  throw storage_error(
      std::string("postgres: unknown ") + what + " '" + std::string(text) + "' in the database",
      false);
}

std::string_view scope_name(summary_scope s) noexcept {
  return s == summary_scope::sensor ? "sensor" : "building";
}
summary_scope parse_scope(std::string_view s) {
  if (s == "sensor") return summary_scope::sensor;
  if (s == "building") return summary_scope::building;
  throw storage_error("postgres: unknown summary scope '" + std::string(s) + "' in the database",
                      false);
}

uuid to_uuid(const pqxx::field& f) {
  return uuid::parse(f.c_str());
}
utc_seconds to_time(const pqxx::field& f) {
  return from_epoch(f.as<std::int64_t>());
}

template <class T>
std::optional<T> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

// Quality flags are a uint32 bitmask stored in an int4 column: bit-preserving casts both ways.
std::int32_t to_db_quality(std::uint32_t q) noexcept {
  return static_cast<std::int32_t>(q);
}
std::uint32_t from_db_quality(std::int32_t q) noexcept {
  return static_cast<std::uint32_t>(q);
}

// "YYYY-MM-DD HH:MM:SS+00", the COPY text of a timestamptz, without iostreams.
std::string timestamptz_text(epoch_seconds t) {
  const auto tp = from_epoch(t);
  const auto dp = std::chrono::floor<date::days>(tp);
  const date::year_month_day ymd{dp};
  const date::hh_mm_ss hms{tp - dp};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d+00", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::int64_t epoch_day(epoch_seconds t) noexcept {
  return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

// Internal signal: a row fell outside every native partition (another process dropped one the
// pool remembered). write_readings re-creates partitions and retries once.
struct partition_missing : energy::error {
  using energy::error::error;
};

// Epoch seconds of a timestamptz column, for SELECT lists.
#define EPOCH(col) "extract(epoch FROM " col ")::bigint"

// A query bound as epoch seconds within all_time() (years 0000-9999). timestamptz stops at
// 294276 AD and to_timestamp() fails beyond it, while callers say "no bound" with extreme
// instants; every stored instant lies inside all_time(), so clamping changes no answer.
epoch_seconds query_bound(utc_seconds t) noexcept {
  const auto all = all_time();
  return to_epoch(std::clamp(t, all.start, all.end));
}

// --- prepared statements ---------------------------------------------------------------------

}  // namespace

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

  c.prepare("read_readings",
            "SELECT sensor_id, " EPOCH("ts") ", value, quality FROM readings "
            "WHERE sensor_id = $1 AND ts >= to_timestamp($2) AND ts < to_timestamp($3) ORDER BY ts");
  c.prepare("read_building_readings",
            "SELECT r.sensor_id, " EPOCH("r.ts") ", r.value, r.quality FROM sensors s JOIN readings r ON r.sensor_id = s.id "
            "WHERE s.building_id = $1 AND r.ts >= to_timestamp($2) AND r.ts < to_timestamp($3) "
            "ORDER BY r.sensor_id, r.ts");
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
  c.prepare("read_summaries",
            "SELECT scope, subject_id, sensor_type, resolution, " EPOCH("period_start") ", " EPOCH("period_end")
            ", " EPOCH("local_start") ", consumption, peak_demand, cost_micros, reading_count FROM summaries "
            "WHERE scope = $1 AND subject_id = $2 AND sensor_type = $3 AND resolution = $4 "
            "AND period_start >= to_timestamp($5) AND period_start < to_timestamp($6) ORDER BY period_start");
}

namespace {

// Shared advisory lock that writers hold while they mark hours dirty; claim_dirty takes it
// exclusively, so every sequence number it reports as claimed belongs to a committed mark.
std::string dirty_lock_key(pqxx::transaction_base& t, const std::string& schema) {
  return "hashtext(" + t.quote("energy.dirty." + schema) + ")";
}

std::string uuid_array(const std::vector<uuid>& ids) {
  std::string s = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) s += ',';
    s += ids[i].to_string();
  }
  return s + "}";
}

// --- rows --------------------------------------------------------------------------------------

/// A summary from columns `base` .. `base + 10` in read_summaries' order.
summary_row summary_from(const pqxx::row& r, int base) {
  summary_row s;
  s.scope = parse_scope(r[base + 0].as<std::string>());
  s.subject_id = to_uuid(r[base + 1]);
  s.type = parse_sensor_type(r[base + 2].as<std::string>());
  s.res = parse_resolution(r[base + 3].as<std::string>());
  s.period = time_range{to_time(r[base + 4]), to_time(r[base + 5])};
  s.local_start = date::local_seconds{std::chrono::seconds{r[base + 6].as<std::int64_t>()}};
  s.consumption = r[base + 7].as<std::int64_t>();
  s.peak_demand = r[base + 8].as<std::int64_t>();
  s.cost = money::from_micros(r[base + 9].as<std::int64_t>());
  s.reading_count = r[base + 10].as<std::int64_t>();
  return s;
}

tenant tenant_from(const pqxx::row& r) {
  return tenant{to_uuid(r[0]), r[1].as<std::string>(), to_time(r[2])};
}

building building_from(const pqxx::row& r) {
  building b;
  b.id = to_uuid(r[0]);
  b.tenant_id = to_uuid(r[1]);
  b.name = r[2].as<std::string>();
  b.address = r[3].as<std::string>();
  b.square_footage = opt<std::int64_t>(r[4]);
  b.primary_use = r[5].as<std::string>();
  b.time_zone = r[6].as<std::string>();
  if (!r[7].is_null()) b.flat_rate_per_kwh = money::from_micros(r[7].as<std::int64_t>());
  b.created_at = to_time(r[8]);
  return b;
}

sensor sensor_from(const pqxx::row& r) {
  sensor s;
  s.id = to_uuid(r[0]);
  s.building_id = to_uuid(r[1]);
  s.type = parse_sensor_type(r[2].as<std::string>());
  s.kind = parse_reading_kind(r[3].as<std::string>());
  s.unit = r[4].as<std::string>();
  s.location = r[5].as<std::string>();
  s.interval_seconds = r[6].as<std::int32_t>();
  s.max_value = opt<double>(r[7]);
  s.register_max = opt<double>(r[8]);
  s.is_active = r[9].as<bool>();
  s.created_at = to_time(r[10]);
  return s;
}

/// (sensor, UTC hour) marks as the dirty_days table holds them: one (sensor, day, 24-bit mask)
/// per distinct sensor and UTC day, as three PostgreSQL array literals.
struct day_marks {
  std::string ids = "{", days = "{", hours = "{";
};

day_marks to_day_marks(std::vector<dirty_hour> marks) {
  std::sort(marks.begin(), marks.end());
  day_marks out;
  bool first = true;
  for (std::size_t i = 0; i < marks.size();) {
    const uuid& id = marks[i].sensor_id;
    const epoch_seconds h0 = marks[i].hour;
    const epoch_seconds day = h0 - (((h0 % 86400) + 86400) % 86400);
    std::uint32_t mask = 0;
    for (; i < marks.size() && marks[i].sensor_id == id && marks[i].hour < day + 86400; ++i)
      mask |= 1u << static_cast<unsigned>((marks[i].hour - day) / 3600);
    const char* sep = first ? "" : ",";
    first = false;
    out.ids += sep + id.to_string();
    out.days += sep + std::to_string(day);
    out.hours += sep + std::to_string(static_cast<std::int32_t>(mask));
  }
  out.ids += '}';
  out.days += '}';
  out.hours += '}';
  return out;
}

/// Indexes of `rows` in key order, keeping only the last row of each key (the one that wins).
std::vector<std::size_t> last_row_per_key(std::span<const summary_row> rows) {
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return aggregate::summary_key_less(rows[a], rows[b]);
  });
  std::vector<std::size_t> out;
  out.reserve(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const bool superseded =
        k + 1 < order.size() && !aggregate::summary_key_less(rows[order[k]], rows[order[k + 1]]);
    if (!superseded) out.push_back(order[k]);
  }
  return out;
}

/// Appends the reading in columns first .. first + 3 of `r` (sensor_id, epoch ts, value, quality).
void push_reading(reading_rows& out, const pqxx::row& r, int first = 0) {
  out.push_back(to_uuid(r[first]), r[first + 1].as<std::int64_t>(), r[first + 2].as<std::int64_t>(),
                from_db_quality(r[first + 3].as<std::int32_t>()));
}

void append_rows(reading_rows& out, const pqxx::result& res) {
  out.reserve(out.size() + res.size());
  for (const auto& r : res)
    push_reading(out, r);
}

// --- the store -----------------------------------------------------------------------------------

class postgres_store final : public store,
                             public bulk_summary_reader,
                             public bulk_reading_reader,
                             public tariff_port {
 public:
  explicit postgres_store(std::shared_ptr<postgres_pool> pool) : pool_(std::move(pool)) {
    if (!pool_) throw std::invalid_argument("open_postgres_store: null pool");
  }

  std::string_view adapter_name() const noexcept override { return "postgres"; }

  void put_tenant(const tenant& t) override {
    exec("put_tenant", [&](pqxx::work& w) {
      w.exec_prepared0("put_tenant", t.id.to_string(), t.name, to_epoch(t.created_at));
    });
  }
  std::optional<tenant> get_tenant(const uuid& id) override {
    return read_one<tenant>("get_tenant", tenant_from, id.to_string());
  }
  std::vector<tenant> list_tenants() override {
    return read_all<tenant>("list_tenants", tenant_from);
  }

  void put_building(const building& b) override {
    (void)find_zone(b.time_zone);  // invalid_argument naming the zone
    exec("put_building", [&](pqxx::work& w) {
      const auto old = w.exec_prepared("get_building", b.id.to_string());
      try {
        w.exec_prepared0("put_building", b.id.to_string(), b.tenant_id.to_string(), b.name,
                         b.address, b.square_footage, b.primary_use, b.time_zone,
                         b.flat_rate_per_kwh
                             ? std::optional<std::int64_t>(b.flat_rate_per_kwh->micros())
                             : std::nullopt,
                         to_epoch(b.created_at));
      } catch (const pqxx::foreign_key_violation&) {
        throw std::invalid_argument("building " + b.id.to_string() + ": unknown tenant " +
                                    b.tenant_id.to_string());
      }
      if (!old.empty() && affects_summaries(building_from(old[0]), b))
        invalidate(w, b.id, all_time());
    });
  }
  std::optional<building> get_building(const uuid& id) override {
    return read_one<building>("get_building", building_from, id.to_string());
  }
  std::vector<building> list_buildings(const uuid& tenant_id) override {
    return read_all<building>("list_buildings", building_from, tenant_id.to_string());
  }

  void put_sensor(const sensor& s) override {
    ingest::check_sensor_metadata(s);
    exec("put_sensor", [&](pqxx::work& w) {
      const auto old = w.exec_prepared("get_sensor", s.id.to_string());
      const std::optional<sensor> before =
          old.empty() ? std::nullopt : std::optional<sensor>(sensor_from(old[0]));
      const bool stale = before && affects_summaries(*before, s);
      // A sensor that moves leaves stale sums in its old building: invalidate that one while the
      // sensor still belongs to it, so its readings and sensor summaries count there.
      if (stale && before->building_id != s.building_id)
        invalidate(w, before->building_id, all_time());
      try {
        w.exec_prepared0("put_sensor", s.id.to_string(), s.building_id.to_string(),
                         std::string(to_string(s.type)), std::string(to_string(s.kind)), s.unit,
                         s.location, s.interval_seconds, s.max_value, s.register_max, s.is_active,
                         to_epoch(s.created_at));
      } catch (const pqxx::foreign_key_violation&) {
        throw std::invalid_argument("sensor " + s.id.to_string() + ": unknown building " +
                                    s.building_id.to_string());
      }
      if (stale) invalidate(w, s.building_id, all_time());
    });
    known_sensors_.insert(s.id);
  }
  std::optional<sensor> get_sensor(const uuid& id) override {
    return read_one<sensor>("get_sensor", sensor_from, id.to_string());
  }
  std::vector<sensor> list_sensors(const uuid& building_id) override {
    return read_all<sensor>("list_sensors", sensor_from, building_id.to_string());
  }
  std::vector<sensor> list_all_sensors() override {
    return read_all<sensor>("list_all_sensors", sensor_from);
  }

  void put_alert_config(const alert_config& a) override {
    exec("put_alert_config", [&](pqxx::work& w) {
      try {
        w.exec_prepared0("put_alert", a.id.to_string(), a.building_id.to_string(), a.threshold,
                         std::string(to_string(a.window)), a.notification_email, a.is_enabled);
      } catch (const pqxx::foreign_key_violation&) {
        throw std::invalid_argument("alert config " + a.id.to_string() + ": unknown building " +
                                    a.building_id.to_string());
      }
    });
  }
  std::vector<alert_config> list_alert_configs(const uuid& building_id) override {
    return read_all<alert_config>(
        "list_alerts",
        [](const pqxx::row& r) {
          alert_config a;
          a.id = to_uuid(r[0]);
          a.building_id = to_uuid(r[1]);
          a.threshold = r[2].as<std::int64_t>();
          a.window = parse_enum<alert_window>(r[3].as<std::string>(), 3, "alert window");
          a.notification_email = r[4].as<std::string>();
          a.is_enabled = r[5].as<bool>();
          return a;
        },
        building_id.to_string());
  }

  write_result write_readings(const reading_rows& rows,
                              std::span<const sample_state> states) override {
    check_sensors(rows);
    std::vector<std::int64_t> days;
    for (auto t : rows.ts) {
      const auto d = epoch_day(t);
      if (days.empty() || days.back() != d) days.push_back(d);
    }
    pool_->ensure_partitions(days);
    try {
      return write_once(rows, states);
    } catch (const partition_missing&) {
      pool_->forget_partitions();
      pool_->ensure_partitions(days);
      try {
        return write_once(rows, states);
      } catch (const partition_missing& e) {
        throw storage_error(std::string("postgres write_readings: ") + e.what(), false);
      }
    }
  }

  reading_rows read_readings(const uuid& sensor_id, time_range range) override {
    return pool_->run("read_readings", [&](pqxx::connection& c) {
      pqxx::read_transaction t{c};
      reading_rows out;
      append_rows(out, t.exec_prepared("read_readings", sensor_id.to_string(),
                                       query_bound(range.start), query_bound(range.end)));
      return out;
    });
  }

  reading_rows read_building_readings(const uuid& building_id, time_range range) override {
    return pool_->run("read_building_readings", [&](pqxx::connection& c) {
      pqxx::read_transaction t{c};
      reading_rows out;
      append_rows(out, t.exec_prepared("read_building_readings", building_id.to_string(),
                                       query_bound(range.start), query_bound(range.end)));
      return out;
    });
  }

  std::vector<reading_rows> read_building_readings_many(
      std::span<const building_range> queries) override {
    std::vector<reading_rows> out(queries.size());
    if (queries.empty()) return out;
    std::string buildings = "{", starts = "{", ends = "{";
    for (std::size_t i = 0; i < queries.size(); ++i) {
      const char* sep = i ? "," : "";
      buildings += sep + queries[i].building_id.to_string();
      starts += sep + std::to_string(query_bound(queries[i].range.start));
      ends += sep + std::to_string(query_bound(queries[i].range.end));
    }
    for (auto* a : {&buildings, &starts, &ends})
      *a += '}';
    return pool_->run("read_building_readings_many", [&](pqxx::connection& c) {
      std::vector<reading_rows> result(queries.size());  // fresh on every attempt
      pqxx::read_transaction t{c};
      const auto res = t.exec_prepared("read_building_readings_many", buildings, starts, ends);
      for (const auto& r : res)
        push_reading(result[r[0].as<std::size_t>() - 1], r, 1);
      return result;
    });
  }

  std::optional<sample_state> get_sample_state(const uuid& sensor_id) override {
    return read_one<sample_state>(
        "get_state",
        [](const pqxx::row& r) {
          return sample_state{to_uuid(r[0]), r[1].as<std::int64_t>(), r[2].as<double>()};
        },
        sensor_id.to_string());
  }

  std::int64_t count_readings() override {
    return pool_->run("count_readings", [&](pqxx::connection& c) {
      pqxx::read_transaction t{c};
      return t.exec_prepared1("count_readings")[0].as<std::int64_t>();
    });
  }

  dirty_claim claim_dirty(std::size_t limit) override {
    return pool_->run("claim_dirty", [&](pqxx::connection& c) {
      pqxx::work w{c};
      w.exec("SELECT pg_advisory_xact_lock(" + dirty_lock_key(w, pool_->options().schema) + ")");
      dirty_claim claim;
      claim.up_to_sequence = w.exec_prepared1("dirty_sequence")[0].as<std::int64_t>();
      const auto capped = static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX));
      // Oldest hour first, then the order of marking (seq), as with one row per hour.
      std::vector<std::tuple<epoch_seconds, std::int64_t, uuid>> found;
      for (const auto& r : w.exec_prepared("claim_dirty", capped)) {
        const uuid id = to_uuid(r[0]);
        const auto day = r[1].as<std::int64_t>();
        const auto hours = r[2].as<std::uint32_t>();
        const auto seq = r[3].as<std::int64_t>();
        for (int h = 0; h < 24; ++h)
          if ((hours >> h) & 1u) found.emplace_back(day + h * std::int64_t{3600}, seq, id);
      }
      std::sort(found.begin(), found.end());
      found.resize(std::min(found.size(), limit));
      for (const auto& [hour, seq, id] : found)
        claim.hours.push_back(dirty_hour{id, hour});
      w.commit();
      return claim;
    });
  }

  void commit_summaries(std::span<const summary_row> rows, const dirty_claim& claim) override {
    const day_marks cleared = to_day_marks(claim.hours);
    exec("commit_summaries", [&](pqxx::work& w) {
      if (!rows.empty()) {
        // An aggregation round commits tens of thousands of summaries: COPY them into staging and
        // upsert once, instead of a round trip per row.
        pqxx::stream_to copy{
            w, "staging_summaries",
            std::vector<std::string>{"seq", "scope", "subject_id", "sensor_type", "resolution",
                                     "period_start", "period_end", "local_start", "consumption",
                                     "peak_demand", "cost_micros", "reading_count"}};
        std::int64_t seq = 0;
        for (const std::size_t i : last_row_per_key(rows)) {
          const summary_row& s = rows[i];
          copy << std::make_tuple(
              seq++, std::string(scope_name(s.scope)), s.subject_id.to_string(),
              std::string(to_string(s.type)), std::string(to_string(s.res)),
              to_epoch(s.period.start), to_epoch(s.period.end),
              static_cast<std::int64_t>(s.local_start.time_since_epoch().count()), s.consumption,
              s.peak_demand, s.cost.micros(), s.reading_count);
        }
        copy.complete();
        w.exec_prepared0("merge_summaries");
      }
      if (!claim.hours.empty()) {
        w.exec_prepared0("clear_dirty", cleared.ids, cleared.days, cleared.hours,
                         claim.up_to_sequence);
      }
    });
  }

  std::vector<summary_row> read_summaries(const summary_query& q) override {
    return read_all<summary_row>(
        "read_summaries", [](const pqxx::row& r) { return summary_from(r, 0); },
        std::string(scope_name(q.scope)), q.subject_id.to_string(), std::string(to_string(q.type)),
        std::string(to_string(q.res)), query_bound(q.range.start), query_bound(q.range.end));
  }

  summary_settings get_summary_settings() override {
    return pool_->run("get_summary_settings", [&](pqxx::connection& c) {
      pqxx::read_transaction t{c};
      return read_settings(t);
    });
  }

  void set_summary_settings(const summary_settings& settings) override {
    if (settings.cost_model.empty())
      throw std::invalid_argument("set_summary_settings: cost_model must name a cost model");
    exec("set_summary_settings", [&](pqxx::work& w) {
      // Serialises concurrent setters: the second sees the first's settings and changes nothing.
      w.exec("LOCK TABLE summary_settings IN EXCLUSIVE MODE");
      if (read_settings(w) == settings) return;
      w.exec_prepared0("put_setting", "sensor_scope", settings.sensor_scope ? "on" : "off");
      w.exec_prepared0("put_setting", "cost_model", settings.cost_model);
      for (const auto& r : w.exec_prepared("all_building_ids"))
        invalidate(w, to_uuid(r[0]), all_time());
    });
  }

  void invalidate_summaries(const uuid& building_id, time_range range) override {
    exec("invalidate_summaries", [&](pqxx::work& w) {
      if (w.exec_prepared("get_building", building_id.to_string()).empty())
        throw std::invalid_argument("invalidate_summaries: unknown building " +
                                    building_id.to_string());
      invalidate(w, building_id, range);
    });
  }

  std::int64_t add_tariff_version(const tariff_version& v) override {
    if (!v.effective.ok())
      throw std::invalid_argument("add_tariff_version: the effective date is not a calendar date");
    if (v.urdb_json.empty())
      throw std::invalid_argument("add_tariff_version: empty tariff document");
    std::int64_t revision = 0;
    exec("add_tariff_version", [&](pqxx::work& w) {
      // The row lock serialises concurrent uploads for one building (revision = max + 1).
      const auto b = w.exec_params("SELECT time_zone FROM buildings WHERE id = $1 FOR UPDATE",
                                   v.building_id.to_string());
      if (b.empty())
        throw std::invalid_argument("add_tariff_version: unknown building " +
                                    v.building_id.to_string());
      const auto existing = read_tariff_versions(w, v.building_id);
      revision = 1;
      for (const auto& e : existing)
        revision = std::max(revision, e.revision + 1);
      w.exec_params0(
          "INSERT INTO tariff_versions (building_id, revision, effective, recorded_at, source,"
          " json_pointer, urdb_json) VALUES ($1, $2, $3::date, to_timestamp($4), $5, $6, $7)",
          v.building_id.to_string(), revision, format_date(v.effective), to_epoch(v.recorded_at),
          v.source, v.json_pointer, v.urdb_json);
      invalidate(w, v.building_id,
                 tariff_change_range(existing, v.effective, find_zone(b[0][0].c_str())));
    });
    return revision;
  }

  std::vector<tariff_version> list_tariff_versions(const uuid& building_id) override {
    return pool_->run("list_tariff_versions", [&](pqxx::connection& c) {
      pqxx::read_transaction t{c};
      return read_tariff_versions(t, building_id);
    });
  }

  /// All queries in one statement (unnest of parallel arrays): the aggregation job asks for
  /// thousands of subjects' summaries per round.
  std::vector<std::vector<summary_row>> read_summaries_many(
      std::span<const summary_query> queries) override {
    std::vector<std::vector<summary_row>> out(queries.size());
    if (queries.empty()) return out;
    std::string scopes = "{", subjects = "{", types = "{", resolutions = "{", starts = "{",
                ends = "{";
    for (std::size_t i = 0; i < queries.size(); ++i) {
      const auto& q = queries[i];
      const char* sep = i ? "," : "";
      scopes += sep + std::string(scope_name(q.scope));
      subjects += sep + q.subject_id.to_string();
      types += sep + std::string(to_string(q.type));
      resolutions += sep + std::string(to_string(q.res));
      starts += sep + std::to_string(query_bound(q.range.start));
      ends += sep + std::to_string(query_bound(q.range.end));
    }
    for (auto* a : {&scopes, &subjects, &types, &resolutions, &starts, &ends})
      *a += '}';
    return pool_->run("read_summaries_many", [&](pqxx::connection& c) {
      std::vector<std::vector<summary_row>> result(queries.size());  // fresh on every attempt
      pqxx::read_transaction t{c};
      for (const auto& r : t.exec_prepared("read_summaries_many", scopes, subjects, types,
                                           resolutions, starts, ends))
        result[r[0].as<std::size_t>() - 1].push_back(summary_from(r, 1));
      return result;
    });
  }

 private:
  template <class F>
  void exec(const char* what, F&& body) {
    pool_->run(what, [&](pqxx::connection& c) {
      pqxx::work w{c};
      body(w);
      w.commit();
      return 0;
    });
  }

  template <class T, class Map, class... Args>
  std::optional<T> read_one(const char* stmt, Map&& map, const Args&... args) {
    return pool_->run(stmt, [&](pqxx::connection& c) -> std::optional<T> {
      pqxx::read_transaction t{c};
      const auto res = t.exec_prepared(stmt, args...);
      if (res.empty()) return std::nullopt;
      return map(res[0]);
    });
  }

  template <class T, class Map, class... Args>
  std::vector<T> read_all(const char* stmt, Map&& map, const Args&... args) {
    return pool_->run(stmt, [&](pqxx::connection& c) {
      pqxx::read_transaction t{c};
      std::vector<T> out;
      for (const auto& r : t.exec_prepared(stmt, args...))
        out.push_back(map(r));
      return out;
    });
  }

  static summary_settings read_settings(pqxx::transaction_base& t) {
    summary_settings out;
    for (const auto& r : t.exec_prepared("read_settings")) {
      const auto name = r[0].as<std::string>();
      if (name == "sensor_scope")
        out.sensor_scope = r[1].as<std::string>() == "on";
      else if (name == "cost_model")
        out.cost_model = r[1].as<std::string>();
    }
    return out;
  }

  static std::vector<tariff_version> read_tariff_versions(pqxx::transaction_base& t,
                                                          const uuid& building_id) {
    std::vector<tariff_version> out;
    for (const auto& r :
         t.exec_params("SELECT revision, to_char(effective, 'YYYY-MM-DD'),"
                       " extract(epoch FROM recorded_at)::bigint, source, json_pointer, urdb_json"
                       " FROM tariff_versions WHERE building_id = $1 ORDER BY effective, revision",
                       building_id.to_string())) {
      tariff_version v;
      v.building_id = building_id;
      v.revision = r[0].as<std::int64_t>();
      const auto day = parse_date(r[1].c_str());
      if (!day)
        throw storage_error(
            std::string("postgres: tariff_versions holds effective date '") + r[1].c_str() + "'",
            false);
      v.effective = *day;
      v.recorded_at = from_epoch(r[2].as<std::int64_t>());
      v.source = r[3].as<std::string>();
      v.json_pointer = r[4].as<std::string>();
      v.urdb_json = r[5].as<std::string>();
      out.push_back(std::move(v));
    }
    return out;
  }

  /// store::invalidate_summaries inside the caller's transaction `w`.
  void invalidate(pqxx::work& w, const uuid& building_id, time_range range) {
    const std::string id = building_id.to_string();
    const auto span =
        w.exec_prepared1("readings_span", id, query_bound(range.start), query_bound(range.end));
    if (span[0].is_null()) return;  // no readings: nothing to recompute
    const auto hour_of = [](std::int64_t ts) { return ts - (((ts % 3600) + 3600) % 3600); };
    const std::int64_t span_start = hour_of(span[0].as<std::int64_t>());
    const std::int64_t span_end = hour_of(span[1].as<std::int64_t>()) + 3600;
    std::int64_t mark_start = span_start, mark_end = span_end;
    const auto hull = w.exec_prepared1("overlapping_summaries", id, span_start, span_end);
    if (!hull[0].is_null()) {
      mark_start = std::min(mark_start, hull[0].as<std::int64_t>());
      mark_end = std::max(mark_end, hull[1].as<std::int64_t>());
    }
    w.exec_prepared0("delete_overlapping_summaries", id, span_start, span_end);
    // Writers hold the dirty-mark lock shared while they mark (see claim_dirty).
    w.exec("SELECT pg_advisory_xact_lock_shared(" + dirty_lock_key(w, pool_->options().schema) +
           ")");
    (void)w.exec_prepared1("mark_building_readings", id, mark_start, mark_end);
  }

  // Unknown sensors are a caller error in the batch: reported by row, nothing written. Sensors are
  // never deleted, so ids seen once stay known.
  void check_sensors(const reading_rows& rows) {
    std::vector<uuid> unknown;
    for (const auto& id : rows.sensor_id)
      if (!known_sensors_.contains(id)) unknown.push_back(id);
    if (unknown.empty()) return;
    std::sort(unknown.begin(), unknown.end());
    unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
    const auto found = pool_->run("write_readings (sensor check)", [&](pqxx::connection& c) {
      pqxx::read_transaction t{c};
      return t.exec_prepared("known_sensors", uuid_array(unknown));
    });
    for (const auto& r : found)
      known_sensors_.insert(to_uuid(r[0]));
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (!known_sensors_.contains(rows.sensor_id[i]))
        throw storage_error("write_readings: row " + std::to_string(i) +
                                " references unknown sensor " + rows.sensor_id[i].to_string(),
                            false);
  }

  write_result write_once(const reading_rows& rows, std::span<const sample_state> states) {
    return pool_->run("write_readings", [&](pqxx::connection& c) {
      pqxx::work w{c};
      w.exec("SELECT pg_advisory_xact_lock_shared(" + dirty_lock_key(w, pool_->options().schema) +
             ")");
      check_state_guards(w, states);
      write_result result;
      if (!rows.empty() && !(fast_path_cooldown_ == 0 && copy_directly(w, rows, result))) {
        if (fast_path_cooldown_ > 0) --fast_path_cooldown_;
        {
          pqxx::stream_to copy{w, "staging_readings",
                               std::vector<std::string>{"sensor_id", "ts", "value", "quality"}};
          for (std::size_t i = 0; i < rows.size(); ++i)
            copy << std::make_tuple(rows.sensor_id[i].to_string(), rows.ts[i], rows.value[i],
                                    to_db_quality(rows.quality[i]));
          copy.complete();
        }
        try {
          result.inserted = w.exec_prepared1("insert_readings")[0].as<std::size_t>();
        } catch (const pqxx::check_violation& e) {
          throw partition_missing(std::string("a reading lies outside every partition: ") +
                                  e.what());
        }
        if (result.inserted < rows.size()) {
          const auto [lo, hi] = std::minmax_element(rows.ts.begin(), rows.ts.end());
          result.replaced = w.exec_prepared1("update_readings", *lo, *hi)[0].as<std::size_t>();
        }
        result.unchanged = rows.size() - result.inserted - result.replaced;
      }
      for (const auto& s : states)
        w.exec_prepared0("put_state", s.sensor_id.to_string(), s.ts, s.raw_value);
      w.commit();  // acknowledged only from here on
      return result;
    });
  }

  /// Row locks on the guarded states (in the order given: callers pass them sorted by sensor, so
  /// two writers cannot deadlock), then the shared check.
  static void check_state_guards(pqxx::work& w, std::span<const sample_state> states) {
    for (const auto& s : states) {
      if (!s.guarded) continue;
      const std::string id = s.sensor_id.to_string();
      const auto locked = [&]() -> std::optional<sample_state::point> {
        const auto r = w.exec_prepared("lock_state", id);
        if (r.empty()) return std::nullopt;
        return sample_state::point{r[0][0].as<std::int64_t>(), r[0][1].as<double>()};
      };
      std::optional<sample_state::point> stored = locked();
      // Absent and expected absent: claim it; losing the claim to a concurrent first writer means
      // a state exists now (the put_state at the end overwrites a won claim).
      if (!stored && !s.previous &&
          w.exec_prepared("claim_state", id, s.ts, s.raw_value).affected_rows() == 0)
        stored = locked();
      check_state_guard(s, stored);
    }
  }

  /**
   * Fast path for batches of new readings (the common case): COPY straight into `readings` inside
   * a savepoint. Any existing (sensor, ts) makes the COPY fail on the primary key; the savepoint
   * then rolls back and the caller takes the staging path, which applies the duplicate policy.
   * After such a fallback the next batches go straight to the staging path for a while (re-sends
   * and corrections tend to come in runs). Returns false when the caller must use staging.
   */
  bool copy_directly(pqxx::work& w, const reading_rows& rows, write_result& result) {
    try {
      pqxx::subtransaction sub{w, "energy_fast_copy"};
      {
        pqxx::stream_to copy{sub, "readings",
                             std::vector<std::string>{"sensor_id", "ts", "value", "quality"}};
        for (std::size_t i = 0; i < rows.size(); ++i)
          copy << std::make_tuple(rows.sensor_id[i].to_string(), timestamptz_text(rows.ts[i]),
                                  rows.value[i], to_db_quality(rows.quality[i]));
        copy.complete();
      }
      // Every row was new: mark each distinct (sensor, UTC hour) dirty.
      std::vector<dirty_hour> marks;
      marks.reserve(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i)
        marks.push_back({rows.sensor_id[i], rows.ts[i] - (((rows.ts[i] % 3600) + 3600) % 3600)});
      const day_marks m = to_day_marks(std::move(marks));
      sub.exec_prepared0("mark_dirty", m.ids, m.days, m.hours);
      sub.commit();
      result.inserted = rows.size();
      return true;
    } catch (const pqxx::unique_violation&) {
      fast_path_cooldown_ = 16;
      return false;
    } catch (const pqxx::check_violation& e) {
      throw partition_missing(std::string("a reading lies outside every partition: ") + e.what());
    }
  }

  std::shared_ptr<postgres_pool> pool_;
  std::unordered_set<uuid> known_sensors_;
  int fast_path_cooldown_ = 0;
};

#undef EPOCH

}  // namespace

std::unique_ptr<store> open_postgres_store(std::shared_ptr<postgres_pool> pool) {
  return std::make_unique<postgres_store>(std::move(pool));
}

std::unique_ptr<store> open_postgres_store(std::string_view uri, const postgres_options& options) {
  return open_postgres_store(make_postgres_pool(uri, options));
}

}  // namespace energy::storage
