# SPDX-License-Identifier: Apache-2.0
"""Raw data with re-sent and corrected rows: energy.aggregate, energy.summarize and the store give
the same last-write-wins answer, on every path and thread count."""
import numpy as np
import pandas as pd
import pytest

import energy
from test_aggregate import _same  # summaries equal column by column


def _portfolio(flat_rate="0.13"):
    t = energy.Tenant("t")
    buildings = [energy.Building(t.id, "ny", "America/New_York", flat_rate_per_kwh=flat_rate),
                 energy.Building(t.id, "lh", "Australia/Lord_Howe", flat_rate_per_kwh=flat_rate)]
    sensors = [energy.Sensor(buildings[i % 2].id, interval_seconds=900, created_at=0) for i in range(6)]
    return t, buildings, sensors


def _truth(sensors, seed=5):
    rng = np.random.default_rng(seed)
    steps = 4 * 24 * 10  # 10 days across New York's fall-back (2024-11-03)
    ts = np.datetime64("2024-10-28T00:00:00", "ns") + np.arange(steps) * np.timedelta64(15, "m")
    n = len(sensors)
    return pd.DataFrame({"ts": np.repeat(ts, n), "code": np.tile(np.arange(n), steps),
                         "value": np.round(rng.gamma(2.0, 0.4, steps * n), 3)})


def _raw(truth, seed=6):
    """20 % of rows first sent with a wrong value, 10 % re-sent unchanged; shuffled so that each
    (sensor, ts) still ends on its true value."""
    rng = np.random.default_rng(seed)
    n = len(truth)
    wrong = truth[rng.random(n) < 0.2].assign(value=lambda d: d["value"] + 1.5, order=lambda d: rng.random(len(d)))
    true = truth.assign(order=lambda d: 1.0 + rng.random(len(d)))
    resent = truth[rng.random(n) < 0.1].assign(order=lambda d: 2.0 + rng.random(len(d)))
    return pd.concat([wrong, true, resent]).sort_values("order", kind="stable").drop(columns="order").reset_index(drop=True)


def test_raw_columns_aggregate_like_pandas_drop_duplicates_keep_last_on_any_thread_count():
    _, buildings, sensors = _portfolio()
    ids = [s.id for s in sensors]
    truth = _truth(sensors)
    raw = _raw(truth)
    assert len(raw) > len(truth)
    deduped = raw.drop_duplicates(["code", "ts"], keep="last")
    assert len(deduped) == len(truth)
    expected = energy.aggregate(buildings, sensors, deduped["code"].to_numpy(), deduped["ts"].to_numpy(),
                                value=deduped["value"].to_numpy(), sensor_categories=ids, threads=1)
    assert expected["day"]["consumption_milli"].sum() == np.round(truth["value"].to_numpy() * 1000).astype("int64").sum()
    for threads in (1, 2, 3, 7):
        got = energy.aggregate(buildings, sensors, raw["code"].to_numpy(), raw["ts"].to_numpy(),
                               value=raw["value"].to_numpy(), sensor_categories=ids, threads=threads)
        _same(expected, got)
    # Without de-duplication the sums would be wrong: the test data really has corrections.
    assert raw["value"].sum() > truth["value"].sum() + 1.0


def test_raw_columns_give_the_stores_answer(store):
    t, buildings, sensors = _portfolio()
    store.put_tenant(t)
    for b in buildings:
        store.put_building(b)
    for s in sensors:
        store.put_sensor(s)
    ids = [s.id for s in sensors]
    raw = _raw(_truth(sensors))
    # The store gets the raw feed in a few batches, as a meter head-end would send it.
    for part in np.array_split(np.arange(len(raw)), 3):
        batch = raw.iloc[part]
        report = energy.ingest(store, batch["code"].to_numpy(), batch["ts"].to_numpy(), batch["value"].to_numpy(),
                               sensor_categories=ids)
        assert report["rejected"] == 0
    store.refresh_summaries()
    got = energy.aggregate(buildings, sensors, raw["code"].to_numpy(), raw["ts"].to_numpy(),
                           value=raw["value"].to_numpy(), sensor_categories=ids)
    for b in buildings:
        for res in ("hour", "day", "month"):
            stored = store.read_summaries(b.id, res)
            mine = got[res]
            keep = np.array([sid == b.id for sid in mine["subject_id"]])
            for col in ("consumption_milli", "peak_demand_milli", "cost_micros", "reading_count"):
                assert np.array_equal(np.asarray(stored[col]), np.asarray(mine[col])[keep]), (b.name, res, col)


