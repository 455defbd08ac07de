# SPDX-License-Identifier: Apache-2.0
"""The operator's path: a raw CSV (re-sent and corrected rows) to daily local-time building
summaries, through the `energy` CLI (import into SQLite with synchronous=FULL + aggregate; and the
store-less `summarize`) vs tuned pandas on the same file (read_csv, drop_duplicates keep="last",
tz convert, groupby). Each side in its own process; the daily totals must agree to the Wh.

Also run, as the labelled reference for the import (issue #18: "the bare sqlite3 loop with the
same durability settings"): bench/sqlite/bare_csv_import.cpp on the same file into a copy of the
same database (WAL, synchronous=FULL, one commit per 500,000 rows, no validation, no dirty marks),
in file order and with each 100,000-row block sorted by key, one row per reading in the
energy_readings table the library's schema had up to version 4 (the program creates it; version 5
keeps the library's readings as chunks, one row per sensor and UTC span). It is found next to the
CLI in the build tree (build/<preset>/bench/sqlite/energy_bare_sqlite_import) and skipped when
missing; its count and sum of values must equal those of the readings energy import stored, which
this script reads back through the library's store API (store_readings). Also, labelled "layout probe", the
same loop storing one row per (sensor, UTC hour or day) with the span's readings as a blob
(bench/sqlite/chunked_csv_import.cpp, energy_bare_sqlite_chunked; a bench-only table), checked
reading for reading against energy import's store; the full matrix of that decision (scans, range
reads, live ingest, sizes) is bench/python/sqlite_layouts.py.

    PYTHONPATH=build/release/bindings/python/python /usr/bin/python3 bench/python/cli_vs_pandas.py \
        build/release/cli/energy [--buildings 50 --sensors 100 --days 2] [--runs 5]

ENERGY_BENCH_SMOKE=1: a tiny portfolio.
"""
import argparse
import os
import random
import resource
import statistics
import shutil
import subprocess
import sys
import tempfile
import time


GNU_TIME = "/usr/bin/time"


def timed(cmd, env):
    """(wall s, CPU s, peak RSS MiB, result) of one command. A child's own peak RSS starts at this
    process's (Linux keeps the larger across exec, and this script held the file's lines), so the
    peak comes from GNU time (`time` package), which forks the command from a small process; without
    it, from wait4 (an upper bound)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        use_time = os.access(GNU_TIME, os.X_OK)
        full = [GNU_TIME, "-f", "%M", "-o", rss.name] + cmd if use_time else cmd
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, env=env, stdout=out, stderr=err, text=True)
        _, status, ru = os.wait4(proc.pid, 0)  # CPU includes the command under GNU time
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        p = subprocess.CompletedProcess(cmd, proc.returncode, out.read(), err.read())
        lines = rss.read().split()
        peak_mib = int(lines[-1]) / 1024 if use_time and lines else ru.ru_maxrss / 1024
    if p.returncode not in (0, 3):
        raise SystemExit(f"{cmd}: exit {p.returncode}\n{p.stderr}")
    return wall, ru.ru_utime + ru.ru_stime, peak_mib, p


def make_raw(energy, d, buildings, sensors, days):
    """Generates the portfolio into d/meta.db and the raw feed d/raw.csv; returns (raw path,
    {"distinct", "wrong", "resent", "rows"}). The feed: 5 % of rows first sent 1.5 kWh too high (the
    right value follows later in the file), 2 % re-sent unchanged at the end."""
    gen = os.path.join(d, "gen.csv")
    subprocess.run([energy, "--db", "sqlite:" + os.path.join(d, "meta.db"), "generate", "--out", gen,
                    "--buildings", str(buildings), "--sensors", str(sensors), "--days", str(days),
                    "--format", "csv"], check=True, capture_output=True)
    rng = random.Random(7)
    with open(gen) as f:
        header, *body = f.read().splitlines()
    wrong = [r.rsplit(",", 1)[0] + f",{float(r.rsplit(',', 1)[1]) + 1.5:.3f}" for r in body if rng.random() < 0.05]
    resent = [r for r in body if rng.random() < 0.02]
    raw = os.path.join(d, "raw.csv")
    with open(raw, "w") as f:
        f.write("\n".join([header] + wrong + body + resent) + "\n")
    counts = {"distinct": len(body), "wrong": len(wrong), "resent": len(resent),
              "rows": len(wrong) + len(body) + len(resent)}
    mb = os.path.getsize(raw) / 1e6
    print(f"data: {buildings} buildings x {sensors} sensors x {days} days of 15-min readings "
          f"({counts['distinct']:,d} distinct, {counts['rows']:,d} rows, {mb:.0f} MB CSV)")
    return raw, counts


def store_readings(db_path):
    """(count, sum of values) of the readings the library stored in a SQLite database, read back
    through its store API (the Python bindings): every building's readings, every chunk decoded."""
    import energy

    st = energy.open_store("sqlite:" + db_path)
    n = total = 0
    for t in st.tenants():
        for b in st.buildings(t.id):
            for part in st.iter_building_readings(b.id):
                n += len(part["ts"])
                total += int(part["value_milli"].sum())
    st.close()
    return n, total


