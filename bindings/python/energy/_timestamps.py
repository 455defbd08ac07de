# SPDX-License-Identifier: Apache-2.0
"""Timestamps as notebooks hold them, turned into the UTC datetime64[ns] columns the core reads.

The compiled functions call ``utc_ns`` for any timestamp argument that is not already a numpy
array, so every function taking ``ts``/``start``/``end`` columns accepts a tz-aware pandas
``DatetimeIndex``, a ``Series`` of tz-aware datetimes, a ``Series``/``DataFrame`` indexed by
them, or a list of aware ``datetime``s. Naive times are refused, never read as UTC: a naive
timestamp in a notebook is usually local wall-clock time, and guessing UTC would shift every
reading by the zone's offset without a word.
"""
from __future__ import annotations

import numpy as np


def _naive_error(what: str) -> ValueError:
    return ValueError(
        f"{what}: timestamps have no time zone (naive times are ambiguous at DST changes and "
        "energy never guesses UTC); localize them (.tz_localize('America/Chicago')) or parse "
        "with utc=True")


def utc_ns(values, what: str = "ts") -> np.ndarray:
    """``values`` as a 1-D datetime64[ns] array in UTC.

    numpy arrays pass unchanged (datetime64[ns] is UTC by contract; the core checks the dtype).
    pandas: a DatetimeIndex, a datetime Series (values) or a Series/DataFrame with a
    DatetimeIndex (its index) must be tz-aware and is converted to UTC.
    @raises ValueError for naive pandas timestamps, TypeError for anything that holds no times.
    """
    if isinstance(values, np.ndarray):
        return values
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - without pandas only numpy columns exist
        pd = None
    if pd is not None:
        if isinstance(values, pd.DataFrame):
            if not isinstance(values.index, pd.DatetimeIndex):
                raise TypeError(f"{what}: a DataFrame gives its timestamps through a DatetimeIndex, "
                                f"but its index is {type(values.index).__name__}; pass the "
                                "timestamp column instead")
            return _index_utc(values.index, what)
        if isinstance(values, pd.Series):
            if pd.api.types.is_datetime64_any_dtype(values.dtype):
                return _index_utc(pd.DatetimeIndex(values), what)
            if isinstance(values.index, pd.DatetimeIndex):
                return _index_utc(values.index, what)
            raise TypeError(f"{what}: expected datetimes, got a Series of dtype {values.dtype} "
                            "without a DatetimeIndex")
        if isinstance(values, pd.Index):
            if not isinstance(values, pd.DatetimeIndex):
                raise TypeError(f"{what}: expected a DatetimeIndex, got {type(values).__name__}")
            return _index_utc(values, what)
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"{what}: expected a column of timestamps (tz-aware pandas DatetimeIndex or "
                        f"Series, or datetime64[ns] UTC numpy array), got {type(values).__name__}")
    items = list(values)
    if items and all(hasattr(v, "tzinfo") for v in items):  # datetime / pandas.Timestamp
        if any(v.tzinfo is None or v.utcoffset() is None for v in items):
            raise _naive_error(what)
        if pd is not None:
            return _index_utc(pd.DatetimeIndex(items), what)
        micros = [round(v.timestamp() * 1_000_000) for v in items]
        return (np.asarray(micros, dtype="int64") * 1000).astype("datetime64[ns]")
    arr = np.asarray(items)
    if arr.dtype.kind in "Mi" or arr.size == 0:
        return arr.astype("datetime64[ns]") if arr.size == 0 else arr
    raise TypeError(f"{what}: expected timestamps, got a sequence of {type(items[0]).__name__}")


def _index_utc(index, what: str) -> np.ndarray:
    if index.tz is None:
        raise _naive_error(what)
    return index.tz_convert("UTC").tz_localize(None).values.astype("datetime64[ns]", copy=False)
