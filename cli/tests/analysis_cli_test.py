# SPDX-License-Identifier: Apache-2.0
"""`energy bill`, `anomalies`, `recommend`, `baseline fit|predict`, `forecast`, `greenbutton import`, `reconcile` against the library called independently (Python binding).

usage: analysis_cli_test.py PATH/TO/energy DATA_DIR TARIFF.json   (PYTHONPATH: the energy package)
The CLI reads the readings it imported into a real SQLite file; the reference reads the same CSV
itself (no store) and calls energy.compute_bill / detect_data_quality / detect_schedule /
detect_after_hours / recommend / fit_towt. Also: usage errors name the flag, help opens no store, --format is one
switch across both commands."""
import csv
import decimal
import io
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np

import energy

ENERGY, DATA, TARIFF = sys.argv[1], sys.argv[2], sys.argv[3]
CSV = os.path.join(DATA, "eemeter", "il-electricity-cdd-only-hourly.csv")
TEMPS = os.path.join(DATA, "eemeter", "il-electricity-cdd-hdd-tempF.csv")
ZONE = "America/Chicago"


def run(*args, db, expect=0):
    p = subprocess.run([ENERGY, "--db", db, *args], capture_output=True, text=True)
    assert p.returncode == expect, (args, p.returncode, p.stdout, p.stderr)
    return p


def reference_series():
    """The CSV's hourly kWh as (epoch seconds, Wh), parsed here without the library."""
    ts, wh = [], []
    with open(CSV) as f:
        for r in csv.DictReader(f):
            ts.append(int(datetime.fromisoformat(r["start"]).timestamp()))
            wh.append(int((decimal.Decimal(r["value"]) * 1000).to_integral_value(decimal.ROUND_HALF_UP)))
    order = np.argsort(ts)
    return (np.array(ts, dtype=np.int64)[order] * 1_000_000_000).astype("datetime64[ns]"), np.array(wh, dtype=np.int64)[order]


def utc(day_text_local, offset):
    return f"{day_text_local}T00:00:00{offset}"


def check_bill(db, building, ts, wh):
    out = json.loads(run("bill", "--building", building, "--from", "2016-07-01", "--to", "2016-08-01",
                         "--tariff", TARIFF, "--format", "json", db=db).stdout)
    tariff = energy.read_urdb_file(TARIFF).tariff
    ref = energy.compute_bill(ts, wh, tariff, zone=ZONE, start=utc("2016-07-01", "-05:00"),
                              end=utc("2016-08-01", "-05:00"), interval_seconds=3600)
    total = [r for r in out if r["line"] == "total"]
    assert len(total) == 1, out
    cents = decimal.Decimal(ref.total).quantize(decimal.Decimal("0.01"))
    assert decimal.Decimal(str(total[0]["amount"])) == cents, (total, ref.total)
    assert decimal.Decimal(str(total[0]["quantity"])) * 1000 == ref.energy_milli, (total, ref.energy_milli)
    lines = [r for r in out if r["line"] != "total"]
    ref_lines = ref.lines
    assert [r["line"] for r in lines] == list(ref_lines["kind"]), (lines, ref_lines)
    for mine, amount, qty in zip(lines, ref_lines["amount"], ref_lines["quantity_milli"]):
        assert decimal.Decimal(str(mine["amount"])) == decimal.Decimal(str(amount)), (mine, amount)
        if mine["line"] in ("energy", "demand", "flat_demand"):
            assert decimal.Decimal(str(mine["quantity"])) * 1000 == int(qty), (mine, qty)
    assert cents > 0 and ref.energy_milli > 1_000_000, "a July bill of this building is not empty"
    # The same numbers as CSV and as a table.
    as_csv = list(csv.DictReader(io.StringIO(run("bill", "--building", building, "--from", "2016-07-01", "--to",
                                                 "2016-08-01", "--tariff", TARIFF, "--format", "csv", db=db).stdout)))
    assert as_csv[-1]["amount"] == f"{cents}", as_csv[-1]
    table = run("bill", "--building", building, "--from", "2016-07-01", "--to", "2016-08-01", "--tariff", TARIFF,
                db=db).stdout
    assert f"{cents}" in table.splitlines()[-1], table


