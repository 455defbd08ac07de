# SPDX-License-Identifier: Apache-2.0
"""Tariff holidays: SCE GS-2 TOU B (a real URDB record) on the DOE large office in September 2015,
with Labor Day (Monday 2015-09-07) given as a holiday. The energy and TOU-demand lines are checked
against a computation written here from the URDB record itself (pandas local calendar, the
record's 12 x 24 schedules and rates), not from the library's tariff."""
import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

import energy

LA = "America/Los_Angeles"
LABOR_DAY = dt.date(2015, 9, 7)


@pytest.fixture
def record(data_dir):
    with open(data_dir / "tariffs" / "reopt_incentives.json") as f:
        return json.load(f)["ElectricTariff"]["urdb_response"]


@pytest.fixture
def sce(data_dir):
    return energy.read_urdb_file(str(data_dir / "tariffs" / "reopt_incentives.json")).tariff


@pytest.fixture
def september(data_dir):
    kw = pd.read_csv(data_dir / "tariffs" / "reopt_loads_kw_largeoffice_sanfran.csv", header=None,
                     dtype=str)[0]
    wh = np.array([int((Decimal(x) * 1000).to_integral_value(ROUND_HALF_UP)) for x in kw],
                  dtype="int64")
    local = pd.date_range(pd.Timestamp("2015-01-01", tz=LA), periods=len(wh), freq="h")
    keep = (local >= pd.Timestamp("2015-09-01", tz=LA)) & (local < pd.Timestamp("2015-10-01", tz=LA))
    return local[keep], wh[keep]


def independent_lines(record, local, wh, holidays):
    """(kind, period) -> (quantity in Wh or W, $ to the micro-dollar) from the URDB record."""
    weekend = (local.dayofweek >= 5) | np.isin(local.date, list(holidays))
    out = {}
    for kind, week, wend, rates in (
            ("energy", "energyweekdayschedule", "energyweekendschedule", "energyratestructure"),
            ("demand", "demandweekdayschedule", "demandweekendschedule", "demandratestructure")):
        period = np.where(weekend, [record[wend][t.month - 1][t.hour] for t in local],
                          [record[week][t.month - 1][t.hour] for t in local])
        for p in sorted(set(period.tolist())):
            tier = record[rates][p][0]
            price = Decimal(str(tier["rate"])) + Decimal(str(tier.get("adj", 0)))
            # Hourly data: energy is the sum, demand the highest hourly kW of the period.
            q = int(wh[period == p].sum()) if kind == "energy" else int(wh[period == p].max())
            if kind == "demand" and price == 0:
                continue  # a zero-price demand period is not billed
            exact = (Decimal(q) / 1000 * price).quantize(Decimal("0.000001"), ROUND_HALF_UP)
            out[(kind, p)] = (q, exact)  # money is exact to the micro-dollar
    return out


def bill_lines(b):
    cols = b.lines
    return {(k, int(p)): (int(q), Decimal(e)) for k, p, q, e in
            zip(cols["kind"], cols["period"], cols["quantity_milli"], cols["exact"])
            if k in ("energy", "demand")}


def bill(tariff, local, wh):
    ts = local.tz_convert("UTC").tz_localize(None).values.astype("datetime64[ns]")
    return energy.compute_bill(ts, wh, tariff, zone=LA, start="2015-09-01T00:00:00-07:00",
                               end="2015-10-01T00:00:00-07:00", interval_seconds=3600)


def test_labor_day_is_priced_with_the_weekend_schedule(record, sce, september):
    local, wh = september
    with_day = bill(sce.with_holidays([LABOR_DAY]), local, wh)
    assert bill_lines(with_day) == independent_lines(record, local, wh, {LABOR_DAY})
    without = bill(sce, local, wh)
    assert bill_lines(without) == independent_lines(record, local, wh, set())
    # The day's 9 on- and mid-peak hours move to off-peak: the bill is lower, by what they cost.
    assert Decimal(with_day.total) < Decimal(without.total)


def test_unknown_holidays_are_said_and_an_empty_list_says_none(sce, september):
    local, wh = september
    assert sce.holidays is None
    assert any("holidays are not given" in n for n in bill(sce, local, wh).notes)
    none = sce.with_holidays([])
    assert none.holidays == []
    assert not any("holidays" in n for n in bill(none, local, wh).notes)
    given = sce.with_holidays(["2015-12-25", LABOR_DAY])
    assert given.holidays == ["2015-12-25", "2015-09-07"]
    assert "2 holiday(s)" in repr(given)


def test_bad_holidays_are_refused_naming_the_entry(sce):
    with pytest.raises(ValueError, match=r"holidays\[1\].*'2015-02-29' is not a calendar date"):
        sce.with_holidays(["2015-09-07", "2015-02-29"])
    with pytest.raises(ValueError, match=r"holidays\[1\] \(2015-09-07\) repeats holidays\[0\]"):
        sce.with_holidays([LABOR_DAY, "2015-09-07"])
    with pytest.raises(ValueError, match="not an instant|instant"):
        sce.with_holidays([dt.datetime(2015, 9, 7, 12)])
    with pytest.raises(TypeError):
        sce.with_holidays([20150907])


def _weekday_dear() -> str:
    """A URDB record: 0.30 $/kWh every weekday hour, 0.10 every weekend hour."""
    return json.dumps({"name": "Weekday dear", "utility": "Test Utility",
                       "energyratestructure": [[{"rate": 0.10}], [{"rate": 0.30}]],
                       "energyweekdayschedule": [[1] * 24 for _ in range(12)],
                       "energyweekendschedule": [[0] * 24 for _ in range(12)]})


@pytest.mark.parametrize("holidays, july_4_micros", [(None, 14_400_000), ([], 14_400_000),
                                                     (["2016-07-04"], 4_800_000)])
def test_stored_versions_keep_their_holidays_and_price_the_summaries(store, chicago, holidays,
                                                                     july_4_micros):
    _, b, m = chicago
    # 2 kWh every hour of Sunday 3 July to Tuesday 5 July 2016, local: 48 kWh a day.
    index = pd.date_range("2016-07-03", "2016-07-06", freq="h", tz="America/Chicago", inclusive="left")
    energy.ingest_frame(store, pd.DataFrame({"value": 2.0}, index=index), sensor_id=m.id,
                        now="2020-01-01T00:00:00Z")
    store.add_tariff_version(b.id, _weekday_dear(), effective="2016-07-01", holidays=holidays)
    assert store.tariff_versions(b.id)[0]["holidays"] == holidays
    assert store.tariff_in_effect(b.id, "2016-07-04").tariff.holidays == holidays
    store.refresh_summaries()
    days = energy.summaries_frame(store, b.id, "day")
    # Sunday 48 x 0.10, Monday 4 July as given, Tuesday 48 x 0.30.
    assert list(days["cost_micros"]) == [4_800_000, july_4_micros, 14_400_000]


def test_a_repeated_holiday_stores_nothing(store, chicago):
    _, b, _ = chicago
    with pytest.raises(ValueError, match=r"holidays\[1\] \(2016-07-04\) repeats holidays\[0\]"):
        store.add_tariff_version(b.id, _weekday_dear(), effective="2016-07-01",
                                 holidays=["2016-07-04", dt.date(2016, 7, 4)])
    with pytest.raises(TypeError, match="one string"):
        store.add_tariff_version(b.id, _weekday_dear(), effective="2016-07-01", holidays="2016-07-04")
    assert store.tariff_versions(b.id) == []
