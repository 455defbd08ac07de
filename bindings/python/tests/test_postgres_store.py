# SPDX-License-Identifier: Apache-2.0
"""The same notebook calls against PostgreSQL as against SQLite give the same frames.

Run through ctest, which starts a throwaway PostgreSQL on loopback (tests/integration/test_servers.sh)
and passes its state directory in ENERGY_TEST_SERVERS; skipped without one.
"""
import os
from pathlib import Path

import pandas as pd
import pytest

import energy


def _postgres_uri() -> str:
    state = os.environ.get("ENERGY_TEST_SERVERS")
    uri_file = Path(state) / "postgres" / "postgres.uri" if state else None
    if uri_file is None or not uri_file.is_file():
        pytest.skip("no PostgreSQL test server (ctest starts one; or set ENERGY_TEST_SERVERS)")
    return uri_file.read_text().strip()


def _load(store, df, t, b, m):
    store.set_summary_settings(sensor_scope=True)
    store.put_tenant(t)
    store.put_building(b)
    store.put_sensor(m)
    report = energy.ingest_frame(store, df, sensor_id=m.id)
    store.refresh_summaries(sensor_scope=True)
    return report


def test_postgres_store_gives_the_same_frames_as_sqlite(tmp_path, il_hourly):
    pg = energy.open_store(_postgres_uri())
    lite = energy.open_store(f"sqlite:{tmp_path / 'site.db'}")
    t = energy.Tenant("Acme")
    b = energy.Building(t.id, "Springfield", "America/Chicago", flat_rate_per_kwh="0.115")
    m = energy.Sensor(b.id, interval_seconds=3600, max_value=500.0, created_at="2015-01-01T00:00:00Z")
    df = il_hourly.iloc[:3000].copy()
    df.iloc[10, df.columns.get_loc("value")] = -4.0  # rejected on both: negative energy
    r_pg, r_lite = _load(pg, df, t, b, m), _load(lite, df, t, b, m)
    assert r_pg["inserted"] == r_lite["inserted"] == 2999
    pd.testing.assert_frame_equal(r_pg["rejections"], r_lite["rejections"])

    pd.testing.assert_frame_equal(energy.readings_frame(pg, m.id), energy.readings_frame(lite, m.id))
    for res in ("hour", "day", "month"):
        for subject, scope in ((b.id, "building"), (m.id, "sensor")):
            got = energy.summaries_frame(pg, subject, res, scope=scope)
            assert len(got) > 0
            pd.testing.assert_frame_equal(got, energy.summaries_frame(lite, subject, res, scope=scope))

    # Re-sending the frame changes nothing (the same duplicate policy as SQLite).
    again = energy.ingest_frame(pg, df, sensor_id=m.id)
    assert again["inserted"] == 0 and again["unchanged"] == 2999


def test_an_unreachable_postgres_server_is_a_retryable_storage_error():
    _postgres_uri()  # only where a server could run
    with pytest.raises(energy.StorageError) as info:
        energy.open_store("postgresql://postgres@127.0.0.1:1/postgres")
    assert info.value.retryable is True