def check_bill_holidays(db, building, ts, wh):
    """--holidays moves Independence Day (Monday 2016-07-04) to the weekend prices, as the library's
    Tariff.with_holidays does; without it the bill says weekdays were assumed; 'none' says there are
    none; a bad date is a usage error naming the option."""
    def bill(*extra):
        p = run("bill", "--building", building, "--from", "2016-07-01", "--to", "2016-08-01", "--tariff", TARIFF,
                "--format", "json", *extra, db=db)
        return json.loads(p.stdout)[-1], p.stderr
    plain = energy.read_urdb_file(TARIFF).tariff
    ref = energy.compute_bill(ts, wh, plain.with_holidays(["2016-07-04"]), zone=ZONE,
                              start=utc("2016-07-01", "-05:00"), end=utc("2016-08-01", "-05:00"),
                              interval_seconds=3600)
    with_day, err = bill("--holidays", "2016-07-04")
    cents = decimal.Decimal(ref.total).quantize(decimal.Decimal("0.01"))
    assert decimal.Decimal(str(with_day["amount"])) == cents, (with_day, ref.total)
    assert "holidays are not given" not in err, err
    without, err = bill()
    assert decimal.Decimal(str(without["amount"])) > cents, (without, with_day)  # July 4 afternoon is on-peak
    assert "holidays are not given" in err, err
    none, err = bill("--holidays", "none")
    assert none["amount"] == without["amount"] and "holidays are not given" not in err, (none, err)
    for bad, why in (("2016-07-32", "not a calendar date"), ("2016-07-04,2016-07-04", "given twice")):
        err = run("bill", "--building", building, "--from", "2016-07-01", "--to", "2016-08-01", "--tariff", TARIFF,
                  "--holidays", bad, db=db, expect=2).stderr
        assert "--holidays" in err and why in err, err


def check_monthly_bills(db, building, ts, wh):
    """--monthly gives one bill per local month with a month column; each equals that month's bill."""
    out = json.loads(run("bill", "--building", building, "--from", "2016-07-01", "--to", "2016-10-01",
                         "--tariff", TARIFF, "--monthly", "--format", "json", db=db).stdout)
    totals = [r for r in out if r["line"] == "total"]
    assert [r["month"] for r in totals] == ["2016-07-01", "2016-08-01", "2016-09-01"], totals
    tariff = energy.read_urdb_file(TARIFF).tariff
    for row, (start, end) in zip(totals, [("2016-07-01", "2016-08-01"), ("2016-08-01", "2016-09-01"),
                                          ("2016-09-01", "2016-10-01")]):
        single = json.loads(run("bill", "--building", building, "--from", start, "--to", end, "--tariff", TARIFF,
                                "--format", "json", db=db).stdout)
        assert decimal.Decimal(str(row["amount"])) == decimal.Decimal(str(single[-1]["amount"])), (row, single[-1])
    ref = energy.compute_monthly_bills(ts, wh, tariff, zone=ZONE, start=utc("2016-07-01", "-05:00"),
                                       end=utc("2016-10-01", "-05:00"), interval_seconds=3600)
    assert [decimal.Decimal(str(r["amount"])) for r in totals] == \
        [decimal.Decimal(b.total).quantize(decimal.Decimal("0.01")) for b in ref]


def check_anomalies(db, building, sensor, ts, wh, start="2016-07-01", end="2016-10-01", offset="-05:00",
                    at_least=0):
    p = run("anomalies", "--building", building, "--from", start, "--to", end, "--format", "json", db=db)
    out = json.loads(p.stdout)
    # The synthetic home load has no operating schedule: the command says so instead of staying silent.
    assert "after-hours use is not judged" in p.stderr, p.stderr
    lo = np.datetime64(datetime.fromisoformat(utc(start, offset)).astimezone(timezone.utc).replace(tzinfo=None), "ns")
    hi = np.datetime64(datetime.fromisoformat(utc(end, offset)).astimezone(timezone.utc).replace(tzinfo=None), "ns")
    keep = (ts >= lo) & (ts < hi)
    t, v = ts[keep], wh[keep]
    dq = energy.detect_data_quality(building, t, v, interval_seconds=3600, sensor_id=sensor, zone=ZONE,
                                    max_value_milli=50_000, expected_start=utc(start, offset),
                                    expected_end=utc(end, offset))
    schedule = energy.detect_schedule(building, t, v, zone=ZONE, interval_seconds=3600)
    ah = energy.detect_after_hours(building, t, v, schedule, zone=ZONE, interval_seconds=3600, sensor_id=sensor)

    def keyed(cols):
        return [(k, int(s.astype("datetime64[s]").astype(np.int64)), int(e), int(a))
                for k, s, e, a in zip(cols["kind"], cols["start"], cols["expected_milli"], cols["actual_milli"])]

    expected = sorted(keyed(dq) + keyed(ah), key=lambda x: (x[1], x[0]))
    got = sorted([(r["kind"], int(datetime.fromisoformat(r["start"]).timestamp()),
                   int(decimal.Decimal(str(r["expected"])) * 1000), int(decimal.Decimal(str(r["actual"])) * 1000))
                  for r in out], key=lambda x: (x[1], x[0]))
    assert len(expected) >= at_least, "the reference finds anomalies in this range"
    assert got == expected, (len(got), len(expected), [x for x in got if x not in expected][:3],
                             [x for x in expected if x not in got][:3])