def reference_readings(db_path):
    """(count, sum of values) of the bare reference's row table (bare_csv_import.cpp)."""
    import sqlite3

    with sqlite3.connect(db_path) as c:
        n, total = c.execute("SELECT count(*), sum(value) FROM energy_readings").fetchone()
        return n, total or 0


def pandas_days(csv_path, db_uri):
    """Tuned pandas from the CSV: categorical ids, one tz conversion per building."""
    import numpy as np
    import pandas as pd

    import energy

    st = energy.open_store(db_uri)
    zone_of_sensor = {}
    for t in st.tenants():
        for b in st.buildings(t.id):
            for s in st.sensors(b.id):
                zone_of_sensor[s.id] = (b.id, b.time_zone)
    t0 = time.perf_counter()
    df = pd.read_csv(csv_path, dtype={"sensor_id": "category", "value": "float64"})
    df = df.drop_duplicates(["sensor_id", "timestamp"], keep="last")
    ts = pd.to_datetime(df["timestamp"], format="%Y-%m-%dT%H:%M:%SZ")  # naive UTC
    wh = (df["value"] * 1000).round().astype("int64").to_numpy()
    cats = df["sensor_id"].cat.categories
    building_of_cat = np.array([zone_of_sensor[c][0] for c in cats], dtype=object)
    bcodes = pd.Categorical(building_of_cat[df["sensor_id"].cat.codes.to_numpy()])
    zones = {b: z for b, z in zone_of_sensor.values()}
    total = 0
    days = 0
    for code, b in enumerate(bcodes.categories):
        mask = bcodes.codes == code
        wall = pd.DatetimeIndex(ts.to_numpy()[mask]).tz_localize("UTC").tz_convert(zones[b]).tz_localize(None)
        d = pd.Series(wh[mask]).groupby(wall.normalize()).sum()
        total += int(d.sum())
        days += len(d)
    return time.perf_counter() - t0, total, days


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--pandas":
        secs, total, days = pandas_days(sys.argv[2], sys.argv[3])
        ru = resource.getrusage(resource.RUSAGE_SELF)
        # VmHWM, not ru_maxrss: the latter starts at the parent's RSS when it forked (see timed).
        with open("/proc/self/status") as status:
            peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        print(f"{secs} {total} {days} {ru.ru_utime + ru.ru_stime} {peak_kib / 1024}")
        return
    p = argparse.ArgumentParser()
    p.add_argument("energy")
    p.add_argument("--buildings", type=int, default=50)
    p.add_argument("--sensors", type=int, default=100)
    p.add_argument("--days", type=int, default=2)
    p.add_argument("--runs", type=int, default=1,
                   help="import + aggregate and pandas, each run on a fresh copy of the store, interleaved; "
                        "times are the median (and min) over the runs")
    a = p.parse_args()
    if os.environ.get("ENERGY_BENCH_SMOKE"):
        a.buildings, a.sensors, a.days = 2, 3, 1
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ)
        meta = "sqlite:" + os.path.join(d, "meta.db")
        raw, counts = make_raw(a.energy, d, a.buildings, a.sensors, a.days)
        store = "sqlite:" + os.path.join(d, "store.db")
        # The measured pair, interleaved run by run with pandas: this machine's speed drifts by tens
        # of percent from minute to minute, so one run of each side can land in different minutes.
        imps, aggs, pds = [], [], []
        for _ in range(a.runs):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(os.path.join(d, "store.db" + suffix)):
                    os.remove(os.path.join(d, "store.db" + suffix))
            shutil.copy(os.path.join(d, "meta.db"), os.path.join(d, "store.db"))
            imps.append(timed([a.energy, "--db", store, "import", raw, "--quiet"], env))
            aggs.append(timed([a.energy, "--db", store, "aggregate"], env))
            out = subprocess.run([sys.executable, __file__, "--pandas", raw, meta], check=True,
                                 capture_output=True, text=True).stdout.split()
            pds.append((float(out[0]), int(out[1]), int(out[2]), float(out[3]), float(out[4])))
        imp = tuple(statistics.median(r[i] for r in imps) for i in range(3))
        agg = tuple(statistics.median(r[i] for r in aggs) for i in range(3))
        summ = timed([a.energy, "--db", meta, "summarize", raw, "--format", "csv"], env)
        bench_dir = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(a.energy))), "bench", "sqlite")
        bare_exe = os.path.join(bench_dir, "energy_bare_sqlite_import")
        bare = {}
        if os.path.exists(bare_exe):
            imported = store_readings(os.path.join(d, "store.db"))
            if imported[0] != counts["distinct"]:
                raise SystemExit(f"energy import stored {imported[0]} readings, the feed has {counts['distinct']}")
            for order in ("file", "sorted"):
                db = os.path.join(d, f"bare-{order}.db")
                shutil.copy(os.path.join(d, "meta.db"), db)
                bare[order] = timed([bare_exe, db, raw, order], env)
                # The reference must store what the import stored (same rows, same values).
                if reference_readings(db) != imported:
                    raise SystemExit(f"bare sqlite3 loop ({order}) stored {reference_readings(db)}, "
                                     f"energy import {imported}")
        # The same bare loop with the readings one row per (sensor, UTC span) (chunked_csv_import.cpp,
        # a bench-only table): it must hold every reading energy import stored, value for value.
        chunked_exe = os.path.join(bench_dir, "energy_bare_sqlite_chunked")
        chunked = {}
        if os.path.exists(chunked_exe):
            for span in (3600, 86400):
                for order in ("file", "sorted"):
                    db = os.path.join(d, f"chunked-{span}-{order}.db")
                    shutil.copy(os.path.join(d, "meta.db"), db)
                    chunked[span, order] = timed([chunked_exe, "import", db, raw, order, str(span)], env)
                    subprocess.run([chunked_exe, "verify", os.path.join(d, "store.db"), "library", db, str(span)],
                                   check=True, capture_output=True)
        pd_secs = statistics.median(r[0] for r in pds)
        pd_total, pd_days = pds[0][1], pds[0][2]
        pd_cpu, pd_rss = statistics.median(r[3] for r in pds), max(r[4] for r in pds)
        mine = [l.split(",") for l in summ[3].stdout.splitlines()[1:]]
        total = sum(round(float(r[7]) * 1000) for r in mine if r[0] == "building")
        if total != pd_total or len(mine) != pd_days:
            raise SystemExit(f"totals differ: summarize {total} Wh in {len(mine)} days, pandas {pd_total} Wh in {pd_days}")
        print(f"energy import (SQLite, synchronous=FULL)  {imp[0]:7.2f} s wall  {imp[1]:7.2f} s CPU  peak RSS {imp[2]:6.0f} MiB")
        print(f"energy aggregate                          {agg[0]:7.2f} s wall  {agg[1]:7.2f} s CPU  peak RSS {agg[2]:6.0f} MiB")
        for order, label in (("file", "file order"), ("sorted", "blocks sorted by key")):
            if order in bare:
                r = bare[order]
                print(f"reference: bare sqlite3 upsert loop, FULL, {label:20s} {r[0]:7.2f} s wall  {r[1]:7.2f} s CPU")
        for (span, order), r in chunked.items():
            label = f"{span // 3600} h chunks, {'file order' if order == 'file' else 'sorted blocks'}"
            print(f"layout probe: bare loop, FULL, {label:32s} {r[0]:7.2f} s wall  {r[1]:7.2f} s CPU")
        print(f"energy summarize (no store)               {summ[0]:7.2f} s wall  {summ[1]:7.2f} s CPU")
        print(f"pandas read_csv .. groupby (timed part)   {pd_secs:7.2f} s wall  (process CPU {pd_cpu:.2f} s, peak RSS {pd_rss:.0f} MiB)")
        pairs = [i[0] + g[0] for i, g in zip(imps, aggs)]
        print(f"ratio pandas / (import + aggregate): {pd_secs / statistics.median(pairs):.2f} (wall"
              + (f", medians of {a.runs} interleaved runs; of the minimums "
                 f"{min(r[0] for r in pds) / min(pairs):.2f}; per run "
                 + " ".join(f"{r[0] / t:.2f}" for r, t in zip(pds, pairs)) if a.runs > 1 else "") + ")")
        print(f"ratio pandas / summarize:            {pd_secs / summ[0]:.2f} (wall)")
        if "sorted" in bare:
            print(f"ratio import / bare sqlite3 loop (sorted blocks): {imp[0] / bare['sorted'][0]:.2f} (wall)")
        print(f"totals equal: {total:,d} Wh in {pd_days} building-days")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
