#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""TOWT fit time: energy (C++) vs scikit-learn LinearRegression on the same design, one run.

Usage: /usr/bin/python3 bench/baselines/sklearn_compare.py BASELINES_TOOL [--dataset il|uk1]
       [--repeat N] [--data DIR]

The C++ time (baselines_tool time-towt, median of N) covers the whole fit from the raw series:
local time-of-week, knots, occupancy detection, normal equations, solve and the residual
quantiles of the prediction intervals. The scikit-learn time (median of N) covers only
LinearRegression().fit(X, y) on a dense design X that this script builds beforehand from the
same rows (168 one-hot slots + piecewise temperature components per occupancy mode), so the
comparison favours scikit-learn. Both fits' coefficients are compared as a sanity check.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression

# The design builder of the numpy cross-check (one definition of the TOWT design in Python).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "unit", "baselines"))
from towt_crosscheck import dump_towt, towt_design  # noqa: E402


def design(rows, model):
    y, temp, tow = rows[:, 1], rows[:, 2], rows[:, 3].astype(int)
    ok = np.isfinite(y) & np.isfinite(temp)
    knots = np.array([float(v) for v in model["knots"]])
    occ = np.array([int(v) for v in model["occupied"]])
    return towt_design(temp[ok], tow[ok], knots, occ), y[ok]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("--dataset", default="il")
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--data")
    a = ap.parse_args()
    extra = ["--dataset", a.dataset] + (["--data", a.data] if a.data else [])
    with tempfile.TemporaryDirectory() as tmp:
        rows, model = dump_towt(a.tool, os.path.join(tmp, "towt"), extra)
    X, y = design(rows, model)

    # Interleave the two measurements so both see the same machine load.
    # Wall time and CPU time (this machine is shared: CPU time is the steadier of the two).
    cpp, skl, cpp_cpu, skl_cpu = [], [], [], []
    reg = None
    for _ in range(a.repeat):
        out = subprocess.run([a.tool, "time-towt", "--repeat", "3"] + extra, check=True, capture_output=True,
                             text=True).stdout
        vals = dict(l.split() for l in out.splitlines())
        cpp.append(float(vals["median_seconds"]))
        cpp_cpu.append(float(vals["median_cpu_seconds"]))
        t0, c0 = time.perf_counter(), time.process_time()
        reg = LinearRegression(fit_intercept=False).fit(X, y)
        skl_cpu.append(time.process_time() - c0)
        skl.append(time.perf_counter() - t0)

    # Sanity: same fitted values (coefficients of empty columns are arbitrary in both).
    alpha = np.array([float(v) for v in model["tow_coefficients"]])
    beta = np.array([float(v) for v in model["occupied_slopes"] + model["unoccupied_slopes"]])
    coef = np.concatenate([np.nan_to_num(alpha), beta])
    max_fit_diff = float(np.max(np.abs(X @ coef - reg.predict(X))))

    c, s = statistics.median(cpp), statistics.median(skl)
    cc, sc = statistics.median(cpp_cpu), statistics.median(skl_cpu)
    print(f"dataset {a.dataset}: {X.shape[0]} rows x {X.shape[1]} columns; repeats {a.repeat}")
    print(f"energy TOWT fit (C++, whole fit from raw series): median wall {c * 1e3:.3f} ms, cpu {cc * 1e3:.3f} ms")
    print(f"scikit-learn {sklearn.__version__} LinearRegression.fit (design prebuilt): "
          f"median wall {s * 1e3:.3f} ms, cpu {sc * 1e3:.3f} ms")
    print(f"ratio scikit-learn / energy: wall {s / c:.1f}x, cpu {sc / cc:.1f}x")
    print(f"max |fitted value difference|: {max_fit_diff:.3e} kWh")
    return 0


if __name__ == "__main__":
    sys.exit(main())
