-- PostgreSQL's own cost of writing what the hourly job writes with per-sensor summaries: 150,150
-- summary rows (hour, day and month of 50,000 sensors and 50 buildings) into a table shaped like
-- `summaries` (migration 0001), in key order, as the adapter sends them. The reference the job's
-- 2 s is compared with in docs/benchmarks/postgres.md. Runs in a scratch schema, dropped at the end:
--   psql "$URI" -f bench/postgres/summaries_floor.sql
\set ON_ERROR_STOP on
\timing off
DROP SCHEMA IF EXISTS energy_summaries_floor CASCADE;
CREATE SCHEMA energy_summaries_floor;
SET search_path = energy_summaries_floor;
CREATE TABLE summaries (
  scope text NOT NULL, subject_id uuid NOT NULL, sensor_type text NOT NULL, resolution text NOT NULL,
  period_start timestamptz NOT NULL, period_end timestamptz NOT NULL, local_start timestamp NOT NULL,
  consumption bigint NOT NULL, peak_demand bigint NOT NULL, cost_micros bigint NOT NULL,
  reading_count bigint NOT NULL,
  PRIMARY KEY (scope, subject_id, sensor_type, resolution, period_start));
-- Time-ordered ids, like the library's uuid v7 (one per subject; every 1,001st is a building).
CREATE TABLE staging AS
SELECT CASE WHEN g % 1001 = 0 THEN 'building' ELSE 'sensor' END AS scope,
       (lpad(to_hex(g), 12, '0') || '7000800000000000' || lpad(to_hex(g), 4, '0'))::uuid AS subject_id,
       'electricity'::text AS sensor_type, r AS resolution,
       1730419200::bigint AS period_start, 1730422800::bigint AS period_end,
       1730404800::bigint AS local_start, 4000::bigint AS consumption, 16000::bigint AS peak_demand,
       0::bigint AS cost_micros, 4::bigint AS reading_count
FROM unnest(ARRAY['hour', 'day', 'month']) r, generate_series(1, 50050) g
ORDER BY 1, 2, 3, 4;
\copy (SELECT scope, subject_id, sensor_type, resolution, to_timestamp(period_start), to_timestamp(period_end), to_timestamp(local_start) AT TIME ZONE 'UTC', consumption, peak_demand, cost_micros, reading_count FROM staging) TO 'energy_summaries_floor.csv' CSV
\timing on
\echo == bare COPY of the rows into the empty table
BEGIN;
\copy summaries FROM 'energy_summaries_floor.csv' CSV
ROLLBACK;
\echo == INSERT ... SELECT from a staging table
BEGIN;
INSERT INTO summaries SELECT scope, subject_id, sensor_type, resolution, to_timestamp(period_start),
  to_timestamp(period_end), to_timestamp(local_start) AT TIME ZONE 'UTC', consumption, peak_demand,
  cost_micros, reading_count FROM staging;
ROLLBACK;
\echo == the adapter upsert (INSERT ... ON CONFLICT DO UPDATE) into the empty table
BEGIN;
INSERT INTO summaries SELECT scope, subject_id, sensor_type, resolution, to_timestamp(period_start),
  to_timestamp(period_end), to_timestamp(local_start) AT TIME ZONE 'UTC', consumption, peak_demand,
  cost_micros, reading_count FROM staging
ON CONFLICT (scope, subject_id, sensor_type, resolution, period_start) DO UPDATE SET
  consumption = excluded.consumption, peak_demand = excluded.peak_demand;
ROLLBACK;
\timing off
DROP SCHEMA energy_summaries_floor CASCADE;
\! rm -f energy_summaries_floor.csv
