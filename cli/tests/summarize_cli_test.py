# SPDX-License-Identifier: Apache-2.0
"""`energy summarize` and the import clock, through the real binary and a real SQLite file.

usage: summarize_cli_test.py PATH/TO/energy
Checks: summaries of a raw file (corrections, re-sends) equal import + aggregate + summaries of the
same file; --sensors metadata without a store; superseded in-file rows are not rejections (exit 0);
future-dated rows need --now / --future-tolerance."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

ENERGY = sys.argv[1]


def run(*args, db, expect=0):
    p = subprocess.run([ENERGY, "--db", db, *args], capture_output=True, text=True)
    assert p.returncode == expect, (args, p.returncode, p.stdout, p.stderr)
    return p


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


def main():
    with tempfile.TemporaryDirectory() as d:
        db = "sqlite:" + os.path.join(d, "e.db")
        gen = os.path.join(d, "gen.csv")
        run("generate", "--out", gen, "--buildings", "2", "--sensors", "3", "--days", "2", "--format", "csv", db=db)
        with open(gen) as f:
            lines = f.read().splitlines()
        header, body = lines[0], lines[1:]
        # Raw feed: 40 rows first sent 5 kWh too high (corrected by the file's later row), the
        # file, then 20 rows re-sent unchanged.
        wrong = [",".join([r.split(",")[0], r.split(",")[1], f"{float(r.split(',')[2]) + 5:.3f}"]) for r in body[:40]]
        raw = os.path.join(d, "raw.csv")
        with open(raw, "w") as f:
            f.write("\n".join([header] + wrong + body + body[100:120]) + "\n")

        # Store-less: metadata from the store, no import.
        s = run("summarize", raw, "--format", "csv", "--resolution", "day", db=db)
        from_files = rows_of(s.stdout)
        assert "40 superseded" in s.stderr and "0 rejected" in s.stderr, s.stderr
        plain = rows_of(run("summarize", gen, "--format", "csv", "--resolution", "day", db=db).stdout)
        assert from_files == plain, "raw file must summarize like its last writes"

        # The store path: import (superseded in-file rows are not rejections: exit 0), aggregate.
        imp = run("import", raw, db=db)
        assert "40 superseded in input" in imp.stdout and "0 rejected" in imp.stdout, imp.stdout
        run("aggregate", db=db)
        buildings = {r["subject_id"] for r in from_files}
        assert len(buildings) == 2
        for b in buildings:
            stored = rows_of(run("summaries", "--building", b, "--format", "csv", "--resolution", "day", db=db).stdout)
            mine = [r for r in from_files if r["subject_id"] == b]
            assert len(stored) == len(mine) > 0
            for x, y in zip(stored, mine):
                assert (x["start_utc"], x["consumption_kWh"], x["peak_demand_kw"], x["cost"], x["readings"]) == (
                    y["start_utc"], y["consumption"], y["peak_demand"], y["cost"], y["readings"]), (x, y)

        # --sensors: metadata from a CSV, no store at all; a future-dated replay.
        sensors = os.path.join(d, "sensors.csv")
        bid, sid = "01a236cf-5e6c-7088-b7b0-ab56f48398db", "01a236cf-5e6c-7088-b7b0-ab56f48398dc"
        with open(sensors, "w") as f:
            f.write("sensor_id,building_id,time_zone,type,interval_seconds,flat_rate,building_name\n")
            f.write(f"{sid},{bid},America/New_York,electricity,900,0.10,HQ\n")
        future = os.path.join(d, "future.json")
        readings = [{"sensor_id": sid, "timestamp": "2031-03-09T06:15:00Z", "value": 9.0},
                    {"sensor_id": sid, "timestamp": "2031-03-09T06:30:00Z", "value": 2.5},
                    {"sensor_id": sid, "timestamp": "2031-03-09T06:15:00Z", "value": 1.5}]
        with open(future, "w") as f:
            json.dump({"readings": readings}, f)
        nowhere = "sqlite:" + os.path.join(d, "absent", "never.db")  # never opened with --sensors
        refused = run("summarize", future, "--sensors", sensors, "--format", "json", db=nowhere, expect=3)
        assert "future_timestamp" in refused.stderr, refused.stderr
        ok = run("summarize", future, "--sensors", sensors, "--format", "csv", "--resolution", "hour",
                 "--now", "2031-03-10T00:00:00Z", db=nowhere)
        hour = rows_of(ok.stdout)
        assert len(hour) == 1 and hour[0]["consumption"] == "4.000" and hour[0]["readings"] == "2", hour
        assert hour[0]["cost"] == "0.40" and hour[0]["peak_demand"] == "10.000", hour  # 2.5 kWh in 06:30-06:45 = 10 kW
        assert "1 superseded" in ok.stderr, ok.stderr
        tolerant = run("summarize", future, "--sensors", sensors, "--future-tolerance", "3650d", db=nowhere)
        assert "0 rejected" in tolerant.stderr
        run("summarize", future, "--sensors", sensors, "--future-tolerance", "ten", db=nowhere, expect=2)
        bad = os.path.join(d, "bad.csv")
        with open(bad, "w") as f:
            f.write("sensor_id,building_id,time_zone,type\n")
        p = run("summarize", future, "--sensors", bad, db=nowhere, expect=2)
        assert "interval_seconds" in p.stderr, p.stderr
    print("summarize CLI: all checks passed")


if __name__ == "__main__":
    main()
