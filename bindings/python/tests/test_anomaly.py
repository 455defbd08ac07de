# SPDX-License-Identifier: Apache-2.0
"""Anomaly detection through Python gives what the C++ unit tests pin for the same series, and on real
data agrees with an independent numpy count of missing intervals."""
import numpy as np
import pandas as pd
import pytest

import energy

NY = "America/New_York"
BUILDING = "5b0c5f0e-0000-4000-8000-000000000001"
JAN1 = int(pd.Timestamp("2024-01-01T00:00:00", tz=NY).timestamp())  # local midnight


def _series(days: int, interval: int, wh: int):
    ts = JAN1 + np.arange(days * 86400 // interval, dtype="int64") * interval
    return (ts * 10**9).astype("datetime64[ns]"), np.full(len(ts), wh, dtype="int64")


def test_an_hourly_threshold_merges_consecutive_exceeding_hours_as_the_cpp_test_pins():
    ts, v = _series(2, 900, 2500)
    v[40:48] *= 2  # 10:00-12:00 local on Jan 1
    a = energy.detect_threshold(BUILDING, ts, v, threshold_milli=15000, window="hour", zone=NY, interval_seconds=900)
    assert a["kind"] == ["threshold_exceeded"]
    assert a["start"][0] == np.datetime64((JAN1 + 10 * 3600) * 10**9, "ns")
    assert a["end"][0] == np.datetime64((JAN1 + 12 * 3600) * 10**9, "ns")
    assert a["actual_milli"].tolist() == [20000] and a["expected_milli"].tolist() == [15000]
    with pytest.raises(ValueError, match="window"):
        energy.detect_threshold(BUILDING, ts, v, threshold_milli=1, window="week", zone=NY)


def test_negative_impossible_and_missing_values_are_reported_never_raised():
    ts, v = _series(3, 3600, 1000)
    v[10], v[11], v[40] = -500, -20, 900000
    keep = np.r_[0:20, 25:len(ts)]
    frame = energy.anomalies_frame(energy.detect_data_quality(
        BUILDING, ts[keep], v[keep], interval_seconds=3600, max_value_milli=500000), NY)
    neg = frame[frame.kind == "negative_value"]
    assert len(neg) == 1 and neg.actual_milli.iloc[0] == -520 and neg.actual.iloc[0] == -0.52
    assert (frame.kind == "impossible_value").sum() == 1
    gap = frame[frame.kind == "missing_data"]
    assert len(gap) == 1 and gap.score.iloc[0] == 5.0
    assert gap.index[0] == pd.Timestamp("2024-01-01T20:00", tz=NY) and frame.index.name == "start"
    assert str(frame.index.tz) == NY and str(frame["end"].dt.tz) == NY


def test_register_resets_and_rollovers_are_told_apart():
    ts = (np.array([0, 900, 1800, 2700, 3600]) * 10**9).astype("datetime64[ns]")
    reg = [99990.0, 99998.0, 3.0, 10.0, 2.0]
    r = energy.detect_register_resets(BUILDING, ts, reg, register_max=99999.9)
    assert r["kind"] == ["meter_reset"] and r["start"][0] == np.datetime64(2700, "s")
    assert len(energy.detect_register_resets(BUILDING, ts, reg)["kind"]) == 2


def test_missing_hours_in_real_data_equal_a_numpy_count_of_the_gaps(il_hourly):
    ts = il_hourly.index.tz_convert("UTC").tz_localize(None).values.astype("datetime64[ns]")
    wh = energy.energy_milli(il_hourly["value"].fillna(0))
    a = energy.anomalies_frame(energy.detect_data_quality(BUILDING, ts, wh, interval_seconds=3600))
    step = np.diff(ts.astype("int64") // 10**9)
    missing = int((step // 3600 - 1)[step > 3600].sum())
    assert a[a.kind == "missing_data"].score.sum() == missing


def test_a_weekend_running_like_a_weekday_is_after_hours_waste_against_the_detected_schedule():
    days = 28
    ts = JAN1 + np.arange(days * 24, dtype="int64") * 3600  # Jan 1 2024 is a Monday
    local = pd.DatetimeIndex(ts * 10**9).tz_localize("UTC").tz_convert(NY)
    occupied = (local.dayofweek < 5) & (local.hour >= 8) & (local.hour < 18)
    v = np.where(occupied, 50000, 10000).astype("int64")
    sched = energy.detect_schedule(BUILDING, (ts * 10**9).astype("datetime64[ns]"), v, zone=NY, interval_seconds=3600)
    assert sched.detected and sched.days[0] == (True, 8, 18) and sched.days[6][0] is False
    assert sched.occupied_hours_per_week == 50
    last_saturday = (local.dayofweek == 5) & (local.day == 27) & (local.hour >= 8) & (local.hour < 18)
    v2 = np.where(last_saturday, 50000, v)
    found = energy.detect_after_hours(BUILDING, (ts * 10**9).astype("datetime64[ns]"), v2, sched, zone=NY,
                                      interval_seconds=3600)
    assert "after_hours_waste" in found["kind"]


def test_weeks_that_break_the_schedule_do_not_count_unless_min_week_agreement_allows_them():
    weeks = 5
    ts = JAN1 + np.arange(weeks * 168, dtype="int64") * 3600
    local = pd.DatetimeIndex(ts * 10**9).tz_localize("UTC").tz_convert(NY)
    occupied = (local.dayofweek < 5) & (local.hour >= 8) & (local.hour < 18)
    v = np.where(occupied, 50000, 10000).astype("int64")
    # Two of five weeks run at full load all weekend: 48 of their 168 hours sit on the wrong side.
    week = (ts - JAN1) // (168 * 3600)
    v = np.where(((week == 1) | (week == 3)) & (local.dayofweek >= 5), 50000, v)
    t = (ts * 10**9).astype("datetime64[ns]")
    strict = energy.detect_schedule(BUILDING, t, v, zone=NY, interval_seconds=3600)
    assert not strict.detected and strict.status == "inconsistent_weeks"
    lenient = energy.detect_schedule(BUILDING, t, v, zone=NY, interval_seconds=3600, min_week_agreement=0.0)
    assert lenient.detected and lenient.days[0] == (True, 8, 18)


def test_a_load_without_a_schedule_says_so_instead_of_reporting_nothing_silently():
    days = 28
    ts = ((JAN1 + np.arange(days * 24, dtype="int64") * 3600) * 10**9).astype("datetime64[ns]")
    flat = np.full(days * 24, 20000, dtype="int64")
    sched = energy.detect_schedule(BUILDING, ts, flat, zone=NY, interval_seconds=3600)
    assert not sched.detected and sched.status == "no_contrast"
    assert "not judged" in sched.reason
    found = energy.detect_after_hours(BUILDING, ts, flat, sched, zone=NY, interval_seconds=3600)
    assert found["kind"] == []
    assert found["schedule_status"] == "no_contrast" and found["schedule_reason"] == sched.reason
    assert energy.anomalies_frame(found).empty  # the extra keys do not disturb the frame
    few = energy.detect_schedule(BUILDING, ts[:30], flat[:30], zone=NY, interval_seconds=3600)
    assert few.status == "too_little_data" and "30 of the 168 hours" in few.reason


def test_a_baseline_deviation_is_found_and_a_perfect_baseline_stays_quiet():
    ts, v = _series(28, 3600, 10000)
    local = pd.DatetimeIndex(ts).tz_localize("UTC").tz_convert(NY)
    v = np.asarray(10000 + 5000 * ((local.hour >= 8) & (local.hour < 18))).astype("int64")
    expected = v / 1000.0  # kWh, as a baseline model predicts
    quiet = energy.detect_baseline_deviation(BUILDING, ts, v, expected_kwh=expected, zone=NY, interval_seconds=3600)
    assert quiet["kind"] == []
    bad = v.copy()
    bad[24 * 14 + 8: 24 * 16 + 8] += 20000  # two days: the default minimum is 36 hours
    found = energy.detect_baseline_deviation(BUILDING, ts, bad, expected_kwh=expected, zone=NY, interval_seconds=3600)
    assert found["kind"] == ["baseline_deviation"]
    # Exact Wh totals: the model's kWh became Wh inside, not in the caller.
    assert found["actual_milli"][0] - found["expected_milli"][0] == 20000 * 48
    with pytest.raises(ValueError):
        energy.detect_baseline_deviation(BUILDING, ts, bad, expected_kwh=expected[:-1], zone=NY, interval_seconds=3600)


def test_baseline_deviation_methods_differ_on_one_day_and_bad_options_raise():
    """The default CUSUM never reports a single odd day (12 two-hour blocks add at most 18 < 24);
    the smoothed-z method, as the server's alert rules run it (12 h window, 3 h minimum), does."""
    ts, v = _series(28, 3600, 10000)
    v = np.full(len(ts), 10000, dtype="int64")
    expected = v / 1000.0
    one_day = v.copy()
    one_day[24 * 14: 24 * 15] = 4500
    kw = dict(expected_kwh=expected, zone=NY, interval_seconds=3600)
    assert energy.detect_baseline_deviation(BUILDING, ts, one_day, min_duration_seconds=0, **kw)["kind"] == []
    quick = energy.detect_baseline_deviation(BUILDING, ts, one_day, method="smoothed_z",
                                             smoothing_seconds=12 * 3600, min_duration_seconds=3 * 3600, **kw)
    assert quick["kind"] == ["baseline_deviation"]
    assert quick["actual_milli"][0] < quick["expected_milli"][0]
    with pytest.raises(ValueError):
        energy.detect_baseline_deviation(BUILDING, ts, one_day, method="cusp", **kw)
    with pytest.raises(ValueError):
        energy.detect_baseline_deviation(BUILDING, ts, one_day, block_seconds=7000, **kw)


def test_baseline_deviation_takes_the_model_output_by_name_not_by_position():
    """Before 2026-12-03 the fourth positional argument was Wh: a caller still passing it so must
    fail loudly rather than be read as kWh."""
    ts, v = _series(28, 3600, 10000)
    with pytest.raises(TypeError):
        energy.detect_baseline_deviation(BUILDING, ts, v, v * 1.0, zone=NY, interval_seconds=3600)


def test_the_interval_is_inferred_from_the_data_not_defaulted():
    # Hourly data without interval_seconds: the detectors take 3600 from the timestamps (a default of
    # 900 would report three missing quarter-hours after every reading).
    b = energy.new_id()
    ts = pd.date_range("2024-01-01T00:00:00Z", periods=48, freq="h").values
    wh = np.full(48, 1000, dtype=np.int64)
    dq = energy.detect_data_quality(b, ts, wh, expected_start="2024-01-01T00:00:00Z",
                                    expected_end="2024-01-03T00:00:00Z")
    assert "missing_data" not in list(dq["kind"])
    explicit = energy.detect_data_quality(b, ts, wh, interval_seconds=900,
                                          expected_start="2024-01-01T00:00:00Z",
                                          expected_end="2024-01-03T00:00:00Z")
    assert "missing_data" in list(explicit["kind"])
    with pytest.raises(ValueError, match="interval_seconds"):
        energy.detect_data_quality(b, ts[:1], wh[:1])
    with pytest.raises(ValueError, match="interval_seconds"):
        energy.detect_data_quality(b, ts, wh, interval_seconds=0)
