-- Dirty marks become one row per (UTC day, sensor) holding a 24-bit mask of the day's dirty hours,
-- instead of one row per (UTC hour, sensor), as on PostgreSQL (postgres/0002_dirty_days.sql). A
-- refresh of 10^7 quarter-hour readings read and deleted 2.5 million mark rows, about 0.6x the cost
-- of scanning the readings themselves (docs/benchmarks/refresh.md); a day of a sensor's readings
-- now makes one mark row instead of 24. The store's contract is unchanged: claims still hand out
-- (sensor, hour) marks.
CREATE TABLE dirty_days (
  day        INTEGER NOT NULL,  -- UTC epoch seconds of the day's 00:00 (a multiple of 86400)
  sensor_id  BLOB NOT NULL,
  hours      INTEGER NOT NULL,  -- bit h set: the hour [day + h*3600, day + (h+1)*3600) is dirty
  seq        INTEGER NOT NULL,  -- store_counters.dirty_sequence when last marked
  PRIMARY KEY (day, sensor_id)
) WITHOUT ROWID;

-- SQLite has no bitwise-or aggregate: distinct powers of two sum to their bitwise or.
INSERT INTO dirty_days (day, sensor_id, hours, seq)
SELECT day, sensor_id, sum(DISTINCT 1 << ((hour - day) / 3600)), max(seq)
FROM (SELECT sensor_id, hour, seq, hour - (((hour % 86400) + 86400) % 86400) AS day
      FROM dirty_hours)
GROUP BY day, sensor_id;

DROP TABLE dirty_hours;
