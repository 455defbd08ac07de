# SPDX-License-Identifier: Apache-2.0
"""Aggregation equals an independent pandas computation on real data, to the Wh."""
from decimal import Decimal

import numpy as np
import pytest
import pandas as pd

import energy


def _pandas_local_sums(df: pd.DataFrame, zone: str, rule: str) -> pd.Series:
    """Idiomatic pandas: convert to the zone, then sum by local calendar day/month in exact Wh."""
    wh = (df["value"] * 1000).round().astype("int64")
    local = wh.tz_convert(zone)
    if rule == "day":
        return local.groupby(local.index.date).sum()
    return local.groupby([local.index.year, local.index.month]).sum()


def test_store_summaries_equal_pandas_per_local_day_and_month(store, chicago, il_hourly):
    _, b, m = chicago
    energy.ingest_frame(store, il_hourly, sensor_id=m.id)
    store.refresh_summaries()
    days = energy.summaries_frame(store, b.id, "day")
    expected = _pandas_local_sums(il_hourly, "America/Chicago", "day")
    got = pd.Series(days["consumption_milli"].to_numpy(), index=[ts.date() for ts in days.index])
    assert len(got) == len(expected) == 810
    assert (got == expected.reindex(got.index)).all()
    months = energy.summaries_frame(store, b.id, "month")
    exp_m = _pandas_local_sums(il_hourly, "America/Chicago", "month")
    assert months["consumption_milli"].tolist() == exp_m.tolist()
    # Exactness: the sum of the real file's decimal values, via Python's Decimal.
    total = sum(Decimal(v) for v in pd.read_csv(
        il_hourly.attrs.get("path", None) or _csv_path(), dtype={"value": str})["value"])
    assert Decimal(int(months["consumption_milli"].sum())) / 1000 == total


def _csv_path():
    import os
    from pathlib import Path

    return Path(os.environ["ENERGY_DATA_DIR"]) / "eemeter" / "il-electricity-cdd-only-hourly.csv"


def test_in_memory_aggregation_matches_the_store_and_counts_dst_hours(chicago, il_hourly):
    _, b, m = chicago
    df = il_hourly.assign(sensor_id=m.id)
    out = energy.aggregate_frame(df, [b], [m])
    days = out["day"]
    hours_by_day = days["hours"].groupby(days.index.date).first()
    assert hours_by_day[pd.Timestamp("2016-03-13").date()] == 23
    assert hours_by_day[pd.Timestamp("2016-11-06").date()] == 25
    hourly = out["hour"]
    fall_back = hourly.loc["2016-11-06"]
    assert len(fall_back) == 25  # two 01:00 buckets, -05:00 then -06:00
    assert days["consumption_milli"].sum() == hourly["consumption_milli"].sum() == out["month"]["consumption_milli"].sum()
    expected = _pandas_local_sums(il_hourly, "America/Chicago", "day")
    assert np.array_equal(days["consumption_milli"].to_numpy(), expected.to_numpy())
    # cost = flat rate × kWh per hour, summed exactly (micros)
    assert days["cost_micros"].sum() == sum(
        round(int(wh) * 115000 / 1000) for wh in (il_hourly["value"] * 1000).round().astype("int64"))


def _portfolio(n_sensors=6):
    t = energy.Tenant("t")
    buildings = [energy.Building(t.id, "ny", "America/New_York"), energy.Building(t.id, "lh", "Australia/Lord_Howe")]
    sensors = [energy.Sensor(buildings[i % 2].id, interval_seconds=900, created_at=0) for i in range(n_sensors)]
    rng = np.random.default_rng(3)
    steps = 4 * 24 * 12  # 12 days of quarter-hours across New York's fall-back (2024-11-03)
    ts = np.datetime64("2024-10-28T00:00:00", "ns") + np.arange(steps) * np.timedelta64(15, "m")
    frame = pd.DataFrame({"ts": np.repeat(ts, n_sensors),
                          "code": np.tile(np.arange(n_sensors), steps),
                          "value": np.round(rng.gamma(2.0, 0.4, steps * n_sensors), 3)})
    return buildings, sensors, frame


