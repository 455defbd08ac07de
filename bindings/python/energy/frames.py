# SPDX-License-Identifier: Apache-2.0
"""pandas at the edge: DataFrames in and out of the compiled core.

Exact integers stay available next to the float views: ``*_milli`` columns are thousandths of the
canonical unit (Wh for kWh, W for kW), ``cost_micros`` millionths of the currency.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Optional, Sequence

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
                    sensor_scope: bool = False) -> "dict[str, pd.DataFrame]":
    """Local-time hourly, daily and monthly summaries of an in-memory DataFrame (no store).

    ``df`` has a ``sensor_id`` column, tz-aware timestamps (index or ``timestamp_column``) and values in
    the sensors' canonical unit (kWh), rounded to the Wh. Returns {"hour", "day", "month"} DataFrames
    indexed by local bucket start (single building) or UTC start (several zones)."""
    ts = df[timestamp_column] if timestamp_column else df.index.to_series()
    ts_ns = _utc_ns(ts, timestamp_column or "index")
    values = np.asarray(df[value_column], dtype="float64")
    if not np.isfinite(values).all():
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        raise ValueError(f"{value_column}[{bad}]: not a finite number (validate with ingest_frame first)")
    milli = np.round(values * 1000.0).astype("int64")
    codes, categories = _sensor_codes(df["sensor_id"])
    out = _energy.aggregate(list(buildings), list(sensors), codes, ts_ns, milli, sensor_scope=sensor_scope,
                            sensor_categories=categories)
    zones = {b.time_zone for b in buildings}
    zone = zones.pop() if len(zones) == 1 else None
    return {res: _summary_frame(cols, zone) for res, cols in out.items()}