def check_recommend(db, building, ts, wh):
    out = json.loads(run("recommend", "--building", building, "--from", "2016-01-01", "--to", "2017-01-01",
                         "--energy-price", "0.115", "--demand-price", "12.40", "--format", "json", db=db).stdout)
    lo = np.datetime64("2016-01-01T06:00:00", "ns")
    hi = np.datetime64("2017-01-01T06:00:00", "ns")
    keep = (ts >= lo) & (ts < hi)
    ref = energy.recommend(building, ts[keep], wh[keep], zone=ZONE, interval_seconds=3600,
                           floor_area_ft2=2400.0, primary_use="office", energy_price="0.115", demand_price="12.40")
    assert len(ref) >= 2, "the reference fires rules on this year"
    assert [r["kind"] for r in out] == [r["kind"] for r in ref], (out, ref)
    for mine, theirs in zip(out, ref):
        assert decimal.Decimal(str(mine["saving_kwh"])) * 1000 == theirs["saving_kwh_milli"]
        for k in ("saving", "saving_low", "saving_high"):
            assert decimal.Decimal(str(mine[k])) == \
                decimal.Decimal(theirs[k]).quantize(decimal.Decimal("0.01"), decimal.ROUND_HALF_UP)
        assert mine["explanation"] == theirs["explanation"]
        assert mine["basis"] == theirs["basis"] and mine["confidence"] == theirs["confidence"]
        assert mine["per"] == ("year" if theirs["per_year"] else f"{theirs['coverage_days']:.0f} days")
    # No price anywhere: the money columns are empty (null in JSON), never a made-up 0.00.
    bare = json.loads(run("recommend", "--building", building, "--from", "2016-01-01", "--to", "2017-01-01",
                          "--format", "json", db=db).stdout)
    assert bare and all(r["saving"] is None and r["saving_low"] is None for r in bare), bare


def check_recommend_weather(db, building, temp_sensor, ts, wh):
    """--temperature-sensor: the CLI fits the daily change-point model (degC, as stored) and checks
    it; the same route through Python gives the same fit verdict and the same skipped reason."""
    p = run("recommend", "--building", building, "--from", "2016-01-01", "--to", "2017-01-01",
            "--energy-price", "0.115", "--temperature-sensor", temp_sensor, "--format", "json", db=db)
    lo, hi = np.datetime64("2016-01-01T06:00:00", "ns"), np.datetime64("2017-01-01T06:00:00", "ns")
    keep = (ts >= lo) & (ts < hi)
    days = energy.local_day_totals(ts[keep], wh[keep] / 1000.0, zone=ZONE, interval_seconds=3600)
    t_ts, t_c = reference_temperatures_c()
    near = (t_ts >= lo - np.timedelta64(6, "h")) & (t_ts <= hi + np.timedelta64(6, "h"))
    m = energy.fit_changepoint(days["start"], days["end"], days["kwh"], t_ts[near], t_c[near], zone=ZONE,
                               celsius=True)
    w = m.weather(t_ts[near], t_c[near], unit="C", start=days["start"], end=days["end"], kwh=days["kwh"])
    ref = energy.analyse_recommendations(building, ts[keep], wh[keep], zone=ZONE, interval_seconds=3600,
                                         floor_area_ft2=2400.0, primary_use="office", energy_price="0.115",
                                         weather=w)
    mine = json.loads(p.stdout)
    assert [r["kind"] for r in mine] == [r["kind"] for r in ref["recommendations"]], (mine, ref)
    weather_skips = [s["reason"] for s in ref["skipped"] if s["rule"] == "weather_sensitivity"]
    if w["fit"]["passes"]:
        assert not weather_skips
    else:  # the library's reason, word for word, on the CLI's stderr
        assert weather_skips and f"skipped weather_sensitivity: {weather_skips[0]}" in p.stderr, p.stderr


