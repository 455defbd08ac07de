-- Dirty marks become one row per (sensor, UTC day) holding a 24-bit mask of the day's dirty hours,
-- instead of one row per (sensor, UTC hour). A batch of a day of 15-minute readings for a sensor
-- now makes one mark row instead of 24; index maintenance of the marks was a third of what ingest
-- cost beyond the COPY itself (docs/benchmarks/postgres.md). The store's contract is unchanged:
-- claims still hand out (sensor, hour) marks.
CREATE TABLE dirty_days (
  sensor_id uuid NOT NULL,
  day       bigint NOT NULL,   -- UTC epoch seconds of the day's 00:00 (a multiple of 86400)
  hours     integer NOT NULL,  -- bit h set: the hour [day + h*3600, day + (h+1)*3600) is dirty
  seq       bigint NOT NULL,   -- from dirty_hours_seq; a re-mark takes a larger one
  PRIMARY KEY (sensor_id, day)
);

INSERT INTO dirty_days (sensor_id, day, hours, seq)
SELECT sensor_id, day, bit_or(1 << ((hour - day) / 3600)::integer), max(seq)
FROM (SELECT sensor_id, hour, seq, hour - (((hour % 86400) + 86400) % 86400) AS day
      FROM dirty_hours) AS marks
GROUP BY sensor_id, day;

DROP TABLE dirty_hours;
