# SPDX-License-Identifier: Apache-2.0
"""TOWT on monthly bills against an independent numpy fit of the same model.

The bills are the IL sample's billing file (eemeter, Apache-2.0), the temperatures the sample's
hourly file. The numpy side builds each bill's hours with pandas, their local time of week with
zoneinfo, the temperature by interpolation with the 6-hour gap rule, the knots with np.quantile,
and solves the weighted least squares with numpy.linalg.lstsq.
"""
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

import energy

ZONE = "America/Chicago"
BLACKOUT = pd.Timestamp("2016-12-26", tz=ZONE)


@pytest.fixture
def il_bills(data_dir):
    df = pd.read_csv(data_dir / "eemeter" / "il-electricity-cdd-only-billing_monthly.csv")
    start = pd.to_datetime(df["start"], utc=True)
    bills = pd.DataFrame({"start": start[:-1].to_numpy(), "end": start[1:].to_numpy(),
                          "kwh": df["value"][:-1].to_numpy(dtype="float64")})
    return bills


def _ns(x) -> np.ndarray:
    return pd.DatetimeIndex(x).tz_convert("UTC").tz_localize(None).to_numpy(dtype="datetime64[ns]")


def _hour_temperatures(hours: pd.DatetimeIndex, temperature: pd.Series) -> np.ndarray:
    """The gap rule: the sample at the hour, else linear between neighbours at most 6 h apart."""
    valid = temperature.dropna()
    ts = valid.index.asi8 // 10**9
    at = hours.asi8 // 10**9
    out = np.interp(at, ts, valid.to_numpy())
    j = np.searchsorted(ts, at)  # first sample >= at
    exact = (j < len(ts)) & (ts[np.minimum(j, len(ts) - 1)] == at)
    inside = (j > 0) & (j < len(ts))
    gap = np.where(inside, ts[np.minimum(j, len(ts) - 1)] - ts[np.maximum(j - 1, 0)], np.inf)
    return np.where(exact | (inside & (gap <= 6 * 3600)), out, np.nan)


def _components(t: np.ndarray, knots: np.ndarray) -> np.ndarray:
    cols = [np.minimum(t, knots[0])]
    for a, b in zip(knots[:-1], knots[1:]):
        cols.append(np.clip(t - a, 0, b - a))
    cols.append(np.maximum(t - knots[-1], 0))
    return np.column_stack(cols)


class NumpyBillingTowt:
    """The model written from its definition: per bill, per mode, the share of covered hours and
    the mean temperature components; weighted by the bill's hours."""

    def __init__(self, bills, temperature, occupied=None, segments=3):
        self.occupied = np.zeros(168, bool) if occupied is None else np.asarray(occupied, bool)
        self.modes = [m for m in (True, False) if (self.occupied == m).any()]
        self.temperature = temperature
        per_bill = [self._hours(s, e) for s, e in zip(bills["start"], bills["end"])]
        covered = [np.isfinite(t).mean() >= 0.9 for t, _, _ in per_bill]
        self.bills = bills[np.array(covered)]
        used = [b for b, ok in zip(per_bill, covered) if ok]
        all_t = np.concatenate([t[np.isfinite(t)] for t, _, _ in used])
        self.knots = np.quantile(all_t, [k / segments for k in range(1, segments)])
        x = np.array([self._row(t, slot) for t, slot, _ in used])
        hours = np.array([n for _, _, n in used], dtype=float)
        y = self.bills["kwh"].to_numpy() / hours
        sw = np.sqrt(hours)
        self.theta = np.linalg.lstsq(x * sw[:, None], y * sw, rcond=None)[0]
        r = y - x @ self.theta
        self.residual_sd = np.sqrt((hours * r**2).sum() / (len(y) - x.shape[1]))
        ybar = (hours * y).sum() / hours.sum()
        self.r_squared = 1 - (hours * r**2).sum() / (hours * (y - ybar) ** 2).sum()

    def _hours(self, start, end):
        hours = pd.date_range(start, end, freq="h", inclusive="left", tz="UTC")
        local = hours.tz_convert(ZoneInfo(ZONE))
        slot = local.dayofweek.to_numpy() * 24 + local.hour.to_numpy()
        return _hour_temperatures(hours, self.temperature), slot, len(hours)

    def _row(self, t, slot):
        ok = np.isfinite(t)
        comp = _components(t[ok], self.knots)
        occ = self.occupied[slot[ok]]
        row = []
        for mode in self.modes:
            inside = occ == mode
            row.append(inside.sum() / ok.sum())
            row.extend(comp[inside].sum(axis=0) / ok.sum())
        return row

    def predict(self, start, end):
        t, slot, n = self._hours(start, end)
        if np.isfinite(t).mean() < 0.9:
            return np.nan
        return float(np.dot(self._row(t, slot), self.theta)) * n


def _fit(bills, temperature, **kw):
    return energy.fit_towt_billing(_ns(bills["start"]), _ns(bills["end"]), bills["kwh"].to_numpy(),
                                   _ns(temperature.index), temperature.to_numpy(), zone=ZONE, **kw)


def _office_hours():
    occ = np.zeros(168, np.uint8)
    for d in range(5):
        occ[d * 24 + 8:d * 24 + 18] = 1
    return occ


@pytest.mark.parametrize("occupied", [None, "office"])
def test_billing_towt_matches_an_independent_numpy_fit(il_bills, il_temperature, occupied):
    occ = _office_hours() if occupied else None
    base = il_bills[il_bills["end"] <= BLACKOUT]
    kw = {} if occ is None else {"occupied_slots": occ}
    model = _fit(base, il_temperature, **kw)
    ref = NumpyBillingTowt(base, il_temperature, occ)

    assert model.observations == len(ref.bills) == 12
    np.testing.assert_allclose(model.hourly.knots, ref.knots, rtol=1e-12)
    theta = []
    for mode in ref.modes:
        slot = int(np.flatnonzero(ref.occupied == mode)[0])
        theta.append(model.hourly.tow_coefficients[slot])
        theta.extend(model.hourly.occupied_slopes if mode else model.hourly.unoccupied_slopes)
    assert model.parameters == len(ref.theta)
    np.testing.assert_allclose(theta, ref.theta, rtol=1e-7, atol=1e-9)
    assert model.residual_sd == pytest.approx(ref.residual_sd, rel=1e-7)
    assert model.r_squared == pytest.approx(ref.r_squared, rel=1e-9)

    # Out of sample: the reporting year's bills.
    report = il_bills[il_bills["start"] >= pd.Timestamp("2017-01-04", tz=ZONE)]
    p = model.predict(_ns(report["start"]), _ns(report["end"]), _ns(il_temperature.index),
                      il_temperature.to_numpy())
    expected = [ref.predict(s, e) for s, e in zip(report["start"], report["end"])]
    np.testing.assert_allclose(p["expected"], expected, rtol=1e-7)

    back = energy.TowtBillingModel.from_json(model.to_json())
    q = back.predict(_ns(report["start"]), _ns(report["end"]), _ns(il_temperature.index),
                     il_temperature.to_numpy())
    np.testing.assert_array_equal(q["expected"], p["expected"])
    np.testing.assert_array_equal(q["upper"], p["upper"])


def test_billing_towt_refuses_more_segments_than_the_bills_carry(il_bills, il_temperature):
    base = il_bills[il_bills["end"] <= BLACKOUT]
    with pytest.raises(ValueError, match="12 usable bills for 13 parameters"):
        _fit(base, il_temperature, temperature_segments=12)
