# SPDX-License-Identifier: Apache-2.0
"""The money routes over HTTP on SQLite and PostgreSQL: tariff versions (real URDB records from
../shared/data/tariffs), bills, tariff-priced energy cost, utility-bill and Green Button
reconciliation, and the analytics report (JSON and PDF).

Expected numbers come from outside the server: by hand from the URDB record and the readings
sent (Decimal arithmetic, zoneinfo for local hours), from the Green Button XML read here with
ElementTree, and from the library's CLI (`energy report`) reading the same tariff files."""

from __future__ import annotations

import csv
import json
import os
import pathlib
import subprocess
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest

from auth_helpers import create_tenant, create_user
from conftest import CLI_BIN

# ../shared/data beside the source tree, as CMake passes it (ENERGY_TEST_DATA_DIR).
DATA = pathlib.Path(os.environ.get("ENERGY_DATA_DIR") or
                    pathlib.Path(__file__).resolve().parents[3].parent / "shared" / "data")
SCE = DATA / "tariffs" / "reopt_incentives.json"            # SCE GS-2 TOU B (in a REopt scenario)
LOAD = DATA / "tariffs" / "reopt_loads_kw_largeoffice_sanfran.csv"
INLAND = DATA / "greenbutton" / "Inland_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_8.xml"
ZONE = "America/Los_Angeles"
CENT = Decimal("0.01")
MICRO = Decimal("0.000001")

# A flat tariff: 0.12 $/kWh every hour and 10 $ a month.
SIMPLE = {"name": "Simple flat", "utility": "Test Utility",
          "energyratestructure": [[{"rate": 0.12, "unit": "kWh"}]],
          "energyweekdayschedule": [[0] * 24] * 12, "energyweekendschedule": [[0] * 24] * 12,
          "fixedmonthlycharge": 10}


def need(path: pathlib.Path) -> pathlib.Path:
    if not path.exists():
        pytest.skip(f"shared data file missing: {path} (see ../shared/data/PROVENANCE.md)")
    return path


def building(server, token, **extra) -> dict:
    status, _, b = server.call("POST", "/api/v1/buildings", token,
                               body={"name": "Office", "time_zone": ZONE, **extra})
    assert status == 201, b
    return b


def meter(server, token, building_id) -> dict:
    status, _, s = server.call("POST", f"/api/v1/buildings/{building_id}/sensors", token,
                               body={"type": "electricity", "kind": "interval_energy",
                                     "unit": "kWh", "interval_seconds": 3600,
                                     "created_at": "2023-12-01T00:00:00Z"})
    assert status == 201, s
    return s


def office_load(hours: int, first: int = 0) -> list[Decimal]:
    """`hours` of the DOE large office from hour `first` (kW hourly averages = kWh per hour), to
    the Wh."""
    with open(need(LOAD)) as f:
        values = [Decimal(row[0]) for row in csv.reader(f) if row]
    return [v.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
            for v in values[first:first + hours]]


