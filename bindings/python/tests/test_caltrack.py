# SPDX-License-Identifier: Apache-2.0
"""CalTRACK hourly against an independent numpy implementation written here from the CalTRACK 2.0
rules (dense weighted design, numpy.linalg.lstsq), eemeter's serialized models written by hand in
the reference's format (field names of eemeter's hourly.py / segmentation.py / usage_per_day.py)
with predictions computed here, and the round trip fit -> eemeter JSON -> load."""
import json

import numpy as np
import pandas as pd
import pytest

import energy

ZONE = "America/Chicago"
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
CANDIDATES = [30, 45, 55, 65, 75, 90]


def _ns(index):
    return index.tz_convert("UTC").tz_localize(None).values.astype("datetime64[ns]")


# ---- independent CalTRACK hourly (numpy, dense design) ------------------------------------------

def _keep_endpoints(temps, candidates=CANDIDATES, min_count=20):
    """The bin-merge rule: right-closed bins; sparse outer bins lose their inner endpoint first;
    only when both outer bins are dense, every sparse middle bin loses its right endpoint."""
    kept = sorted(candidates)
    temps = pd.Series(temps).dropna()
    while len(kept) > 0:
        counts = pd.cut(temps, [-np.inf] + kept + [np.inf], right=True).value_counts(sort=False).to_numpy()
        drop = set()
        if counts[0] < min_count:
            drop.add(kept[0])
        if counts[-1] < min_count:
            drop.add(kept[-1])
        if not drop:
            drop = {kept[i] for i in range(1, len(counts) - 1) if counts[i] < min_count}
        if not drop:
            break
        kept = [e for e in kept if e not in drop]
    return kept


def _bin_columns(t, endpoints):
    edges = [-np.inf] + list(endpoints) + [np.inf]
    cols = []
    for i in range(len(edges) - 1):
        lo, hi = edges[i], edges[i + 1]
        if i == 0:
            cols.append(np.where(t <= hi, t, hi))
        else:
            cols.append(np.where(t > hi, hi - lo, np.where(t > lo, t - lo, 0.0)))
    return np.column_stack(cols)


def _wls(x, y, w):
    sw = np.sqrt(w)
    return np.linalg.lstsq(x * sw[:, None], y * sw, rcond=None)[0]


def _fit_segment(how, y, t, w, threshold=0.65):
    sel = w > 0
    how, y, t, w = how[sel], y[sel], t[sel], w[sel]
    dd = np.column_stack([np.ones_like(t), np.maximum(t - 65, 0), np.maximum(50 - t, 0)])
    resid = y - dd @ _wls(dd, y, w)
    occ = np.zeros(168, dtype=bool)
    for s in np.unique(how):
        r = resid[how == s]
        occ[s] = np.mean(r > 0) > threshold
    row_occ = occ[how]
    e_occ, e_un = _keep_endpoints(t[row_occ]), _keep_endpoints(t[~row_occ])
    slots = np.unique(how)
    onehot = (how[:, None] == slots[None, :]).astype(float)
    b_occ = _bin_columns(t, e_occ) * row_occ[:, None]
    b_un = _bin_columns(t, e_un) * (~row_occ)[:, None]
    beta = _wls(np.hstack([onehot, b_occ, b_un]), y, w)
    alpha = np.full(168, np.nan)
    alpha[slots] = beta[:len(slots)]
    k = len(e_occ) + 1
    return dict(occ=occ, e_occ=e_occ, e_un=e_un, alpha=alpha,
                s_occ=beta[len(slots):len(slots) + k], s_un=beta[len(slots) + k:])


def _local(ts_utc):
    return pd.DatetimeIndex(ts_utc).tz_convert(ZONE)


def _numpy_caltrack(ts, y, t, single=False, threshold=0.65):
    loc = _local(ts)
    how = (loc.dayofweek * 24 + loc.hour).to_numpy()
    month = (loc.month - 1).to_numpy()
    ok = np.isfinite(y) & np.isfinite(t)
    how, y, t, month = how[ok], y[ok], t[ok], month[ok]
    if single:
        return [_fit_segment(how, y, t, np.ones_like(y), threshold)]
    segs = []
    for m in range(12):
        w = np.where(month == m, 1.0,
                     np.where((month == (m + 1) % 12) | (month == (m - 1) % 12), 0.5, 0.0))
        segs.append(_fit_segment(how, y, t, w, threshold))
    return segs


