# SPDX-License-Identifier: Apache-2.0
"""The compiled functions take what a notebook holds (tz-aware pandas timestamps in any zone,
Timestamps for bounds), refuse naive times by name, and answer wrong arguments with a TypeError
that names the argument instead of pybind11's signature dump."""
import datetime

import numpy as np
import pandas as pd
import pytest

import energy

CHICAGO = "America/Chicago"


@pytest.fixture
def hourly():
    """Two local days across the spring-forward change (47 hours), kWh rising by hour."""
    index = pd.date_range("2024-03-09", "2024-03-11", freq="h", tz=CHICAGO, inclusive="left")
    return pd.DataFrame({"kwh": np.arange(1, len(index) + 1, dtype="float64")}, index=index)


def _utc_numpy(index: pd.DatetimeIndex) -> np.ndarray:
    return index.tz_convert("UTC").tz_localize(None).values.astype("datetime64[ns]")


def test_a_tz_aware_index_series_or_frame_gives_the_same_bill_as_utc_numpy(hourly):
    wh = (hourly["kwh"] * 1000).astype("int64")
    tariff = energy.flat_energy_tariff("0.10")
    kwargs = dict(zone=CHICAGO, start="2024-03-09T00:00:00-06:00", end="2024-03-11T00:00:00-05:00",
                  interval_seconds=3600)
    want = energy.compute_bill(_utc_numpy(hourly.index), wh.to_numpy(), tariff, **kwargs)
    for ts in (hourly.index, hourly.index.tz_convert("Asia/Tokyo"), hourly, hourly["kwh"],
               hourly.index.to_series(), list(hourly.index)):
        got = energy.compute_bill(ts, wh, tariff, **kwargs)
        assert (got.total, got.energy_milli, got.intervals) == (want.total, want.energy_milli, want.intervals)
    assert want.energy_milli == int(hourly["kwh"].sum() * 1000) and want.intervals == 47


def test_timestamps_in_another_zone_are_converted_not_reread_as_utc(hourly):
    tokyo = hourly.index.tz_convert("Asia/Tokyo")
    np.testing.assert_array_equal(energy.time_of_week(tokyo, zone=CHICAGO),
                                  energy.time_of_week(_utc_numpy(hourly.index), zone=CHICAGO))
    # Local midnight Saturday 2024-03-09 in Chicago is hour 5 * 24 of a Monday-based week.
    assert energy.time_of_week(hourly.index[:1], zone=CHICAGO)[0] == 5 * 24


def test_naive_timestamps_are_refused_naming_the_argument(hourly):
    naive = hourly.index.tz_localize(None)
    with pytest.raises(ValueError, match=r"^ts: timestamps have no time zone"):
        energy.time_of_week(naive, zone=CHICAGO)
    with pytest.raises(ValueError, match=r"^ts: timestamps have no time zone"):
        energy.compute_bill(pd.Series(naive), np.ones(47, dtype="int64"), energy.flat_energy_tariff("0.1"),
                            zone=CHICAGO, start=0, end=86400)
    with pytest.raises(ValueError, match=r"^ts: timestamps have no time zone"):
        energy.time_of_week([datetime.datetime(2024, 1, 1)], zone=CHICAGO)
    with pytest.raises(TypeError, match=r"^ts: expected a DatetimeIndex, got \w*Index"):
        energy.time_of_week(pd.Index([1, 2]), zone=CHICAGO)
    with pytest.raises(TypeError, match=r"^ts: a DataFrame gives its timestamps through a DatetimeIndex"):
        energy.time_of_week(pd.DataFrame({"a": [1]}), zone=CHICAGO)


def test_bounds_accept_aware_timestamps_and_datetimes_and_refuse_naive_ones(hourly):
    wh = np.full(47, 1000, dtype="int64")
    tariff = energy.flat_energy_tariff("0.10")
    start, end = pd.Timestamp("2024-03-10", tz=CHICAGO), pd.Timestamp("2024-03-11", tz=CHICAGO)
    by_text = energy.compute_bill(hourly.index, wh, tariff, zone=CHICAGO, start=start.isoformat(),
                                  end=end.isoformat(), interval_seconds=3600)
    by_timestamp = energy.compute_bill(hourly.index, wh, tariff, zone=CHICAGO, start=start, end=end.to_pydatetime(),
                                       interval_seconds=3600)
    assert by_timestamp.start == by_text.start == "2024-03-10T06:00:00Z"
    assert by_timestamp.energy_milli == by_text.energy_milli == 23_000  # the 23-hour local day
    with pytest.raises(ValueError, match=r"^start: 2024-03-10 00:00:00 has no time zone"):
        energy.compute_bill(hourly.index, wh, tariff, zone=CHICAGO, start=pd.Timestamp("2024-03-10"), end=end)
    with pytest.raises(ValueError, match=r"^end: .* is not a whole second"):
        energy.compute_bill(hourly.index, wh, tariff, zone=CHICAGO, start=start,
                            end=end + pd.Timedelta(milliseconds=5))
    with pytest.raises(TypeError, match=r"^start: expected an RFC 3339 str"):
        energy.compute_bill(hourly.index, wh, tariff, zone=CHICAGO, start=1.5, end=end)


