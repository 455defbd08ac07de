# SPDX-License-Identifier: Apache-2.0
"""pandas at the edge: DataFrames in and out of the compiled core.

Every frame follows one convention (docs/python.md, "Frames"):

- the index is ``start``: the tz-aware start of the interval or period each row covers; rows that
  span a period carry ``end`` (same zone) beside it;
- calendar rows of a building (summaries, bills, reconciliation) are shown in the building's zone
  when the frame knows it, measurements (readings, forecasts, anomalies, Green Button intervals)
  in UTC; every function takes ``time_zone=`` to show another zone (the instants do not change);
- quantities are a float column in the display unit (kWh, kW, currency) with the exact integer
  beside it: ``*_milli`` thousandths of the canonical unit (Wh, W), ``*_micros`` millionths of
  the currency. No column holds ``decimal.Decimal`` objects.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Iterator, Optional, Sequence

import numpy as np

from . import _energy
from ._timestamps import utc_ns

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _utc_ns(values, what: str) -> np.ndarray:
    """Timestamps (tz-aware pandas, or datetime64 already in UTC) as datetime64[ns] UTC."""
    arr = utc_ns(values, what)
    if arr.dtype.kind != "M":
        raise TypeError(f"{what}: expected datetimes, got dtype {arr.dtype}")
    return arr.astype("datetime64[ns]", copy=False)


def _index(utc_values, time_zone: Optional[str], name: str = "start") -> "pd.DatetimeIndex":
    """UTC datetime64 values as a tz-aware index shown in ``time_zone`` (UTC when None)."""
    import pandas as pd

    index = pd.DatetimeIndex(utc_values, name=name).tz_localize("UTC")
    return index.tz_convert(time_zone) if time_zone else index


def _micros(values) -> np.ndarray:
    """Exact decimal strings of money ("47426.260000") as int64 micro-units (no float on the way).
    @raises ValueError for an amount finer than a micro-unit (never rounded silently)."""
    out = np.empty(len(values), dtype="int64")
    for i, text in enumerate(values):
        try:
            scaled = Decimal(text).scaleb(6)
        except InvalidOperation:
            raise ValueError(f"amount[{i}]: {text!r} is not a decimal amount") from None
        if scaled != scaled.to_integral_value():
            raise ValueError(f"amount[{i}]: {text} is finer than a micro-unit")
        out[i] = int(scaled)
    return out


def _money_columns(name: str, texts) -> dict:
    """``name`` as float currency and ``name_micros`` as exact int64 (nullable Int64 where the
    value is None: the float shows NaN there)."""
    import pandas as pd

    present = np.array([t is not None for t in texts], dtype=bool)
    micros = np.zeros(len(texts), dtype="int64")
    if present.any():
        micros[present] = _micros([t for t in texts if t is not None])
    floats = np.where(present, micros / 1e6, np.nan)
    exact = micros if present.all() else pd.array(np.where(present, micros, 0), dtype="Int64")
    if not present.all():
        exact[~present] = pd.NA
    return {name: floats, f"{name}_micros": exact}


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


def readings_frame(store: "_energy.Store", sensor_id: str, start=None, end=None, *,
                   time_zone: Optional[str] = None) -> "pd.DataFrame":
    """One sensor's stored readings with start in [start, end): index ``start`` (the reading's
    interval start, UTC unless ``time_zone``), value (float, canonical unit), value_milli (exact
    int64), quality (flags)."""
    import pandas as pd

    cols = store.read_readings(sensor_id, start, end)
    return pd.DataFrame({"value": cols["value_milli"] / 1000.0, "value_milli": cols["value_milli"],
                         "quality": cols["quality"]}, index=_index(cols["ts"], time_zone), copy=False)


def readings_frames(store: "_energy.Store", sensor_id: str, start=None, end=None, *,
                    chunk_rows: int = 65536, time_zone: Optional[str] = None
                    ) -> "Iterator[pd.DataFrame]":
    """readings_frame in pieces: a generator of DataFrames of at most chunk_rows rows each (same
    columns and index), so a range larger than memory can be walked batch by batch."""
    import pandas as pd

    for cols in store.iter_readings(sensor_id, start, end, chunk_rows=chunk_rows):
        yield pd.DataFrame({"value": cols["value_milli"] / 1000.0, "value_milli": cols["value_milli"],
                            "quality": cols["quality"]}, index=_index(cols["ts"], time_zone), copy=False)


def _summary_frame(cols: dict, time_zone: Optional[str]) -> "pd.DataFrame":
    import pandas as pd

    frame = pd.DataFrame({
        "end": _index(cols["end"], time_zone, "end"),
        "hours": (cols["end"] - cols["start"]) / np.timedelta64(1, "h"),
        "consumption": cols["consumption_milli"] / 1000.0,
        "peak_demand": cols["peak_demand_milli"] / 1000.0,
        "cost": cols["cost_micros"] / 1e6,
        "reading_count": cols["reading_count"],
        "consumption_milli": cols["consumption_milli"],
        "peak_demand_milli": cols["peak_demand_milli"],
        "cost_micros": cols["cost_micros"],
        "subject_id": cols["subject_id"],
        "scope": cols["scope"],
        "type": cols["type"],
    }, index=_index(cols["start"], time_zone))
    return frame


def summaries_frame(store: "_energy.Store", subject_id: str, resolution: str = "day", start=None, end=None, *,
                    scope: str = "building", type: str = "electricity",
                    time_zone: Optional[str] = None) -> "pd.DataFrame":
    """Stored summaries as a DataFrame indexed by bucket ``start`` in the building's local time
    (tz-aware: the repeated fall-back hour shows as two rows with different offsets; ``time_zone``
    shows another zone). end, hours (23/24/25 for days), consumption (kWh), peak_demand (kW), cost
    (float currency) beside the exact consumption_milli, peak_demand_milli, cost_micros."""
    cols = store.read_summaries(subject_id, resolution, start, end, scope=scope, type=type)
    zone = time_zone or _zone_of(store, subject_id, scope)
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
                    sensor_scope: bool = False, threads: int = 0,
                    time_zone: Optional[str] = None) -> "dict[str, pd.DataFrame]":
    """Local-time hourly, daily and monthly summaries of an in-memory DataFrame (no store).

    ``df`` has a ``sensor_id`` column, tz-aware timestamps (index or ``timestamp_column``) and values in
    the sensors' canonical unit (kWh), rounded to the Wh. Returns {"hour", "day", "month"} DataFrames
    indexed by local bucket start (single building) or UTC start (several zones; ``time_zone`` picks
    the zone shown). ``threads``: 0 uses every core on large frames; the result does not depend on it."""
    ts = df[timestamp_column] if timestamp_column else df.index.to_series()
    ts_ns = _utc_ns(ts, timestamp_column or "index")
    values = np.asarray(df[value_column], dtype="float64")  # no copy when already float64
    codes, categories = _sensor_codes(df["sensor_id"])
    # Rounding to the Wh and the finiteness check happen in C++, fused with the aggregation pass.
    out = _energy.aggregate(list(buildings), list(sensors), codes, ts_ns, value=values,
                            sensor_scope=sensor_scope, sensor_categories=categories, threads=threads)
    zones = {b.time_zone for b in buildings}
    zone = time_zone or (zones.pop() if len(zones) == 1 else None)
    return {res: _summary_frame(cols, zone) for res, cols in out.items()}


def forecast_frame(model, ts, temperature=None, *, time_zone: Optional[str] = None) -> "pd.DataFrame":
    """A baseline's prediction as a DataFrame indexed by interval ``start`` (tz-aware, UTC unless
    ``time_zone``): expected, lower, upper (kWh per interval; NaN where the model cannot predict).

    ``model`` is a TowtModel (needs ``temperature`` aligned to ``ts``) or a SeasonalModel."""
    import pandas as pd

    ts_ns = _utc_ns(ts, "ts")  # tz-aware pandas, or datetime64 already in UTC
    if isinstance(model, _energy.TowtModel):
        if temperature is None:
            raise ValueError("a TOWT forecast needs the temperature aligned to ts (energy.align_temperature)")
        cols = model.predict(ts_ns, np.asarray(temperature, dtype="float64"))
    else:
        cols = model.predict(ts_ns)
    return pd.DataFrame(cols, index=_index(ts_ns, time_zone), copy=False)


def anomalies_frame(columns: dict, time_zone: Optional[str] = None) -> "pd.DataFrame":
    """Anomaly columns from a detect_* function as a DataFrame indexed by ``start`` (tz-aware, UTC
    or ``time_zone``): end, kind, severity, score, expected/actual (float, canonical unit) with the
    exact ``*_milli`` integers, explanation, building_id, sensor_id. Anomalies may overlap, so the
    index can repeat."""
    import pandas as pd

    return pd.DataFrame({
        "end": _index(columns["end"], time_zone, "end"),
        "kind": columns["kind"], "severity": columns["severity"], "score": columns["score"],
        "expected": columns["expected_milli"] / 1000.0, "actual": columns["actual_milli"] / 1000.0,
        "expected_milli": columns["expected_milli"], "actual_milli": columns["actual_milli"],
        "explanation": columns["explanation"],
        "building_id": columns["building_id"], "sensor_id": columns["sensor_id"],
    }, index=_index(columns["start"], time_zone))


def bill_lines_frame(bill: "_energy.Bill") -> "pd.DataFrame":
    """A computed bill's line items (one row each, in the bill's order): kind, period, tier,
    quantity (kWh or kW) with quantity_milli, rate (float currency per unit) with rate_micros,
    exact (before rounding) with exact_micros, amount (rounded to cents) with amount_micros,
    peak_at (tz-aware UTC, NaT when the line has none), basis."""
    import pandas as pd

    cols = bill.lines
    return pd.DataFrame({
        "kind": cols["kind"], "period": cols["period"], "tier": cols["tier"],
        "quantity": cols["quantity_milli"] / 1000.0, "quantity_milli": cols["quantity_milli"],
        **_money_columns("rate", cols["rate"]), **_money_columns("exact", cols["exact"]),
        **_money_columns("amount", cols["amount"]),
        "peak_at": pd.to_datetime(pd.Series(cols["peak_at"], dtype="object"), utc=True),
        "basis": cols["basis"],
    })


def reconciliation_frame(report: "_energy.ReconciliationReport", time_zone: Optional[str] = None) -> "pd.DataFrame":
    """One row per utility bill, indexed by period ``start`` in the report's zone (or
    ``time_zone``): end, billed vs computed energy (kWh) and demand (kW; NaN where the bill states
    none), billed_amount / computed_total / cost_diff / billed_rate / computed_rate as float
    currency (NaN where absent) with exact ``*_micros`` beside them (nullable Int64 where a value
    can be absent), coverage, findings (list of kinds) and messages (list of sentences)."""
    import pandas as pd

    c = report.checks
    zone = time_zone or report.zone or None
    billed_kw = np.where(c["billed_demand_milli"] < 0, np.nan, c["billed_demand_milli"] / 1000.0)
    return pd.DataFrame({
        "end": _index(c["end"], zone, "end"), "id": c["id"],
        "billed_kwh": c["billed_energy_milli"] / 1000.0, "computed_kwh": c["computed_energy_milli"] / 1000.0,
        "kwh_diff": c["energy_diff_milli"] / 1000.0,
        "billed_kw": billed_kw, "computed_kw": c["computed_demand_milli"] / 1000.0,
        **_money_columns("billed_amount", c["billed_amount"]),
        **_money_columns("computed_total", c["computed_total"]),
        **_money_columns("cost_diff", c["cost_diff"]),
        **_money_columns("billed_rate", c["billed_rate"]),
        **_money_columns("computed_rate", c["computed_rate"]),
        "coverage": c["coverage"], "findings": c["findings"], "messages": c["messages"],
    }, index=_index(c["start"], zone))


def greenbutton_frame(meter_reading: dict, *, time_zone: Optional[str] = None) -> "pd.DataFrame":
    """Every IntervalReading of one Green Button meter reading (``doc["meter_readings"][i]``),
    whatever its duration (monthly gas reads, 23- and 25-hour days), indexed by ``start`` (UTC or
    ``time_zone``): end, hours, duration_seconds, value (float, the canonical unit: kWh or m3) with
    value_milli (exact), raw_value (as written in the file), cost (float currency, NaN where the
    file states none) with cost_micros (nullable Int64), quality."""
    import pandas as pd

    c = meter_reading["intervals"]
    if c["value_milli"] is None:
        value = np.full(len(c["raw_value"]), np.nan)
        value_milli = pd.array([pd.NA] * len(c["raw_value"]), dtype="Int64")
    else:
        value, value_milli = c["value_milli"] / 1000.0, c["value_milli"]
    has_cost = c["has_cost"]
    cost_micros = pd.array(np.where(has_cost, c["cost_micros"], 0), dtype="Int64")
    cost_micros[~has_cost] = pd.NA
    return pd.DataFrame({
        "end": _index(c["end"], time_zone, "end"),
        "hours": c["duration_seconds"] / 3600.0, "duration_seconds": c["duration_seconds"],
        "value": value, "value_milli": value_milli, "raw_value": c["raw_value"],
        "cost": np.where(has_cost, c["cost_micros"] / 1e6, np.nan), "cost_micros": cost_micros,
        "quality": c["quality"],
    }, index=_index(c["start"], time_zone))


def tariff_frames(tariff: "_energy.Tariff") -> "dict[str, pd.DataFrame]":
    """A tariff as DataFrames: ``charges`` (fixed and minimum: amount float + amount_micros,
    unit), ``tiers`` (kind energy/demand/flat_demand, period, tier, up_to (kWh or kW; NaN =
    unbounded) with up_to_milli (nullable Int64), price = rate + adj as float currency with
    price_micros, rate_micros, adj_micros, unit), and one month × hour frame per schedule
    (``energy_weekday``, ``energy_weekend``, ``demand_weekday``, ``demand_weekend``: rows Jan..Dec,
    columns local hours 0..23, values period indices) plus ``flat_demand_months`` (period per
    month)."""
    import pandas as pd

    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    t = tariff.tiers
    bounded = np.array([v is not None for v in t["up_to_milli"]], dtype=bool)
    up_to = np.array([0 if v is None else v for v in t["up_to_milli"]], dtype="int64")
    up_to_milli = pd.array(up_to, dtype="Int64")
    up_to_milli[~bounded] = pd.NA
    out = {
        "charges": pd.DataFrame({
            "charge": ["fixed", "minimum"],
            "amount": [tariff.fixed_charge_micros / 1e6, tariff.minimum_charge_micros / 1e6],
            "amount_micros": np.array([tariff.fixed_charge_micros, tariff.minimum_charge_micros], dtype="int64"),
            "unit": [tariff.fixed_charge_unit, tariff.minimum_charge_unit],
        }),
        "tiers": pd.DataFrame({
            "kind": t["kind"], "period": t["period"], "tier": t["tier"],
            "up_to": np.where(bounded, up_to / 1000.0, np.nan), "up_to_milli": up_to_milli,
            "price": t["price_micros"] / 1e6, "price_micros": t["price_micros"],
            "rate_micros": t["rate_micros"], "adj_micros": t["adj_micros"], "unit": t["unit"],
        }),
    }
    schedules = tariff.schedules
    for name in ("energy_weekday", "energy_weekend", "demand_weekday", "demand_weekend"):
        out[name] = pd.DataFrame(schedules[name], index=pd.Index(months, name="month"),
                                 columns=pd.RangeIndex(24, name="hour"))
    out["flat_demand_months"] = pd.DataFrame({"period": schedules["flat_demand_months"]},
                                             index=pd.Index(months, name="month"))
    return out


def tariff_versions_frame(store: "_energy.Store", building_id: str) -> "pd.DataFrame":
    """A building's stored tariff versions (``Store.tariff_versions``), one row per version
    ordered by (effective, revision): effective (local date, str), revision, recorded_at
    (tz-aware UTC), source, json_pointer, name (the tariff's name, or why it no longer reads),
    holidays (None when not known, else a list of 'YYYY-MM-DD')."""
    import pandas as pd

    rows = []
    for v in store.tariff_versions(building_id):
        try:
            name = _energy.read_urdb(v["urdb_json"], v["source"] or "<tariff>", v["json_pointer"]).tariff.name
        except (ValueError, _energy.EnergyError) as e:
            name = f"unreadable: {e}"
        rows.append({"effective": v["effective"], "revision": v["revision"],
                     "recorded_at": pd.Timestamp(v["recorded_at"]), "source": v["source"],
                     "json_pointer": v["json_pointer"], "name": name, "holidays": v["holidays"]})
    columns = ["effective", "revision", "recorded_at", "source", "json_pointer", "name", "holidays"]
    return pd.DataFrame(rows, columns=columns)


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
