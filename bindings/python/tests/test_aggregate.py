# SPDX-License-Identifier: Apache-2.0
"""Aggregation equals an independent pandas computation on real data, to the Wh."""
from decimal import Decimal

import numpy as np
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
