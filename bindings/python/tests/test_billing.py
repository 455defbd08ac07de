# SPDX-License-Identifier: Apache-2.0
"""Bills and reconciliation through Python equal the values the C++ reference test pins (SCE GS-2 TOU B
on the DOE large office, checked there against an independent Python implementation), and the
report routes (columns, JSON, CSV) agree with each other."""
import json
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

import energy

LA = "America/Los_Angeles"
PINNED = {1: ("396574.372", "1116.502", "47426.26"), 6: ("430549.731", "1250.098", "84740.33"),
          9: ("429995.443", "1366.406", "88663.31"), 12: ("389191.131", "1104.616", "46856.86")}


@pytest.fixture
def sce(data_dir):
    return energy.read_urdb_file(str(data_dir / "tariffs" / "reopt_incentives.json"))


@pytest.fixture
def office(data_dir):
    kw = pd.read_csv(data_dir / "tariffs" / "reopt_loads_kw_largeoffice_sanfran.csv", header=None, dtype=str)[0]
    wh = np.array([int((Decimal(x) * 1000).to_integral_value(ROUND_HALF_UP)) for x in kw], dtype="int64")
    start = pd.Timestamp("2015-01-01", tz=LA).tz_convert("UTC")
    ts = pd.date_range(start, periods=len(wh), freq="h").tz_localize(None).values.astype("datetime64[ns]")
    return ts, wh


def _month(m: int):
    s = pd.Timestamp(f"2015-{m:02d}-01", tz=LA)
    e = pd.Timestamp("2016-01-01", tz=LA) if m == 12 else pd.Timestamp(f"2015-{m + 1:02d}-01", tz=LA)
    return s.isoformat(), e.isoformat()


def test_the_sce_tariff_reads_with_its_five_energy_periods_and_fixed_charge(sce):
    t = sce.tariff
    assert t.label == "55fc81d7682bea28da64f9ae"
    assert len(t.energy_period_prices) == 5
    assert Decimal(t.fixed_charge) == Decimal("259.2")
    assert isinstance(sce.unsupported, list)


@pytest.mark.parametrize("month", sorted(PINNED))
def test_monthly_bills_equal_the_cents_the_cpp_reference_test_pins(sce, office, month):
    ts, wh = office
    start, end = _month(month)
    b = energy.compute_bill(ts, wh, sce.tariff, zone=LA, start=start, end=end, interval_seconds=3600)
    kwh, kw, total = PINNED[month]
    assert Decimal(b.energy_milli) / 1000 == Decimal(kwh)
    assert Decimal(b.peak_demand_milli) / 1000 == Decimal(kw)
    assert Decimal(b.total) == Decimal(total) and b.total.endswith("0000")  # exact micros, whole cents
    assert b.demand_window_seconds == 3600 and b.coverage == pytest.approx(1.0)
    lines = energy.bill_lines_frame(b)
    # total = sum of the rounded lines, exactly (micros), and the float column shows the cents
    assert int(lines["amount_micros"].sum()) == int(Decimal(total) * 1_000_000)
    assert lines["amount"].to_numpy() == pytest.approx(lines["amount_micros"].to_numpy() / 1e6)
    doc = json.loads(b.to_json())  # a second route: the C++ JSON writer
    assert Decimal(doc["total"]) == Decimal(total)


def test_bills_equal_to_ours_reconcile_clean_and_a_wrong_amount_is_flagged(sce, office):
    ts, wh = office
    bills = []
    for m in (3, 4, 5):
        start, end = _month(m)
        ours = energy.compute_bill(ts, wh, sce.tariff, zone=LA, start=start, end=end, interval_seconds=3600)
        amount = ours.total if m != 4 else str(Decimal(ours.total) + 500)
        bills.append(energy.UtilityBill(start, end, ours.energy_milli, amount,
                                        peak_demand_milli=ours.peak_demand_milli, id=f"2015-{m:02d}"))
    report = energy.reconcile(bills, ts, wh, sce.tariff, zone=LA, interval_seconds=3600)
    frame = energy.reconciliation_frame(report, LA)
    assert list(frame["id"]) == ["2015-03", "2015-04", "2015-05"]
    assert frame["findings"].iloc[0] == [] and frame["findings"].iloc[2] == []
    assert "cost_mismatch" in frame["findings"].iloc[1]
    assert frame["cost_diff_micros"].iloc[1] == 500_000_000 and frame["cost_diff"].iloc[1] == 500.0
    assert report.flagged == 1
    # The JSON and CSV reports say the same thing as the columns.
    doc = json.loads(report.to_json())
    assert doc["bills"] == 3 and len(doc["checks"]) == 3
    csv_rows = report.to_csv().strip().splitlines()
    assert len(csv_rows) == 4 and "cost_mismatch" in csv_rows[2]


def test_bills_csv_rows_load_and_bad_rows_are_listed_with_line_and_column():
    text = ("period_start,period_end,kwh,peak_kw,amount\n"
            "2024-01-01,2024-02-01,1200.5,10,$150.25\n"
            "2024-02-01,2024-03-01,12x,,99\n")
    bills, errors = energy.parse_bills_csv(text, "bills.csv", zone="America/Chicago")
    assert len(bills) == 1 and bills[0].consumption_milli == 1200500 and bills[0].amount == "150.250000"
    assert bills[0].start == "2024-01-01T06:00:00Z"
    assert len(errors) == 1 and "bills.csv:3" in errors[0]
    with pytest.raises(energy.ParseError):
        energy.parse_bills_csv("nothing,useful\n1,2\n", "bad.csv")


