# SPDX-License-Identifier: Apache-2.0
"""Issue #18's layout decision, as measured before the library adopted it: the bare sqlite3 import
(WAL, synchronous=FULL, one commit per 500,000 rows) with the readings one B-tree row per reading
(energy_readings as the library's schema had it up to version 4, kept as the reference and created
by the bench program) or one row per (sensor, UTC span) holding the span's readings as a compact
blob (bench/sqlite/chunked_csv_import.cpp, the bench-only table bench_reading_chunks; the library's
own energy_reading_chunks since schema version 5 uses the same encoding with a span per sensor
interval), on cli_vs_pandas.py's data.

Per layout (rows; 1 h, 6 h, 1 day chunks): import in file order and with 100,000-row blocks sorted
by key; every reading decoded (full scan); 1,000 single-sensor 24-hour reads; a day of live ingest
after the data (all sensors x 96 quarter-hours, one transaction per quarter-hour = 5,000 readings),
and single-reading transactions (SINGLE sensors x 96 quarter-hours, time-major, one commit each);
database size. Tuned pandas (cli_vs_pandas.py --pandas) in the same sitting as the ratio reference.
Runs interleave the configurations; min and median are printed. Checks: every layout holds every
reading energy import stored, value for value (after the import, against the library's chunks as
the bench decodes them; after the live day, against the row layout); the chunk merge's outcomes add
up (inserted = distinct readings).

    PYTHONPATH=build/release/bindings/python/python /usr/bin/python3 bench/python/sqlite_layouts.py \\
        build/release/cli/energy [--runs 5] [--single 50]

ENERGY_BENCH_SMOKE=1: a tiny portfolio, one run (the checks, no timing claims).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_vs_pandas import make_raw, timed  # noqa: E402

SPANS = (0, 3600, 21600, 86400)


def label(span):
    return "rows (1 per reading)" if span == 0 else f"chunks per {span // 3600} h"


def kv(line):
    """`key value key value ...` to a dict of floats."""
    f = line.split()
    return {f[i]: float(f[i + 1]) for i in range(0, len(f) - 1, 2)}


def run(exe, *args):
    p = subprocess.run([exe, *map(str, args)], check=True, capture_output=True, text=True)
    return kv(p.stdout)


def stats(xs):
    return f"{min(xs):7.3f} {statistics.median(xs):7.3f}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("energy")
    p.add_argument("--buildings", type=int, default=50)
    p.add_argument("--sensors", type=int, default=100)
    p.add_argument("--days", type=int, default=2)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--single", type=int, default=50, help="sensors of the single-reading live test")
    a = p.parse_args()
    if os.environ.get("ENERGY_BENCH_SMOKE"):
        a.buildings, a.sensors, a.days, a.runs, a.single = 2, 3, 1, 1, 2
    exe = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(a.energy))), "bench", "sqlite",
                       "energy_bare_sqlite_chunked")
    loads = [os.getloadavg()]
    with tempfile.TemporaryDirectory() as d:
        raw, counts = make_raw(a.energy, d, a.buildings, a.sensors, a.days)
        meta = os.path.join(d, "meta.db")
        store = os.path.join(d, "store.db")
        shutil.copy(meta, store)
        timed([a.energy, "--db", "sqlite:" + store, "import", raw, "--quiet"], dict(os.environ))
        res = {}  # (what, span, order) -> list of dicts

        def add(key, r):
            res.setdefault(key, []).append(r)

        for rep in range(a.runs):
            spans = SPANS[rep % len(SPANS):] + SPANS[:rep % len(SPANS)]  # rotate the order per run
            for span in spans:
                for order in ("file", "sorted") if rep % 2 == 0 else ("sorted", "file"):
                    db = os.path.join(d, f"l{span}-{order}.db")
                    shutil.copy(meta, db)
                    r = run(exe, "import", db, raw, order, span)
                    r["size"] = os.path.getsize(db)
                    add(("import", span, order), r)
                    if rep == 0:
                        v = run(exe, "verify", store, "library", db, span)
                        if v["equal"] != 1:
                            raise SystemExit(f"{label(span)} {order}: readings differ from energy import's")
                        if span and (r["inserted"] != counts["distinct"] or
                                     r["inserted"] + r["unchanged"] + r["replaced"] + r["superseded"] != counts["rows"]):
                            raise SystemExit(f"{label(span)} {order}: outcomes {r} do not add up to {counts}")
                add(("scan", span, ""), run(exe, "scan", os.path.join(d, f"l{span}-sorted.db"), span))
                add(("range", span, ""), run(exe, "range", os.path.join(d, f"l{span}-sorted.db"), span, 1000))
                for batch, sensors in ((5000, 5000), (1, a.single)):
                    db = os.path.join(d, f"live{span}.db")
                    shutil.copy(os.path.join(d, f"l{span}-sorted.db"), db)
                    add(("live", span, batch), run(exe, "live", db, span, sensors, batch))
                    if rep == 0 and batch == 5000:
                        shutil.copy(db, os.path.join(d, f"afterlive{span}.db"))
            out = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                               "cli_vs_pandas.py"), "--pandas", raw, meta],
                                 check=True, capture_output=True, text=True).stdout.split()
            add(("pandas", 0, ""), {"seconds": float(out[0]), "cpu": float(out[3])})
            loads.append(os.getloadavg())
        for span in SPANS[1:]:
            v = run(exe, "verify", os.path.join(d, "afterlive0.db"), 0, os.path.join(d, f"afterlive{span}.db"), span)
            if v["equal"] != 1:
                raise SystemExit(f"{label(span)}: readings after the live day differ from the row layout's")

    print(f"data: {counts}; {a.runs} interleaved runs; min and median; load averages {loads}")
    pd = res[("pandas", 0, "")]
    print(f"pandas read_csv .. groupby: {stats([r['seconds'] for r in pd])} s wall")
    print(f"{'layout':22s} {'order':7s} {'import wall':>15s} {'import CPU':>15s} {'written MB':>10s} {'size MB':>8s}")
    for span in SPANS:
        for order in ("file", "sorted"):
            rs = res[("import", span, order)]
            extra = ""
            if span:
                r = rs[0]
                extra = (f"  inserted {r['inserted']:.0f} unchanged {r['unchanged']:.0f} replaced {r['replaced']:.0f}"
                         f" superseded {r['superseded']:.0f} chunk writes {r['chunk_writes']:.0f}")
            print(f"{label(span):22s} {order:7s} {stats([r['seconds'] for r in rs])} {stats([r['cpu'] for r in rs])}"
                  f" {statistics.median(r['written'] for r in rs) / 1e6:10.1f} {rs[0]['size'] / 1e6:8.1f}{extra}")
    print(f"{'layout':22s} {'full scan s':>15s} {'scan CPU s':>15s} {'1000 range reads s':>19s}")
    for span in SPANS:
        sc, rg = res[("scan", span, "")], res[("range", span, "")]
        print(f"{label(span):22s} {stats([r['seconds'] for r in sc])} {stats([r['cpu'] for r in sc])}"
              f" {stats([r['seconds'] for r in rg]):>19s}")
    lb0, ls0 = res[("live", 0, 5000)][0], res[("live", 0, 1)][0]
    print(f"live day: {lb0['readings']:.0f} readings in {lb0['transactions']:.0f} transactions (batch); "
          f"{ls0['readings']:.0f} readings in {ls0['transactions']:.0f} single-reading transactions")
    print(f"{'layout':22s} {'batch wall s':>15s} {'batch CPU s':>15s} {'MB written':>10s}"
          f" {'single wall s':>15s} {'single CPU s':>15s} {'KB/tx':>7s}")
    for span in SPANS:
        lb, ls = res[("live", span, 5000)], res[("live", span, 1)]
        print(f"{label(span):22s} {stats([r['seconds'] for r in lb])} {stats([r['cpu'] for r in lb])}"
              f" {statistics.median(r['written'] for r in lb) / 1e6:10.1f}"
              f" {stats([r['seconds'] for r in ls])} {stats([r['cpu'] for r in ls])}"
              f" {statistics.median(r['written'] for r in ls) / ls[0]['transactions'] / 1e3:7.2f}")
    print("checks: every layout equals energy import's readings after the import, and the row layout's after the live day")


if __name__ == "__main__":
    main()
