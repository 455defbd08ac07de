# SPDX-License-Identifier: Apache-2.0
"""Raw readings (re-sent and corrected duplicates) to local-time hourly + daily building summaries:
energy vs the idiomatic pandas pipeline a data scientist runs (drop_duplicates keep="last", tz
convert, wall-clock floor, groupby), as a step on in-memory columns and as a whole process from a
CSV file. Every side runs in a fresh process, on the same generated data, and the totals must agree
to the Wh (pandas de-duplicated = energy's last write wins).

Data set: 10 buildings in 8 IANA zones (New York, Chicago, Los Angeles, London, Berlin, Kolkata
+05:30, Adelaide +09:30/+10:30, Lord Howe 30-minute DST), S sensors each, 15-minute kWh readings
from 2024-10-20 (European and US fall-back days inside), 5 % of readings first sent with a wrong
value and corrected by a later row, 2 % re-sent unchanged.

    PYTHONPATH=build/release/bindings/python/python /usr/bin/python3 bench/python/raw_aggregate_vs_pandas.py \
        [--readings N] [--csv-readings M] [--runs R]

Each side runs R times (default 5) in fresh processes, the sides interleaved round by round, so
that a burst of host noise hits every side; the ratios are of the medians (and of the minimums).

ENERGY_BENCH_SMOKE=1: tiny sizes.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Berlin",
         "Asia/Kolkata", "Australia/Adelaide", "Australia/Lord_Howe"]
BUILDINGS = 10


def make_raw(n: int):
    """(frame with ts, sensor, value in ingest order with duplicates, sensors per building)."""
    import numpy as np
    import pandas as pd

    per = max(1, min(1000, n // (BUILDINGS * 96 * 7)))
    sensors = BUILDINGS * per
    intervals = max(1, n // sensors)
    start = np.datetime64("2024-10-20T00:00:00", "ns")
    ts = np.repeat(start + np.arange(intervals, dtype="int64") * np.timedelta64(15, "m"), sensors)
    sensor = np.tile(np.arange(sensors, dtype="int32"), intervals)
    rng = np.random.default_rng(7)
    value = np.round(rng.gamma(2.0, 0.6, size=ts.size), 3)
    roll = rng.random(ts.size)
    wrong = roll < 0.05        # sent first with another value, corrected right after
    resent = (roll >= 0.05) & (roll < 0.07)
    # Row order: [wrong version], true version, [re-send] — per reading, in ingest order.
    reps = 1 + wrong + resent
    idx = np.repeat(np.arange(ts.size), reps)
    first_of = np.cumsum(reps) - reps
    is_wrong_copy = np.zeros(idx.size, bool)
    is_wrong_copy[first_of[wrong]] = True
    vals = value[idx].copy()
    vals[is_wrong_copy] += 1.5
    frame = pd.DataFrame({"ts": ts[idx], "sensor": sensor[idx], "value": vals})
    return frame, per


def metadata(per: int):
    import energy

    # Fixed ids, so that a CSV written by one process names the sensors of another's metadata.
    t = energy.Tenant("bench")
    bl = [energy.Building(t.id, f"b{i}", ZONES[i % len(ZONES)], id=f"00000000-0000-4000-8000-{i:012x}")
          for i in range(BUILDINGS)]
    sn = [energy.Sensor(bl[i // per].id, interval_seconds=900, created_at=0, id=f"00000000-0000-4000-9000-{i:012x}")
          for i in range(BUILDINGS * per)]
    return bl, sn


def pandas_pipeline(df, per: int):
    """The tuned idiomatic pandas pipeline on raw rows: de-duplicate (last wins), then per
    building: tz convert, local wall-clock hour (the fall-back hour twice) and day, groupby sum."""
    import pandas as pd

    df = df.drop_duplicates(["sensor", "ts"], keep="last")
    wh = (df["value"] * 1000).round().astype("int64")
    building = df["sensor"].to_numpy() // per
    hourly, daily = [], []
    for b in range(BUILDINGS):
        mask = building == b
        utc = pd.DatetimeIndex(df["ts"].to_numpy()[mask]).tz_localize("UTC")
        wall = utc.tz_convert(ZONES[b % len(ZONES)]).tz_localize(None)
        offset = wall - utc.tz_localize(None)
        part = pd.Series(wh.to_numpy()[mask])
        hourly.append(part.groupby(wall.floor("h") - offset).sum())
        daily.append(part.groupby(wall.normalize()).sum())
    return sum(len(h) for h in hourly), sum(len(d) for d in daily), int(sum(int(d.sum()) for d in daily))


def write_csv(path: str, df, sn) -> None:
    import numpy as np
    import pandas as pd

    ids = np.array([s.id for s in sn])
    out = pd.DataFrame({"sensor_id": ids[df["sensor"].to_numpy()],
                        "timestamp": pd.DatetimeIndex(df["ts"]).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "value": df["value"].map("{:.3f}".format)})
    out.to_csv(path, index=False)


def child(side: str, n: int, csv_path: str) -> dict:
    import numpy as np
    import pandas as pd

    import energy

    df, per = make_raw(n)
    bl, sn = metadata(per)
    if side.endswith("-csv") and not os.path.exists(csv_path):
        write_csv(csv_path, df, sn)  # not timed
    t0 = time.perf_counter()
    c0 = time.process_time()  # CPU of every thread of this process: meaningful on a loaded machine
    if side == "pandas-step":
        hours, days, total = pandas_pipeline(df, per)
    elif side in ("energy-step", "energy-step-1"):
        out = energy.aggregate(bl, sn, df["sensor"].to_numpy(), df["ts"].to_numpy(), value=df["value"].to_numpy(),
                               sensor_categories=[s.id for s in sn], threads=1 if side.endswith("-1") else 0)
        hours, days, total = len(out["hour"]["start"]), len(out["day"]["start"]), int(out["day"]["consumption_milli"].sum())
    elif side == "pandas-csv":
        raw = pd.read_csv(csv_path, dtype={"sensor_id": "category", "value": "float64"}, engine="c")
        ts = pd.to_datetime(raw["timestamp"], format="%Y-%m-%dT%H:%M:%SZ").to_numpy()
        code_of = {s.id: i for i, s in enumerate(sn)}
        codes = np.array([code_of[c] for c in raw["sensor_id"].cat.categories])[raw["sensor_id"].cat.codes.to_numpy()]
        hours, days, total = pandas_pipeline(pd.DataFrame({"ts": ts, "sensor": codes, "value": raw["value"]}), per)
    else:  # energy-csv: the whole process from the file, no store
        out = energy.summarize([csv_path], bl, sn, now="2100-01-01T00:00:00Z")
        hours, days, total = len(out["hour"]["start"]), len(out["day"]["start"]), int(out["day"]["consumption_milli"].sum())
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return {"seconds": elapsed, "step_cpu_seconds": cpu, "hourly_rows": hours, "daily_rows": days, "total_wh": total, "rows": len(df),
            "distinct": int((~df.duplicated(["sensor", "ts"], keep="last")).sum()), "sensors": len(sn),
            "cpu_seconds": resource.getrusage(resource.RUSAGE_SELF).ru_utime,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
        return
    p = argparse.ArgumentParser()
    p.add_argument("--readings", type=int, default=10_000_000)
    p.add_argument("--csv-readings", type=int, default=2_000_000)
    p.add_argument("--runs", type=int, default=5,
                   help="fresh processes per side, the sides interleaved in each round")
    a = p.parse_args()
    if os.environ.get("ENERGY_BENCH_SMOKE"):
        a.readings, a.csv_readings, a.runs = 20_000, 20_000, 1
    print(f"load average at start: {os.getloadavg()}")
    sides = (("pandas-step", a.readings), ("energy-step-1", a.readings), ("energy-step", a.readings),
             ("pandas-csv", a.csv_readings), ("energy-csv", a.csv_readings))
    runs = {side: [] for side, _ in sides}
    with tempfile.TemporaryDirectory() as d:
        csv_path = os.path.join(d, "raw.csv")
        for _ in range(a.runs):
            for side, n in sides:
                out = subprocess.run([sys.executable, __file__, "--child", side, str(n), csv_path], check=True,
                                     capture_output=True, text=True).stdout
                runs[side].append(json.loads(out.strip().splitlines()[-1]))
        csv_mb = os.path.getsize(csv_path) / 1e6
    for side, _ in sides:
        r = runs[side][0]
        wall = sorted(x["seconds"] for x in runs[side])
        cpu = sorted(x["step_cpu_seconds"] for x in runs[side])
        print(f"{side:14s} rows {r['rows']:>11,d} (distinct {r['distinct']:,d}, {r['sensors']} sensors)  "
              f"wall min {wall[0]:.3f} median {statistics.median(wall):.3f} s  CPU median {statistics.median(cpu):.3f} s  "
              f"peak RSS {max(x['peak_rss_mib'] for x in runs[side]):7.1f} MiB  total {r['total_wh']:,d} Wh", flush=True)
    for a_side, b_side in (("pandas-step", "energy-step-1"), ("pandas-step", "energy-step"),
                           ("pandas-csv", "energy-csv")):
        for x, y in zip(runs[a_side], runs[b_side]):
            if x["total_wh"] != y["total_wh"] or x["hourly_rows"] != y["hourly_rows"]:
                raise SystemExit(f"results differ: {a_side} vs {b_side}")

    def ratio(a_side: str, b_side: str, key: str, pick) -> float:
        return pick([x[key] for x in runs[a_side]]) / pick([x[key] for x in runs[b_side]])

    med, low = statistics.median, min
    print(f"{a.runs} runs per side, interleaved; ratios of medians (of minimums)")
    print(f"step (in-memory raw columns): energy {ratio('pandas-step', 'energy-step', 'seconds', med):.1f}x "
          f"({ratio('pandas-step', 'energy-step', 'seconds', low):.1f}x) tuned pandas wall, "
          f"{ratio('pandas-step', 'energy-step-1', 'seconds', med):.1f}x "
          f"({ratio('pandas-step', 'energy-step-1', 'seconds', low):.1f}x) on one thread; "
          f"CPU {ratio('pandas-step', 'energy-step', 'step_cpu_seconds', med):.1f}x")
    print(f"whole process from a {csv_mb:.0f} MB CSV: energy.summarize "
          f"{ratio('pandas-csv', 'energy-csv', 'seconds', med):.1f}x "
          f"({ratio('pandas-csv', 'energy-csv', 'seconds', low):.1f}x) tuned pandas wall, "
          f"{ratio('pandas-csv', 'energy-csv', 'step_cpu_seconds', med):.1f}x CPU")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