def test_money_is_never_a_float_and_a_bad_tariff_input_is_a_value_error():
    t = energy.flat_energy_tariff("0.115")
    assert t.energy_period_prices == [["0.115000"]]
    with pytest.raises(ValueError, match="price_per_kwh"):
        energy.flat_energy_tariff("0.1a")
    ts = (np.arange(24, dtype="int64") * 3600 * 10**9).astype("datetime64[ns]")
    b = energy.compute_bill(ts, np.full(24, 1000, dtype="int64"), t, zone="UTC", start=0, end=86400,
                            interval_seconds=3600)
    assert b.total == "2.760000"  # 24 kWh x 0.115
    with pytest.raises(ValueError):
        energy.compute_bill(ts, np.full(24, 1000, dtype="int64"), t, zone="UTC", start=86400, end=0,
                            interval_seconds=3600)
    with pytest.raises(energy.ParseError, match="energyratestructure|json|JSON"):
        energy.read_urdb("{not json")


def test_the_interval_is_inferred_from_the_timestamps_and_a_contradicting_one_is_refused():
    t = energy.flat_energy_tariff("0.115")
    ts = (np.arange(24, dtype="int64") * 3600 * 10**9).astype("datetime64[ns]")
    wh = np.full(24, 1000, dtype="int64")
    b = energy.compute_bill(ts, wh, t, zone="UTC", start=0, end=86400)  # hourly, inferred
    assert b.coverage == pytest.approx(1.0)
    assert b.peak_demand_milli == 1000  # 1 kWh per hour is 1 kW, not the 4 kW a 15-minute guess gave
    with pytest.raises(ValueError, match="no two rows are closer than 3600"):
        energy.compute_bill(ts, wh, t, zone="UTC", start=0, end=86400, interval_seconds=900)


def test_a_year_gives_twelve_monthly_bills_in_one_call_and_cycles_match(sce, office):
    ts, wh = office
    start, _ = _month(1)
    _, end = _month(12)
    bills = energy.compute_monthly_bills(ts, wh, sce.tariff, zone=LA, start=start, end=end)
    assert len(bills) == 12
    for month, (kwh, _kw, total) in PINNED.items():
        assert Decimal(bills[month - 1].energy_milli) / 1000 == Decimal(kwh)
        assert Decimal(bills[month - 1].total) == Decimal(total)
    reads = [_month(m)[0] for m in range(1, 13)] + [end]
    cycles = energy.compute_cycle_bills(ts, wh, sce.tariff, zone=LA, reads=reads)
    assert [c.total for c in cycles] == [b.total for b in bills]
    with pytest.raises(ValueError, match="is not after read"):
        energy.compute_cycle_bills(ts, wh, sce.tariff, zone=LA, reads=[end, start])


def test_a_coincident_peak_charge_bills_the_demand_in_the_published_hour():
    # 24 hours of 100 kW, 300 kW in the hour from 17:00 local (00:00 UTC next day, PDT).
    start = pd.Timestamp("2025-07-15", tz=LA)
    ts = pd.date_range(start.tz_convert("UTC"), periods=24, freq="h").tz_localize(None).values
    wh = np.full(24, 100_000, dtype="int64")
    wh[17] = 300_000
    t = energy.flat_energy_tariff("0.10").with_coincident_peak(
        "system peak", [pd.Timestamp("2025-07-15 17:00", tz=LA).isoformat()], "8.50")
    b = energy.compute_bill(ts, wh, t, zone=LA, start=start.isoformat(),
                            end=(start + pd.Timedelta(days=1)).isoformat(), interval_seconds=3600)
    # Hand computation: 300 kW x 8.50 = 2,550.00; energy 2,600 kWh x 0.10 = 260.00.
    lines = energy.bill_lines_frame(b)
    cp = lines[lines["kind"] == "coincident_peak"]
    assert list(cp["amount_micros"]) == [2_550_000_000] and list(cp["amount"]) == [2550.0]
    assert Decimal(b.total) == Decimal("2810.00")
    assert b.unapplied == []
    with pytest.raises(ValueError, match="has no peak hours"):
        energy.flat_energy_tariff("0.10").with_coincident_peak("none", [], "1")


def test_sub_wh_energy_in_mwh_is_billed_without_rounding_loss():
    start = pd.Timestamp("2023-06-01", tz=LA)
    ts = pd.date_range(start.tz_convert("UTC"), periods=720, freq="h").tz_localize(None).values
    t = energy.flat_energy_tariff("0.12345")
    kw = dict(zone=LA, start=start.isoformat(), end=(start + pd.Timedelta(days=30)).isoformat(),
              interval_seconds=3600)
    exact = energy.compute_bill(ts, np.full(720, 1_141_550, dtype="int64"), t, energy_per_wh=1000, **kw)
    rounded = energy.compute_bill(ts, np.full(720, 1_142, dtype="int64"), t, **kw)
    # 1.14155 kW x 720 h = 821.916 kWh x 0.12345 = 101.4655302 (hand computation)
    assert Decimal(exact.total) == Decimal("101.47")
    assert Decimal(rounded.total) == Decimal("101.51")