def reference_temperatures_c():
    """The outdoor temperature CSV (degF) as the store keeps it: degC rounded to the milli-degree."""
    ts, c = [], []
    with open(TEMPS) as f:
        for r in csv.DictReader(f):
            ts.append(int(datetime.fromisoformat(r["dt"]).timestamp()))
            v = float(r["tempF"]) * (5.0 / 9.0) + (-160.0 / 9.0)
            c.append(float(decimal.Decimal(repr(v)).quantize(decimal.Decimal("0.001"), decimal.ROUND_HALF_UP)))
    order = np.argsort(ts)
    return (np.array(ts, dtype=np.int64)[order] * 1_000_000_000).astype("datetime64[ns]"), np.array(c)[order]


def check_baseline(db, building, temp_sensor, ts, wh, d):
    model_path = os.path.join(d, "towt.json")
    fit = list(csv.DictReader(io.StringIO(run(
        "baseline", "fit", "--building", building, "--from", "2016-01-01", "--to", "2017-01-01", "--model", "towt",
        "--temperature-sensor", temp_sensor, "--out", model_path, "--format", "csv", db=db).stdout)))
    lo, hi = np.datetime64("2016-01-01T06:00:00", "ns"), np.datetime64("2017-01-01T06:00:00", "ns")
    keep = (ts >= lo) & (ts < hi)
    t_ts, t_c = reference_temperatures_c()
    temps = energy.align_temperature(ts[keep], t_ts, t_c)
    ref = energy.fit_towt(ts[keep], wh[keep] / 1000.0, temps, zone=ZONE, interval_seconds=3600)
    with open(model_path) as f:
        assert f.read().strip() == ref.to_json().strip(), "the saved model is the library's fit"
    fitted = ref.predict(ts[keep], temps)
    m = energy.compute_metrics(wh[keep] / 1000.0, fitted["expected"], ref.parameters)
    assert fit[0]["rows"] == str(len(ts[keep])) and fit[0]["cv_rmse_percent"] == f"{100 * m.cv_rmse:.2f}", \
        (fit, m)
    # predict July 2017 with the saved model: every hour, actual next to the library's prediction.
    pred = list(csv.DictReader(io.StringIO(run(
        "baseline", "predict", "--building", building, "--model", model_path, "--from", "2017-07-01", "--to",
        "2017-07-08", "--temperature-sensor", temp_sensor, "--format", "csv", db=db).stdout)))
    hours = np.arange(np.datetime64("2017-07-01T05:00:00", "ns"), np.datetime64("2017-07-08T05:00:00", "ns"),
                      np.timedelta64(3600, "s"))
    expected = ref.predict(hours, energy.align_temperature(hours, t_ts, t_c))["expected"]
    assert len(pred) == len(hours) == 168, len(pred)
    assert [r["expected_kwh"] for r in pred] == [f"{x:.3f}" for x in expected]
    by_time = dict(zip(ts.astype(np.int64).tolist(), wh.tolist()))
    for r, h in zip(pred, hours.astype(np.int64).tolist()):
        assert r["actual_kwh"] == (f"{decimal.Decimal(by_time[h]) / 1000:.3f}" if h in by_time else ""), (r, h)
    err = run("baseline", "fit", "--building", building, "--from", "2016-01-01", "--to", "2017-01-01", "--model",
              "towt", "--out", model_path, db=db, expect=2).stderr
    assert "--temperature-sensor" in err, err
    err = run("baseline", "fit", "--building", building, "--from", "2016-01-01", "--to", "2017-01-01", "--out",
              model_path, db=db, expect=2).stderr
    assert "--model" in err, err


