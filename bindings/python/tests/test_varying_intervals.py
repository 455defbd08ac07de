# SPDX-License-Identifier: Apache-2.0
"""Readings of varying length reach Python whole: monthly gas reads (29, 30, 31 days) and 23- or
25-hour local days from Green Button keep each interval's duration, value and cost, even where the
store import (one interval per sensor) would reject them."""
import numpy as np
import pandas as pd
import pytest

import energy

pytestmark = pytest.mark.skipif(not hasattr(energy, "read_greenbutton"), reason="energy::greenbutton not built")

BASE = "https://utility.example/DataCustodian/espi/1_1/resource/RetailCustomer/1"


def _entry(links: str, resource: str) -> str:
    return f"<entry><id>urn:uuid:x</id>{links}<title>t</title><content>{resource}</content></entry>\n"


def _link(rel: str, href: str) -> str:
    return f'<link rel="{rel}" href="{href}"/>'


def _feed(kind: int, uom: int, multiplier: int, interval: int, readings: str) -> str:
    up = f"{BASE}/UsagePoint/1"
    return ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            + _entry(_link("self", up) + _link("related", f"{up}/MeterReading"),
                     f'<UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>{kind}</kind>'
                     "</ServiceCategory></UsagePoint>")
            + _entry(_link("self", f"{up}/MeterReading/1") + _link("up", f"{up}/MeterReading")
                     + _link("related", f"{up}/MeterReading/1/IntervalBlock")
                     + _link("related", "/espi/1_1/resource/ReadingType/R"),
                     '<MeterReading xmlns="http://naesb.org/espi"/>')
            + _entry(_link("self", "/espi/1_1/resource/ReadingType/R"),
                     '<ReadingType xmlns="http://naesb.org/espi"><accumulationBehaviour>4</accumulationBehaviour>'
                     f"<currency>840</currency><flowDirection>1</flowDirection><intervalLength>{interval}"
                     f"</intervalLength><kind>12</kind><powerOfTenMultiplier>{multiplier}</powerOfTenMultiplier>"
                     f"<uom>{uom}</uom></ReadingType>")
            + _entry(_link("self", f"{up}/MeterReading/1/IntervalBlock/1")
                     + _link("up", f"{up}/MeterReading/1/IntervalBlock"),
                     f'<IntervalBlock xmlns="http://naesb.org/espi">{readings}</IntervalBlock>')
            + "</feed>\n")


def _reading(start: pd.Timestamp, end: pd.Timestamp, value: int, cost: int | None = None) -> str:
    seconds = int((end - start).total_seconds())
    c = "" if cost is None else f"<cost>{cost}</cost>"
    return (f"<IntervalReading>{c}<timePeriod><duration>{seconds}</duration><start>{int(start.timestamp())}"
            f"</start></timePeriod><value>{value}</value></IntervalReading>")


def test_monthly_gas_reads_keep_each_months_length_value_and_cost():
    edges = pd.date_range("2024-01-01", "2024-05-01", freq="MS", tz="America/Denver")
    therms = [120, 95, 80, 40]  # hundredths of a therm below: 1.20, 0.95, ... therm
    costs = [2_512_345, 1_999_990, None, 1_000_000]  # 1/100000 dollars: $25.12345, $19.9999, none, $10
    xml = _feed(1, 169, -2, 2_678_400,
                "".join(_reading(s, e, v, c) for s, e, v, c in zip(edges[:-1], edges[1:], therms, costs)))
    (mr,) = energy.parse_greenbutton(xml, "gas.xml")["meter_readings"]
    # The store import keeps one interval per sensor (744 h here: only January) and rejects the others ...
    assert mr["interval_seconds"] == 2_678_400 and len(mr["ts"]) == 1 and len(mr["rejected"]) == 3
    # ... but every month is in the intervals, with its own length, exact value and cost.
    frame = energy.greenbutton_frame(mr, time_zone="America/Denver")
    assert frame.index.name == "start" and len(frame) == 4
    assert list(frame.index) == list(edges[:-1]) and list(frame["end"]) == list(edges[1:])
    assert list(frame["duration_seconds"]) == [31 * 86400, 29 * 86400, 31 * 86400 - 3600, 30 * 86400]
    assert list(frame["hours"]) == [744.0, 696.0, 743.0, 720.0]  # March loses an hour to DST
    # 1 therm = 29,307.107 Wh (exact integer arithmetic in C++, rounded to the Wh)
    assert list(frame["value_milli"]) == [35_169, 27_842, 23_446, 11_723]
    assert list(frame["raw_value"]) == therms
    assert list(frame["cost_micros"].astype("object")) == [25_123_450, 19_999_900, pd.NA, 10_000_000]
    assert frame["cost"].iloc[0] == 25.12345 and np.isnan(frame["cost"].iloc[2])


def test_23_and_25_hour_days_are_not_dropped():
    days = pd.date_range("2024-03-09", "2024-03-12", freq="D", tz="America/New_York")  # spring forward 03-10
    fall = pd.date_range("2024-11-02", "2024-11-05", freq="D", tz="America/New_York")  # fall back 11-03
    readings = "".join(_reading(s, e, 24_000 + i, 350_000)
                       for i, (s, e) in enumerate(list(zip(days[:-1], days[1:])) + list(zip(fall[:-1], fall[1:]))))
    (mr,) = energy.parse_greenbutton(_feed(0, 72, 0, 86_400, readings), "days.xml")["meter_readings"]
    assert len(mr["ts"]) == 4  # 24-hour days only in the single-interval rows
    frame = energy.greenbutton_frame(mr)
    assert list(frame["hours"]) == [24.0, 23.0, 24.0, 24.0, 25.0, 24.0]
    assert list(frame["value_milli"]) == [24_000, 24_001, 24_002, 24_003, 24_004, 24_005]
    assert int(frame["cost_micros"].sum()) == 6 * 3_500_000
    assert str(frame.index.tz) == "UTC"


def test_a_series_without_a_canonical_unit_keeps_its_raw_values_and_says_why():
    s = pd.Timestamp("2024-01-01", tz="UTC")
    xml = _feed(0, 38, 0, 3600, _reading(s, s + pd.Timedelta(hours=1), 7))  # uom 38 = W (demand)
    (mr,) = energy.parse_greenbutton(xml, "w.xml")["meter_readings"]
    assert mr["intervals"]["value_milli"] is None and "no canonical unit" in mr["intervals"]["value_milli_missing_because"]
    frame = energy.greenbutton_frame(mr)
    assert list(frame["raw_value"]) == [7] and frame["value_milli"].isna().all()
