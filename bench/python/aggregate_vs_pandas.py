# SPDX-License-Identifier: Apache-2.0
"""Local-time hourly + daily building aggregation of N readings: energy vs idiomatic pandas.

Each side runs in its own fresh process (so peak RSS is its own), on the same generated data:
B buildings in different IANA zones (DST days included), S sensors each, 15-minute kWh readings.

    PYTHONPATH=build/release/bindings/python/python /usr/bin/python3 bench/python/aggregate_vs_pandas.py [N]

Prints one line per side (seconds, peak RSS MiB) and the ratio. ENERGY_BENCH_SMOKE=1: tiny N.
"""
import json
import os
import resource
import subprocess
import sys
import time

ZONES = ["America/New_York", "America/Chicago", "Europe/London", "Asia/Kolkata", "Australia/Sydney"]


def make_data(n: int):
    import numpy as np
    import pandas as pd

    buildings = len(ZONES)
    sensors_per_building = 200 if n >= 1_000_000 else 4
    intervals = n // (buildings * sensors_per_building)
    start = np.datetime64("2024-10-01T00:00:00", "ns")
    ts = start + np.arange(intervals, dtype="int64") * np.timedelta64(15, "m")
    sensors = buildings * sensors_per_building
    rng = np.random.default_rng(7)
    values = np.round(rng.gamma(2.0, 0.6, size=intervals * sensors), 3)
    frame = pd.DataFrame({
        "ts": np.repeat(ts, sensors),
        "sensor": np.tile(np.arange(sensors, dtype="int32"), intervals),
        "value": values,
    })
    return frame, buildings, sensors_per_building


def run_pandas(n: int) -> dict:
    import pandas as pd

    df, buildings, per = make_data(n)
    t0 = time.perf_counter()
    hourly, daily = [], []
    df["building"] = df["sensor"] // per
    df["wh"] = (df["value"] * 1000).round().astype("int64")
    for b, part in df.groupby("building", sort=True):
        utc = pd.DatetimeIndex(part["ts"]).tz_localize("UTC")
        local = utc.tz_convert(ZONES[b])
        wall = local.tz_localize(None)                # local wall-clock time
        offset = wall - utc.tz_localize(None)         # UTC offset of each reading (DST-aware)
        hour_start = wall.floor("h") - offset         # UTC start of the local hour: fall-back hour twice
        wh = part["wh"].to_numpy()
        hourly.append(pd.Series(wh).groupby(hour_start).sum())
        daily.append(pd.Series(wh).groupby(wall.normalize()).sum())
    elapsed = time.perf_counter() - t0
    return {"seconds": elapsed, "hourly_rows": int(sum(len(h) for h in hourly)),
            "daily_rows": int(sum(len(d) for d in daily)),
            "total_wh": int(sum(int(d.sum()) for d in daily))}


def run_energy(n: int) -> dict:
    import numpy as np
    import pandas as pd

    import energy

    df, buildings, per = make_data(n)
    t = energy.Tenant("bench")
    bl = [energy.Building(t.id, f"b{i}", ZONES[i]) for i in range(buildings)]
    sn = [energy.Sensor(bl[i // per].id, interval_seconds=900, created_at=0) for i in range(buildings * per)]
    categories = [s.id for s in sn]
    t0 = time.perf_counter()
    milli = np.round(df["value"].to_numpy() * 1000.0).astype("int64")
    out = energy.aggregate(bl, sn, df["sensor"].to_numpy(), df["ts"].to_numpy(), milli,
                           sensor_categories=categories)
    elapsed = time.perf_counter() - t0
    return {"seconds": elapsed, "hourly_rows": len(out["hour"]["start"]), "daily_rows": len(out["day"]["start"]),
            "total_wh": int(out["day"]["consumption_milli"].sum())}


def child(side: str, n: int) -> None:
    result = run_pandas(n) if side == "pandas" else run_energy(n)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps(result))


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    if os.environ.get("ENERGY_BENCH_SMOKE"):
        n = 20_000
    results = {}
    for side in ("pandas", "energy"):
        out = subprocess.run([sys.executable, __file__, "--child", side, str(n)], check=True, capture_output=True,
                             text=True).stdout
        results[side] = json.loads(out.strip().splitlines()[-1])
        r = results[side]
        print(f"{side:7s} {n:>11,d} readings  {r['seconds']:8.3f} s  peak RSS {r['peak_rss_mib']:8.1f} MiB  "
              f"hourly rows {r['hourly_rows']:,d}  daily rows {r['daily_rows']:,d}")
    if results["pandas"]["total_wh"] != results["energy"]["total_wh"]:
        raise SystemExit(f"totals differ: pandas {results['pandas']['total_wh']} Wh, energy {results['energy']['total_wh']} Wh")
    print(f"ratio: energy is {results['pandas']['seconds'] / results['energy']['seconds']:.1f}x faster than pandas; "
          f"totals equal ({results['energy']['total_wh']:,d} Wh)")


if __name__ == "__main__":
    main()
