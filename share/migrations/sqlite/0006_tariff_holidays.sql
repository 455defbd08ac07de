-- The utility's TOU holidays of a tariff version (tariff_version::holidays), which URDB documents
-- do not carry: 'YYYY-MM-DD' dates separated by commas, '' when the utility has none, NULL when
-- not known (every version stored before this step).
ALTER TABLE tariff_versions ADD COLUMN holidays TEXT;
