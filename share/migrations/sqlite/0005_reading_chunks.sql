-- energy SQLite schema, version 5: readings as one row per (sensor, UTC span) instead of one row
-- per reading. A chunk's data holds the span's readings in ascending time (encoding in
-- src/adapters/sqlite/reading_chunk.hpp); the span follows the sensor's interval (a UTC day for
-- 15-minute and slower sensors, shorter for faster ones, never across midnight UTC). The move
-- uses two SQL functions that the library registers on its connection (chunk_functions.hpp), so
-- only the library can apply this step.
CREATE TABLE energy_reading_chunks (
  sensor_id   BLOB NOT NULL,
  span_start  INTEGER NOT NULL,
  span_end    INTEGER NOT NULL,
  readings    INTEGER NOT NULL,
  data        BLOB NOT NULL,
  PRIMARY KEY (sensor_id, span_start)
) WITHOUT ROWID;
INSERT INTO energy_reading_chunks (sensor_id, span_start, span_end, readings, data)
SELECT sensor_id, span_start, span_start + span, count(*),
       energy_encode_chunk(span_start, timestamp, value, quality_flag)
FROM (SELECT sensor_id, timestamp, value, quality_flag, span,
             timestamp - (((timestamp % span) + span) % span) AS span_start
      FROM (SELECT r.sensor_id, r.timestamp, r.value, r.quality_flag,
                   CASE WHEN s.id IS NULL THEN 86400
                        ELSE energy_chunk_span(s.interval_seconds) END AS span
            FROM energy_readings r LEFT JOIN sensors s ON s.id = r.sensor_id))
GROUP BY sensor_id, span_start;
DROP TABLE energy_readings;
