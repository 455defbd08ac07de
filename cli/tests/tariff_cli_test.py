# SPDX-License-Identifier: Apache-2.0
"""`energy tariff set|show` and the stored tariff versions in summaries and bills, end to end on a
real SQLite file; usage errors that must not create a store.

usage: tariff_cli_test.py PATH/TO/energy DATA_DIR DOCS_EXAMPLES_DIR

Three versions of one building's tariff (real URDB records): the documentation sample from
2016-07-01, Southern California Edison's GS-2 TOU B from 2016-08-01, then Entergy Arkansas'
LPS-TOU uploaded for the same 2016-08-01 (supersedes). After each `aggregate`, every hourly
summary cost equals what `energy summarize --tariff FILE` (billing::tariff_cost, no store, one
tariff) computes from the same readings with the version in effect on that hour's local date;
hours before the first version have no price and are printed empty. `bill` without --tariff
equals `bill --tariff FILE` of the version in effect, `reconcile` likewise; a period across two
versions is refused."""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime

ENERGY, DATA, EXAMPLES = (os.path.abspath(p) for p in sys.argv[1:4])
CSV = os.path.join(DATA, "eemeter", "il-electricity-cdd-only-hourly.csv")
SAMPLE = os.path.join(EXAMPLES, "small-commercial-tou.urdb.json")
SCE = os.path.join(DATA, "tariffs", "reopt_incentives.json")
ENTERGY = os.path.join(DATA, "tariffs", "reopt_re_emissions_elec_only.json")
ZONE = "America/Chicago"


def run(*args, expect=0, cwd=None, env=None):
    p = subprocess.run([ENERGY, *args], capture_output=True, text=True, cwd=cwd, env=env)
    assert p.returncode == expect, (args, p.returncode, p.stdout, p.stderr)
    return p


def usage_errors_open_no_store():
    with tempfile.TemporaryDirectory() as d:
        env = {k: v for k, v in os.environ.items() if k != "ENERGY_DB"}
        bid = "0190a0e0-0000-7000-8000-000000000001"
        cases = [
            (["tariff", "set", "--building", "nope", "--effective", "2016-07-01", SAMPLE], "--building"),
            (["tariff", "set", "--building", bid, "--effective", "2016-02-30", SAMPLE], "--effective"),
            (["tariff", "set", "--building", bid, SAMPLE], "--effective"),
            (["tariff", "show", "--building", bid, "--at", "16-07-01"], "--at"),
            (["tariff", "show", "--building", bid, "--format", "xml"], "--format"),
            (["tariff", "show", "--building", bid, "--colour"], "--colour"),
            (["tariff", "frobnicate"], "subcommand"),
            (["bill", "--building", bid, "--from", "2016-07-01", "--to", "2016-13-01"], "--to"),
            (["summaries", "--building", "x"], "--building"),
            (["anomalies", "--building", bid, "--from", "2016-07-01"], "--to"),
            (["greenbutton", "fetch", "--building", bid, "--url", "http://x"], "--token-file"),
            (["import"], "file"),
            (["nosuchcommand"], "nosuchcommand"),
        ]
        for args, named in cases:
            p = run(*args, expect=2, cwd=d, env=env)
            assert named in p.stderr, (args, p.stderr)
        for args in (["tariff", "--help"], ["tariff", "set", "-h"], ["bill", "-h"]):
            p = run(*args, cwd=d, env=env)
            assert "usage:" in p.stdout, (args, p.stdout)
        p = run("--version", cwd=d, env=env)
        assert re.fullmatch(r"\d+\.\d+\.\d+\n", p.stdout), p.stdout
        assert os.listdir(d) == [], f"a usage error or help left {os.listdir(d)}"


def hourly_rows(db, b):
    """{start_utc: row} of the building's stored hourly summaries."""
    out = run("--db", db, "summaries", "--building", b, "--resolution", "hour", "--format", "csv").stdout
    return {r["start_utc"]: r for r in csv.DictReader(io.StringIO(out))}


def hourly_costs(db, b):
    """{start_utc: cost text} of the building's stored hourly summaries."""
    return {start: r["cost"] for start, r in hourly_rows(db, b).items()}


def cents(kwh_text, price_text):
    """kWh x $/kWh as the summaries print it: to the micro-dollar, then to the cent, halves away from 0."""
    from decimal import ROUND_HALF_UP, Decimal
    exact = (Decimal(kwh_text) * Decimal(price_text)).quantize(Decimal("0.000001"), ROUND_HALF_UP)
    return str(exact.quantize(Decimal("0.01"), ROUND_HALF_UP))


def summarize_costs(d, csv_path, sensors, sensor, tariff, *extra):
    """{start_utc: cost} of the building's hours priced by one tariff, without a store."""
    out = run("summarize", csv_path, "--sensors", sensors, "--sensor", sensor, "--resolution", "hour",
              "--format", "csv", "--tariff", tariff, *extra, cwd=d).stdout
    return {r["start_utc"]: r["cost"] for r in csv.DictReader(io.StringIO(out)) if r["scope"] == "building"}


