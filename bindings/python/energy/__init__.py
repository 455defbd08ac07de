# SPDX-License-Identifier: Apache-2.0
"""energy: exact, time-zone-correct energy data for commercial buildings.

The compiled core (``energy._energy``) does the work; this package adds pandas at the edge
(``energy.frames``), imported lazily so the core works without pandas.

Quick tour::

    import energy
    store = energy.open_store("sqlite:site.db")
    t = energy.Tenant("Acme"); store.put_tenant(t)
    b = energy.Building(t.id, "HQ", "America/Chicago", flat_rate_per_kwh="0.115"); store.put_building(b)
    m = energy.Sensor(b.id, interval_seconds=3600, created_at="2015-01-01T00:00:00Z"); store.put_sensor(m)
    report = energy.ingest_frame(store, df, sensor_id=m.id)   # df: tz-aware DatetimeIndex, 'value' column
    store.refresh_summaries()
    days = energy.summaries_frame(store, b.id, "day")           # local days: 23/24/25 hours
"""
from ._energy import (  # noqa: F401
    Building,
    EnergyError,
    ParseError,
    Sensor,
    Store,
    StorageError,
    Tenant,
    aggregate,
    ingest,
    new_id,
    open_store,
    read_readings_file,
)
from .frames import (  # noqa: F401
    aggregate_frame,
    ingest_frame,
    readings_frame,
    rejections_frame,
    summaries_frame,
)

__all__ = [
    "Building", "EnergyError", "ParseError", "Sensor", "Store", "StorageError", "Tenant",
    "aggregate", "aggregate_frame", "ingest", "ingest_frame", "new_id", "open_store",
    "read_readings_file", "readings_frame", "rejections_frame", "summaries_frame",
]