def send_load(server, token, sensor_id, start_utc: datetime, kwh: list[Decimal]) -> None:
    readings = [{"sensor_id": sensor_id,
                 "timestamp": (start_utc + timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "value_kwh": float(v)} for i, v in enumerate(kwh)]
    for i in range(0, len(readings), 5000):
        status, _, body = server.call("POST", "/api/v1/sensors/readings/batch", token,
                                      body={"readings": readings[i:i + 5000]})
        assert status == 202 and body["rejected"] == 0, body


def upload_tariff(server, token, building_id, urdb, effective_from, **extra):
    return server.call("POST", f"/api/v1/buildings/{building_id}/tariffs", token,
                       body={"effective_from": effective_from, "urdb": urdb, **extra})


# January and February 2024 in Los Angeles are PST (UTC-8) throughout.
JAN1 = datetime(2024, 1, 1, 8, tzinfo=timezone.utc)


@pytest.fixture
def loaded(server, tenant):
    """A building with one hourly meter and 60 days of the large-office load from 2024-01-01."""
    b = building(server, tenant.token)
    s = meter(server, tenant.token, b["id"])
    kwh = office_load(60 * 24)
    send_load(server, tenant.token, s["id"], JAN1, kwh)
    return b, kwh


def test_tariff_versions_are_kept_and_the_one_in_effect_is_found(server, tenant):
    sce = json.loads(need(SCE).read_text())
    b = building(server, tenant.token)
    path = f"/api/v1/buildings/{b['id']}"
    status, headers, v1 = upload_tariff(server, tenant.token, b["id"], SIMPLE, "2024-01-01")
    assert status == 201, v1
    assert headers["location"] == f"{path}/tariffs/{v1['id']}"
    assert v1["name"] == "Simple flat" and v1["currency"] == "USD" and v1["complete"] is True
    status, _, v2 = upload_tariff(server, tenant.token, b["id"], sce, "2024-07-01")
    assert status == 201, v2
    # The record under ElectricTariff.urdb_response, read as the file states it.
    record = sce["ElectricTariff"]["urdb_response"]
    assert v2["name"] == record["name"] and v2["label"] == record["label"]
    assert v2["energy_periods"] == len(record["energyratestructure"])
    assert v2["fixed_charge"] == "259.200000"
    status, _, listed = server.call("GET", f"{path}/tariffs", tenant.token)
    assert status == 200
    assert [(t["effective_from"], t["effective_until"]) for t in listed["tariffs"]] == \
        [("2024-01-01", "2024-07-01"), ("2024-07-01", None)]
    for day, want in (("2024-06-30", v1["id"]), ("2024-07-01", v2["id"]),
                      ("2025-03-01", v2["id"])):
        status, _, got = server.call("GET", f"{path}/tariff?date={day}", tenant.token)
        assert status == 200 and got["id"] == want, (day, got)
    status, _, got = server.call("GET", f"{path}/tariff?date=2023-12-31", tenant.token)
    assert status == 404 and "2023-12-31" in got["detail"]
    # A correction with the same date supersedes the earlier upload, which stays listed.
    status, _, v3 = upload_tariff(server, tenant.token, b["id"], SIMPLE, "2024-07-01")
    assert status == 201
    _, _, listed = server.call("GET", f"{path}/tariffs", tenant.token)
    assert [(t["id"], t["superseded"]) for t in listed["tariffs"]] == \
        [(v1["id"], False), (v2["id"], True), (v3["id"], False)]
    assert server.call("GET", f"{path}/tariff?date=2024-08-01", tenant.token)[2]["id"] == v3["id"]
    status, _, one = server.call("GET", f"{path}/tariffs/{v2['id']}", tenant.token)
    assert status == 200 and one["urdb"] == sce


def test_unusable_tariffs_and_wrong_callers_are_refused(server, tenant):
    b = building(server, tenant.token)
    for urdb, effective, field in (
            ({}, "2024-01-01", "/urdb"),                       # empty
            ({"name": "nothing to price"}, "2024-01-01", "/urdb"),  # no charge at all
            ({**SIMPLE, "energyweekdayschedule": [[3] * 24] * 12}, "2024-01-01", "/urdb"),
            (SIMPLE, "2024-02-30", "/effective_from"),
            (SIMPLE, "01/01/2024", "/effective_from")):
        status, _, p = upload_tariff(server, tenant.token, b["id"], urdb, effective)
        assert status == 422 and p["field"] == field, (urdb, effective, p)
    status, _, p = upload_tariff(server, tenant.token, b["id"], SIMPLE, "2024-01-01",
                                 currency="dollars")
    assert status == 422 and p["field"] == "/currency"
    status, _, p = upload_tariff(server, tenant.token, b["id"], SIMPLE, "2024-01-01",
                                 json_pointer="/nowhere")
    assert status == 422 and p["field"] == "/urdb"
    operator = create_user(server.base, tenant.token, "operator")
    assert upload_tariff(server, operator.token, b["id"], SIMPLE, "2024-01-01")[0] == 403
    other = create_tenant(server.base, _root(server))
    status, _, p = upload_tariff(server, other.token, b["id"], SIMPLE, "2024-01-01")
    assert status == 404
    assert server.call("GET", f"/api/v1/buildings/{b['id']}/tariffs", other.token)[0] == 404
    assert server.call("GET", f"/api/v1/buildings/{b['id']}/tariffs", tenant.token)[2] == \
        {"tariffs": []}


def _root(server):
    from auth_helpers import admin_token
    return admin_token(server.base)


def energy_line(total_wh: int, rate: Decimal) -> Decimal:
    return (Decimal(total_wh) * rate / 1000).quantize(MICRO, rounding=ROUND_HALF_UP)


def test_bills_are_priced_by_the_tariff_in_effect(server, tenant, loaded):
    b, kwh = loaded
    path = f"/api/v1/buildings/{b['id']}/bills"
    status, _, p = server.call("GET", f"{path}?start_date=2024-01-01&end_date=2024-01-31",
                               tenant.token)
    assert status == 422 and "flat_rate_per_kwh" in p["detail"]  # nothing prices it: refused
    assert upload_tariff(server, tenant.token, b["id"], SIMPLE, "2024-01-01")[0] == 201
    status, _, body = server.call("GET", f"{path}?start_date=2024-01-01&end_date=2024-01-31",
                                  tenant.token)
    assert status == 200, body
    (jan,) = body["bills"]
    wh = sum(int(v * 1000) for v in kwh[:31 * 24])
    energy = energy_line(wh, Decimal("0.12")).quantize(CENT, rounding=ROUND_HALF_UP)
    assert jan["basis"] == "tariff" and jan["prorated"] is False and jan["currency"] == "USD"
    assert jan["bill"]["kwh"] == f"{Decimal(wh) / 1000:.3f}"
    assert {line["kind"]: line["amount"] for line in jan["bill"]["lines"]} == \
        {"energy": f"{energy}", "fixed": "10.00"}
    assert jan["bill"]["total"] == body["total"] == f"{energy + 10}"
    assert jan["bill"]["coverage_pct"] == 100.0
    assert jan["local_start"] == "2024-01-01T00:00:00-08:00"


def test_coincident_peak_charges_are_priced_from_the_peak_hours_given_with_the_tariff(
        server, tenant, loaded):
    b, kwh = loaded
    # A URDB record with a coincident-peak rate: URDB never says which hours were the peaks.
    record = {**SIMPLE, "coincidentratestructure": [[{"rate": 4.0, "unit": "kW"}]],
              "coincidentrateschedule": [[0] * 24] * 12}
    status, _, v1 = upload_tariff(server, tenant.token, b["id"], record, "2024-01-01")
    assert status == 201, v1
    assert v1["complete"] is False and v1["coincident_peaks"] == []
    assert any(u.startswith("coincident") for u in v1["unsupported"])

    # The utility's published peak hours: 17:00 local on 10 and 24 January, 18:00 on 14 February
    # (PST, UTC-8); the hours counted from JAN1.
    starts = ["2024-01-11T01:00:00Z", "2024-01-25T02:00:00Z", "2024-02-15T02:00:00Z"]
    hours = [(datetime.fromisoformat(t.replace("Z", "+00:00")) - JAN1) // timedelta(hours=1)
             for t in starts]
    peaks = [{"name": "transmission CP 2024", "peak_starts": starts, "price_per_kw": "9.50"}]
    status, _, v2 = upload_tariff(server, tenant.token, b["id"], record, "2024-01-01",
                                  coincident_peaks=peaks)
    assert status == 201, v2
    assert v2["complete"] is True and v2["unsupported"] == []
    (charge,) = v2["coincident_peaks"]
    assert charge["name"] == "transmission CP 2024" and charge["peak_starts"] == starts
    assert charge["window_seconds"] == 3600 and Decimal(charge["price_per_kw"]) == Decimal("9.5")
    status, _, one = server.call("GET", f"/api/v1/buildings/{b['id']}/tariffs/{v2['id']}",
                                 tenant.token)
    assert status == 200 and one["coincident_peaks"] == v2["coincident_peaks"]

    status, _, body = server.call(
        "GET", f"/api/v1/buildings/{b['id']}/bills?start_date=2024-01-01&end_date=2024-02-29",
        tenant.token)
    assert status == 200, body
    jan, feb = body["bills"]
    assert jan["tariff_id"] == v2["id"]  # the correction supersedes the first upload

    def coincident(bill):
        return [line["amount"] for line in bill["bill"]["lines"]
                if line["kind"] == "coincident_peak"]

    # One-hour windows: the demand in a window is that hour's kWh as kW; the bill's is their
    # mean, to the watt (docs/billing.md, rule 8).
    jan_kw = ((kwh[hours[0]] + kwh[hours[1]]) * 1000 / 2).quantize(Decimal(1), ROUND_HALF_UP) / 1000
    feb_kw = kwh[hours[2]]
    assert coincident(jan) == [f"{(jan_kw * Decimal('9.50')).quantize(CENT, ROUND_HALF_UP)}"]
    assert coincident(feb) == [f"{(feb_kw * Decimal('9.50')).quantize(CENT, ROUND_HALF_UP)}"]
    assert jan["unsupported"] == [] and jan["bill"]["unapplied"] == []

    # Bad charges are refused naming the member.
    for bad, field in (
            ([{**peaks[0], "peak_starts": starts[::-1]}], "/coincident_peaks/0/peak_starts/1"),
            ([{**peaks[0], "peak_starts": ["2024-01-11 01:00"]}],
             "/coincident_peaks/0/peak_starts/0"),
            ([{**peaks[0], "price_per_kw": "-1"}], "/coincident_peaks/0/price_per_kw"),
            ([{**peaks[0], "window_seconds": 0}], "/coincident_peaks/0/window_seconds"),
            ([{**peaks[0], "hours": 5}], "/coincident_peaks/0/hours"),
            ([{"peak_starts": starts, "price_per_kw": "1"}], "/coincident_peaks/0/name"),
            ({"name": "x"}, "/coincident_peaks")):
        status, _, p = upload_tariff(server, tenant.token, b["id"], record, "2024-03-01",
                                     coincident_peaks=bad)
        assert status == 422 and p["field"] == field, (bad, p)


# July 2024 in Los Angeles is PDT (UTC-7) throughout; Independence Day is a Thursday.
JUL1 = datetime(2024, 7, 1, 7, tzinfo=timezone.utc)
HOLIDAY = "2024-07-04"
NO_HOLIDAYS_NOTE = "the tariff's holidays are not given"


def sce_bill_by_hand(record: dict, start_utc: datetime, kwh: list[Decimal],
                     holidays: set[str]) -> tuple[dict, Decimal]:
    """The bill of one whole local month of hourly `kwh` from `start_utc` under a URDB record,
    computed here from the record alone (docs/billing.md §3): each hour priced by its local month,
    hour and day type, a day in `holidays` taking the weekend schedules like a Saturday; energy
    per TOU period; demand per TOU period and flat demand as the highest hourly kWh (hourly data:
    60-minute blocks, W = Wh); the full fixed monthly charge; each line exact to the micro-dollar,
    then to the cent; total = sum of the rounded lines. Returns ({(kind, period): (quantity,
    amount)}, total)."""
    zone = ZoneInfo(ZONE)

    def price(periods, p):
        (tier,) = periods[p]  # one tier per period in this record: no tier positions to count
        assert "max" not in tier
        return Decimal(str(tier["rate"])) + Decimal(str(tier.get("adj", 0)))

    def line(quantity_milli: int, rate: Decimal) -> Decimal:
        return (Decimal(quantity_milli) * rate / 1000).quantize(MICRO, rounding=ROUND_HALF_UP)

    energy_wh: dict[int, int] = {}
    tou_w: dict[int, int] = {}
    flat_w: dict[int, int] = {}
    for i, v in enumerate(kwh):
        local = (start_utc + timedelta(hours=i)).astimezone(zone)
        weekend = local.weekday() >= 5 or local.date().isoformat() in holidays
        day = "weekend" if weekend else "weekday"
        m, h = local.month - 1, local.hour
        wh = int(v * 1000)
        e = record[f"energy{day}schedule"][m][h]
        energy_wh[e] = energy_wh.get(e, 0) + wh
        d = record[f"demand{day}schedule"][m][h]
        tou_w[d] = max(tou_w.get(d, 0), wh)
        f = record["flatdemandmonths"][m]
        flat_w[f] = max(flat_w.get(f, 0), wh)
    lines = {}
    for p, wh in energy_wh.items():
        lines[("energy", p)] = (f"{Decimal(wh) / 1000:.3f}",
                                line(wh, price(record["energyratestructure"], p)))
    for p, w in tou_w.items():
        rate = price(record["demandratestructure"], p)
        if rate != 0:  # a period whose every price is zero gets no line
            lines[("demand", p)] = (f"{Decimal(w) / 1000:.3f}", line(w, rate))
    for p, w in flat_w.items():
        lines[("flat_demand", p)] = (f"{Decimal(w) / 1000:.3f}",
                                     line(w, price(record["flatdemandstructure"], p)))
    lines[("fixed", None)] = (None, Decimal(str(record["fixedmonthlycharge"])))
    rounded = {k: (q, a.quantize(CENT, rounding=ROUND_HALF_UP)) for k, (q, a) in lines.items()}
    return rounded, sum(a for _, a in rounded.values())


def test_the_utilitys_holidays_given_with_the_tariff_are_priced_as_weekends(server, tenant):
    sce = json.loads(need(SCE).read_text())
    record = sce["ElectricTariff"]["urdb_response"]
    # SCE GS-2 TOU B prices summer weekdays at mid/on-peak energy and demand, weekends off-peak.
    assert record["energyweekdayschedule"][6] != record["energyweekendschedule"][6]
    b = building(server, tenant.token)
    s = meter(server, tenant.token, b["id"])
    # 31 days of the office from 2015-06-30 (hour 180 x 24 of its year), so that 2015-07-03, the
    # working day with its July peak (docs/billing.md §5), lands on Independence Day 2024.
    kwh = office_load(31 * 24, first=180 * 24)
    send_load(server, tenant.token, s["id"], JUL1, kwh)
    plain_lines, plain_total = sce_bill_by_hand(record, JUL1, kwh, set())
    holiday_lines, holiday_total = sce_bill_by_hand(record, JUL1, kwh, {HOLIDAY})
    # The day's hours move to off-peak energy and the 0 $/kW demand period: energy and TOU
    # demand lines both change, so a server ignoring the holiday fails below.
    assert holiday_lines[("energy", 4)] != plain_lines[("energy", 4)]
    assert holiday_lines[("demand", 2)] != plain_lines[("demand", 2)]

    def july(version_id):
        status, _, body = server.call(
            "GET", f"/api/v1/buildings/{b['id']}/bills?start_date=2024-07-01"
                   "&end_date=2024-07-31", tenant.token)
        assert status == 200, body
        (bill,) = body["bills"]
        assert bill["tariff_id"] == version_id and bill["prorated"] is False
        got = {(x["kind"], x.get("period")): (x.get("kw", x.get("kwh")), Decimal(x["amount"]))
               for x in bill["bill"]["lines"]}
        return bill["bill"], got

    # Not given: weekdays priced as weekdays, and the bill says the holidays are missing.
    status, _, unknown = upload_tariff(server, tenant.token, b["id"], sce, "2024-07-01")
    assert status == 201 and unknown["holidays"] is None, unknown
    bill, lines = july(unknown["id"])
    assert lines == plain_lines and Decimal(bill["total"]) == plain_total
    assert any(n.startswith(NO_HOLIDAYS_NOTE) for n in bill["notes"]), bill["notes"]

    # [] (a correction, same date): the utility has none; same prices, no note.
    status, _, none = upload_tariff(server, tenant.token, b["id"], sce, "2024-07-01", holidays=[])
    assert status == 201 and none["holidays"] == [], none
    bill, lines = july(none["id"])
    assert lines == plain_lines and Decimal(bill["total"]) == plain_total
    assert not any(NO_HOLIDAYS_NOTE in n for n in bill["notes"]), bill["notes"]

    # Independence Day given: its hours are priced with the weekend schedules.
    status, _, given = upload_tariff(server, tenant.token, b["id"], sce, "2024-07-01",
                                     holidays=[HOLIDAY, "2024-12-25"])
    assert status == 201 and given["holidays"] == [HOLIDAY, "2024-12-25"], given
    status, _, one = server.call("GET", f"/api/v1/buildings/{b['id']}/tariffs/{given['id']}",
                                 tenant.token)
    assert status == 200 and one["holidays"] == given["holidays"]
    _, _, listed = server.call("GET", f"/api/v1/buildings/{b['id']}/tariffs", tenant.token)
    assert [t["holidays"] for t in listed["tariffs"]] == [None, [], [HOLIDAY, "2024-12-25"]]
    bill, lines = july(given["id"])
    assert lines == holiday_lines and Decimal(bill["total"]) == holiday_total
    assert not any(NO_HOLIDAYS_NOTE in n for n in bill["notes"]), bill["notes"]

    # Reconciliation prices with the same tariff: the hand-computed amount matches.
    status, _, up = server.call("POST", f"/api/v1/buildings/{b['id']}/utility-bills",
                                tenant.token, body={"bills": [{
                                    "id": "JUL-2024", "period_start": "2024-07-01",
                                    "period_end": "2024-08-01", "amount": f"{holiday_total}"}]})
    assert status == 200, up
    (check,) = up["reconciliation"]["groups"][0]["checks"]
    assert check["computed"]["total"] == f"{holiday_total}", check

    # Hourly energy cost: the holiday's hours at the weekend schedule's rates.
    server.aggregate()
    status, _, hours = server.call(
        "GET", f"/api/v1/buildings/{b['id']}/energy?start_date={HOLIDAY}&end_date={HOLIDAY}"
               "&resolution=hour", tenant.token)
    assert status == 200 and len(hours["readings"]) == 24, hours
    for bucket in hours["readings"]:
        start = datetime.fromisoformat(bucket["start"].replace("Z", "+00:00"))
        local = start.astimezone(ZoneInfo(ZONE))
        (tier,) = record["energyratestructure"][record["energyweekendschedule"][6][local.hour]]
        wh = int(kwh[int((start - JUL1).total_seconds() // 3600)] * 1000)
        assert Decimal(bucket["cost"]) == energy_line(wh, Decimal(str(tier["rate"]))), bucket

    # Bad lists are refused naming the member, and nothing is stored.
    for bad, field, reason in (
            ([HOLIDAY, "2024-02-30"], "/holidays/1", "calendar date"),
            (["2024-07-04T00:00:00"], "/holidays/0", "calendar date"),
            (["2024-01-01", HOLIDAY, "2024-12-25", HOLIDAY], "/holidays/3", "/holidays/1"),
            (["2024-01-01", 20240704], "/holidays/1", "string"),
            ("2024-07-04", "/holidays", "array"),
            ([f"{date(2024, 1, 1) + timedelta(days=i)}" for i in range(2001)], "/holidays",
             "2000")):
        status, _, p = upload_tariff(server, tenant.token, b["id"], sce, "2024-08-01",
                                     holidays=bad)
        assert status == 422 and p["field"] == field and reason in p["detail"], (bad, p)
    _, _, listed = server.call("GET", f"/api/v1/buildings/{b['id']}/tariffs", tenant.token)
    assert len(listed["tariffs"]) == 3


def test_bills_split_at_a_tariff_change_match_the_library_cli(server, tenant, loaded):
    if not CLI_BIN:
        pytest.skip("ENERGY_CLI_BIN not set: the energy CLI is the independent reference")
    b, _ = loaded
    assert upload_tariff(server, tenant.token, b["id"], SIMPLE, "2024-01-01")[0] == 201
    sce = json.loads(need(SCE).read_text())
    status, _, version = upload_tariff(server, tenant.token, b["id"], sce, "2024-02-15")
    assert status == 201, version
    status, _, body = server.call(
        "GET", f"/api/v1/buildings/{b['id']}/bills?start_date=2024-02-01&end_date=2024-02-29",
        tenant.token)
    assert status == 200, body
    assert [(x["tariff_name"], x["prorated"]) for x in body["bills"]] == \
        [("Simple flat", True), (sce["ElectricTariff"]["urdb_response"]["name"], True)]
    # What the URDB record has and the library does not price travels with the bill.
    assert body["bills"][1]["unsupported"] == version["unsupported"]
    assert body["bills"][0]["unsupported"] == []
    simple_file = pathlib.Path(server.dir) / "simple.json"
    simple_file.write_text(json.dumps(SIMPLE))
    server.aggregate()
    cli = subprocess.run(
        [CLI_BIN, "--db", server.db_uri, "report", "--building", b["id"], "--period", "month",
         "--end", "2024-03-01", "--format", "json", "--currency", "USD",
         "--tariff", f"{simple_file}@2024-01-01,{SCE}@2024-02-15",
         "--now", "2024-03-05T00:00:00Z"], check=True, capture_output=True, text=True)
    reference = json.loads(cli.stdout)["bills"]
    assert [(x["bill"]["period_start"], x["bill"]["period_end"], x["bill"]["total"],
             x["bill"]["kwh"], x["bill"]["peak_kw"]) for x in body["bills"]] == \
        [(r["start"], r["end"], r["total"], r["energy_kwh"], r["peak_demand_kw"])
         for r in reference]
    assert [[line["amount"] for line in x["bill"]["lines"]] for x in body["bills"]] == \
        [[line["amount"] for line in r["lines"]] for r in reference]
    # Demand is charged: SCE's flat demand (its TOU demand is 0 $/kW in winter months).
    lines = {line["kind"]: line for line in body["bills"][1]["bill"]["lines"]}
    assert {"energy", "flat_demand", "fixed"} <= set(lines)
    assert lines["flat_demand"]["kw"] == body["bills"][1]["bill"]["peak_kw"]


def test_energy_cost_is_priced_hour_by_hour_by_the_tariff_in_effect(server, tenant, loaded):
    b, kwh = loaded
    sce = json.loads(need(SCE).read_text())
    record = sce["ElectricTariff"]["urdb_response"]
    assert upload_tariff(server, tenant.token, b["id"], sce, "2024-01-20")[0] == 201
    server.aggregate()
    path = f"/api/v1/buildings/{b['id']}/energy"
    status, _, hours = server.call("GET", f"{path}?start_date=2024-01-22&end_date=2024-01-22"
                                          "&resolution=hour", tenant.token)
    assert status == 200 and hours["cost_basis"] == "tariff", hours
    zone = ZoneInfo(ZONE)
    total = Decimal(0)
    for bucket in hours["readings"]:
        start = datetime.fromisoformat(bucket["start"].replace("Z", "+00:00"))
        local = start.astimezone(zone)
        schedule = record["energyweekendschedule" if local.weekday() >= 5
                          else "energyweekdayschedule"]
        tier = record["energyratestructure"][schedule[local.month - 1][local.hour]][0]
        rate = Decimal(str(tier["rate"])) + Decimal(str(tier.get("adj", 0)))
        index = int((start - JAN1).total_seconds() // 3600)
        want = energy_line(int(kwh[index] * 1000), rate)
        assert bucket["cost_basis"] == "tariff" and Decimal(bucket["cost"]) == want, bucket
        total += want
    assert Decimal(hours["totals"]["cost"]) == total
    # Days before the first tariff have no price: labelled, not a plausible number.
    status, _, days = server.call("GET", f"{path}?start_date=2024-01-18&end_date=2024-01-21",
                                  tenant.token)
    assert [d["cost_basis"] for d in days["readings"]] == ["none", "none", "tariff", "tariff"]
    assert days["cost_basis"] == "mixed" and days["readings"][0]["cost"] == "0.000000"
    assert "0 (unknown)" in days["cost_note"]


def test_flat_rate_cost_is_labelled(server, tenant):
    b = building(server, tenant.token, flat_rate_per_kwh="0.20")
    s = meter(server, tenant.token, b["id"])
    send_load(server, tenant.token, s["id"], JAN1, [Decimal("2.500")] * 24)
    server.aggregate()
    _, _, body = server.call("GET", f"/api/v1/buildings/{b['id']}/energy?start_date=2024-01-01"
                                    "&end_date=2024-01-01", tenant.token)
    assert body["cost_basis"] == "flat_rate" and body["readings"][0]["cost"] == "12.000000"
    assert "flat_rate_per_kwh" in body["cost_note"]
    status, _, bills = server.call("GET", f"/api/v1/buildings/{b['id']}/bills?start_date="
                                          "2024-01-01&end_date=2024-01-01", tenant.token)
    assert status == 200 and bills["bills"][0]["basis"] == "flat_rate"
    assert bills["bills"][0]["currency"] is None and bills["total"] == "12.00"


def test_utility_bills_are_stored_once_and_reconciled(server, tenant, loaded):
    b, kwh = loaded
    path = f"/api/v1/buildings/{b['id']}/utility-bills"
    wh = sum(int(v * 1000) for v in kwh[:31 * 24])
    ours = (energy_line(wh, Decimal("0.12")).quantize(CENT, rounding=ROUND_HALF_UP) + 10)
    jan = {"id": "INV-1", "period_start": "2024-01-01", "period_end": "2024-02-01",
           "consumption_kwh": f"{Decimal(wh) / 1000:.3f}", "amount": f"{ours}"}
    feb = {"id": "INV-2", "period_start": "2024-02-01", "period_end": "2024-03-01",
           "consumption_kwh": "1.000", "amount": "999.00"}
    # Without a tariff the bills are kept and the answer says why they were not reconciled.
    status, _, up = server.call("POST", path, tenant.token, body={"bills": [jan]})
    assert status == 200 and up["inserted"] == 1
    assert up["reconciliation"]["groups"] == []
    (skipped,) = up["reconciliation"]["unreconciled"]
    assert skipped["bill_id"] == "INV-1" and "flat_rate_per_kwh" in skipped["reason"]
    assert upload_tariff(server, tenant.token, b["id"], SIMPLE, "2024-01-01")[0] == 201
    operator = create_user(server.base, tenant.token, "operator")
    bad = {"id": "INV-3", "period_start": "2024-03-01", "period_end": "2024-04-01",
           "amount": 12.5}
    status, _, up = server.call("POST", path, operator.token, body={"bills": [jan, feb, bad]})
    assert status == 200, up
    assert (up["accepted"], up["rejected"], up["inserted"], up["unchanged"]) == (2, 1, 1, 1)
    assert up["rejections"] == [{"index": 2, "field": "/bills/2/amount",
                                 "reason": up["rejections"][0]["reason"]}]
    assert "string" in up["rejections"][0]["reason"]
    (group,) = up["reconciliation"]["groups"]
    checks = {c["billed"]["id"]: c for c in group["checks"]}
    assert checks["INV-1"]["ok"] is True, checks["INV-1"]
    assert checks["INV-1"]["computed"]["total"] == f"{ours}"
    kinds = {f["kind"] for f in checks["INV-2"]["findings"]}
    assert {"consumption_mismatch", "cost_mismatch"} <= kinds, kinds  # data covers February
    assert up["reconciliation"]["flagged"] == 1
    # A corrected bill replaces the stored one; the list is newest first.
    status, _, up = server.call("POST", path, operator.token,
                                body={"bills": [dict(feb, amount="998.00")]})
    assert (up["inserted"], up["replaced"]) == (0, 1)
    _, _, listed = server.call("GET", path, tenant.token)
    assert [(x["bill_id"], x["amount"]) for x in listed["utility_bills"]] == \
        [("INV-2", "998.000000"), ("INV-1", f"{ours:.6f}")]
    assert listed["next_cursor"] is None
    _, _, page = server.call("GET", path + "?limit=1", tenant.token)
    assert [x["bill_id"] for x in page["utility_bills"]] == ["INV-2"] and page["next_cursor"]
    _, _, page = server.call("GET", f"{path}?limit=1&cursor={page['next_cursor']}", tenant.token)
    assert [x["bill_id"] for x in page["utility_bills"]] == ["INV-1"]
    assert page["next_cursor"] is None
    assert server.call("GET", path + "?cursor=nonsense", tenant.token)[0] == 400
    status, _, latest = server.call("GET", f"/api/v1/buildings/{b['id']}/reconciliation?limit=1",
                                    tenant.token)
    assert status == 200 and latest["bills"] == 1
    assert latest["groups"][0]["checks"][0]["billed"]["id"] == "INV-2"
    # CSV, the library's bills format, with inclusive end dates.
    csv_text = "id,period_start,period_end,kwh,amount\nINV-1,2024-01-01,2024-01-31,{},{}\n" \
        .format(jan["consumption_kwh"], jan["amount"])
    status, _, up = server.call("POST", path + "?end_date=inclusive", operator.token,
                                raw=csv_text.encode(), headers={"Content-Type": "text/csv"})
    assert status == 200 and up["accepted"] == 1, up
    # Nothing readable: 422 with every reason; a viewer may not upload; another tenant sees 404.
    status, _, p = server.call("POST", path, operator.token, body={"bills": [bad]})
    assert status == 422 and p["errors"][0]["field"] == "/bills/0/amount"
    viewer = create_user(server.base, tenant.token, "viewer")
    assert server.call("POST", path, viewer.token, body={"bills": [jan]})[0] == 403
    assert server.call("GET", path, viewer.token)[0] == 200
    other = create_tenant(server.base, _root(server))
    assert server.call("GET", path, other.token)[0] == 404
    assert server.call("POST", path, other.token, body={"bills": [jan]})[0] == 404


def espi(tag: str) -> str:
    return "{http://naesb.org/espi}" + tag


def test_green_button_upload_imports_readings_and_reconciles_its_bill(server, tenant):
    xml = need(INLAND).read_bytes()
    b = building(server, tenant.token, flat_rate_per_kwh="0.15")
    path = f"/api/v1/buildings/{b['id']}/greenbutton"
    status, _, first = server.call("POST", path + "?import_readings=true", tenant.token,
                                   raw=xml, headers={"Content-Type": "application/atom+xml"},
                                   timeout=300)
    assert status == 200, first
    (imported,) = first["imports"]
    assert (imported["inserted"], imported["rejected"]) == (8760, 0)
    assert first["bills"]["inserted"] == 1
    # The file read here: its summary's billing period, and the interval Wh inside it.
    root = ET.fromstring(xml)
    period = root.find(f".//{espi('ElectricPowerUsageSummary')}/{espi('billingPeriod')}")
    start = int(period.find(espi("start")).text)
    end = start + int(period.find(espi("duration")).text)
    wh = sum(int(r.find(espi("value")).text)
             for r in root.iter(espi("IntervalReading"))
             if start <= int(r.find(f"{espi('timePeriod')}/{espi('start')}").text) < end)
    (group,) = first["reconciliation"]["groups"]
    (check,) = group["checks"]
    assert check["computed"]["kwh"] == f"{Decimal(wh) / 1000:.3f}"
    assert group["priced_by"]["basis"] == "flat_rate"
    # Our kWh at 0.15 $/kWh, rounded to cents (the flat tariff has one energy line).
    assert check["computed"]["total"] == \
        f"{energy_line(wh, Decimal('0.15')).quantize(CENT, rounding=ROUND_HALF_UP)}"
    # This sample's summary states another consumption than its intervals (PROVENANCE.md).
    assert "consumption_mismatch" in {f["kind"] for f in check["findings"]}
    again = server.call("POST", path + "?import_readings=true", tenant.token, raw=xml,
                        headers={"Content-Type": "application/xml"}, timeout=300)[2]
    assert (again["imports"][0]["inserted"], again["imports"][0]["unchanged"]) == (0, 8760)
    assert (again["bills"]["inserted"], again["bills"]["unchanged"]) == (0, 1)
    status, _, p = server.call("POST", path, tenant.token, raw=b"<feed><entry>",
                               headers={"Content-Type": "application/xml"})
    assert status == 422 and p["field"] == "body"
    status, _, p = server.call("POST", path, tenant.token, raw=b"{}")
    assert status == 415


def test_report_json_and_pdf(server, tenant, loaded):
    b, _ = loaded
    assert upload_tariff(server, tenant.token, b["id"], SIMPLE, "2024-01-01")[0] == 201
    server.aggregate()
    path = f"/api/v1/buildings/{b['id']}/analytics/report?report_type=efficiency&period=month" \
           "&end=2024-02-01"
    viewer = create_user(server.base, tenant.token, "viewer")
    assert server.call("GET", path, viewer.token)[0] == 403
    operator = create_user(server.base, tenant.token, "operator")
    status, _, report = server.call("GET", path, operator.token, timeout=300)
    assert status == 200, report
    assert report["has_data"] is True and report["kpis"]["cost"] is not None
    if CLI_BIN:
        simple_file = pathlib.Path(server.dir) / "simple.json"
        simple_file.write_text(json.dumps(SIMPLE))
        cli = subprocess.run(
            [CLI_BIN, "--db", server.db_uri, "report", "--building", b["id"], "--period",
             "month", "--end", "2024-02-01", "--format", "json", "--currency", "USD",
             "--tariff", f"{simple_file}@2024-01-01"], check=True, capture_output=True, text=True)
        reference = json.loads(cli.stdout)
        assert report["kpis"] == reference["kpis"]
        assert report["bills"] == reference["bills"]
    status, headers, pdf = server.call("GET", path, operator.token,
                                       headers={"Accept": "application/pdf"}, timeout=300)
    assert status == 200 and headers["content-type"] == "application/pdf"
    assert "attachment" in headers["content-disposition"]
    assert isinstance(pdf, str) and pdf.startswith("%PDF")
    for bad in ("report_type=monthly", "period=decade", "end=2024-2-1"):
        status, _, p = server.call("GET", f"/api/v1/buildings/{b['id']}/analytics/report?{bad}",
                                   operator.token)
        assert status == 400, (bad, p)
    other = create_tenant(server.base, _root(server))
    assert server.call("GET", path, other.token)[0] == 404


def test_the_documents_examples_are_valid_bodies(server, tenant):
    # The attack suite builds its requests from these examples: they must be accepted.
    _, _, doc = server.call("GET", "/api/v1/openapi.json")
    schemas = doc["components"]["schemas"]
    b = building(server, tenant.token)
    meter(server, tenant.token, b["id"])
    status, _, v = server.call("POST", f"/api/v1/buildings/{b['id']}/tariffs", tenant.token,
                               body=schemas["TariffUpload"]["example"])
    assert status == 201 and v["complete"] is True, v
    status, _, up = server.call("POST", f"/api/v1/buildings/{b['id']}/utility-bills",
                                tenant.token, body=schemas["UtilityBillUpload"]["example"])
    assert status == 200 and up["accepted"] == 1, up
    # No readings in the bill's period: the reconciliation says so instead of inventing them.
    (check,) = up["reconciliation"]["groups"][0]["checks"]
    assert "no_data" in {f["kind"] for f in check["findings"]}
    ops = {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
    for route in (("POST", "/api/v1/buildings/{building_id}/tariffs"),
                  ("GET", "/api/v1/buildings/{building_id}/bills"),
                  ("POST", "/api/v1/buildings/{building_id}/greenbutton"),
                  ("GET", "/api/v1/buildings/{building_id}/analytics/report")):
        assert route in ops
    listing = doc["paths"]["/api/v1/buildings/{building_id}/utility-bills"]["get"]
    assert {p["name"] for p in listing["parameters"] if p["in"] == "query"} == {"limit", "cursor"}


def test_the_aggregation_job_prices_by_tariff_versions_set_with_the_cli(backend, tmp_path):
    """`energy tariff set` switches the database's summaries to stored tariff versions; the
    server's hourly job must refresh with the same model (it refused every run before)."""
    if not CLI_BIN:
        pytest.skip("ENERGY_CLI_BIN not set")
    import auth_helpers
    from conftest import Server  # a server of its own: the cost model is the database's
    s = Server(backend).start()
    try:
        root = auth_helpers.admin_token(s.base)
        t = auth_helpers.create_tenant(s.base, root)
        b = building(s, t.token)
        sensor = meter(s, t.token, b["id"])
        kwh = office_load(48)
        send_load(s, t.token, sensor["id"], JAN1, kwh)
        rate = {k: v for k, v in SIMPLE.items() if k != "fixedmonthlycharge"}
        tariff = tmp_path / "flat.json"
        tariff.write_text(json.dumps(rate))
        subprocess.run([CLI_BIN, "--db", s.db_uri, "tariff", "set", "--building", b["id"],
                        "--effective", "2024-01-01", str(tariff)], check=True, capture_output=True)
        status, _, run = s.call("POST", "/api/v1/jobs/aggregate/run", token=root)
        assert status == 200 and run["state"] == "succeeded", run
        out = subprocess.run([CLI_BIN, "--db", s.db_uri, "summaries", "--building", b["id"],
                              "--resolution", "hour", "--from", "2024-01-01", "--to", "2024-01-03",
                              "--format", "json"], check=True, capture_output=True, text=True)
        hours = json.loads(out.stdout)
        rows = hours if isinstance(hours, list) else next(v for v in hours.values() if isinstance(v, list))
        assert len(rows) == 48, rows[:2]
        for row, v in zip(rows, kwh):
            # 0.12 $/kWh of the hour's energy, to the cent: priced by the stored version.
            assert Decimal(str(row["cost"])).quantize(CENT) == (v * Decimal("0.12")).quantize(CENT, rounding=ROUND_HALF_UP), row
    finally:
        s.stop()
