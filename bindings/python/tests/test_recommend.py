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


def test_high_baseload_is_priced_per_observed_period_through_the_flat_price_and_says_so():
    ts, wh = _office(8, 100.0, 60.0)
    recs = energy.recommend(BUILDING, ts, wh, zone=NY, primary_use="office", energy_price="0.12")
    high = next(r for r in recs if r["kind"] == "high_baseload")
    kwh = high["saving_kwh_milli"] / 1000
    # 10 kW less in the 118 unoccupied hours of each of the 8 weeks: not scaled to a year.
    assert kwh == pytest.approx(10.0 * 118.0 * 8, rel=0.05)
    assert high["per_year"] is False and high["coverage_days"] == pytest.approx(56.0)
    assert high["annual_saving_kwh_milli"] == 0
    assert abs(Decimal(high["saving"]) - Decimal("0.12") * Decimal(high["saving_kwh_milli"]) / 1000) \
        < Decimal("0.0001")
    assert Decimal(high["saving_low"]) <= Decimal(high["saving"]) <= Decimal(high["saving_high"])
    assert high["basis"].startswith("flat price 0.12 $/kWh (no tariff given")
    assert high["confidence"] in ("low", "medium", "high")
    assert any(c.startswith("per observed period") for c in high["caveats"])
    assert high["evidence"] and high["explanation"] and high["measure"]
    quiet = energy.recommend(BUILDING, *_office(8, 100.0, 30.0), zone=NY, primary_use="office")
    assert "high_baseload" not in [r["kind"] for r in quiet]


def test_a_tariff_prices_the_saving_at_its_own_rates_and_unpriced_money_is_none():
    ts, wh = _office(8, 100.0, 60.0)
    off_peak = energy.flat_energy_tariff("0.07")
    recs = energy.recommend(BUILDING, ts, wh, zone=NY, tariff=off_peak, energy_price="0.12")
    high = next(r for r in recs if r["kind"] == "high_baseload")
    assert high["basis"].startswith("tariff")
    assert abs(Decimal(high["saving"]) - Decimal("0.07") * Decimal(high["saving_kwh_milli"]) / 1000) \
        < Decimal("0.0001")
    bare = energy.recommend(BUILDING, ts, wh, zone=NY)
    assert bare and all(r["saving"] is None and r["saving_low"] is None for r in bare)


def test_analyse_lists_the_rules_that_could_not_run_with_their_reason():
    ts, wh = _office(8, 100.0, 60.0)
    result = energy.analyse_recommendations(BUILDING, ts, wh, zone=NY, energy_price="0.12")
    reasons = {s["rule"]: s["reason"] for s in result["skipped"]}
    assert "no demand charge" in reasons["peak_demand"]
    assert "no weather model" in reasons["weather_sensitivity"]
    assert result["per_year"] is False and result["coverage_days"] == pytest.approx(56.0)
    assert [r["kind"] for r in result["recommendations"]] == \
        [r["kind"] for r in energy.recommend(BUILDING, ts, wh, zone=NY, energy_price="0.12")]


def test_four_weeks_of_history_are_needed_and_a_bad_zone_is_a_value_error():
    ts, wh = _office(2, 100.0, 60.0)
    assert energy.recommend(BUILDING, ts, wh, zone=NY, floor_area_ft2=10000.0) == []
    short = energy.analyse_recommendations(BUILDING, ts, wh, zone=NY)
    assert "fewer than min_history_days" in short["skipped"][0]["reason"]
    with pytest.raises(ValueError, match="Nowhere"):
        energy.recommend(BUILDING, ts, wh, zone="Nowhere/Land")
    with pytest.raises(ValueError, match="weather"):
        energy.recommend(BUILDING, ts, wh, zone=NY, weather={"slope": 1.0})


def test_the_energy_star_office_median_is_the_published_one():
    b = energy.find_eui_benchmark("Office")
    assert b["site_kbtu_per_ft2"] == 52.9 and b["site_kwh_per_ft2"] == pytest.approx(52.9 / 3.412)
    assert energy.find_eui_benchmark("spaceport") is None
