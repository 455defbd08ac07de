-- energy SQLite schema, version 1: tenants, buildings, sensors, readings, summaries, alert configs.
-- Applied by energy::sqlite in one IMMEDIATE transaction with every other pending step. Never edit
-- a released migration: add NNNN_next.sql instead (share/migrations/README.md).
-- Conventions:
-- - ids are 16-byte BLOBs (RFC 9562 byte order): half the size of the 36-character text in every
--   index and row of energy_readings; byte order equals the library's uuid order.
-- - timestamps are INTEGER UTC epoch seconds; quantities INTEGER milli-units (Wh for kWh);
--   money INTEGER micro-units. Nothing that must be exact is ever a REAL.
-- - readings, dirty marks and summaries are WITHOUT ROWID tables clustered on their key, so a
--   sensor's readings are contiguous and a range read is one B-tree walk.
-- - energy_readings has no foreign key: the adapter checks sensor ids before it writes (sensors
--   are never deleted), which keeps the per-row cost of ingest to one B-tree insert.
CREATE TABLE tenants (
  id          BLOB PRIMARY KEY CHECK (length(id) = 16),
  name        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE TABLE buildings (
  id                 BLOB PRIMARY KEY CHECK (length(id) = 16),
  tenant_id          BLOB NOT NULL REFERENCES tenants(id),
  name               TEXT NOT NULL,
  address            TEXT NOT NULL DEFAULT '',
  square_footage     INTEGER,
  primary_use        TEXT NOT NULL DEFAULT '',
  time_zone          TEXT NOT NULL,
  flat_rate_micros   INTEGER,
  created_at         INTEGER NOT NULL
);
CREATE INDEX buildings_by_tenant ON buildings (tenant_id);
CREATE TABLE sensors (
  id                BLOB PRIMARY KEY CHECK (length(id) = 16),
  building_id       BLOB NOT NULL REFERENCES buildings(id),
  sensor_type       TEXT NOT NULL,
  reading_kind      TEXT NOT NULL,
  unit              TEXT NOT NULL,
  location          TEXT NOT NULL DEFAULT '',
  interval_seconds  INTEGER NOT NULL,
  max_value         REAL,
  register_max      REAL,
  is_active         INTEGER NOT NULL DEFAULT 1,
  created_at        INTEGER NOT NULL
);
CREATE INDEX sensors_by_building ON sensors (building_id, id);
CREATE TABLE energy_readings (
  sensor_id     BLOB NOT NULL,
  timestamp     INTEGER NOT NULL,
  value         INTEGER NOT NULL,
  quality_flag  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sensor_id, timestamp)
) WITHOUT ROWID;
CREATE TABLE sample_states (
  sensor_id  BLOB PRIMARY KEY REFERENCES sensors(id),
  timestamp  INTEGER NOT NULL,
  raw_value  REAL NOT NULL
);
CREATE TABLE dirty_hours (
  hour       INTEGER NOT NULL,
  sensor_id  BLOB NOT NULL,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (hour, sensor_id)
) WITHOUT ROWID;
CREATE TABLE store_counters (
  name   TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
);
INSERT INTO store_counters (name, value) VALUES ('dirty_sequence', 0);
CREATE TABLE summaries (
  scope          TEXT NOT NULL,
  subject_id     BLOB NOT NULL,
  sensor_type    TEXT NOT NULL,
  resolution     TEXT NOT NULL,
  period_start   INTEGER NOT NULL,
  period_end     INTEGER NOT NULL,
  local_start    INTEGER NOT NULL,
  consumption    INTEGER NOT NULL,
  peak_demand    INTEGER NOT NULL,
  cost_micros    INTEGER NOT NULL,
  reading_count  INTEGER NOT NULL,
  PRIMARY KEY (scope, subject_id, sensor_type, resolution, period_start)
) WITHOUT ROWID;
CREATE TABLE alert_configs (
  id                  BLOB PRIMARY KEY CHECK (length(id) = 16),
  building_id         BLOB NOT NULL REFERENCES buildings(id),
  threshold           INTEGER NOT NULL,
  alert_window        TEXT NOT NULL,
  notification_email  TEXT NOT NULL DEFAULT '',
  is_enabled          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX alert_configs_by_building ON alert_configs (building_id);
CREATE VIEW daily_summaries AS
  SELECT subject_id AS building_id, date(local_start, 'unixepoch') AS date, sensor_type,
         period_start, period_end, consumption AS total_consumption_milli,
         peak_demand AS peak_demand_milli, cost_micros AS cost_estimate_micros, reading_count
  FROM summaries WHERE scope = 'building' AND resolution = 'day';
CREATE VIEW hourly_summaries AS
  SELECT subject_id AS building_id, datetime(local_start, 'unixepoch') AS local_hour, sensor_type,
         period_start, period_end, consumption AS total_consumption_milli,
         peak_demand AS peak_demand_milli, cost_micros AS cost_estimate_micros, reading_count
  FROM summaries WHERE scope = 'building' AND resolution = 'hour';
