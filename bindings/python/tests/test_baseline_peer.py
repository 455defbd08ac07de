# SPDX-License-Identifier: Apache-2.0
"""Peer conventions of the baselines against independent computations (weighted least squares by
numpy's lstsq with scipy's Student t p-values, numpy least squares, scipy's t quantile) on the real IL sample: daily and per-bill temperatures, forced
change-point candidates and their statistics, models from parameters, the reference TOWT
occupancy rule, daily TOWT, Guideline 14 savings uncertainty."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import energy

ZONE = "America/Chicago"


def _ns(index: pd.DatetimeIndex) -> np.ndarray:
    return index.tz_convert("UTC").tz_localize(None).values.astype("datetime64[ns]")


def _local_days(s: pd.DatetimeIndex, e: pd.DatetimeIndex) -> np.ndarray:
    """Period length in local wall-clock days, the documented weight: a 23- or 25-hour DST day is
    one day."""
    wall = lambda x: x.tz_convert(ZONE).tz_localize(None)  # noqa: E731
    return ((wall(e) - wall(s)).total_seconds() / 86400).to_numpy()


@pytest.fixture
def il_daily(data_dir, il_temperature):
    """Real daily usage at local midnights with pandas' local-day mean temperature (>= 12 samples)."""
    df = pd.read_csv(data_dir / "eemeter" / "il-electricity-cdd-only-daily.csv")
    start = pd.to_datetime(df["start"], utc=True)
    local = il_temperature.tz_convert(ZONE)
    by_day = local.groupby(local.index.date).agg(["mean", "count"])
    by_day = by_day[by_day["count"] >= 12]["mean"]
    days = start.dt.tz_convert(ZONE).dt.date
    t = days.map(by_day).to_numpy(dtype="float64")
    ok = np.isfinite(t) & np.isfinite(df["value"].to_numpy())
    s = pd.DatetimeIndex(start[ok])
    # Next local midnight (23 or 25 h across DST changes).
    e = pd.DatetimeIndex((s.tz_convert(ZONE).tz_localize(None) + pd.Timedelta(days=1)).tz_localize(ZONE))
    return s, e, df["value"].to_numpy()[ok], t[ok]


class _Wls:
    """Weighted least squares the textbook way: lstsq on sqrt(w)-scaled rows, covariance
    s^2 (X'WX)^-1, two-sided Student-t p-values, weighted R^2 around the weighted mean."""

    def __init__(self, y, w, cols):
        x = np.column_stack([np.ones(len(y))] + list(cols))
        sw = np.sqrt(w)
        self.params, *_ = np.linalg.lstsq(x * sw[:, None], y * sw, rcond=None)
        resid = y - x @ self.params
        n, k = x.shape
        ssr = float(np.sum(w * resid ** 2))
        ybar = np.sum(w * y) / np.sum(w)
        sst = float(np.sum(w * (y - ybar) ** 2))
        self.scale = ssr / (n - k)
        cov = self.scale * np.linalg.inv(x.T @ (x * w[:, None]))
        se = np.sqrt(np.diag(cov))
        self.pvalues = 2 * stats.t.sf(np.abs(self.params / se), n - k)
        self.rsquared = 1 - ssr / sst
        self.rsquared_adj = 1 - (1 - self.rsquared) * (n - 1) / (n - k)


def _wls(y, w, cols):
    return _Wls(y, np.asarray(w, dtype="float64"), cols)


def test_forced_daily_candidates_match_independent_wls(il_daily):
    s, e, kwh, t = il_daily
    balance = [55.0, 60.0, 65.0, 70.0]
    model, cand = energy.fit_changepoint(
        _ns(s), _ns(e), kwh, _ns(s), t, zone=ZONE, temperatures="daily_means",
        kinds=["intercept_only", "cooling_only"], cooling_balance_points=balance, candidates=True)
    assert list(cand["kind"]) == ["intercept_only"] + ["cooling_only"] * len(balance)
    days = _local_days(s, e)
    y = kwh / days
    best, best_adj = 0, None
    for i, b in enumerate(balance, start=1):
        cdd = np.maximum(t - b, 0.0)
        r = _wls(y, days, [cdd])
        assert cand["base_load"][i] == pytest.approx(r.params[0], rel=1e-9)
        assert cand["cooling_slope"][i] == pytest.approx(r.params[1], rel=1e-9)
        assert cand["cooling_p_value"][i] == pytest.approx(r.pvalues[1], rel=1e-6, abs=1e-300)
        assert cand["r_squared"][i] == pytest.approx(r.rsquared, rel=1e-9)
        assert cand["adj_r_squared"][i] == pytest.approx(r.rsquared_adj, rel=1e-9)
        assert cand["residual_sd"][i] == pytest.approx(math.sqrt(r.scale), rel=1e-9)
        qualifies = r.params[1] > 0 and r.pvalues[1] < 0.1
        assert bool(cand["qualifies"][i]) == qualifies
        if qualifies and (best_adj is None or r.rsquared_adj > best_adj):
            best, best_adj = i, r.rsquared_adj
    assert cand["selected"] == best
    assert model.cooling_balance_point == balance[best - 1]
    assert model.temperatures == "daily_means"