@pytest.mark.parametrize("call, message", [
    (lambda: energy.open_store(5),
     r"^open_store\(\): argument 'uri' must be str \(e\.g\. 'memory:'.*got int 5$"),
    (lambda: energy.compute_bill(np.zeros(1), np.zeros(1), "SCE", zone=CHICAGO, start=0, end=1),
     r"^compute_bill\(\): argument 'tariff' must be energy\.Tariff .*got str 'SCE'$"),
    (lambda: energy.time_of_week(np.zeros(1, "datetime64[ns]"), zone=5),
     r"^time_of_week\(\): argument 'zone' must be str \(an IANA zone name"),
    (lambda: energy.fit_towt(np.zeros(1), np.zeros(1), zone=CHICAGO, knots=3),
     r"^fit_towt\(\): unexpected keyword argument 'knots' \(accepted: ts, kwh, temperature, zone"),
    (lambda: energy.compute_bill(np.zeros(1), np.zeros(1), energy.flat_energy_tariff("1"), CHICAGO),
     r"^compute_bill\(\): takes 3 positional argument\(s\) \(ts, energy_milli, tariff\), got 4; pass zone="),
    (lambda: energy.compute_bill(np.zeros(1), np.zeros(1), energy.flat_energy_tariff("1"), start=0, end=1),
     r"^compute_bill\(\): missing argument 'zone' \(str"),
    (lambda: energy.Building("0190a0e0-0000-7000-8000-000000000001", "HQ", 5),
     r"^Building\(\): argument 'time_zone' must be str"),
    (lambda: energy.open_store("memory:").read_summaries("x", resolution=["day"]),
     r"^Store\.read_summaries\(\): argument 'resolution' must be str \('hour', 'day' or 'month'\)"),
    (lambda: energy.reconcile([1], np.zeros(1), np.zeros(1), energy.flat_energy_tariff("1"), zone=CHICAGO),
     r"^reconcile\(\): argument 'bills' must be a list of energy\.UtilityBill, got list \[1\]$"),
    (lambda: energy.TowtModel.from_json({"type": "towt"}),
     r"^TowtModel\.from_json\(\): argument 'json' must be str, got dict"),
])
def test_wrong_arguments_name_the_argument_and_what_it_must_be(call, message):
    with pytest.raises(TypeError, match=message) as caught:
        call()
    assert "incompatible" not in str(caught.value)


def test_float_kwh_where_integer_wh_belong_is_refused_not_truncated():
    ts = (np.arange(3, dtype="int64") * 3600 * 10**9).astype("datetime64[ns]")
    tariff = energy.flat_energy_tariff("1")
    with pytest.raises(TypeError, match=r"^energy_milli: expected integers .* got dtype float64; round float kWh"):
        energy.compute_bill(ts, np.array([1.7, 1.7, 1.7]), tariff, zone="UTC", start=0, end=3 * 3600)
    with pytest.raises(TypeError, match=r"^value_milli: expected integers"):
        energy.aggregate([], [], np.zeros(3, "int64"), ts, value_milli=[1.5, 2.0, 3.0])
    exact = energy.compute_bill(ts, energy.energy_milli(pd.Series([1.7, 1.7, 1.7])), tariff, zone="UTC",
                                start=0, end=3 * 3600)
    assert exact.energy_milli == 5_100


def test_setting_an_attribute_of_the_wrong_type_names_it():
    b = energy.Building("0190a0e0-0000-7000-8000-000000000001", "HQ", CHICAGO)
    with pytest.raises(TypeError, match=r"^Building\.square_footage: must be int or None, got str 'big'$"):
        b.square_footage = "big"
    b.square_footage = 52_000
    assert b.square_footage == 52_000


def test_errors_other_than_argument_types_pass_through_unchanged():
    with pytest.raises(ValueError, match="not a UUID"):
        energy.open_store("memory:").building("nope")
