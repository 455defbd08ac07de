-- How summaries are computed (per-sensor scope, cost model), kept with the data so every refresh
-- run of the database agrees. Absent names mean the defaults ('off', 'flat_rate').
CREATE TABLE summary_settings (
  name  text PRIMARY KEY,
  value text NOT NULL
);
