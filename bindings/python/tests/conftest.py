# SPDX-License-Identifier: Apache-2.0
import os
from pathlib import Path

import pytest

import energy


@pytest.fixture
def data_dir() -> Path:
    d = Path(os.environ.get("ENERGY_DATA_DIR", Path(__file__).resolve().parents[4] / "shared" / "data"))
    if not (d / "eemeter").is_dir():
        pytest.skip(f"shared sample data not found at {d} (set ENERGY_DATA_DIR)")
    return d


@pytest.fixture
def store():
    return energy.open_store("memory:")


@pytest.fixture
def chicago(store):
    t = energy.Tenant("Acme")
    store.put_tenant(t)
    b = energy.Building(t.id, "Springfield", "America/Chicago", flat_rate_per_kwh="0.115", square_footage=52000)
    store.put_building(b)
    m = energy.Sensor(b.id, interval_seconds=3600, max_value=500.0, created_at="2015-01-01T00:00:00Z")
    store.put_sensor(m)
    return t, b, m


@pytest.fixture
def il_hourly(data_dir):
    import pandas as pd

    df = pd.read_csv(data_dir / "eemeter" / "il-electricity-cdd-only-hourly.csv")
    df.index = pd.to_datetime(df["start"], utc=True)
    return df


@pytest.fixture
def il_temperature(data_dir):
    import pandas as pd

    df = pd.read_csv(data_dir / "eemeter" / "il-electricity-cdd-hdd-tempF.csv")
    df.index = pd.to_datetime(df["dt"], utc=True)
    return df["tempF"].astype("float64")
