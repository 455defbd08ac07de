-- energy PostgreSQL schema, version 1.
-- Applied by energy::postgres inside one transaction, with search_path set to the store's schema,
-- so names here are unqualified. Never edit a released migration: add NNNN_next.sql instead.
--
-- Units (see include/energy/decimal.hpp): values are int64 milli-units (Wh for kWh, W for kW,
-- litres for m³), money is int64 micro-units. Timestamps are timestamptz (UTC instants).

CREATE TABLE tenants (
  id         uuid PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE buildings (
  id                      uuid PRIMARY KEY,
  tenant_id               uuid NOT NULL REFERENCES tenants (id),
  name                    text NOT NULL,
  address                 text NOT NULL,
  square_footage          bigint,
  primary_use             text NOT NULL,
  time_zone               text NOT NULL,
  flat_rate_micros_per_kwh bigint,
  created_at              timestamptz NOT NULL
);
CREATE INDEX buildings_tenant_idx ON buildings (tenant_id, id);

CREATE TABLE sensors (
  id               uuid PRIMARY KEY,
  building_id      uuid NOT NULL REFERENCES buildings (id),
  sensor_type      text NOT NULL,
  reading_kind     text NOT NULL,
  unit             text NOT NULL,
  location         text NOT NULL,
  interval_seconds integer NOT NULL,
  max_value        double precision,
  register_max     double precision,
  is_active        boolean NOT NULL,
  created_at       timestamptz NOT NULL
);
CREATE INDEX sensors_building_idx ON sensors (building_id, id);

CREATE TABLE alert_configs (
  id                 uuid PRIMARY KEY,
  building_id        uuid NOT NULL REFERENCES buildings (id),
  threshold_milli    bigint NOT NULL,
  alert_window       text NOT NULL,
  notification_email text NOT NULL,
  is_enabled         boolean NOT NULL
);
CREATE INDEX alert_configs_building_idx ON alert_configs (building_id, id);

-- Raw readings. With TimescaleDB installed in this database (CREATE EXTENSION timescaledb before
-- the first open) the table is a hypertable with daily chunks and a compression policy; otherwise
-- it is range-partitioned by ts with one native partition per day, created ahead by the library.
-- No foreign key to sensors: the library checks sensor ids before COPY, and a foreign key would
-- cost a lookup per row on the ingest path.
DO $migration$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    CREATE TABLE readings (
      sensor_id uuid NOT NULL,
      ts        timestamptz NOT NULL,
      value     bigint NOT NULL,
      quality   integer NOT NULL,
      PRIMARY KEY (sensor_id, ts)
    );
    PERFORM create_hypertable('readings', 'ts', chunk_time_interval => interval '1 day');
    ALTER TABLE readings SET (timescaledb.compress, timescaledb.compress_segmentby = 'sensor_id',
                              timescaledb.compress_orderby = 'ts');
    PERFORM add_compression_policy('readings', interval '7 days');
    CREATE TABLE storage_layout (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), layout text NOT NULL);
    INSERT INTO storage_layout (layout) VALUES ('timescaledb');
  ELSE
    CREATE TABLE readings (
      sensor_id uuid NOT NULL,
      ts        timestamptz NOT NULL,
      value     bigint NOT NULL,
      quality   integer NOT NULL,
      PRIMARY KEY (sensor_id, ts)
    ) PARTITION BY RANGE (ts);
    CREATE TABLE storage_layout (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), layout text NOT NULL);
    INSERT INTO storage_layout (layout) VALUES ('native');
  END IF;
END
$migration$;

-- Last raw sample of register/power sensors, written with the readings derived from it.
CREATE TABLE sample_states (
  sensor_id uuid PRIMARY KEY,
  ts        timestamptz NOT NULL,
  raw_value double precision NOT NULL
);

-- (sensor, UTC hour) whose readings changed since the summaries were computed. `seq` orders the
-- marks: a mark re-made after an aggregation run claimed it has a larger seq and survives.
CREATE SEQUENCE dirty_hours_seq;
CREATE TABLE dirty_hours (
  sensor_id uuid NOT NULL,
  hour      bigint NOT NULL,  -- UTC epoch seconds, multiple of 3600
  seq       bigint NOT NULL,
  PRIMARY KEY (sensor_id, hour)
);
-- No index on (hour, seq): the table holds only what the aggregation has not caught up with, so
-- claim_dirty's top-N sort over it is cheap, and every ingested batch saves an index insert per mark.

-- Hourly/daily/monthly buckets, the seed's daily_summaries generalised. The primary key serves
-- the seed's read: one subject x type x resolution x time range, ordered by period_start.
CREATE TABLE summaries (
  scope         text NOT NULL,         -- 'sensor' | 'building'
  subject_id    uuid NOT NULL,
  sensor_type   text NOT NULL,
  resolution    text NOT NULL,         -- 'hour' | 'day' | 'month'
  period_start  timestamptz NOT NULL,
  period_end    timestamptz NOT NULL,
  local_start   timestamp NOT NULL,    -- wall-clock start in the building's zone
  consumption   bigint NOT NULL,
  peak_demand   bigint NOT NULL,
  cost_micros   bigint NOT NULL,
  reading_count bigint NOT NULL,
  PRIMARY KEY (scope, subject_id, sensor_type, resolution, period_start)
);