def test_monthly_bills_with_period_mean_temperatures_match_a_numpy_grid_search(data_dir, il_temperature):
    bills = pd.read_csv(data_dir / "eemeter" / "il-electricity-cdd-only-billing_monthly.csv")
    start = pd.DatetimeIndex(pd.to_datetime(bills["start"], utc=True))
    s, e, kwh = start[:-1], start[1:], bills["value"].to_numpy()[:-1]
    # Period mean of the hourly readings in [start, end).
    tm = np.array([il_temperature[(il_temperature.index >= a) & (il_temperature.index < b)].mean()
                   for a, b in zip(s, e)])
    ok = np.isfinite(tm) & np.isfinite(kwh)
    s, e, kwh, tm = s[ok], e[ok], kwh[ok], tm[ok]
    assert len(kwh) >= 20
    model, cand = energy.fit_changepoint(_ns(s), _ns(e), kwh, period_temperature=tm, zone=ZONE,
                                         candidates=True)
    assert model.temperatures == "period_means"
    days = _local_days(s, e)
    y = kwh / days
    grid = np.arange(30, 91, 1.0)
    np.testing.assert_array_equal(energy.changepoint_balance_points(), grid)
    # Independent CalTRACK selection: slopes > 0 with p < 0.1, >= 10 days and >= 20 degree days.
    best = ("intercept_only", None, None, _wls(y, days, []).rsquared_adj)

    def sufficient(dd):
        return days[dd > 0].sum() >= 10 and (dd * days).sum() >= 20

    def consider(kind, bh, bc, cols):
        nonlocal best
        if not all(sufficient(c) for c in cols):
            return
        r = _wls(y, days, cols)
        if all(r.params[k] > 0 and r.pvalues[k] < 0.1 for k in range(1, len(cols) + 1)) and \
                r.rsquared_adj > best[3]:
            best = (kind, bh, bc, r.rsquared_adj)

    for b in grid:
        consider("heating_only", b, None, [np.maximum(b - tm, 0)])
        consider("cooling_only", None, b, [np.maximum(tm - b, 0)])
    for bh in grid:
        for bc in grid[grid >= bh]:
            consider("heating_cooling", bh, bc, [np.maximum(bh - tm, 0), np.maximum(tm - bc, 0)])
    assert model.kind == best[0]
    if best[1] is not None:
        assert model.heating_balance_point == best[1]
    if best[2] is not None:
        assert model.cooling_balance_point == best[2]
    assert model.adj_r_squared == pytest.approx(best[3], rel=1e-9)
    assert len(cand["kind"]) == 1 + 61 + 61 + 61 * 62 // 2
    # Prediction per bill = days * (base + slope * degree days of the period mean).
    pred = model.predict(_ns(s), _ns(e), period_temperature=tm)["expected"]
    upd = np.full(len(tm), model.base_load)
    if model.kind in ("cooling_only", "heating_cooling"):
        upd += model.cooling_slope * np.maximum(tm - model.cooling_balance_point, 0)
    if model.kind in ("heating_only", "heating_cooling"):
        upd += model.heating_slope * np.maximum(model.heating_balance_point - tm, 0)
    np.testing.assert_allclose(pred, upd * days, rtol=1e-12)


def test_daily_means_at_utc_midnight_need_utc_pairing(il_daily):
    s, e, kwh, t = il_daily
    utc_midnight = s.tz_convert("UTC").normalize()  # 00:00 UTC of the local date: previous local day
    with pytest.raises(ValueError, match="previous local day"):
        energy.fit_changepoint(_ns(s), _ns(e), kwh, _ns(utc_midnight), t, zone=ZONE,
                               temperatures="daily_means")
    us, ue = utc_midnight, utc_midnight + pd.Timedelta(days=1)
    m = energy.fit_changepoint(_ns(us), _ns(ue), kwh, _ns(us), t, zone=ZONE,
                               temperatures="daily_means", day_pairing="utc")
    assert m.day_pairing == "utc"
    # UTC days are all 24 h: plain (unit-weight) least squares on the selected balance point.
    r = _wls(kwh, np.ones(len(kwh)), [np.maximum(t - m.cooling_balance_point, 0)])
    assert m.kind == "cooling_only"
    assert m.base_load == pytest.approx(r.params[0], rel=1e-9)
    assert m.cooling_slope == pytest.approx(r.params[1], rel=1e-9)


