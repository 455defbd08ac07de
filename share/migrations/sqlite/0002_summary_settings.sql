-- How summaries are computed (per-sensor scope, cost model), kept with the data so every refresh
-- run of the database agrees. Absent names mean the defaults.
CREATE TABLE summary_settings (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
