# SPDX-License-Identifier: Apache-2.0
"""Every frame follows the one convention of docs/python.md: index `start` (tz-aware), `end`
beside it for periods, calendar rows in the building's zone and measurements in UTC unless
`time_zone=`, quantities as floats with exact integers beside them, never Decimal objects.
And `Store` is a context manager whose close() is final."""
import numpy as np
import pandas as pd
import pytest

import energy

CHICAGO = "America/Chicago"


def _no_object_decimal(frame: pd.DataFrame) -> None:
    from decimal import Decimal

    for name in frame.columns:
        if frame[name].dtype == object:
            assert not any(isinstance(v, Decimal) for v in frame[name]), name


@pytest.fixture
def stored(store, chicago):
    """Hourly readings of 1.5 kWh over Chicago's fall-back day (25 local hours), summarised."""
    _, b, m = chicago
    index = pd.date_range("2024-11-03", "2024-11-04", freq="h", tz=CHICAGO, inclusive="left")
    assert len(index) == 25
    energy.ingest_frame(store, pd.DataFrame({"value": 1.5}, index=index), sensor_id=m.id, now="2025-01-01T00:00:00Z")
    store.refresh_summaries()
    return b, m, index


def test_summaries_are_local_calendar_rows_with_float_cost_and_exact_micros(store, stored):
    b, _, _ = stored
    days = energy.summaries_frame(store, b.id, "day")
    assert days.index.name == "start" and str(days.index.tz) == CHICAGO
    assert days.index[0] == pd.Timestamp("2024-11-03", tz=CHICAGO) and str(days["end"].dt.tz) == CHICAGO
    assert list(days["hours"]) == [25.0] and list(days["consumption_milli"]) == [37_500]
    # 37.5 kWh x 0.115 $/kWh = 4.3125 $ exactly: micros are exact, the float shows it
    assert days["cost"].dtype == np.float64 and list(days["cost_micros"]) == [4_312_500]
    assert days["cost"].iloc[0] == 4.3125
    _no_object_decimal(days)
    utc = energy.summaries_frame(store, b.id, "day", time_zone="UTC")
    assert str(utc.index.tz) == "UTC" and (utc.index == days.index).all()  # same instants


def test_readings_are_measurements_in_utc_indexed_by_start(store, stored):
    _, m, index = stored
    readings = energy.readings_frame(store, m.id)
    assert readings.index.name == "start" and str(readings.index.tz) == "UTC"
    assert (readings.index == index).all() and len(readings) == 25
    local = energy.readings_frame(store, m.id, time_zone=CHICAGO)
    assert str(local.index.tz) == CHICAGO and (local.index == readings.index).all()
    # the repeated 01:00 shows twice, with its two offsets
    assert [t.isoformat() for t in local.index[1:3]] == ["2024-11-03T01:00:00-05:00", "2024-11-03T01:00:00-06:00"]


def test_bill_lines_and_reconciliation_hold_money_as_floats_with_exact_micros(stored):
    _, _, index = stored
    wh = np.full(25, 1500, dtype="int64")
    tariff = energy.flat_energy_tariff("0.123457")
    bill = energy.compute_bill(index, wh, tariff, zone=CHICAGO, start=index[0], end=index[-1] + pd.Timedelta(hours=1),
                               interval_seconds=3600)
    lines = energy.bill_lines_frame(bill)
    _no_object_decimal(lines)
    (energy_line,) = lines[lines["kind"] == "energy"].itertuples()
    assert energy_line.rate_micros == 123_457 and energy_line.rate == 0.123457
    assert energy_line.exact_micros == 4_629_638  # 37.5 x 0.123457 = 4.62963750 -> micro rounding
    assert energy_line.amount_micros == 4_630_000 and energy_line.amount == 4.63
    assert int(lines["amount_micros"].sum()) == int(bill.total.replace(".", ""))

    bills = [energy.UtilityBill(index[0], index[-1] + pd.Timedelta(hours=1), 37_500, None, id="nov")]
    report = energy.reconcile(bills, index, wh, tariff, zone=CHICAGO, interval_seconds=3600)
    frame = energy.reconciliation_frame(report)
    _no_object_decimal(frame)
    assert frame.index.name == "start" and str(frame.index.tz) == CHICAGO  # the report's zone
    assert np.isnan(frame["billed_amount"].iloc[0]) and frame["billed_amount_micros"].isna().iloc[0]
    assert frame["computed_total_micros"].iloc[0] == 4_630_000 and frame["computed_total"].iloc[0] == 4.63


def test_anomalies_and_forecasts_are_indexed_by_start():
    ts = pd.date_range("2024-01-01", periods=48, freq="h", tz="UTC")
    wh = np.full(48, 1000, dtype="int64")
    wh[5] = -10
    frame = energy.anomalies_frame(energy.detect_data_quality("0190a0e0-0000-7000-8000-000000000001", ts, wh,
                                                              interval_seconds=3600))
    assert frame.index.name == "start" and str(frame.index.tz) == "UTC" and "start" not in frame.columns
    assert frame.index[0] == ts[5] and frame["end"].iloc[0] == ts[6]


def test_store_is_a_context_manager_and_a_closed_store_says_so(tmp_path):
    path = tmp_path / "site.db"
    with energy.open_store(f"sqlite:{path}") as store:
        t = energy.Tenant("Acme")
        store.put_tenant(t)
        assert not store.closed and repr(store) == "<Store sqlite>"
    assert store.closed and repr(store) == "<Store closed>"
    with pytest.raises(ValueError, match="this store is closed"):
        store.tenants()
    with pytest.raises(ValueError, match="this store is closed"):
        energy.readings_frame(store, t.id)
    with pytest.raises(ValueError, match="this store is closed"):
        with store:
            pass
    store.close()  # idempotent
    with energy.open_store(f"sqlite:{path}") as again:  # the file was released and kept its data
        assert [x.name for x in again.tenants()] == ["Acme"]
    explicit = energy.open_store("memory:")
    explicit.close()
    with pytest.raises(ValueError, match="this store is closed"):
        energy.ingest(explicit, [t.id], np.zeros(1, "datetime64[ns]"), [1.0])


def test_an_exception_inside_with_propagates_and_still_closes():
    with pytest.raises(KeyError):
        with energy.open_store("memory:") as store:
            raise KeyError("boom")
    assert store.closed