def test_changepoint_model_from_parameters_predicts_its_formula(il_daily):
    s, e, _, t = il_daily
    m = energy.ChangepointModel.from_parameters(zone=ZONE, base_load=7.5, cooling_slope=3.6,
                                                cooling_balance_point=62.0, heating_slope=0.5,
                                                heating_balance_point=45.0, temperatures="daily_means")
    assert m.kind == "heating_cooling" and math.isnan(m.residual_sd)
    p = m.predict(_ns(s), _ns(e), _ns(s), t)
    days = _local_days(s, e)
    want = days * (7.5 + 3.6 * np.maximum(t - 62.0, 0) + 0.5 * np.maximum(45.0 - t, 0))
    np.testing.assert_allclose(p["expected"], want, rtol=1e-12)
    assert np.isnan(p["lower"]).all() and np.isnan(p["upper"]).all()
    with pytest.raises(ValueError, match="without a heating balance point"):
        energy.ChangepointModel.from_parameters(zone=ZONE, base_load=1.0, heating_slope=2.0)


def test_reference_fixed_hinge_occupancy_matches_numpy(il_hourly, il_temperature):
    ts = _ns(il_hourly.index)
    kwh = il_hourly["value"].to_numpy(dtype="float64")
    temp = energy.align_temperature(ts, _ns(il_temperature.index), il_temperature.to_numpy())
    m = energy.fit_towt(ts, kwh, temp, zone=ZONE, interval_seconds=3600, occupancy="fixed_hinges",
                        occupancy_hinges=(50, 65))
    ok = np.isfinite(kwh) & np.isfinite(temp)
    y, t = kwh[ok], temp[ok]
    local = il_hourly.index[ok].tz_convert(ZONE)
    slot = local.dayofweek * 24 + local.hour
    # The reference rule: lm(load ~ min(T-50, 0) + max(T-65, 0)); occupied when > 65 % positive.
    x = np.column_stack([np.ones(len(t)), np.minimum(t - 50, 0), np.maximum(t - 65, 0)])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    positive = (y - x @ beta) > 0
    want = np.zeros(168, dtype=np.uint8)
    for k in range(168):
        sel = slot == k
        want[k] = sel.sum() > 0 and positive[sel].sum() > 0.65 * sel.sum()
    if want.sum() <= 2:
        want[:] = 0
    np.testing.assert_array_equal(m.occupied, want)
    with pytest.raises(ValueError, match="occupancy_hinges"):
        energy.fit_towt(ts, kwh, temp, zone=ZONE, occupancy="fixed_hinges")

    # The reference configuration: fixed knots 40/55/65/80/90 °F, pruned where fewer than 20 rows
    # lie beyond an outer knot, then one regression with per-slot intercepts and per-mode slopes.
    r = energy.fit_towt(ts, kwh, temp, zone=ZONE, interval_seconds=3600, occupancy="fixed_hinges",
                        occupancy_hinges=(50, 65), fixed_knots=(40, 55, 65, 80, 90))
    knots = [40.0, 55.0, 65.0, 80.0, 90.0]
    while len(knots) > 1 and (t > knots[-1]).sum() < 20:
        knots.pop()
    while len(knots) > 1 and (t < knots[0]).sum() < 20:
        knots.pop(0)
    np.testing.assert_array_equal(r.knots, knots)
    cols = [np.minimum(t, knots[0])]
    cols += [np.clip(t - knots[j - 1], 0, knots[j] - knots[j - 1]) for j in range(1, len(knots))]
    cols.append(np.maximum(t - knots[-1], 0))
    comp = np.column_stack(cols)
    occ = want[slot].astype(bool)
    x = np.column_stack([(slot == k).astype(float) for k in range(168)] +
                        [comp * occ[:, None], comp * (~occ)[:, None]])
    x = x[:, np.abs(x).sum(axis=0) > 0]
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    pred = r.predict(ts[ok], t)["expected"]
    np.testing.assert_allclose(pred, x @ beta, rtol=1e-6, atol=1e-9)