def _numpy_predict(segs, ts, t):
    loc = _local(ts)
    how = (loc.dayofweek * 24 + loc.hour).to_numpy()
    month = (loc.month - 1).to_numpy()
    out = np.full(len(t), np.nan)
    for i in range(len(t)):
        s = segs[0] if len(segs) == 1 else segs[month[i]]
        if not np.isfinite(t[i]) or not np.isfinite(s["alpha"][how[i]]):
            continue
        occ = s["occ"][how[i]]
        e, slopes = (s["e_occ"], s["s_occ"]) if occ else (s["e_un"], s["s_un"])
        out[i] = s["alpha"][how[i]] + _bin_columns(np.array([t[i]]), e)[0] @ slopes
    return out


@pytest.fixture
def il_rows(il_hourly, il_temperature):
    t = il_temperature.reindex(il_hourly.index)
    return il_hourly.index, il_hourly["value"].to_numpy(dtype="float64"), t.to_numpy()


def _period(index, start, end):
    s, e = pd.Timestamp(start, tz=ZONE), pd.Timestamp(end, tz=ZONE)
    return (index >= s) & (index < e)


@pytest.mark.parametrize("single,threshold", [(False, 0.65), (True, 0.5)])
def test_caltrack_hourly_matches_an_independent_numpy_implementation(il_rows, single, threshold):
    idx, y, t = il_rows
    base = _period(idx, "2016-01-01", "2016-12-31")  # 365 days (2016 is a leap year)
    rep = _period(idx, "2017-01-04", "2018-01-04")
    model = energy.fit_caltrack_hourly(
        _ns(idx[base]), y[base], t[base], zone=ZONE, unit="fahrenheit",
        segmentation="single" if single else "three_month_weighted", occupancy_threshold=threshold)
    ref = _numpy_caltrack(idx[base], y[base], t[base], single=single, threshold=threshold)
    assert len(model.segments) == len(ref)
    occupied = 0
    for seg, r in zip(model.segments, ref):
        np.testing.assert_array_equal(seg.occupied.astype(bool), r["occ"])
        assert list(seg.occupied_bin_endpoints) == r["e_occ"]
        assert list(seg.unoccupied_bin_endpoints) == r["e_un"]
        occupied += int(r["occ"].sum())
    if threshold == 0.5:
        assert occupied > 0  # both modes are exercised
    # Tolerance: the library solves normal equations by blocks, numpy a dense lstsq; 1e-7 relative.
    for rows in (base, rep):
        ours = model.predict(_ns(idx[rows]), t[rows])["expected"]
        theirs = _numpy_predict(ref, idx[rows], t[rows])
        np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
        np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-9)


def test_insufficient_months_are_named(il_rows):
    idx, y, t = il_rows
    base = _period(idx, "2016-01-01", "2016-12-31")
    y = y[base].copy()
    y[(idx[base].tz_convert(ZONE).month == 3) & (idx[base].tz_convert(ZONE).day <= 5)] = np.nan
    # March 2016 has 743 local hours (DST starts on the 13th); 5 days = 120 h are missing.
    with pytest.raises(ValueError, match=r"mar 83\.8 % \(623 of 743 h\)"):
        energy.fit_caltrack_hourly(_ns(idx[base]), y, t[base], zone=ZONE, unit="fahrenheit")
    with pytest.raises(ValueError, match="fahrenheit or celsius"):
        energy.fit_caltrack_hourly(_ns(idx[base]), y, t[base], zone=ZONE, unit="kelvin")


def test_our_fit_round_trips_through_eemeter_json_to_identical_predictions(il_rows):
    idx, y, t = il_rows
    base = _period(idx, "2016-01-01", "2016-12-31")
    rep = _period(idx, "2017-01-04", "2018-01-04")
    model = energy.fit_caltrack_hourly(_ns(idx[base]), y[base], t[base], zone=ZONE, unit="fahrenheit")
    doc = json.loads(model.to_eemeter_json())
    assert doc["method_name"] == "caltrack_hourly"
    assert doc["model"]["segment_type"] == "three_month_weighted"
    assert isinstance(doc["model"]["occupancy_lookup"], str)  # pandas to_json text, as eemeter
    back = energy.load_caltrack_hourly_model(json.dumps(doc), zone=ZONE, unit="fahrenheit")
    a = model.predict(_ns(idx[rep]), t[rep])["expected"]
    b = back.predict(_ns(idx[rep]), t[rep])["expected"]
    np.testing.assert_array_equal(a, b)


