# SPDX-License-Identifier: Apache-2.0
import numpy as np
import pandas as pd
import pytest

import energy


def test_numpy_columns_come_out_without_copies(store, chicago):
    _, b, m = chicago
    idx = pd.date_range("2024-03-10T00:00:00Z", periods=48, freq="h")
    energy.ingest_frame(store, pd.DataFrame({"value": np.arange(48) * 0.5}, index=idx), sensor_id=m.id)
    cols = store.read_readings(m.id)
    for name in ("ts", "value_milli", "quality"):
        assert cols[name].flags.owndata is False, name
        assert type(cols[name].base).__name__ == "PyCapsule"
    assert cols["ts"].dtype == np.dtype("datetime64[ns]")
    assert cols["value_milli"].tolist() == [i * 500 for i in range(48)]


def test_rejected_rows_come_back_as_a_dataframe_with_reasons(store, chicago):
    _, b, m = chicago
    idx = pd.to_datetime(["2024-01-01T00:00Z", "2024-01-01T01:00Z", "2024-01-01T02:00Z", "2014-01-01T00:00Z"], utc=True)
    df = pd.DataFrame({"value": [1.0, float("nan"), -2.0, 1.0]}, index=idx)
    report = energy.ingest_frame(store, df, sensor_id=m.id)
    assert (report["inserted"], report["rejected"]) == (1, 3)
    rej = report["rejections"]
    assert list(rej["source_row"]) == [1, 2, 3]
    assert list(rej["reason"]) == ["non_finite_value", "negative_value", "before_sensor_created"]
    assert rej["detail"].str.len().min() > 10


def test_resending_a_frame_changes_nothing_and_corrections_win(store, chicago):
    _, b, m = chicago
    idx = pd.date_range("2024-06-01T00:00:00Z", periods=24, freq="h")
    df = pd.DataFrame({"value": np.full(24, 1.25)}, index=idx)
    assert energy.ingest_frame(store, df, sensor_id=m.id)["inserted"] == 24
    again = energy.ingest_frame(store, df, sensor_id=m.id)
    assert (again["inserted"], again["unchanged"], again["replaced"]) == (0, 24, 0)
    df.iloc[5, 0] = 2.5
    fixed = energy.ingest_frame(store, df, sensor_id=m.id)
    assert (fixed["unchanged"], fixed["replaced"]) == (23, 1)
    cols = store.read_readings(m.id)
    assert cols["value_milli"][5] == 2500 and cols["quality"][5] & 2  # quality::corrected


def test_wrong_dtypes_and_naive_times_are_refused_clearly(store, chicago):
    _, _, m = chicago
    naive = pd.DataFrame({"value": [1.0]}, index=pd.to_datetime(["2024-01-01T00:00"]))
    with pytest.raises(ValueError, match="no time zone"):
        energy.ingest_frame(store, naive, sensor_id=m.id)
    with pytest.raises(TypeError, match="datetime64"):
        energy.ingest(store, [m.id], np.array([1.5]), np.array([1.0]))
    with pytest.raises(ValueError, match="whole second"):
        energy.ingest(store, [m.id], np.array(["2024-01-01T00:00:00.5"], dtype="datetime64[ns]"), np.array([1.0]))
    with pytest.raises(ValueError, match="same length"):
        energy.ingest(store, [m.id, m.id], np.array(["2024-01-01T00:00:00"], dtype="datetime64[ns]"), np.array([1.0]))


def test_sqlite_store_round_trips_through_python(tmp_path, chicago):
    t, b, m = chicago
    db = energy.open_store(f"sqlite:{tmp_path / 'site.db'}")
    db.put_tenant(t)
    db.put_building(b)
    db.put_sensor(m)
    idx = pd.date_range("2024-11-03T00:00:00-05:00", periods=26, freq="h")
    energy.ingest_frame(db, pd.DataFrame({"value": np.full(26, 0.75)}, index=idx), sensor_id=m.id)
    db.refresh_summaries()
    days = energy.summaries_frame(db, b.id, "day")
    assert db.adapter == "sqlite"
    # 2024-11-03 in Chicago has 25 hours; the 26th reading starts the next day.
    assert list(days["hours"]) == [25.0, 24.0]
    assert list(days["consumption_milli"]) == [18750, 750]
    assert str(days.index[0]) == "2024-11-03 00:00:00-05:00"


def test_readings_before_1896_come_back_without_a_start(store, chicago):
    t, b, _ = chicago
    old = energy.Sensor(b.id, interval_seconds=3600, created_at="1880-01-01T00:00:00Z")
    store.put_sensor(old)
    ts = np.array(["1890-06-01T00:00:00", "2024-06-01T00:00:00"], dtype="datetime64[ns]")
    assert energy.ingest(store, [old.id, old.id], ts, np.array([1.0, 2.0]))["inserted"] == 2
    cols = store.read_readings(old.id)
    assert cols["ts"].tolist() == ts.tolist()


def test_an_instant_numpy_cannot_hold_is_refused_not_wrapped(tmp_path, store, chicago):
    _, _, m = chicago
    csv = tmp_path / "ancient.csv"
    csv.write_text("timestamp,value_kwh\n1000-01-01T00:00:00Z,1.5\n2024-01-01T00:00:00Z,2.5\n")
    with pytest.raises(ValueError, match=r"ts\[0\]: 1000-01-01.*datetime64\[ns\]"):
        energy.read_readings_file(str(csv), sensor_id=m.id)


def test_energy_milli_refuses_values_that_do_not_fit_in_int64_watt_hours():
    assert energy.energy_milli([1.25, -2.5, 9e15]).tolist() == [1250, -2500, 9 * 10**18]
    with pytest.raises(ValueError, match=r"values\[1\].*int64 watt-hours"):
        energy.energy_milli([1.0, 1e300])
    with pytest.raises(ValueError, match=r"values\[0\].*int64"):
        energy.energy_milli([-1e16])