def local_date(utc_text):
    from zoneinfo import ZoneInfo
    t = datetime.fromisoformat(utc_text.replace("Z", "+00:00"))
    return t.astimezone(ZoneInfo(ZONE)).date().isoformat()


def main():
    usage_errors_open_no_store()
    with tempfile.TemporaryDirectory() as d:
        db = "sqlite:" + os.path.join(d, "t.db")
        # Four months of the real hourly meter data (June to September 2016).
        part = os.path.join(d, "summer.csv")
        with open(CSV) as src, open(part, "w") as dst:
            rows = list(csv.reader(src))
            dst.write("start,value\n")
            for r in rows[1:]:
                if "2016-06-01" <= r[0][:10] < "2016-10-01":
                    dst.write(f"{r[0]},{r[1]}\n")
        t = run("--db", db, "tenant", "add", "--name", "Acme").stdout.strip()
        b = run("--db", db, "building", "add", "--tenant", t, "--name", "HQ", "--tz", ZONE).stdout.strip()
        m = run("--db", db, "sensor", "add", "--building", b, "--type", "electricity", "--interval", "3600",
                "--max", "50", "--created", "2015-01-01").stdout.strip()
        run("--db", db, "import", part, "--sensor", m, "--quiet")
        sensors = os.path.join(d, "sensors.csv")
        with open(sensors, "w") as f:
            f.write("sensor_id,building_id,time_zone,type,interval_seconds\n")
            f.write(f"{m},{b},{ZONE},electricity,3600\n")

        # No tariff: bill needs one, and says so (exit 1), never a default price.
        p = run("--db", db, "bill", "--building", b, "--from", "2016-07-01", "--to", "2016-08-01", expect=1)
        assert "no stored tariff" in p.stderr, p.stderr
        # A tariff that cannot bill is refused with exit 3 and nothing stored.
        empty = os.path.join(d, "empty.json")
        with open(empty, "w") as f:
            json.dump({"name": "nothing", "energyratestructure": []}, f)
        run("--db", db, "tariff", "set", "--building", b, "--effective", "2016-07-01", empty, expect=3)
        run("--db", db, "tariff", "show", "--building", b, expect=1)
        # An unknown building is "not found" (exit 1).
        run("--db", db, "tariff", "set", "--building", "0190a0e0-0000-7000-8000-000000000001",
            "--effective", "2016-07-01", SAMPLE, expect=1)

        # The sample with Independence Day as the utility's holiday (stored with the version); SCE
        # without holidays, which tariff set points out (its weekend schedule differs).
        run("--db", db, "tariff", "set", "--building", b, "--effective", "2016-07-01", SAMPLE,
            "--holidays", "2016-07-04,2016-12-26")
        p = run("--db", db, "tariff", "set", "--building", b, "--effective", "2016-08-01", SCE)
        assert "no --holidays given" in p.stderr, p.stderr
        run("--db", db, "aggregate")
        by = {name: summarize_costs(d, part, sensors, m, file)
              for name, file in (("sample", SAMPLE), ("sce", SCE), ("entergy", ENTERGY))}

        def check(expected_version):
            rows = hourly_rows(db, b)
            assert len(rows) == len(by["sample"]) > 2900, (len(rows), len(by["sample"]))
            moved = 0
            for start, row in rows.items():
                version = expected_version(local_date(start))
                want = "" if version is None else by[version][start]
                if version == "sample" and local_date(start) == "2016-07-04":
                    # The stored holiday: every hour at the sample's weekend price (0.0937 $/kWh),
                    # where `summarize --tariff` (no holidays) prices the afternoon at 0.1712.
                    moved += want != cents(row["consumption_kWh"], "0.0937")
                    want = cents(row["consumption_kWh"], "0.0937")
                assert row["cost"] == want, (start, local_date(start), row["cost"], want, version)
            assert moved >= 3, "the holiday must change some of July 4's hourly costs"

        assert sum(float(c) for s, c in by["sample"].items() if c) > 100, "the sample tariff prices nothing"
        assert by["sce"] != by["entergy"] != by["sample"]
        check(lambda day: None if day < "2016-07-01" else "sample" if day < "2016-08-01" else "sce")
        # `summarize --tariff FILE --holidays ...` prices July as the stored version does.
        with_days = summarize_costs(d, part, sensors, m, SAMPLE, "--holidays", "2016-07-04,2016-12-26")
        stored = hourly_costs(db, b)
        july = [s for s in stored if "2016-07-01" <= local_date(s) < "2016-08-01"]
        assert len(july) == 744 and all(stored[s] == with_days[s] for s in july)
        # A report's July bill under the sample with 4 July as a holiday: that afternoon's kWh
        # (the sample's on-peak 12:00-18:00), summed here from the CSV, move to off-peak.
        from decimal import Decimal
        from zoneinfo import ZoneInfo
        afternoon = Decimal(0)
        with open(CSV) as f:
            for r in csv.DictReader(f):
                t = datetime.fromisoformat(r["start"]).astimezone(ZoneInfo(ZONE))
                if t.date().isoformat() == "2016-07-04" and 12 <= t.hour < 18:
                    afternoon += Decimal(r["value"])

        def report_energy(*extra):
            out = run("--db", db, "report", "--building", b, "--period", "month", "--end", "2016-08-01",
                      "--table", "bills", "--format", "csv", "--tariff", SAMPLE, *extra).stdout
            return {int(r["period"]): Decimal(r["quantity"]) for r in csv.DictReader(io.StringIO(out))
                    if r["kind"] == "energy"}
        plain, holiday = report_energy(), report_energy("--holidays", "2016-07-04")
        assert afternoon > 0 and holiday[0] - plain[0] == afternoon == plain[1] - holiday[1], \
            (plain, holiday, afternoon)
        # --holidays prices a --tariff file: without one it is a usage error.
        for cmd in (["report", "--building", b], ["recommend", "--building", b, "--from", "2016-07-01", "--to",
                                                  "2016-08-01"]):
            p = run("--db", db, *cmd, "--holidays", "2016-07-04", expect=2)
            assert "--holidays needs --tariff" in p.stderr, (cmd, p.stderr)
        # The same date again supersedes: August on repriced, July untouched.
        run("--db", db, "tariff", "set", "--building", b, "--effective", "2016-08-01", ENTERGY)
        run("--db", db, "aggregate")
        check(lambda day: None if day < "2016-07-01" else "sample" if day < "2016-08-01" else "entergy")

        shown = json.loads(run("--db", db, "tariff", "show", "--building", b, "--at", "2016-08-15",
                               "--format", "json").stdout)
        versions = [(r["revision"], r["effective"], r["status"]) for r in shown if r["kind"] == "version"]
        assert versions == [(1, "2016-07-01", "earlier"), (2, "2016-08-01", "superseded"),
                            (3, "2016-08-01", "in effect")], versions
        assert any(r["kind"] == "energy" for r in shown) and any(r["kind"] == "energy_weekday" for r in shown)
        assert [r["detail"] for r in shown if r["kind"] == "holidays"] == ["not known: priced as weekdays"], shown
        shown = json.loads(run("--db", db, "tariff", "show", "--building", b, "--at", "2016-07-15",
                               "--format", "json").stdout)
        assert [r["detail"] for r in shown if r["kind"] == "holidays"] == ["2016-07-04,2016-12-26"], shown

        # Bills: the stored version in effect equals the same file given with --tariff.
        # (The July version's holidays are given with the file; the stored ones come with the version.)
        july_days = ("--holidays", "2016-07-04,2016-12-26")
        for start, end, file, days in (("2016-07-01", "2016-08-01", SAMPLE, july_days),
                                       ("2016-08-01", "2016-09-01", ENTERGY, ())):
            stored = run("--db", db, "bill", "--building", b, "--from", start, "--to", end, "--format", "csv")
            given = run("--db", db, "bill", "--building", b, "--from", start, "--to", end, "--tariff", file,
                        *days, "--format", "csv")
            assert stored.stdout == given.stdout, (start, stored.stdout, given.stdout)
            assert "stored revision" in stored.stderr, stored.stderr
        p = run("--db", db, "bill", "--building", b, "--from", "2016-07-15", "--to", "2016-08-15", expect=1)
        assert "spans two stored tariff versions" in p.stderr and "2016-08-01" in p.stderr, p.stderr

        # Reconcile: the July bill alone is on the July version; the quarter's bills span two.
        bills = os.path.join(EXAMPLES, "bills-2016q3.csv")
        july = os.path.join(d, "july.csv")
        with open(bills) as f, open(july, "w") as out:
            lines = f.read().splitlines()
            out.write("\n".join([lines[0]] + [l for l in lines[1:] if l.split(",")[1] == "2016-07-01"]) + "\n")
        stored = run("--db", db, "reconcile", "--building", b, "--bills", july, "--end-date", "exclusive",
                     "--format", "csv").stdout
        given = run("--db", db, "reconcile", "--building", b, "--bills", july, "--end-date", "exclusive",
                    "--tariff", SAMPLE, *july_days, "--format", "csv").stdout
        assert stored == given and len(stored.splitlines()) == 2, (stored, given)
        p = run("--db", db, "reconcile", "--building", b, "--bills", bills, "--end-date", "exclusive", expect=1)
        assert "spans two stored tariff versions" in p.stderr, p.stderr
    print("ok")


if __name__ == "__main__":
    main()