# ---- eemeter's serialized hourly model, written by hand -----------------------------------------

def _split(columns, index, rows):
    return json.dumps({"columns": columns, "index": index, "data": rows})


def _hand_model_v4():
    """eemeter 4.0.x CalTRACKHourlyModelResults.json() with one 'all' segment ('single')."""
    occupied = [h < 24 for h in range(168)]  # Monday is occupied
    occ_bins = [e in (55, 75) for e in CANDIDATES]
    un_bins = [e == 65 for e in CANDIDATES]
    params = {f"C(hour_of_week)[{h}]": 1 + h / 100 for h in range(167)}  # 167: not fitted
    del params["C(hour_of_week)[5]"]
    params["C(hour_of_week)[5.0]"] = 9.5  # pandas' float category spelling
    params.update({"bin_0_occupied": 0.1, "bin_1_occupied": 0.2, "bin_2_occupied": 0.3,
                   "bin_0_unoccupied": -0.05, "bin_1_unoccupied": 0.4})
    formula = ("meter_value ~ C(hour_of_week) - 1 + bin_0_occupied + bin_1_occupied + bin_2_occupied"
               " + bin_0_unoccupied + bin_1_unoccupied")
    segment = {"segment_name": "all", "formula": formula, "warnings": [], "model_params": params}
    return {
        "status": "SUCCEEDED", "method_name": "caltrack_hourly", "warnings": [], "metadata": {},
        "settings": {}, "totals_metrics": None, "avgs_metrics": None,
        "model": {
            "segment_models": [segment], "model_lookup": {"all": segment},
            "prediction_segment_type": "single", "prediction_segment_name_mapping": None,
            "prediction_feature_processor": "caltrack_hourly_prediction_feature_processor",
            "occupancy_lookup": _split(["all"], list(range(168)), [[o] for o in occupied]),
            "occupied_temperature_bins": _split(["all"], CANDIDATES, [[b] for b in occ_bins]),
            "unoccupied_temperature_bins": _split(["all"], CANDIDATES, [[b] for b in un_bins]),
            "segment_type": "single"}}


def test_hand_written_eemeter_hourly_model_predicts_as_computed_by_hand():
    model = energy.load_caltrack_hourly_model(json.dumps(_hand_model_v4()), zone=ZONE, unit="fahrenheit")
    # Monday 2023-01-02 (Chicago), and Sunday 2023-01-08 23:00 (hour of week 167).
    when = pd.DatetimeIndex([pd.Timestamp("2023-01-02 03:00", tz=ZONE),   # Mon 03:00, occupied
                             pd.Timestamp("2023-01-02 05:00", tz=ZONE),   # Mon 05:00, occupied
                             pd.Timestamp("2023-01-03 10:00", tz=ZONE),   # Tue 10:00 = 34, unocc.
                             pd.Timestamp("2023-01-03 11:00", tz=ZONE),
                             pd.Timestamp("2023-01-08 23:00", tz=ZONE)])  # 167: no parameter
    temp = np.array([80.0, 50.0, 70.0, 60.0, 60.0])
    # Occupied endpoints {55, 75}: bins min(T,55), clamp(T-55,0,20), max(T-75,0).
    # Unoccupied endpoints {65}: bins min(T,65), max(T-65,0).
    expected = [1.03 + 0.1 * 55 + 0.2 * 20 + 0.3 * 5,
                9.5 + 0.1 * 50,
                1.34 - 0.05 * 65 + 0.4 * 5,
                1.35 - 0.05 * 60,
                np.nan]
    got = model.predict(_ns(when), temp)["expected"]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # The same temperatures in °C give the same predictions when the model is told so.
    model_c = energy.load_caltrack_hourly_model(json.dumps(_hand_model_v4()), zone=ZONE, unit="celsius")
    np.testing.assert_allclose(model_c.predict(_ns(when), (temp - 32) / 1.8)["expected"], expected,
                               rtol=1e-12)