def check_baseline_bills(db, building, temp_sensor, d):
    """TOWT fitted to the IL monthly bills (a bills CSV as `reconcile` reads it) equals the
    library's fit on the same bills and stored temperatures (degC), and predicts the reporting
    year's bills as the library does."""
    with open(os.path.join(DATA, "eemeter", "il-electricity-cdd-only-billing_monthly.csv")) as f:
        rows = list(csv.DictReader(f))
    days = [r["start"][:10] for r in rows]
    bills = os.path.join(d, "il-bills.csv")
    with open(bills, "w") as f:
        f.write("period_start,period_end,kwh,amount\n")
        for start, end, r in zip(days, days[1:], rows):
            f.write(f"{start},{end},{r['value']},0.00\n")
    model_path = os.path.join(d, "towt-bills.json")
    fit = list(csv.DictReader(io.StringIO(run(
        "baseline", "fit", "--building", building, "--from", "2015-11-01", "--to", "2016-12-27", "--model",
        "towt-bills", "--bills", bills, "--end-date", "exclusive", "--temperature-sensor", temp_sensor,
        "--out", model_path, "--format", "csv", db=db).stdout)))

    def local_midnights(texts):
        return np.array([np.datetime64(datetime.fromisoformat(t + "T00:00:00").replace(
            tzinfo=ZoneInfo(ZONE)).astimezone(timezone.utc).replace(tzinfo=None), "ns") for t in texts])

    base = [i for i in range(len(rows) - 1) if days[i] >= "2015-11-01" and days[i + 1] <= "2016-12-27"]
    starts, ends = local_midnights([days[i] for i in base]), local_midnights([days[i + 1] for i in base])
    kwh = np.array([float(rows[i]["value"]) for i in base])
    t_ts, t_c = reference_temperatures_c()
    ref = energy.fit_towt_billing(starts, ends, kwh, t_ts, t_c, zone=ZONE)
    with open(model_path) as f:
        assert f.read().strip() == ref.to_json().strip(), "the saved model is the library's fit"
    assert fit[0]["bills"] == str(len(base)) == "12" and fit[0]["parameters"] == str(ref.parameters), fit
    # The reporting year's bills, predicted beside their billed kWh.
    pred = list(csv.DictReader(io.StringIO(run(
        "baseline", "predict", "--building", building, "--model", model_path, "--from", "2017-01-04", "--to",
        "2018-02-02", "--bills", bills, "--end-date", "exclusive", "--temperature-sensor", temp_sensor,
        "--format", "csv", db=db).stdout)))
    report = [i for i in range(len(rows) - 1) if days[i] >= "2017-01-04" and days[i + 1] <= "2018-02-02"]
    want = ref.predict(local_midnights([days[i] for i in report]), local_midnights([days[i + 1] for i in report]),
                       t_ts, t_c)["expected"]
    assert len(pred) == len(report) == 13, pred
    assert [r["expected_kwh"] for r in pred] == [f"{x:.3f}" for x in want], (pred, want)
    assert [r["actual_kwh"] for r in pred] == [f"{float(rows[i]['value']):.3f}" for i in report]
    err = run("baseline", "fit", "--building", building, "--from", "2015-11-01", "--to", "2016-12-27", "--model",
              "towt-bills", "--temperature-sensor", temp_sensor, "--out", model_path, db=db, expect=2).stderr
    assert "--bills" in err, err


def check_forecast(db, building, ts, wh):
    run("aggregate", db=db)
    args = ("--building", building, "--period", "week", "--from", "2017-07-03", "--now", "2017-07-05T12:00:00Z")
    days = json.loads(run("forecast", *args, "--format", "json", db=db).stdout)
    assert [r["day"] for r in days] == [f"2017-07-{d:02}" for d in range(3, 10)], days
    # The library's forecast as the report JSON gives it (same model, another renderer).
    rep = json.loads(run("report", "--building", building, "--type", "forecast", "--period", "week", "--end",
                         "2017-07-03", "--now", "2017-07-05T12:00:00Z", db=db).stdout)["forecast"]
    assert len(rep["daily"]) == 7
    for mine, theirs in zip(days, rep["daily"]):
        assert abs(mine["expected_kwh"] - theirs["expected_kwh"]) < 0.0005, (mine, theirs)
        assert mine["lower_kwh"] <= mine["expected_kwh"] <= mine["upper_kwh"], mine
    # Recorded days (before --now) sum the CSV's own values (independent of the store).
    by_time = dict(zip(ts.astype("datetime64[s]").astype(np.int64).tolist(), wh.tolist()))
    for mine, day in zip(days[:3], (3, 4, 5)):
        start = int(datetime(2017, 7, day, 5, tzinfo=timezone.utc).timestamp())
        wh_day = sum(by_time.get(start + 3600 * h, 0) for h in range(24))
        assert decimal.Decimal(str(mine["actual_kwh"])) * 1000 == wh_day, (mine, wh_day)
    assert all(r["actual_kwh"] is None for r in days[3:]), days
    err = run("forecast", "--building", building, "--from", "2017-07-03", db=db, expect=2).stderr
    assert "--period" in err, err


