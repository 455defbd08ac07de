# SPDX-License-Identifier: Apache-2.0
"""Prints the "peer conventions on the IL sample" table of docs/baselines.md: the same data fitted
with our defaults and with each peer convention, so the difference a convention makes is visible;
then the "TOWT on bills" table of the same file.

  PYTHONPATH=build/release/bindings/python/python /usr/bin/python3 \\
      tests/unit/baselines/peer_report.py [--data ../shared/data]
"""
import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import energy

ZONE = "America/Chicago"


def ns(index):
    return index.tz_convert("UTC").tz_localize(None).values.astype("datetime64[ns]")


def local(text):
    return pd.Timestamp(text).tz_localize(ZONE)


def row(data, model, convention, fit, n, p, actual, predicted):
    m = energy.compute_metrics(actual, predicted, p)
    print(f"| {data} | {model} | {convention} | {fit} | {n} | {p} | {100 * m.cv_rmse:.1f} | {100 * m.nmbe:+.2f} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[4] / "shared" / "data"))
    d = Path(ap.parse_args().data) / "eemeter"
    hourly = pd.read_csv(d / "il-electricity-cdd-only-hourly.csv")
    hourly.index = pd.to_datetime(hourly["start"], utc=True)
    temp = pd.read_csv(d / "il-electricity-cdd-hdd-tempF.csv")
    temp.index = pd.to_datetime(temp["dt"], utc=True)
    temp = temp["tempF"].astype("float64")
    base = (hourly.index >= local("2015-12-26")) & (hourly.index < local("2016-12-26"))
    rep = (hourly.index >= local("2017-01-04")) & (hourly.index < local("2018-01-04"))
    ts = ns(hourly.index)
    kwh = hourly["value"].to_numpy(dtype="float64")
    t = energy.align_temperature(ts, ns(temp.index), temp.to_numpy())

    print("| data | model | convention | rows | n | p | CV(RMSE) % | NMBE % |")
    print("|---|---|---|---|---|---|---|---|")
    variants = [("ours: quantile knots, single-line occupancy", {}),
                ("reference: knots 40/55/65/80/90 °F, hinges 50/65 °F",
                 dict(fixed_knots=(40, 55, 65, 80, 90), occupancy="fixed_hinges", occupancy_hinges=(50, 65)))]
    for name, kw in variants:
        m = energy.fit_towt(ts[base], kwh[base], t[base], zone=ZONE, interval_seconds=3600, **kw)
        for label, sel, p in (("baseline (in-sample)", base, m.parameters), ("reporting", rep, 0)):
            pred = m.predict(ts[sel], t[sel])["expected"]
            ok = np.isfinite(pred) & np.isfinite(kwh[sel])
            row("IL hourly", f"TOWT ({int(m.occupied.sum())} occupied slots)", name, label, int(ok.sum()), p,
                kwh[sel], pred)

    # Daily change-point: local days from hourly samples (ours) vs daily means of UTC days paired on UTC days.
    daily = pd.read_csv(d / "il-electricity-cdd-only-daily.csv")
    ds = pd.DatetimeIndex(pd.to_datetime(daily["start"], utc=True))
    de = pd.DatetimeIndex((ds.tz_convert(ZONE).tz_localize(None) + pd.Timedelta(days=1)).tz_localize(ZONE))
    dk = daily["value"].to_numpy(dtype="float64")
    db = (ds >= local("2015-12-26")) & (ds < local("2016-12-26"))
    m = energy.fit_changepoint(ns(ds[db]), ns(de[db]), dk[db], ns(temp.index), temp.to_numpy(), zone=ZONE)
    pred = m.predict(ns(ds[db]), ns(de[db]), ns(temp.index), temp.to_numpy())["expected"]
    row("IL daily", f"CP {m.kind} @{m.cooling_balance_point:g}, slope {m.cooling_slope:.3f}",
        "ours: local days, mean of hourly samples", "baseline (in-sample)", int(np.isfinite(pred).sum()),
        m.parameters, dk[db], pred)
    utc_days = temp.groupby(temp.index.floor("D")).agg(["mean", "count"])
    utc_days = utc_days[utc_days["count"] >= 12]["mean"]
    us = ds[db].tz_convert("UTC").normalize()
    mu = energy.fit_changepoint(ns(us), ns(us + pd.Timedelta(days=1)), dk[db], ns(utc_days.index),
                                utc_days.to_numpy(), zone=ZONE, temperatures="daily_means", day_pairing="utc")
    pu = mu.predict(ns(us), ns(us + pd.Timedelta(days=1)), ns(utc_days.index), utc_days.to_numpy())["expected"]
    row("IL daily", f"CP {mu.kind} @{mu.cooling_balance_point:g}, slope {mu.cooling_slope:.3f}",
        "UTC pairing: local day D's usage with the mean temperature of UTC day D", "baseline (in-sample)",
        int(np.isfinite(pu).sum()), mu.parameters, dk[db], pu)
    resid = dk[db] - pred
    rho = energy.lag1_autocorrelation(resid)
    met = energy.compute_metrics(dk[db], pred, m.parameters)
    u = energy.savings_uncertainty(cv_rmse=met.cv_rmse, baseline_points=met.n, parameters=m.parameters,
                                   reporting_points=365, autocorrelation=rho, target_uncertainty=0.5)
    u0 = energy.savings_uncertainty(cv_rmse=met.cv_rmse, baseline_points=met.n, parameters=m.parameters,
                                    reporting_points=365, autocorrelation=0.0, target_uncertainty=0.5)

    # Monthly bills: mean of daily degree days (ours) vs degree days of the period mean.
    bills = pd.read_csv(d / "il-electricity-cdd-only-billing_monthly.csv")
    bs = pd.DatetimeIndex(pd.to_datetime(bills["start"], utc=True))
    s, e, bk = bs[:-1], bs[1:], bills["value"].to_numpy()[:-1]
    bb = (s >= local("2015-12-19")) & (e <= local("2016-12-27"))
    s, e, bk = s[bb], e[bb], bk[bb]
    mb = energy.fit_changepoint(ns(s), ns(e), bk, ns(temp.index), temp.to_numpy(), zone=ZONE)
    pb = mb.predict(ns(s), ns(e), ns(temp.index), temp.to_numpy())["expected"]
    row("IL monthly bills", f"CP {mb.kind} @{mb.cooling_balance_point:g}, slope {mb.cooling_slope:.3f}",
        "ours: mean of daily degree days", "baseline (in-sample)", len(bk), mb.parameters, bk, pb)
    tm = np.array([temp[(temp.index >= a) & (temp.index < b)].mean() for a, b in zip(s, e)])
    mp = energy.fit_changepoint(ns(s), ns(e), bk, period_temperature=tm, zone=ZONE)
    pp = mp.predict(ns(s), ns(e), period_temperature=tm)["expected"]
    row("IL monthly bills", f"CP {mp.kind} @{mp.cooling_balance_point:g}, slope {mp.cooling_slope:.3f}",
        "degree days of the period mean temperature", "baseline (in-sample)", len(bk), mp.parameters, bk, pp)
    print()
    print(f"IL daily CP savings uncertainty (Guideline 14, 90 %, m = 365): rho = {rho:.3f}, "
          f"n' = {u['effective_points']:.1f} of n = {met.n}; savings fraction needed for +-50 %: "
          f"{100 * u['savings_fraction_needed']:.2f} % with the correction, "
          f"{100 * u0['savings_fraction_needed']:.2f} % without")
    towt_on_bills(d, temp)


def towt_on_bills(d, temp):
    """The "TOWT on bills" table: every IL monthly bill that ends by the blackout (2016-12-26)
    against every bill from its end (2017-01-04), change-point model and TOWT on bills."""
    bills = pd.read_csv(d / "il-electricity-cdd-only-billing_monthly.csv")
    bs = pd.DatetimeIndex(pd.to_datetime(bills["start"], utc=True))
    s, e, bk = bs[:-1], bs[1:], bills["value"].to_numpy(dtype="float64")[:-1]
    base, rep = e <= local("2016-12-26"), s >= local("2017-01-04")
    tt, tv = ns(temp.index), temp.to_numpy()

    def metrics(sel, pred, p):
        m = energy.compute_metrics(bk[sel], pred, p)
        return f"{100 * m.cv_rmse:.1f} %", f"{100 * m.nmbe:+.2f} %"

    print()
    print(f"IL monthly bills: {int(base.sum())} baseline, {int(rep.sum())} reporting")
    print()
    print("| model on IL monthly bills | parameters | baseline CV(RMSE) | reporting CV(RMSE) | reporting NMBE |")
    print("|---|---:|---:|---:|---:|")
    cp = energy.fit_changepoint(ns(s[base]), ns(e[base]), bk[base], tt, tv, zone=ZONE)
    models = [(f"change-point, CalTRACK selection ({cp.kind} @ {cp.cooling_balance_point:g} °F)", cp)]
    for segments in (2, 3, 4):
        m = energy.fit_towt_billing(ns(s[base]), ns(e[base]), bk[base], tt, tv, zone=ZONE,
                                    temperature_segments=segments)
        knots = ", ".join(f"{k:.1f}" for k in m.hourly.knots)
        default = "default; " if segments == 3 else ""
        models.append((f"TOWT on bills, S = {segments} ({default}knots {knots} °F)", m))
    for name, m in models:  # both kinds predict bills from (start, end, temperature samples)
        in_cv, _ = metrics(base, m.predict(ns(s[base]), ns(e[base]), tt, tv)["expected"], m.parameters)
        out_cv, out_nmbe = metrics(rep, m.predict(ns(s[rep]), ns(e[rep]), tt, tv)["expected"], 0)
        print(f"| {name} | {m.parameters} | {in_cv} | {out_cv} | {out_nmbe} |")


if __name__ == "__main__":
    main()
