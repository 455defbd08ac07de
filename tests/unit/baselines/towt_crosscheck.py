#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Cross-check of the C++ TOWT fit against an independent solver.

Runs `baselines_tool dump-towt`, which fits TOWT on the IL baseline year and writes the raw
inputs (UTC timestamps, load, temperature, the C++ time-of-week slot) and the fitted model.
This script then, independently of the C++ code:
  1. recomputes every time-of-week slot from the UTC timestamps with Python's zoneinfo;
  2. recomputes the LBNL occupancy rule (np.polyfit residuals, share positive > 0.65);
  3. builds the dense TOWT design matrix (168 one-hot slots + piecewise-linear temperature
     components per occupancy mode, from the model's knots) and solves it with
     numpy.linalg.lstsq;
  4. compares every estimable coefficient with the C++ one to 1e-6 relative.
Usage: towt_crosscheck.py BASELINES_TOOL WORKDIR [--data DIR]
"""
import datetime as dt
import os
import subprocess
import sys
import zoneinfo

import numpy as np


def towt_design(temp, tow, knots, occ):
    """Dense TOWT design: 168 one-hot slots, then S temperature components for occupied slots,
    then S for unoccupied slots (zeros where the row's slot is in the other mode)."""
    segs = len(knots) + 1
    comp = np.empty((len(temp), segs))
    if segs == 1:
        comp[:, 0] = temp
    else:
        comp[:, 0] = np.minimum(temp, knots[0])
        for j in range(1, segs - 1):
            comp[:, j] = np.clip(temp - knots[j - 1], 0, knots[j] - knots[j - 1])
        comp[:, segs - 1] = np.maximum(temp - knots[-1], 0)
    X = np.zeros((len(temp), 168 + 2 * segs))
    X[np.arange(len(temp)), tow] = 1.0
    occupied_row = occ[tow] == 1
    X[occupied_row, 168:168 + segs] = comp[occupied_row]
    X[~occupied_row, 168 + segs:] = comp[~occupied_row]
    return X


def main():
    tool, work = sys.argv[1], sys.argv[2]  # noqa
    extra = sys.argv[3:]
    os.makedirs(work, exist_ok=True)
    prefix = os.path.join(work, "towt_crosscheck")
    for dataset in ("il", "uk1"):
        check(tool, prefix + "_" + dataset, ["--dataset", dataset] + extra)


def dump_towt(tool, prefix, extra):
    """Runs `baselines_tool dump-towt` and reads its rows (ts, load, temperature, tow) and model."""
    subprocess.run([tool, "dump-towt", prefix] + extra, check=True)
    rows = np.loadtxt(prefix + "_rows.csv", delimiter=",", skiprows=1)
    model = {}
    with open(prefix + "_model.txt") as f:
        for line in f:
            key, *vals = line.split()
            model[key] = vals
    return rows, model


def check(tool, prefix, extra):
    rows, model = dump_towt(tool, prefix, extra)
    ts, y, temp, tow_cpp = rows[:, 0].astype(np.int64), rows[:, 1], rows[:, 2], rows[:, 3].astype(int)
    zone = zoneinfo.ZoneInfo(model["zone"][0])
    knots = np.array([float(v) for v in model["knots"]])
    occ_cpp = np.array([int(v) for v in model["occupied"]])
    alpha_cpp = np.array([float(v) for v in model["tow_coefficients"]])
    beta_cpp = np.array([float(v) for v in model["occupied_slopes"] + model["unoccupied_slopes"]])

    # 1. time of week from UTC in the local zone (Monday 00:00 = 0).
    tow = np.empty(len(ts), dtype=int)
    for i, t in enumerate(ts):
        local = dt.datetime.fromtimestamp(int(t), tz=dt.timezone.utc).astimezone(zone)
        tow[i] = local.weekday() * 24 + local.hour
    assert (tow == tow_cpp).all(), f"time-of-week differs at {np.flatnonzero(tow != tow_cpp)[:5]}"

    ok = np.isfinite(y) & np.isfinite(temp)
    y, temp, tow = y[ok], temp[ok], tow[ok]
    # Knots are the k/S quantiles of the fit temperatures (numpy's default linear method).
    segs = len(knots) + 1
    expect_knots = np.quantile(temp, np.arange(1, segs) / segs)
    assert np.allclose(knots, expect_knots, rtol=1e-12, atol=1e-12), (knots, expect_knots)

    # 2. occupancy: residuals of load ~ a + b*T, a slot is occupied if > 65 % are positive.
    b, a = np.polyfit(temp, y, 1)
    resid = y - (a + b * temp)
    occ = np.zeros(168, dtype=int)
    for s in range(168):
        r = resid[tow == s]
        occ[s] = int(len(r) > 0 and (r > 0).sum() > 0.65 * len(r))
    assert (occ == occ_cpp).all(), f"occupancy differs in slots {np.flatnonzero(occ != occ_cpp)}"

    # 3. dense design and least squares.
    X = towt_design(temp, tow, knots, occ)
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)

    # 4. compare the estimable coefficients (columns that are not identically zero; lstsq gives
    # ~1e-14 for the others, C++ NaN for empty slots and exactly 0 for an unused mode's slopes).
    used = np.abs(X).sum(axis=0) > 0
    seen = used[:168]
    assert np.isnan(alpha_cpp[~seen]).all(), "slots without data must be NaN in the C++ model"
    assert (beta_cpp[~used[168:]] == 0).all(), "slopes of an unused mode must be 0 in the C++ model"
    py = coef[used]
    cpp = np.concatenate([alpha_cpp, beta_cpp])[used]
    rel = np.abs(py - cpp) / np.maximum(np.abs(py), 1e-12)
    worst = int(np.argmax(rel))
    print(f"{model['zone'][0]}: rows {len(y)}, coefficients {len(py)}, occupied slots {occ.sum()}, "
          f"max relative difference {rel.max():.3e} (coefficient {worst}: numpy {py[worst]!r}, C++ {cpp[worst]!r})")
    assert rel.max() < 1e-6, "C++ TOWT coefficients differ from numpy.linalg.lstsq"
    print("TOWT cross-check passed")


if __name__ == "__main__":
    main()
