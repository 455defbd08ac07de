-- A building's tariff versions (storage::tariff_port). Append-only: a later upload with the same
-- effective date gets the next revision and supersedes; nothing is overwritten. `effective` is a
-- local calendar date of the building (its IANA zone), the URDB document is kept as uploaded.
CREATE TABLE tariff_versions (
  building_id   uuid NOT NULL REFERENCES buildings (id),
  revision      bigint NOT NULL CHECK (revision > 0),
  effective     date NOT NULL,
  recorded_at   timestamptz NOT NULL,
  source        text NOT NULL DEFAULT '',
  json_pointer  text NOT NULL DEFAULT '',
  urdb_json     text NOT NULL,
  PRIMARY KEY (building_id, revision)
);