def test_hand_written_eemeter2_model_with_shared_bins_and_missing_months():
    """eemeter 2.x: one temperature_bins table, bin_k:C(occupancy) interactions, no segment_type;
    only the January and July segment models are present (other months predict NaN)."""
    names = [f"{MONTHS[m - 1]}-{MONTHS[m]}-{MONTHS[(m + 1) % 12]}-weighted" for m in range(12)]
    occupancy = [[h % 24 >= 8 for _ in names] for h in range(168)]  # 08:00-23:00 occupied
    bins = [[e == 55 for _ in names] for e in CANDIDATES]

    def seg(name, a, occ0, occ1, un0, un1):
        params = {f"C(hour_of_week)[{h}.0]": a for h in range(168)}
        params.update({"bin_0:C(occupancy)[False]": un0, "bin_0:C(occupancy)[True]": occ0,
                       "bin_1:C(occupancy)[False]": un1, "bin_1:C(occupancy)[True]": occ1})
        return {"segment_name": name, "warnings": [], "model_params": params,
                "formula": "meter_value ~ C(hour_of_week) - 1 + bin_0:C(occupancy) + bin_1:C(occupancy)"}

    doc = {"status": "SUCCEEDED", "method_name": "caltrack_hourly",
           "model": {"segment_models": [seg(names[0], 2.0, 0.1, 0.2, 0.01, 0.02),
                                        seg(names[6], 3.0, 0.3, 0.4, 0.03, 0.04)],
                     "prediction_segment_type": "one_month",
                     "occupancy_lookup": _split(names, list(range(168)), occupancy),
                     "temperature_bins": _split(names, CANDIDATES, bins)}}
    model = energy.load_caltrack_hourly_model(json.dumps(doc), zone=ZONE, unit="fahrenheit")
    assert model.segmentation == "three_month_weighted"
    when = pd.DatetimeIndex([pd.Timestamp("2023-01-10 09:00", tz=ZONE),  # Jan, occupied
                             pd.Timestamp("2023-01-10 03:00", tz=ZONE),  # Jan, unoccupied
                             pd.Timestamp("2023-07-10 12:00", tz=ZONE),  # Jul, occupied
                             pd.Timestamp("2023-03-10 12:00", tz=ZONE)])  # Mar: no segment model
    temp = np.array([40.0, 60.0, 90.0, 60.0])
    expected = [2.0 + 0.1 * 40, 2.0 + 0.01 * 55 + 0.02 * 5, 3.0 + 0.3 * 55 + 0.4 * 35, np.nan]
    np.testing.assert_allclose(model.predict(_ns(when), temp)["expected"], expected, rtol=1e-12)


def test_unknown_terms_in_an_eemeter_hourly_file_are_refused_naming_the_field():
    doc = _hand_model_v4()
    doc["model"]["segment_models"][0]["formula"] += " + np.log(temperature)"
    with pytest.raises(energy.ParseError, match=r"segment_models\[0\]\.formula.*unknown term"):
        energy.load_caltrack_hourly_model(json.dumps(doc), zone=ZONE, unit="fahrenheit")
    doc = _hand_model_v4()
    doc["model"]["segment_models"][0]["model_params"]["bin_9_occupied"] = 1.0
    with pytest.raises(energy.ParseError, match=r"bin_9_occupied"):
        energy.load_caltrack_hourly_model(json.dumps(doc), zone=ZONE, unit="fahrenheit")


# ---- eemeter's serialized daily model -----------------------------------------------------------

def test_eemeter_daily_model_predicts_local_days_as_computed_with_pandas(il_temperature):
    doc = {"status": "SUCCESS", "method_name": "caltrack_daily_method", "r_squared_adj": 0.9,
           "model": {"model_type": "cdd_only", "formula": "meter_value ~ cdd_62",
                     "status": "QUALIFIED", "r_squared_adj": 0.9, "warnings": [],
                     "model_params": {"intercept": 7.5, "beta_cdd": 3.6, "cooling_balance_point": 62}}}
    model = energy.load_caltrack_daily_model(json.dumps(doc), zone=ZONE)
    days = pd.date_range("2017-06-01", "2017-07-01", freq="D", tz=ZONE)
    start, end = days[:-1], days[1:]
    pred = model.predict(_ns(start), _ns(end), _ns(il_temperature.index),
                         il_temperature.to_numpy())["expected"]
    local = il_temperature.tz_convert(ZONE)
    t_day = local.groupby(local.index.normalize()).mean()
    expected = [7.5 + 3.6 * max(t_day[d] - 62, 0.0) for d in start]
    np.testing.assert_allclose(pred, expected, rtol=1e-9)
