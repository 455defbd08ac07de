# SPDX-License-Identifier: Apache-2.0
"""pandas at the edge: DataFrames in and out of the compiled core.

Exact integers stay available next to the float views: ``*_milli`` columns are thousandths of the
canonical unit (Wh for kWh, W for kW), ``cost_micros`` millionths of the currency.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Iterator, Optional, Sequence

import numpy as np

from . import _energy

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _utc_ns(values, what: str) -> np.ndarray:
    """Timestamps (tz-aware pandas, or datetime64 already in UTC) as datetime64[ns] UTC."""
    import pandas as pd

    if isinstance(values, (pd.Series, pd.Index)):
        dt = pd.DatetimeIndex(values)
        if dt.tz is None:
            raise ValueError(
                f"{what}: timestamps must be time-zone aware (naive times are ambiguous at DST changes); "
                "use .dt.tz_localize(zone) or parse with utc=True")
        return dt.tz_convert("UTC").tz_localize(None).values.astype("datetime64[ns]")
    arr = np.asarray(values)
    if arr.dtype.kind != "M":
        raise TypeError(f"{what}: expected datetimes, got dtype {arr.dtype}")
    return arr.astype("datetime64[ns]")


def ingest_frame(store: "_energy.Store", df: "pd.DataFrame", *, sensor_id: Optional[str] = None,
                 value_column: str = "value", timestamp_column: Optional[str] = None,
                 now=None) -> dict:
    """Validates and stores the readings of ``df``.

    Timestamps come from ``timestamp_column`` or the index (tz-aware); sensor ids from a
    ``sensor_id`` column or the ``sensor_id`` argument (one meter). Returns the counts and
    ``rejections`` as a DataFrame (``rejections_frame``), whose ``source_row`` is the row position in ``df``.
    """
    import pandas as pd

    ts = df[timestamp_column] if timestamp_column else df.index.to_series()
    ts_ns = _utc_ns(ts, timestamp_column or "index")
    if value_column not in df:
        raise ValueError(f"missing value column '{value_column}' (columns: {list(df.columns)})")
    values = pd.to_numeric(df[value_column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    if sensor_id is not None:
        if "sensor_id" in df:
            raise ValueError("pass sensor_id= or a sensor_id column, not both")
        ids = [str(sensor_id)] * len(df)
        categories = None
    elif "sensor_id" in df:
        ids, categories = _sensor_codes(df["sensor_id"])
    else:
        raise ValueError("no sensor: pass sensor_id= or include a sensor_id column")
    quality = df["quality"].to_numpy(dtype="uint32") if "quality" in df else None
    report = _energy.ingest(store, ids, ts_ns, values, quality=quality,
                            source_row=np.arange(len(df), dtype="int64"), now=now, sensor_categories=categories)
    report["rejections"] = rejections_frame(report["rejections"])
    return report


def _sensor_codes(column: "pd.Series"):
    """Sensor ids as (int codes, category strings): one str per sensor, not per row."""
    import pandas as pd

    cat = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype(str).astype("category")
    if (cat.cat.codes < 0).any():
        raise ValueError(f"sensor_id[{int(np.flatnonzero(cat.cat.codes.to_numpy() < 0)[0])}]: missing sensor id")
    return cat.cat.codes.to_numpy(), [str(c) for c in cat.cat.categories]


def rejections_frame(columns: dict) -> "pd.DataFrame":
    """Rejected rows as a DataFrame: batch_index, source_row, reason, detail."""
    import pandas as pd

    return pd.DataFrame({k: columns[k] for k in ("batch_index", "source_row", "reason", "detail")})


def readings_frame(store: "_energy.Store", sensor_id: str, start=None, end=None) -> "pd.DataFrame":
    """One sensor's stored readings in [start, end): index ts (UTC), value (float, canonical unit),
    value_milli (exact int64), quality (flags)."""
    import pandas as pd

    cols = store.read_readings(sensor_id, start, end)
    index = pd.DatetimeIndex(cols["ts"], name="ts").tz_localize("UTC")
    return pd.DataFrame({"value": cols["value_milli"] / 1000.0, "value_milli": cols["value_milli"],
                         "quality": cols["quality"]}, index=index, copy=False)


def readings_frames(store: "_energy.Store", sensor_id: str, start=None, end=None, *,
                    chunk_rows: int = 65536) -> "Iterator[pd.DataFrame]":
    """readings_frame in pieces: a generator of DataFrames of at most chunk_rows rows each (same
    columns and index), so a range larger than memory can be walked batch by batch."""
    import pandas as pd

    for cols in store.iter_readings(sensor_id, start, end, chunk_rows=chunk_rows):
        index = pd.DatetimeIndex(cols["ts"], name="ts").tz_localize("UTC")
        yield pd.DataFrame({"value": cols["value_milli"] / 1000.0, "value_milli": cols["value_milli"],
                            "quality": cols["quality"]}, index=index, copy=False)


def _summary_frame(cols: dict, time_zone: Optional[str]) -> "pd.DataFrame":
    import pandas as pd

    start = pd.DatetimeIndex(cols["start"]).tz_localize("UTC")
    end = pd.DatetimeIndex(cols["end"]).tz_localize("UTC")
    if time_zone:
        start, end = start.tz_convert(time_zone), end.tz_convert(time_zone)
    frame = pd.DataFrame({
        "end": end,
        "hours": (cols["end"] - cols["start"]) / np.timedelta64(1, "h"),
        "consumption": cols["consumption_milli"] / 1000.0,
        "peak_demand": cols["peak_demand_milli"] / 1000.0,
        "cost": [Decimal(int(c)).scaleb(-6) for c in cols["cost_micros"]],
        "reading_count": cols["reading_count"],
        "consumption_milli": cols["consumption_milli"],
        "peak_demand_milli": cols["peak_demand_milli"],
        "cost_micros": cols["cost_micros"],
        "subject_id": cols["subject_id"],
        "scope": cols["scope"],
        "type": cols["type"],
    }, index=pd.DatetimeIndex(start, name="start"))
    return frame


def summaries_frame(store: "_energy.Store", subject_id: str, resolution: str = "day", start=None, end=None, *,
                    scope: str = "building", type: str = "electricity") -> "pd.DataFrame":
    """Stored summaries as a DataFrame indexed by bucket start in the building's local time
    (tz-aware: the repeated fall-back hour shows as two rows with different offsets).
    consumption (kWh), peak_demand (kW) and cost (Decimal, exact) plus the exact integer columns."""
    cols = store.read_summaries(subject_id, resolution, start, end, scope=scope, type=type)
    zone = _zone_of(store, subject_id, scope)
    return _summary_frame(cols, zone)


def _zone_of(store, subject_id: str, scope: str) -> Optional[str]:
    if scope == "building":
        b = store.building(subject_id)
    else:
        s = store.sensor(subject_id)
        b = store.building(s.building_id) if s else None
    return b.time_zone if b else None


def aggregate_frame(df: "pd.DataFrame", buildings: Sequence["_energy.Building"], sensors: Sequence["_energy.Sensor"],
                    *, value_column: str = "value", timestamp_column: Optional[str] = None,
                    sensor_scope: bool = False, threads: int = 0) -> "dict[str, pd.DataFrame]":
    """Local-time hourly, daily and monthly summaries of an in-memory DataFrame (no store).

    ``df`` has a ``sensor_id`` column, tz-aware timestamps (index or ``timestamp_column``) and values in
    the sensors' canonical unit (kWh), rounded to the Wh. Returns {"hour", "day", "month"} DataFrames
    indexed by local bucket start (single building) or UTC start (several zones). ``threads``: 0 uses
    every core on large frames; the result does not depend on it."""
    ts = df[timestamp_column] if timestamp_column else df.index.to_series()
    ts_ns = _utc_ns(ts, timestamp_column or "index")
    values = np.asarray(df[value_column], dtype="float64")  # no copy when already float64
    codes, categories = _sensor_codes(df["sensor_id"])
    # Rounding to the Wh and the finiteness check happen in C++, fused with the aggregation pass.
    out = _energy.aggregate(list(buildings), list(sensors), codes, ts_ns, value=values,
                            sensor_scope=sensor_scope, sensor_categories=categories, threads=threads)
    zones = {b.time_zone for b in buildings}
    zone = zones.pop() if len(zones) == 1 else None
    return {res: _summary_frame(cols, zone) for res, cols in out.items()}


def _decimal_or_none(values) -> list:
    return [None if v is None else Decimal(v) for v in values]


def forecast_frame(model, ts, temperature=None) -> "pd.DataFrame":
    """A baseline's prediction as a DataFrame indexed by interval start (UTC, tz-aware):
    expected, lower, upper (kWh per interval; NaN where the model cannot predict).

    ``model`` is a TowtModel (needs ``temperature`` aligned to ``ts``) or a SeasonalModel."""
    import pandas as pd

    ts_ns = _utc_ns(ts, "ts")  # tz-aware pandas, or datetime64 already in UTC
    if isinstance(model, _energy.TowtModel):
        if temperature is None:
            raise ValueError("a TOWT forecast needs the temperature aligned to ts (energy.align_temperature)")
        cols = model.predict(ts_ns, np.asarray(temperature, dtype="float64"))
    else:
        cols = model.predict(ts_ns)
    index = pd.DatetimeIndex(ts_ns, name="ts").tz_localize("UTC")
    return pd.DataFrame(cols, index=index, copy=False)


def anomalies_frame(columns: dict, time_zone: Optional[str] = None) -> "pd.DataFrame":
    """Anomaly columns from a detect_* function as a DataFrame: start/end tz-aware (UTC, or
    ``time_zone``), kind, severity, score, expected/actual (float, canonical unit) with the exact
    ``*_milli`` integers, explanation, building_id, sensor_id."""
    import pandas as pd

    start = pd.DatetimeIndex(columns["start"]).tz_localize("UTC")
    end = pd.DatetimeIndex(columns["end"]).tz_localize("UTC")
    if time_zone:
        start, end = start.tz_convert(time_zone), end.tz_convert(time_zone)
    return pd.DataFrame({
        "start": start, "end": end,
        "kind": columns["kind"], "severity": columns["severity"], "score": columns["score"],
        "expected": columns["expected_milli"] / 1000.0, "actual": columns["actual_milli"] / 1000.0,
        "expected_milli": columns["expected_milli"], "actual_milli": columns["actual_milli"],
        "explanation": columns["explanation"],
        "building_id": columns["building_id"], "sensor_id": columns["sensor_id"],
    })


def bill_lines_frame(bill: "_energy.Bill") -> "pd.DataFrame":
    """A computed bill's line items: kind, period, tier, quantity (kWh or kW) with quantity_milli,
    rate, exact and amount as decimal.Decimal (never floats), peak_at, basis."""
    import pandas as pd

    cols = bill.lines
    return pd.DataFrame({
        "kind": cols["kind"], "period": cols["period"], "tier": cols["tier"],
        "quantity": cols["quantity_milli"] / 1000.0, "quantity_milli": cols["quantity_milli"],
        "rate": _decimal_or_none(cols["rate"]), "exact": _decimal_or_none(cols["exact"]),
        "amount": _decimal_or_none(cols["amount"]),
        "peak_at": pd.to_datetime(pd.Series(cols["peak_at"], dtype="object"), utc=True),
        "basis": cols["basis"],
    })


def reconciliation_frame(report: "_energy.ReconciliationReport", time_zone: Optional[str] = None) -> "pd.DataFrame":
    """One row per utility bill: billed vs computed energy (kWh) and demand (kW; NaN where the bill
    states none), amounts and differences as decimal.Decimal, coverage, findings (list of kinds) and
    messages (list of sentences). Indexed by period start (UTC, or ``time_zone``)."""
    import pandas as pd

    c = report.checks
    start = pd.DatetimeIndex(c["start"]).tz_localize("UTC")
    end = pd.DatetimeIndex(c["end"]).tz_localize("UTC")
    if time_zone:
        start, end = start.tz_convert(time_zone), end.tz_convert(time_zone)
    billed_kw = np.where(c["billed_demand_milli"] < 0, np.nan, c["billed_demand_milli"] / 1000.0)
    return pd.DataFrame({
        "end": end, "id": c["id"],
        "billed_kwh": c["billed_energy_milli"] / 1000.0, "computed_kwh": c["computed_energy_milli"] / 1000.0,
        "kwh_diff": c["energy_diff_milli"] / 1000.0,
        "billed_kw": billed_kw, "computed_kw": c["computed_demand_milli"] / 1000.0,
        "billed_amount": _decimal_or_none(c["billed_amount"]), "computed_total": _decimal_or_none(c["computed_total"]),
        "cost_diff": _decimal_or_none(c["cost_diff"]),
        "billed_rate": _decimal_or_none(c["billed_rate"]), "computed_rate": _decimal_or_none(c["computed_rate"]),
        "coverage": c["coverage"], "findings": c["findings"], "messages": c["messages"],
    }, index=pd.DatetimeIndex(start, name="start"))


def energy_milli(values) -> np.ndarray:
    """Float kWh (Series or array) rounded to exact int64 Wh, refusing NaN/inf with the position."""
    v = np.asarray(values, dtype="float64")
    if not np.isfinite(v).all():
        raise ValueError(f"values[{int(np.flatnonzero(~np.isfinite(v))[0])}]: not a finite number")
    # int64 Wh holds about 9.2e15 kWh; beyond it the cast wraps (1e300 became INT64_MIN).
    too_large = np.abs(v) >= 9.2e15
    if too_large.any():
        i = int(np.flatnonzero(too_large)[0])
        raise ValueError(f"values[{i}]: {v[i]!r} kWh does not fit in int64 watt-hours "
                         "(|value| < 9.2e15 kWh)")
    return np.round(v * 1000.0).astype("int64")
