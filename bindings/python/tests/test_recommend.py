# SPDX-License-Identifier: Apache-2.0
"""Recommendations through Python fire on the same synthetic offices as the C++ tests, with the
savings those tests pin."""
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import energy

NY = "America/New_York"
BUILDING = "5b0c5f0e-0000-4000-8000-000000000002"


def _office(weeks: int, occupied_kw: float, unoccupied_kw: float):
    start = pd.Timestamp("2024-01-01", tz=NY).tz_convert("UTC")
    idx = pd.date_range(start, periods=weeks * 7 * 96, freq="15min")
    local = idx.tz_convert(NY)
    occupied = (local.dayofweek < 5) & (local.hour >= 8) & (local.hour < 18)
    kw = np.where(occupied, occupied_kw, unoccupied_kw)
    return idx.tz_localize(None).values.astype("datetime64[ns]"), np.round(kw / 4 * 1000).astype("int64")


def test_high_baseload_fires_with_the_saving_the_cpp_test_pins_and_prices_it_exactly():
    ts, wh = _office(8, 100.0, 60.0)
    recs = energy.recommend(BUILDING, ts, wh, zone=NY, primary_use="office", energy_price="0.12")
    high = next(r for r in recs if r["kind"] == "high_baseload")
    kwh = high["annual_saving_kwh_milli"] / 1000
    assert kwh == pytest.approx(10.0 * 8766.0 * 118.0 / 168.0, rel=0.05)
    assert abs(Decimal(high["annual_saving"]) - Decimal("0.12") * Decimal(high["annual_saving_kwh_milli"]) / 1000) \
        < Decimal("0.000001")
    assert high["evidence"] and high["explanation"]
    quiet = energy.recommend(BUILDING, *_office(8, 100.0, 30.0), zone=NY, primary_use="office")
    assert "high_baseload" not in [r["kind"] for r in quiet]


def test_four_weeks_of_history_are_needed_and_a_bad_zone_is_a_value_error():
    ts, wh = _office(2, 100.0, 60.0)
    assert energy.recommend(BUILDING, ts, wh, zone=NY, floor_area_ft2=10000.0) == []
    with pytest.raises(ValueError, match="Nowhere"):
        energy.recommend(BUILDING, ts, wh, zone="Nowhere/Land")
    with pytest.raises(ValueError, match="weather"):
        energy.recommend(BUILDING, ts, wh, zone=NY, weather={"slope": 1.0})


def test_the_energy_star_office_median_is_the_published_one():
    b = energy.find_eui_benchmark("Office")
    assert b["site_kbtu_per_ft2"] == 52.9 and b["site_kwh_per_ft2"] == pytest.approx(52.9 / 3.412)
    assert energy.find_eui_benchmark("spaceport") is None