def _same(a, b):
    for res in ("hour", "day", "month"):
        assert a[res].keys() == b[res].keys()
        for col in a[res]:
            assert np.array_equal(np.asarray(a[res][col]), np.asarray(b[res][col])), (res, col)


def test_float_values_code_widths_and_thread_counts_give_identical_summaries():
    buildings, sensors, df = _portfolio()
    ids = [s.id for s in sensors]
    ts = df["ts"].to_numpy()
    milli = np.round(df["value"].to_numpy() * 1000).astype("int64")
    ref = energy.aggregate(buildings, sensors, df["code"].to_numpy(), ts, milli, sensor_categories=ids, threads=1)
    assert ref["day"]["consumption_milli"].sum() == milli.sum()
    for dtype in ("int8", "uint8", "int16", "int32", "uint32", "int64", "uint64"):
        for threads in (1, 2, 3, 7):
            got = energy.aggregate(buildings, sensors, df["code"].to_numpy().astype(dtype), ts,
                                   value=df["value"].to_numpy(), sensor_categories=ids, threads=threads)
            _same(ref, got)
    # one id per row (no categories): the same
    per_row = [ids[c] for c in df["code"]]
    _same(ref, energy.aggregate(buildings, sensors, per_row, ts, milli, threads=2))
    # categories in another order than the sensors (as pandas sorts them), with an unused stranger
    # among them: the same
    order = sorted(range(len(ids)), key=lambda c: ids[c], reverse=True)
    categories = [ids[c] for c in order] + [energy.Tenant("x").id]
    recode = np.empty(len(ids), "int64")
    recode[order] = np.arange(len(ids))
    _same(ref, energy.aggregate(buildings, sensors, recode[df["code"].to_numpy()], ts, milli,
                                sensor_categories=categories, threads=2))


def test_bad_aggregate_input_names_the_row():
    buildings, sensors, df = _portfolio()
    ids = [s.id for s in sensors]
    ts = df["ts"].to_numpy()
    codes = df["code"].to_numpy().astype("int16")
    values = df["value"].to_numpy().copy()
    values[1234] = np.nan
    with pytest.raises(ValueError, match=r"value\[1234\]: nan is not a finite number"):
        energy.aggregate(buildings, sensors, codes, ts, value=values, sensor_categories=ids, threads=3)
    values[1234] = 1e13
    with pytest.raises(ValueError, match=r"value\[1234\]: .* is too large"):
        energy.aggregate(buildings, sensors, codes, ts, value=values, sensor_categories=ids)
    # Values convert two at a time: the second of a pair, behind a good one.
    values[1234] = 0.5
    values[6001] = -np.inf
    with pytest.raises(ValueError, match=r"value\[6001\]: -inf is not a finite number"):
        energy.aggregate(buildings, sensors, codes, ts, value=values, sensor_categories=ids, threads=1)
    with pytest.raises(TypeError, match="1-D numeric array"):
        energy.aggregate(buildings, sensors, codes, ts, value=np.array(["a"] * len(codes)), sensor_categories=ids)
    bad = codes.copy()
    bad[77] = 6
    with pytest.raises(ValueError, match=r"sensor_id\[77\]: code 6 has no category"):
        energy.aggregate(buildings, sensors, bad, ts, value=df["value"].to_numpy(), sensor_categories=ids)
    bad[77] = -1
    with pytest.raises(ValueError, match=r"sensor_id\[77\]: code -1 has no category"):
        energy.aggregate(buildings, sensors, bad, ts, value=df["value"].to_numpy(), sensor_categories=ids)
    stranger = ids[:5] + [energy.new_id()]
    with pytest.raises(ValueError, match=r"sensor_id\[5\]: sensor .* is not among the sensors given"):
        energy.aggregate(buildings, sensors, codes, ts, value=df["value"].to_numpy(), sensor_categories=stranger)
    # Rows come six to an instant; the bad ones sit inside a run and at the start of one.
    odd = ts.copy()
    odd[1235] += np.timedelta64(1, "ms")
    with pytest.raises(ValueError, match=r"ts\[1235\]: .* ns is not a whole second"):
        energy.aggregate(buildings, sensors, codes, odd, value=df["value"].to_numpy(), sensor_categories=ids)
    odd = ts.copy()
    odd[1236] = np.datetime64("NaT")
    with pytest.raises(ValueError, match=r"ts\[1236\]: NaT"):
        energy.aggregate(buildings, sensors, codes, odd, value=df["value"].to_numpy(), sensor_categories=ids)
    with pytest.raises(ValueError, match="exactly one of value_milli"):
        energy.aggregate(buildings, sensors, codes, ts, sensor_categories=ids)
    with pytest.raises(ValueError, match="same length"):
        energy.aggregate(buildings, sensors, codes[:-1], ts, value=df["value"].to_numpy(), sensor_categories=ids)
    with pytest.raises(TypeError, match="integer array of codes"):
        energy.aggregate(buildings, sensors, codes.astype("float64"), ts, value=df["value"].to_numpy(),
                         sensor_categories=ids)


