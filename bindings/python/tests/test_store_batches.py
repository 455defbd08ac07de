# SPDX-License-Identifier: Apache-2.0
# Streamed reads: iter_readings / iter_building_readings / iter_summaries hand out bounded batches
# whose concatenation is exactly the whole read, on memory and SQLite stores.
import numpy as np
import pandas as pd
import pytest

import energy


def _site(db, chicago, sensors=3, hours=500):
    t, b, m = chicago
    db.put_tenant(t)
    db.put_building(b)
    ids = [m.id]
    db.put_sensor(m)
    for _ in range(sensors - 1):
        s = energy.Sensor(b.id, interval_seconds=3600, max_value=500.0, created_at="2015-01-01T00:00:00Z")
        db.put_sensor(s)
        ids.append(s.id)
    idx = pd.date_range("2024-03-01T00:00:00Z", periods=hours, freq="h")
    for k, sid in enumerate(ids):
        values = (np.arange(hours) % 97) * 0.25 + k
        energy.ingest_frame(db, pd.DataFrame({"value": values}, index=idx), sensor_id=sid)
    return b, ids


@pytest.fixture(params=["memory", "sqlite"])
def db(request, tmp_path):
    return energy.open_store("memory:" if request.param == "memory" else f"sqlite:{tmp_path / 'b.db'}")


def test_reading_batches_are_bounded_and_add_up_to_the_whole_read(db, chicago):
    b, ids = _site(db, chicago)
    start, end = "2024-03-02T00:00:00Z", "2024-03-20T07:00:00Z"
    whole = db.read_readings(ids[0], start, end)
    batches = list(db.iter_readings(ids[0], start, end, chunk_rows=100))
    assert [len(x["ts"]) for x in batches] == [100, 100, 100, 100, 39]
    assert np.array_equal(np.concatenate([x["ts"] for x in batches]), whole["ts"])
    assert np.array_equal(np.concatenate([x["value_milli"] for x in batches]), whole["value_milli"])

    building = db.read_building_readings(b.id, start, end)
    names = np.asarray(building["sensor_categories"])[building["sensor_code"]]
    parts = list(db.iter_building_readings(b.id, start, end, chunk_rows=128))
    assert all(1 <= len(x["ts"]) <= 128 for x in parts)
    got_names = np.concatenate([np.asarray(x["sensor_categories"])[x["sensor_code"]] for x in parts])
    assert list(got_names) == list(names)
    assert np.array_equal(np.concatenate([x["ts"] for x in parts]), building["ts"])
    assert np.array_equal(np.concatenate([x["value_milli"] for x in parts]), building["value_milli"])


def test_summary_batches_and_frames_add_up(db, chicago):
    b, ids = _site(db, chicago, sensors=1)
    db.refresh_summaries()
    whole = db.read_summaries(b.id, "hour")
    parts = list(db.iter_summaries(b.id, "hour", chunk_rows=64))
    assert [len(x["start"]) for x in parts][:-1] == [64] * (len(parts) - 1)
    assert np.array_equal(np.concatenate([x["start"] for x in parts]), whole["start"])
    assert np.array_equal(np.concatenate([x["consumption_milli"] for x in parts]), whole["consumption_milli"])

    frames = list(energy.readings_frames(db, ids[0], chunk_rows=200))
    assert [len(f) for f in frames] == [200, 200, 100]
    pd.testing.assert_frame_equal(pd.concat(frames), energy.readings_frame(db, ids[0]))


def test_empty_ranges_and_bad_chunk_sizes(db, chicago):
    b, ids = _site(db, chicago, sensors=1, hours=10)
    assert list(db.iter_readings(ids[0], "2030-01-01T00:00:00Z")) == []
    assert list(db.iter_building_readings(energy.new_id())) == []
    with pytest.raises(ValueError, match="chunk_rows"):
        db.iter_readings(ids[0], chunk_rows=0)