def check_greenbutton(d):
    xml = os.path.join(DATA, "greenbutton", "Inland_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_8.xml")
    db = "sqlite:" + os.path.join(d, "gb.db")
    tenant = run("tenant", "add", "--name", "Utility customer", db=db).stdout.strip()
    building = run("building", "add", "--tenant", tenant, "--name", "Inland", "--tz", "America/Los_Angeles",
                   db=db).stdout.strip()
    first = list(csv.DictReader(io.StringIO(run("greenbutton", "import", xml, "--building", building, "--format",
                                                "csv", db=db).stdout)))
    ref = energy.read_greenbutton(xml)["meter_readings"]
    assert len(first) == len(ref) == 1, (first, len(ref))
    assert first[0]["created"] == "yes" and int(first[0]["inserted"]) == len(ref[0]["ts"]) > 8000, first
    again = list(csv.DictReader(io.StringIO(run("greenbutton", "import", xml, "--building", building, "--format",
                                                "csv", db=db).stdout)))
    assert again[0]["sensor"] == first[0]["sensor"] and again[0]["created"] == "no", again
    assert int(again[0]["unchanged"]) == len(ref[0]["ts"]) and again[0]["inserted"] == "0", again
    run("aggregate", db=db)
    months = list(csv.DictReader(io.StringIO(run("summaries", "--building", building, "--resolution", "month",
                                                 "--format", "csv", db=db).stdout)))
    stored_wh = sum(int(decimal.Decimal(r["consumption_kWh"]) * 1000) for r in months)
    assert stored_wh == int(ref[0]["value_milli"].sum()), (stored_wh, int(ref[0]["value_milli"].sum()))
    # The same download for a building in another zone is refused, nothing written.
    other = run("building", "add", "--tenant", tenant, "--name", "NY", "--tz", "America/New_York",
                db=db).stdout.strip()
    err = run("greenbutton", "import", xml, "--building", other, db=db, expect=1).stderr
    assert "America/New_York" in err, err
    assert run("sensor", "list", "--building", other, db=db).stdout.count("\n") <= 1


def check_reconcile(db, building, ts, wh):
    bills = os.path.join(os.path.dirname(TARIFF), "bills-2016q3.csv")
    out = json.loads(run("reconcile", "--building", building, "--bills", bills, "--tariff", TARIFF, "--end-date",
                         "exclusive", "--format", "json", db=db).stdout)
    assert [r["bill"] for r in out] == ["JUL16", "AUG16", "SEP16"], out
    tariff = energy.read_urdb_file(TARIFF).tariff
    months = [("2016-07-01", "2016-08-01"), ("2016-08-01", "2016-09-01"), ("2016-09-01", "2016-10-01")]
    for row, (start, end) in zip(out, months):
        ref = energy.compute_bill(ts, wh, tariff, zone=ZONE, start=utc(start, "-05:00"), end=utc(end, "-05:00"),
                                  interval_seconds=3600)
        cents = decimal.Decimal(ref.total).quantize(decimal.Decimal("0.01"))
        assert decimal.Decimal(str(row["computed_amount"])) == cents, (row, ref.total)
        assert decimal.Decimal(str(row["computed_kwh"])) * 1000 == ref.energy_milli, (row, ref.energy_milli)
        assert decimal.Decimal(str(row["amount_diff"])) == decimal.Decimal(str(row["billed_amount"])) - cents
    assert out[0]["flags"] == "", out[0]
    assert "cost_mismatch" in out[1]["flags"].split("|"), out[1]
    assert "estimated_read" in out[2]["flags"].split("|") and "cost_mismatch" not in out[2]["flags"], out[2]
    err = run("reconcile", "--building", building, "--bills", bills, "--tariff", TARIFF, db=db, expect=2).stderr
    assert "--end-date" in err, err