def test_store_keeps_per_sensor_summaries_only_when_its_settings_say_so(store, chicago, il_hourly):
    _, b, m = chicago
    assert store.summary_settings() == {"sensor_scope": False, "cost_model": "flat_rate"}
    energy.ingest_frame(store, il_hourly.iloc[:200], sensor_id=m.id)
    report = store.refresh_summaries()
    assert report["hour_buckets"] == 200
    assert len(energy.summaries_frame(store, m.id, "day", scope="sensor")) == 0
    energy.ingest_frame(store, il_hourly.iloc[200:400], sensor_id=m.id)
    # a per-call option that disagrees with the store is refused, not half-applied
    with pytest.raises(ValueError, match="per-sensor summaries off"):
        store.refresh_summaries(sensor_scope=True)
    store.set_summary_settings(sensor_scope=True)  # re-marks the building: all 400 hours recomputed
    assert store.summary_settings()["sensor_scope"] is True
    report = store.refresh_summaries(sensor_scope=True)
    assert report["hour_buckets"] == 2 * 400  # building and sensor hours
    sensor_days = energy.summaries_frame(store, m.id, "day", scope="sensor")
    building_days = energy.summaries_frame(store, b.id, "day")
    assert len(sensor_days) == len(building_days) > 0
    assert (sensor_days["consumption_milli"] == building_days["consumption_milli"]).all()


def test_a_zone_change_and_a_rebuild_keep_summaries_right(store, chicago, il_hourly):
    t, b, m = chicago
    energy.ingest_frame(store, il_hourly.iloc[:200], sensor_id=m.id)
    store.refresh_summaries()
    chicago_days = energy.summaries_frame(store, b.id, "day")
    b.time_zone = "Europe/Berlin"
    store.put_building(b)
    store.refresh_summaries()
    berlin_days = energy.summaries_frame(store, b.id, "day")
    # every day is a Berlin day now (starting 22:00 or 23:00 UTC): none of the Chicago calendar is left
    assert set(chicago_days.index.tz_convert("UTC").hour) <= {5, 6}
    assert set(berlin_days.index.tz_convert("UTC").hour) <= {22, 23}
    assert berlin_days["consumption_milli"].sum() == chicago_days["consumption_milli"].sum()
    report = store.rebuild_summaries(b.id)
    assert report["hour_buckets"] == 200
    assert energy.summaries_frame(store, b.id, "day").equals(berlin_days)
    with pytest.raises(ValueError, match="unknown building"):
        store.rebuild_summaries(energy.new_id())
