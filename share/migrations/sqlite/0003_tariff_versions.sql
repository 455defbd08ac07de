-- A building's tariff versions (storage::tariff_port). Append-only: a later upload with the same
-- effective date gets the next revision and supersedes, nothing is overwritten. `effective` is the
-- local date as 'YYYY-MM-DD' text, which sorts as the dates do.
CREATE TABLE tariff_versions (
  building_id   BLOB NOT NULL REFERENCES buildings(id),
  revision      INTEGER NOT NULL CHECK (revision > 0),
  effective     TEXT NOT NULL CHECK (length(effective) = 10),
  recorded_at   INTEGER NOT NULL,
  source        TEXT NOT NULL DEFAULT '',
  json_pointer  TEXT NOT NULL DEFAULT '',
  urdb_json     TEXT NOT NULL,
  PRIMARY KEY (building_id, revision)
) WITHOUT ROWID;