def check_usage(db, building, d):
    before = set(os.listdir(d))
    for cmd in (["bill", "--help"], ["anomalies", "-h"], ["recommend", "--help"], ["baseline", "fit", "-h"],
                ["forecast", "--help"], ["greenbutton", "import", "--help"],
                ["reconcile", "-h"]):
        p = run(*cmd, db="sqlite:" + os.path.join(d, "never.db"))
        assert p.stdout.startswith("usage: energy " + cmd[0]), p.stdout
    assert set(os.listdir(d)) == before, "help must not create a store"
    # No --tariff and no stored tariff version: nothing to price with (exit 1), never a default price.
    err = run("bill", "--building", building, "--from", "2016-07-01", "--to", "2016-08-01", db=db, expect=1).stderr
    assert "--tariff" in err and "no stored tariff" in err, err
    err = run("anomalies", "--building", building, "--from", "2016-07-01", db=db, expect=2).stderr
    assert "--to" in err, err
    err = run("anomalies", "--building", building, "--from", "2016-07-01", "--to", "2016-06-01", db=db,
              expect=2).stderr
    assert "--from" in err, err
    err = run("anomalies", "--building", building, "--from", "2016-07-01", "--to", "2016-08-01", "--format",
              "xml", db=db, expect=2).stderr
    assert "table, csv, json" in err, err
    missing = "01a23000-0000-7000-8000-000000000000"
    err = run("bill", "--building", missing, "--from", "2016-07-01", "--to", "2016-08-01", "--tariff", TARIFF,
              db=db, expect=1).stderr
    assert "not found" in err, err


def main():
    ts, wh = reference_series()
    with tempfile.TemporaryDirectory() as d:
        db = "sqlite:" + os.path.join(d, "e.db")
        tenant = run("tenant", "add", "--name", "Acme", db=db).stdout.strip()
        building = run("building", "add", "--tenant", tenant, "--name", "HQ", "--tz", ZONE, "--sqft", "2400",
                       "--use", "office", db=db).stdout.strip()
        sensor = run("sensor", "add", "--building", building, "--type", "electricity", "--interval", "3600",
                     "--max", "50", "--created", "2015-01-01", db=db).stdout.strip()
        imp = run("import", CSV, "--sensor", sensor, "--quiet", db=db)
        assert " 0 rejected" in imp.stdout, imp.stdout
        check_bill(db, building, ts, wh)
        check_bill_holidays(db, building, ts, wh)
        check_monthly_bills(db, building, ts, wh)
        check_anomalies(db, building, sensor, ts, wh)  # a clean quarter: nothing, the same on both sides
        # Across the end of the data (2018-02-08): at least the missing data after the last reading.
        check_anomalies(db, building, sensor, ts, wh, "2017-12-01", "2018-03-01", "-06:00", at_least=1)
        check_recommend(db, building, ts, wh)
        temp_sensor = run("sensor", "add", "--building", building, "--type", "temperature", "--kind",
                          "instantaneous_value", "--unit", "degF", "--interval", "3600", "--created", "2015-01-01",
                          db=db).stdout.strip()
        with open(TEMPS) as f:
            feed = f.read().replace("dt,tempF", "start,value", 1)
        p = subprocess.run([ENERGY, "--db", db, "import", "-", "--format", "csv", "--sensor", temp_sensor, "--quiet"],
                           input=feed, capture_output=True, text=True)
        assert p.returncode == 0 and " 0 rejected" in p.stdout, (p.stdout, p.stderr)
        check_baseline(db, building, temp_sensor, ts, wh, d)
        check_baseline_bills(db, building, temp_sensor, d)
        check_recommend_weather(db, building, temp_sensor, ts, wh)
        check_forecast(db, building, ts, wh)
        check_reconcile(db, building, ts, wh)
        check_greenbutton(d)
        check_usage(db, building, d)
    print("ok")


if __name__ == "__main__":
    main()