def _write_csv(path, frame, sensors):
    ts = pd.DatetimeIndex(frame["ts"]).tz_localize("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    pd.DataFrame({"sensor_id": [sensors[c].id for c in frame["code"]], "timestamp": ts,
                  "value": frame["value"].map(lambda v: f"{v:.3f}")}).to_csv(path, index=False)


def test_summarize_files_equals_aggregate_of_the_raw_rows_and_corrects_across_files(tmp_path):
    _, buildings, sensors = _portfolio()
    ids = [s.id for s in sensors]
    truth = _truth(sensors)
    raw = _raw(truth)
    first, second = raw.iloc[: len(raw) // 2], raw.iloc[len(raw) // 2:]
    _write_csv(tmp_path / "a.csv", first, sensors)
    _write_csv(tmp_path / "b.csv", second, sensors)
    out = energy.summarize([tmp_path / "a.csv", str(tmp_path / "b.csv")], buildings, sensors)
    expected = energy.aggregate(buildings, sensors, truth["code"].to_numpy(), truth["ts"].to_numpy(),
                                value=truth["value"].to_numpy(), sensor_categories=ids)
    _same(expected, out)
    rep = out["report"]
    assert rep["files"] == 2 and rep["received"] == len(raw) and rep["rejected"] == 0
    assert rep["aggregated"] == len(truth)
    assert rep["superseded"] + rep["duplicates"] == len(raw) - len(truth)
    # The files in the other order: the wrong values of the first file now come last and win.
    swapped = energy.summarize([tmp_path / "b.csv", tmp_path / "a.csv"], buildings, sensors)
    assert swapped["day"]["consumption_milli"].sum() != out["day"]["consumption_milli"].sum()


def test_summarize_prices_hours_with_a_tou_tariff_and_replays_future_data(tmp_path, data_dir):
    t = energy.Tenant("t")
    b = energy.Building(t.id, "la", "America/Los_Angeles", flat_rate_per_kwh="0.10")
    m = energy.Sensor(b.id, interval_seconds=3600, created_at=0)
    # One kWh in every local hour of a July 2031 weekday: future-dated (a replay).
    hours = pd.date_range("2031-07-15T07:00:00Z", periods=24, freq="h")
    path = tmp_path / "future.csv"
    pd.DataFrame({"sensor_id": m.id, "timestamp": hours.strftime("%Y-%m-%dT%H:%M:%SZ"), "value": "1.000"}).to_csv(path, index=False)
    refused = energy.summarize([path], [b], [m])
    assert refused["report"]["rejected"] == 24
    assert all(r["reason"] == "future_timestamp" for r in refused["report"]["rejections"])
    flat = energy.summarize([path], [b], [m], now="2031-08-01T00:00:00Z")
    assert flat["report"]["rejected"] == 0
    assert flat["day"]["cost_micros"].sum() == 24 * 100_000
    urdb = energy.read_urdb_file(str(data_dir / "tariffs" / "reopt_incentives.json"))
    tou = energy.summarize([path], [b], [m], now="2031-08-01T00:00:00Z", tariffs={b.id: urdb.tariff})
    # Each hour costs its TOU period's first-tier rate (+ adjustment) for 1 kWh.
    import json
    doc = json.loads((data_dir / "tariffs" / "reopt_incentives.json").read_text())["ElectricTariff"]["urdb_response"]
    local = hours.tz_convert("America/Los_Angeles")
    expected = 0
    for h in local:
        schedule = doc["energyweekdayschedule"] if h.weekday() < 5 else doc["energyweekendschedule"]
        tier = doc["energyratestructure"][schedule[h.month - 1][h.hour]][0]
        expected += round((tier["rate"] + tier.get("adj", 0.0)) * 1_000_000)
    assert tou["hour"]["cost_micros"].sum() == expected
    assert tou["hour"]["cost_micros"].sum() != flat["hour"]["cost_micros"].sum()