def test_daily_towt_matches_numpy_least_squares(il_daily):
    s, _, kwh, t = il_daily
    m = energy.fit_towt(_ns(s), kwh, t, zone=ZONE)  # interval inferred: 86400 (23/25 h DST days)
    assert m.interval_seconds == 86400
    wd = s.tz_convert(ZONE).dayofweek.to_numpy()
    knots = np.unique(np.quantile(t, np.arange(1, 6) / 6))
    np.testing.assert_allclose(m.knots, knots, rtol=1e-12)
    # Occupancy by the single-line rule, then the dense design: weekday dummies + components.
    b, a = np.polyfit(t, kwh, 1)
    pos = (kwh - (a + b * t)) > 0
    occ = np.array([pos[wd == d].sum() > 0.65 * (wd == d).sum() for d in range(7)])
    np.testing.assert_array_equal(m.occupied[np.arange(7) * 24], occ.astype(np.uint8))
    # Components as documented: min(T, B1), clip(T - B(j-1), 0, Bj - B(j-1)), max(T - B(S-1), 0).
    cols = [np.minimum(t, knots[0])]
    cols += [np.clip(t - knots[j - 1], 0, knots[j] - knots[j - 1]) for j in range(1, len(knots))]
    cols.append(np.maximum(t - knots[-1], 0))
    comp = np.column_stack(cols)

    def design(occupied_days):
        o = occupied_days[wd]
        x = np.column_stack([(wd == d).astype(float) for d in range(7)] +
                            [comp * o[:, None], comp * (~o)[:, None]])
        return x[:, np.abs(x).sum(axis=0) > 0]

    x = design(occ)
    beta, *_ = np.linalg.lstsq(x, kwh, rcond=None)
    np.testing.assert_allclose(m.tow_coefficients[np.arange(7) * 24], beta[:7], rtol=1e-6)
    pred = m.predict(_ns(s), t)["expected"]
    np.testing.assert_allclose(pred, x @ beta, rtol=1e-6)
    # The same coefficients given as parameters predict the same (with NaN intervals).
    g = energy.TowtModel.from_parameters(zone=ZONE, interval_seconds=86400, knots=m.knots,
                                         occupied=m.occupied, tow_coefficients=m.tow_coefficients,
                                         occupied_slopes=m.occupied_slopes,
                                         unoccupied_slopes=m.unoccupied_slopes)
    gp = g.predict(_ns(s), t)
    np.testing.assert_allclose(gp["expected"], x @ beta, rtol=1e-6)
    assert np.isnan(gp["lower"]).all()
    # Occupancy given (weekends occupied, as a peer's schedule might say) instead of detected.
    given = np.zeros(168, dtype=np.uint8)
    given[[5 * 24, 6 * 24]] = 1
    w = energy.fit_towt(_ns(s), kwh, t, zone=ZONE, occupied_slots=given)
    np.testing.assert_array_equal(w.occupied, given)
    xw = design(np.array([False] * 5 + [True] * 2))
    bw, *_ = np.linalg.lstsq(xw, kwh, rcond=None)
    np.testing.assert_allclose(w.predict(_ns(s), t)["expected"], xw @ bw, rtol=1e-6)


def test_savings_uncertainty_matches_the_guideline_formula_with_scipy_t(il_daily):
    s, e, kwh, t = il_daily
    m = energy.fit_changepoint(_ns(s), _ns(e), kwh, _ns(s), t, zone=ZONE, temperatures="daily_means")
    pred = m.predict(_ns(s), _ns(e), _ns(s), t)["expected"]
    resid = kwh - pred
    rho = energy.lag1_autocorrelation(resid)
    assert rho == pytest.approx(np.corrcoef(resid[:-1], resid[1:])[0, 1], rel=1e-12)
    met = energy.compute_metrics(kwh, pred, m.parameters)
    n, p, mm = len(kwh), m.parameters, 365
    r = energy.savings_uncertainty(cv_rmse=met.cv_rmse, baseline_points=n, parameters=p,
                                   reporting_points=mm, autocorrelation=rho, savings_fraction=0.1,
                                   target_uncertainty=0.5)
    n_eff = n * (1 - rho) / (1 + rho)
    tv = stats.t.ppf(0.95, n_eff - p)
    unit = 1.26 * tv * met.cv_rmse * math.sqrt((n / n_eff) * (1 + 2 / n_eff) / mm)
    assert r["effective_points"] == pytest.approx(n_eff, rel=1e-12)
    assert r["t_value"] == pytest.approx(tv, rel=1e-9)
    assert r["fractional_savings_uncertainty"] == pytest.approx(unit / 0.1, rel=1e-9)
    assert r["savings_fraction_needed"] == pytest.approx(unit / 0.5, rel=1e-9)
