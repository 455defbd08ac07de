# SPDX-License-Identifier: Apache-2.0
"""Local-time hourly + daily building aggregation of N readings: energy vs idiomatic pandas.

Each side runs in its own fresh process (so peak RSS is its own), on the same generated data:
B buildings in different IANA zones (DST days included), S sensors each, 15-minute kWh readings.

    PYTHONPATH=build/release/bindings/python/python /usr/bin/python3 bench/python/aggregate_vs_pandas.py [N]

Prints one line per side (seconds; peak RSS of the process, which includes the generated input, and
the peak the aggregation itself added on top) and the ratio. ENERGY_BENCH_SMOKE=1: tiny N.
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


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def _start_section() -> float:
    """Resets the kernel's peak-RSS mark (Linux clear_refs "5"), so that the peak read after the
    timed section is that section's own; returns the RSS at its start."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    return _status_mib("VmRSS")


def _section_extra(rss0: float) -> float:
    """Memory the timed section added at its peak, above what the process held when it began."""
    return _status_mib("VmHWM") - rss0


def run_pandas(n: int) -> dict:
    import pandas as pd

    df, buildings, per = make_data(n)
    rss0 = _start_section()
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
    extra = _section_extra(rss0)
    return {"seconds": elapsed, "section_extra_mib": extra, "hourly_rows": int(sum(len(h) for h in hourly)),
            "daily_rows": int(sum(len(d) for d in daily)),
            "total_wh": int(sum(int(d.sum()) for d in daily))}


def run_energy(n: int, threads: int) -> dict:
    import numpy as np
    import pandas as pd

    import energy

    df, buildings, per = make_data(n)
    t = energy.Tenant("bench")
    bl = [energy.Building(t.id, f"b{i}", ZONES[i]) for i in range(buildings)]
    sn = [energy.Sensor(bl[i // per].id, interval_seconds=900, created_at=0) for i in range(buildings * per)]
    categories = [s.id for s in sn]
    rss0 = _start_section()
    t0 = time.perf_counter()
    # kWh floats as the user has them: rounding to the Wh happens inside, fused with the pass.
    out = energy.aggregate(bl, sn, df["sensor"].to_numpy(), df["ts"].to_numpy(), value=df["value"].to_numpy(),
                           sensor_categories=categories, threads=threads)
    elapsed = time.perf_counter() - t0
    extra = _section_extra(rss0)
    return {"seconds": elapsed, "section_extra_mib": extra, "hourly_rows": len(out["hour"]["start"]), "daily_rows": len(out["day"]["start"]),
            "total_wh": int(out["day"]["consumption_milli"].sum())}


def child(side: str, n: int) -> None:
    # "energy-1": one thread; "energy": the default (one thread per core for large inputs).
    result = run_pandas(n) if side == "pandas" else run_energy(n, 1 if side == "energy-1" else 0)
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
    for side in ("pandas", "energy-1", "energy"):
        out = subprocess.run([sys.executable, __file__, "--child", side, str(n)], check=True, capture_output=True,
                             text=True).stdout
        results[side] = json.loads(out.strip().splitlines()[-1])
        r = results[side]
        print(f"{side:8s} {n:>11,d} readings  {r['seconds']:8.3f} s  peak RSS {r['peak_rss_mib']:7.1f} MiB (aggregation's own +{r['section_extra_mib']:6.1f} MiB)  "
              f"hourly rows {r['hourly_rows']:,d}  daily rows {r['daily_rows']:,d}")
    for side in ("energy-1", "energy"):
        if results["pandas"]["total_wh"] != results[side]["total_wh"]:
            raise SystemExit(f"totals differ: pandas {results['pandas']['total_wh']} Wh, {side} "
                             f"{results[side]['total_wh']} Wh")
    print(f"ratio: energy is {results['pandas']['seconds'] / results['energy']['seconds']:.1f}x faster than pandas "
          f"({results['pandas']['seconds'] / results['energy-1']['seconds']:.1f}x on one thread); "
          f"totals equal ({results['energy']['total_wh']:,d} Wh)")


if __name__ == "__main__":
    main()
