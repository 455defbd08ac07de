# SPDX-License-Identifier: Apache-2.0
"""eemeter 4 / OpenDSM daily models (DailyModel.to_json()) loaded with energy.load_eemeter_daily_model
and predicted over the IL temperatures, against an independent numpy evaluator written here from
eemeter's prediction path (opendsm/eemeter/models/daily/model.py `_predict`, `_meter_segment`,
`_predict_submodel`; base_models/full_model.py `get_full_model_x`, `fix_full_model_x`,
`full_model`; utilities/base_model.py `get_smooth_coeffs`; utilities/settings.py defaults), and
against the predictions eemeter itself printed for a model it wrote (OpenDSM's daily model
example page)."""
import copy
import json

import numpy as np
import pandas as pd
import pytest

import energy

ZONE = "America/Chicago"

# ---------------------------------------------------------------------------------------------
# Independent evaluator (numpy), from eemeter's source semantics.
# ---------------------------------------------------------------------------------------------
LN_MIN = np.log((np.finfo(float).tiny * 1e20) ** 0.5)
LN_MAX = np.log((np.finfo(float).max * 1e-20) ** 0.5)
DEFAULT_SEASONS = {1: "winter", 2: "winter", 3: "shoulder", 4: "shoulder", 5: "shoulder", 6: "summer",
                   7: "summer", 8: "summer", 9: "summer", 10: "shoulder", 11: "winter", 12: "winter"}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
CODES = {"su": "summer", "sh": "shoulder", "wi": "winter"}


def _full_x(coefficients, tc):
    """The seven full-model coefficients eemeter evaluates (get_full_model_x, fix_full_model_x with
    T_min/T_max, then get_smooth_coeffs for hdd_tidd_cdd_smooth)."""
    c = coefficients
    mt = c["model_type"]
    if mt in ("hdd_tidd", "tidd_cdd", "hdd_tidd_smooth", "tidd_cdd_smooth"):
        side = "hdd" if mt.startswith("hdd") else "cdd"
        bp, beta = c[f"{side}_bp"], c[f"{side}_beta"]
        k = c[f"{side}_k"] if mt.endswith("smooth") else 0.0
        if not mt.endswith("smooth"):  # c_hdd_tidd clamps its balance point to the segment bounds
            if bp < tc["T_min_seg"]:
                bp = tc["T_min_seg"]
            elif bp > tc["T_max_seg"]:
                bp = tc["T_max_seg"]
        x = [bp, 0.0, 0.0, bp, 0.0, 0.0, c["intercept"]]
        if beta < 0:
            x[1], x[2] = -beta, k
        else:
            x[4], x[5] = beta, k
    elif mt == "hdd_tidd_cdd":
        x = [c["hdd_bp"], c["hdd_beta"], 0.0, c["cdd_bp"], c["cdd_beta"], 0.0, c["intercept"]]
    elif mt == "hdd_tidd_cdd_smooth":
        x = [c["hdd_bp"], c["hdd_beta"], c["hdd_k"], c["cdd_bp"], c["cdd_beta"], c["cdd_k"], c["intercept"]]
    elif mt == "tidd":
        x = [0.0] * 6 + [c["intercept"]]
    else:
        raise ValueError(mt)
    hbp, hb, hk, cbp, cb, ck, ic = x
    if cbp < hbp:
        hbp, cbp, hb, cb, hk, ck = cbp, hbp, cb, hb, ck, hk
    if hbp != cbp:
        if cbp >= tc["T_max"]:
            cb = 0.0
        elif hbp <= tc["T_min"]:
            hb = 0.0
    hk = 0.0 if hb == 0 else hk
    ck = 0.0 if cb == 0 else ck
    if mt == "hdd_tidd_cdd_smooth":
        if hk < 0.01 and ck < 0.01:
            hk = ck = 0.0
        else:
            total = hk + ck
            if total > 1:
                hk, ck = hk / total, ck / total
            gap = cbp - hbp
            hk, ck = hk * gap, ck * gap
            hbp, cbp = hbp + hk, cbp - ck
    return hbp, hb, hk, cbp, cb, ck, ic


def eemeter_submodel(coefficients, tc, T):
    """Use per day of one submodel at daily temperatures T (full_model, vectorized)."""
    hbp, hb, hk, cbp, cb, ck, ic = _full_x(coefficients, tc)
    T = np.asarray(T, dtype=float)
    out = np.full(T.shape, float(ic))
    if hb == 0 and cb == 0:
        return out
    if cbp < hbp:
        hbp, cbp, hb, cb, hk, ck = cbp, hbp, cb, hb, ck, hk
    same = hbp == cbp
    heat = (T < hbp) | (same and cbp >= tc["T_max"])
    cool = ~heat & ((T > cbp) | (same and hbp <= tc["T_min"]))
    for mask, bp, beta, k in ((heat, hbp, -hb, hk), (cool, cbp, cb, -ck)):
        if beta == 0:
            continue
        t = T[mask]
        linear = beta * (t - bp) + ic
        if k == 0:
            out[mask] = linear
        else:
            out[mask] = abs(beta * k) * (np.exp(np.clip((1 / k) * (t - bp), LN_MIN, LN_MAX)) - 1) + linear
    return out


def eemeter_predict(doc, local_days, T):
    """eemeter's DailyModel._predict: each day (local date) to the submodel of its season and day
    of week; NaN where the temperature is missing or no submodel covers the day."""
    settings = doc.get("settings") or {}
    seasons = dict(DEFAULT_SEASONS)
    seasons.update({MONTHS.index(k.lower()) + 1: v.lower().strip()
                    for k, v in settings.get("season", {}).items() if k.lower() in MONTHS})
    week = {i + 1: ("weekend" if i >= 5 else "weekday") for i in range(7)}
    week.update({DAYS.index(k.lower()) + 1: v.lower().strip()
                 for k, v in settings.get("weekday_weekend", {}).items() if k.lower() in DAYS})
    day_sets = {"fw": set(range(1, 8)), "wd": {d for d, v in week.items() if v == "weekday"},
                "we": {d for d, v in week.items() if v == "weekend"}}
    idx = pd.DatetimeIndex(local_days)
    season = np.array([seasons[m] for m in idx.month])
    dow = idx.dayofweek + 1
    T = np.asarray(T, dtype=float)
    expected = np.full(len(T), np.nan)
    unc = np.full(len(T), np.nan)
    usable = np.isfinite(T)
    for key, sub in doc["submodels"].items():
        mask = (np.isin(season, [CODES[s] for s in key[3:].split("_")]) & np.isin(dow, list(day_sets[key[:2]]))
                & usable)
        assert np.all(np.isnan(expected[mask])), "eemeter's splits never overlap"
        expected[mask] = eemeter_submodel(sub["coefficients"], sub["temperature_constraints"], T[mask])
        unc[mask] = sub["f_unc"]
    return expected, unc


# ---------------------------------------------------------------------------------------------
# Documents shaped as DailyModel.to_json() writes them.
# ---------------------------------------------------------------------------------------------
SETTINGS = {"developer_mode": False, "algorithm_choice": "nlopt_sbplx", "initial_guess_algorithm_choice": "nlopt_direct",
            "full_model": "hdd_tidd_cdd", "allow_smooth_model": True, "alpha_minimum": -100, "alpha_selection": 2,
            "alpha_final_type": "last", "alpha_final": "adaptive", "final_bounds_scalar": 1,
            "regularization_alpha": 0.001, "regularization_percent_lasso": 1, "segment_minimum_count": 6,
            "maximum_slope_oom_scalar": 2, "initial_step_percentage": 0.1,
            "split_selection": {"criteria": "bic", "penalty_multiplier": 0.24, "penalty_power": 2.061,
                                "allow_separate_summer": True, "allow_separate_shoulder": True,
                                "allow_separate_winter": True, "allow_separate_weekday_weekend": True,
                                "reduce_splits_by_gaussian": True, "reduce_splits_num_std": [1.4, 0.89]},
            "season": {"january": "winter", "february": "winter", "march": "shoulder", "april": "shoulder",
                       "may": "shoulder", "june": "summer", "july": "summer", "august": "summer",
                       "september": "summer", "october": "shoulder", "november": "winter", "december": "winter",
                       "options": ["summer", "shoulder", "winter"]},
            "weekday_weekend": {"monday": "weekday", "tuesday": "weekday", "wednesday": "weekday",
                                "thursday": "weekday", "friday": "weekday", "saturday": "weekend",
                                "sunday": "weekend", "options": ["weekday", "weekend"]},
            "uncertainty_alpha": 0.1, "cvrmse_threshold": 1}


def coefficients(model_type, intercept, hdd_bp=None, hdd_beta=None, hdd_k=None, cdd_bp=None, cdd_beta=None,
                 cdd_k=None):
    return {"model_type": model_type, "intercept": intercept, "hdd_bp": hdd_bp, "hdd_beta": hdd_beta,
            "hdd_k": hdd_k, "cdd_bp": cdd_bp, "cdd_beta": cdd_beta, "cdd_k": cdd_k}


def constraints(T):
    """temperature_constraints as eemeter's get_T_bnds computes them (segment_minimum_count 6)."""
    T = np.asarray(T, dtype=float)
    T = np.sort(T[np.isfinite(T)])
    return {"T_min": float(T[0]), "T_max": float(T[-1]), "T_min_seg": float(np.partition(T, 6)[6]),
            "T_max_seg": float(np.partition(T, -6)[-6])}


def document(submodels, daily, settings=SETTINGS):
    """submodels: key -> (coefficients, f_unc); constraints from the IL days of that split."""
    probe = {"submodels": {k: {"coefficients": c, "temperature_constraints": {}, "f_unc": 0.0}
                           for k, (c, _) in submodels.items()}, "settings": settings}
    out = {"submodels": {}, "info": {"error": {"wRMSE": 218.7, "RMSE": 218.7, "MAE": 126.7, "CVRMSE": 0.0769,
                                               "PNRMSE": float("nan")},
                                     "baseline_timezone": ZONE, "disqualification": [], "warnings": []},
           "settings": settings}
    for key, (c, f_unc) in submodels.items():
        one = {"submodels": {key: probe["submodels"][key]}, "settings": settings}
        covered = _covered(one, daily.index)
        out["submodels"][key] = {"coefficients": c, "temperature_constraints":
                                 constraints(daily["temperature"].values[covered]), "f_unc": f_unc}
    if settings is None:
        del out["settings"]
    return out


def _covered(doc, local_days):
    marker = np.zeros(len(local_days))
    d = copy.deepcopy(doc)
    for sub in d["submodels"].values():
        sub["coefficients"] = coefficients("tidd", 1.0)
        sub["temperature_constraints"] = {"T_min": 0, "T_max": 0, "T_min_seg": 0, "T_max_seg": 0}
        sub["f_unc"] = 0.0
    e, _ = eemeter_predict(d, local_days, marker)
    return e == 1.0


def every_form(daily):
    """Six splits (weekday/weekend x season), six forms; balance points clamped where eemeter
    clamps them (we-su's cooling balance point below its T_min_seg, we-wi's heating one above)."""
    return document({
        "wd-su": (coefficients("tidd_cdd_smooth", 2400.0, cdd_bp=66.3, cdd_beta=71.2, cdd_k=4.7), 310.5),
        "wd-sh": (coefficients("hdd_tidd_cdd", 2250.0, hdd_bp=48.1, hdd_beta=52.6, cdd_bp=69.8, cdd_beta=40.3), 280.1),
        "wd-wi": (coefficients("hdd_tidd_smooth", 2310.0, hdd_bp=52.4, hdd_beta=-88.9, hdd_k=6.2), 402.0),
        "we-su": (coefficients("tidd_cdd", 1300.0, cdd_bp=40.0, cdd_beta=35.5), 190.0),
        "we-sh": (coefficients("tidd", 1420.5), 150.2),
        "we-wi": (coefficients("hdd_tidd", 1500.0, hdd_bp=75.0, hdd_beta=-41.0), 260.7),
    }, daily)


def smooth_and_fw(daily):
    """The full smoothed form on a full-week summer split, beside weekday/weekend shoulder+winter."""
    return document({
        "fw-su": (coefficients("hdd_tidd_cdd_smooth", 2600.0, hdd_bp=55.2, hdd_beta=30.4, hdd_k=0.45,
                               cdd_bp=70.1, cdd_beta=80.7, cdd_k=0.2), 330.0),
        "wd-sh_wi": (coefficients("hdd_tidd_cdd_smooth", 2313.26, hdd_bp=41.27, hdd_beta=119.45, hdd_k=0.4726,
                                  cdd_bp=70.96, cdd_beta=64.47, cdd_k=0.1761), 401.5),
        "we-sh_wi": (coefficients("hdd_tidd_cdd_smooth", 1355.3, hdd_bp=50.9, hdd_beta=80.7, hdd_k=0.8,
                                  cdd_bp=74.5, cdd_beta=41.0, cdd_k=0.6), 284.4),  # fractions sum > 1
    }, daily)


def one_split_defaults(daily):
    """One full-calendar split and no settings block: eemeter's default seasons apply."""
    doc = document({"fw-su_sh_wi": (coefficients("hdd_tidd", 2297.81, hdd_bp=67.73, hdd_beta=-30.74), 865.0)},
                   daily, settings=None)
    return doc


def seasonal_defaults(daily):
    """Splits by season without a settings block (defaults decide October and March)."""
    return document({
        "fw-su": (coefficients("tidd_cdd", 2500.0, cdd_bp=68.0, cdd_beta=60.0), 300.0),
        "fw-sh": (coefficients("hdd_tidd_cdd", 2100.0, hdd_bp=50.0, hdd_beta=45.0, cdd_bp=68.0, cdd_beta=55.0), 250.0),
        "fw-wi": (coefficients("hdd_tidd", 2000.0, hdd_bp=60.0, hdd_beta=-70.0), 350.0),
    }, daily, settings=None)


# ---------------------------------------------------------------------------------------------
# The IL temperatures as local days.
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def days(il_temperature):
    """Local days of America/Chicago over the IL hourly file: [start, end) in UTC and the mean of
    the day's samples where it has at least 13 (eemeter keeps a day with more than half of its
    hours)."""
    local = il_temperature.tz_convert(ZONE)
    date = local.index.normalize().tz_localize(None)
    g = local.groupby(date)
    mean = g.mean()
    count = g.count()
    first = date.min()
    last = date.max()
    dates = pd.date_range(first, last, freq="D")
    starts = dates.tz_localize(ZONE)
    ends = (dates + pd.Timedelta(days=1)).tz_localize(ZONE)
    T = mean.reindex(dates).where(count.reindex(dates).fillna(0) >= 13)
    return pd.DataFrame({"start": starts.tz_convert("UTC"), "end": ends.tz_convert("UTC"),
                         "temperature": T.values}, index=starts)


DOCUMENTS = [every_form, smooth_and_fw, one_split_defaults, seasonal_defaults]


@pytest.mark.parametrize("make", DOCUMENTS, ids=lambda f: f.__name__)
def test_predictions_match_independent_evaluator(make, days, il_temperature):
    doc = make(days)
    text = json.dumps(doc)  # as eemeter writes it (NaN as a bare token)
    assert "NaN" in text
    model = energy.load_eemeter_daily_model(text, zone=ZONE, unit="fahrenheit")
    assert len(model.submodels) == len(doc["submodels"])

    want, unc = eemeter_predict(doc, days.index.tz_localize(None), days["temperature"].values)
    assert np.isfinite(want).sum() > 700  # the file's days with temperatures

    from_samples = model.predict(days["start"].values, days["end"].values, il_temperature.index,
                                 il_temperature.values)
    from_means = model.predict_daily_means(days.index, days["temperature"].values)
    for got in (from_samples, from_means):
        np.testing.assert_array_equal(np.isnan(got["expected"]), np.isnan(want))
        ok = np.isfinite(want)
        diff = np.abs(got["expected"][ok] - want[ok]) / np.maximum(np.abs(want[ok]), 1.0)
        assert diff.max() <= 1e-9, diff.max()
        np.testing.assert_allclose(got["upper"][ok] - got["expected"][ok], unc[ok], rtol=1e-9)
        np.testing.assert_allclose(got["expected"][ok] - got["lower"][ok], unc[ok], rtol=1e-9)


def test_every_form_and_clamp_is_exercised(days):
    """The documents reach every form on real days, and the branches the evaluator mirrors: the
    clamped balance points, both sides of each balance point, smoothing."""
    forms = set()
    for make in DOCUMENTS:
        doc = make(days)
        forms |= {s["coefficients"]["model_type"] for s in doc["submodels"].values()}
    assert forms == {"tidd", "hdd_tidd", "tidd_cdd", "hdd_tidd_smooth", "tidd_cdd_smooth", "hdd_tidd_cdd",
                     "hdd_tidd_cdd_smooth"}
    doc = every_form(days)
    assert doc["submodels"]["we-su"]["coefficients"]["cdd_bp"] < doc["submodels"]["we-su"]["temperature_constraints"]["T_min_seg"]
    assert doc["submodels"]["we-wi"]["coefficients"]["hdd_bp"] > doc["submodels"]["we-wi"]["temperature_constraints"]["T_max_seg"]
    model = energy.load_eemeter_daily_model(json.dumps(doc), zone=ZONE, unit="fahrenheit")
    for sub in model.submodels:
        tc = doc["submodels"][sub.split]["temperature_constraints"]
        grid = np.linspace(tc["T_min"] - 10, tc["T_max"] + 10, 401)
        want = eemeter_submodel(doc["submodels"][sub.split]["coefficients"], tc, grid)
        np.testing.assert_allclose(sub.evaluate(grid), want, rtol=1e-12, atol=1e-9)
        if sub.form != "tidd":
            assert len(np.unique(np.round(want, 6))) > 10, sub.split


def test_celsius_input_matches_fahrenheit(days):
    doc = json.dumps(every_form(days))
    f = energy.load_eemeter_daily_model(doc, zone=ZONE, unit="fahrenheit")
    c = energy.load_eemeter_daily_model(doc, zone=ZONE, unit="celsius")
    tf = days["temperature"].values
    got_c = c.predict_daily_means(days.index, (tf - 32) / 1.8)["expected"]
    got_f = f.predict_daily_means(days.index, tf)["expected"]
    ok = np.isfinite(got_f)
    np.testing.assert_allclose(got_c[ok], got_f[ok], rtol=1e-9)


def test_a_month_moved_to_another_season_changes_its_days(days):
    """The settings' season definition is read, not assumed: October moved to summer."""
    base = seasonal_defaults(days)
    moved = copy.deepcopy(base)
    moved["settings"] = copy.deepcopy(SETTINGS)
    moved["settings"]["season"]["october"] = "summer"
    a = energy.load_eemeter_daily_model(json.dumps(base), zone=ZONE, unit="fahrenheit")
    b = energy.load_eemeter_daily_model(json.dumps(moved), zone=ZONE, unit="fahrenheit")
    T = days["temperature"].values
    pa = a.predict_daily_means(days.index, T)["expected"]
    pb = b.predict_daily_means(days.index, T)["expected"]
    october = (days.index.month == 10) & np.isfinite(T)
    assert np.any(pa[october] != pb[october])
    np.testing.assert_array_equal(pa[~october & np.isfinite(T)], pb[~october & np.isfinite(T)])
    want, _ = eemeter_predict(moved, days.index.tz_localize(None), T)
    np.testing.assert_allclose(pb[np.isfinite(T)], want[np.isfinite(T)], rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# A model eemeter wrote, and the predictions eemeter printed for it.
# ---------------------------------------------------------------------------------------------
# OpenDSM's daily model example page (opendsm/opendsm-website, src/documentation/eemeter/
# daily_model/example.md at 0ceb306883fdb2dcb1873a286385fc495fda6eaa): the output of
# `daily_model.to_json()` for meter 15 of OpenDSM's daily_treatment_data, as printed there, and
# `daily_model.predict(reporting_data).head()` for 2019-01-01 .. 2019-01-05 (America/Chicago).
EEMETER_WRITTEN = r'''{"submodels": {"wd-su_sh_wi": {"coefficients": {"model_type": "hdd_tidd_cdd_smooth", "intercept": 2313.2610638676033, "hdd_bp": 41.27040090608855, "hdd_beta": 119.44918113103105, "hdd_k": 0.4726274184833831, "cdd_bp": 70.96439586012724, "cdd_beta": 64.46865583811494, "cdd_k": 0.17605359829111333}, "temperature_constraints": {"T_min": -10.045, "T_max": 83.00500000000001, "T_min_seg": 8.94425, "T_max_seg": 81.38}, "f_unc": 401.5463282936641}, "we-su_sh_wi": {"coefficients": {"model_type": "hdd_tidd_cdd_smooth", "intercept": 1355.3158273422803, "hdd_bp": 50.8894292209749, "hdd_beta": 80.73766873918538, "hdd_k": 0.4482831249857758, "cdd_bp": 74.53352300727671, "cdd_beta": 41.0269706642773, "cdd_k": 0.5237054341526147}, "temperature_constraints": {"T_min": -2.7850000000000015, "T_max": 82.34, "T_min_seg": 22.4675, "T_max_seg": 79.7525}, "f_unc": 284.3699959206411}}, "info": {"error": {"wRMSE": 218.75309123080092, "RMSE": 218.75309123080092, "MAE": 126.71422886475526, "CVRMSE": 0.07686607500105763, "PNRMSE": 0.07375898051910441}, "baseline_timezone": "America/Chicago", "disqualification": [], "warnings": [{"qualified_name": "eemeter.sufficiency_criteria.unable_to_confirm_daily_temperature_sufficiency", "description": "Cannot confirm that pre-aggregated temperature data had sufficient hours kept", "data": {}}, {"qualified_name": "eemeter.sufficiency_criteria.extreme_values_detected", "description": "Extreme values (greater than (median + (3 * IQR)), must be flagged for manual review.", "data": {"n_extreme_values": 10, "median": 2697.2358494980817, "upper_quantile": 3269.296428540127, "lower_quantile": 2315.7411394245737, "extreme_value_limit": 5557.901716844743, "max_value": 9629.679232340746}}]}, "settings": {"developer_mode": false, "algorithm_choice": "nlopt_sbplx", "initial_guess_algorithm_choice": "nlopt_direct", "full_model": "hdd_tidd_cdd", "allow_smooth_model": true, "alpha_minimum": -100, "alpha_selection": 2, "alpha_final_type": "last", "alpha_final": "adaptive", "final_bounds_scalar": 1, "regularization_alpha": 0.001, "regularization_percent_lasso": 1, "segment_minimum_count": 6, "maximum_slope_oom_scalar": 2, "initial_step_percentage": 0.1, "split_selection": {"criteria": "bic", "penalty_multiplier": 0.24, "penalty_power": 2.061, "allow_separate_summer": true, "allow_separate_shoulder": true, "allow_separate_winter": true, "allow_separate_weekday_weekend": true, "reduce_splits_by_gaussian": true, "reduce_splits_num_std": [1.4, 0.89]}, "season": {"january": "winter", "february": "winter", "march": "shoulder", "april": "shoulder", "may": "shoulder", "june": "summer", "july": "summer", "august": "summer", "september": "summer", "october": "shoulder", "november": "winter", "december": "winter", "options": ["summer", "shoulder", "winter"]}, "weekday_weekend": {"monday": "weekday", "tuesday": "weekday", "wednesday": "weekday", "thursday": "weekday", "friday": "weekday", "saturday": "weekend", "sunday": "weekend", "options": ["weekday", "weekend"]}, "uncertainty_alpha": 0.1, "cvrmse_threshold": 1}}'''
# datetime, temperature, predicted, predicted_unc, heating_load as eemeter printed them.
EEMETER_PRINTED = [
    ("2019-01-01", -10.0450, 8458.769369, 401.546328, 6145.508305),
    ("2019-01-02", -4.7125, 7829.167990, 401.546328, 5515.906926),
    ("2019-01-03", 11.3525, 5960.086410, 401.546328, 3646.825346),
    ("2019-01-04", 0.9725, 7161.729548, 401.546328, 4848.468484),
    ("2019-01-05", 3.1475, 5213.370264, 284.369996, 3858.054437),
]


def test_model_eemeter_wrote_predicts_what_eemeter_printed():
    model = energy.load_eemeter_daily_model(EEMETER_WRITTEN, zone=ZONE, unit="fahrenheit")
    assert [s.split for s in model.submodels] == ["wd-su_sh_wi", "we-su_sh_wi"]
    assert model.disqualification == []
    ts = pd.DatetimeIndex([r[0] for r in EEMETER_PRINTED]).tz_localize(ZONE)
    T = np.array([r[1] for r in EEMETER_PRINTED])
    p = model.predict_daily_means(ts, T)
    printed = np.array([r[2] for r in EEMETER_PRINTED])
    # Printed with 6 decimals: agreement to the printed digits.
    np.testing.assert_allclose(p["expected"], printed, rtol=0, atol=5.1e-7)
    np.testing.assert_allclose(p["upper"] - p["expected"], [r[3] for r in EEMETER_PRINTED], rtol=0, atol=5.1e-7)
    intercepts = np.array([2313.2610638676033] * 4 + [1355.3158273422803])
    np.testing.assert_allclose(p["expected"] - intercepts, [r[4] for r in EEMETER_PRINTED], rtol=0, atol=1e-6)
    # and the independent evaluator agrees with both
    want, _ = eemeter_predict(json.loads(EEMETER_WRITTEN), ts.tz_localize(None), T)
    np.testing.assert_allclose(want, printed, rtol=0, atol=5.1e-7)
    np.testing.assert_allclose(p["expected"], want, rtol=1e-12)


def test_model_eemeter_wrote_over_the_il_days(days, il_temperature):
    doc = json.loads(EEMETER_WRITTEN)
    model = energy.load_eemeter_daily_model(EEMETER_WRITTEN, zone=ZONE, unit="fahrenheit")
    got = model.predict(days["start"].values, days["end"].values, il_temperature.index, il_temperature.values)
    want, _ = eemeter_predict(doc, days.index.tz_localize(None), days["temperature"].values)
    ok = np.isfinite(want)
    np.testing.assert_array_equal(np.isfinite(got["expected"]), ok)
    np.testing.assert_allclose(got["expected"][ok], want[ok], rtol=1e-9)


def test_errors_name_the_field():
    doc = json.loads(EEMETER_WRITTEN)
    bad = copy.deepcopy(doc)
    bad["submodels"]["we-su_sh_wi"]["coefficients"]["model_type"] = "c_hdd_tidd_smooth"
    with pytest.raises(energy.ParseError, match=r"submodels\.we-su_sh_wi\.coefficients\.model_type' is "
                                                r"'c_hdd_tidd_smooth', not a daily model form"):
        energy.load_eemeter_daily_model(json.dumps(bad), zone=ZONE, unit="fahrenheit")
    bad = copy.deepcopy(doc)
    del bad["submodels"]["wd-su_sh_wi"]["coefficients"]["cdd_k"]
    with pytest.raises(energy.ParseError, match=r"submodels\.wd-su_sh_wi\.coefficients\.cdd_k' is missing"):
        energy.load_eemeter_daily_model(json.dumps(bad), zone=ZONE, unit="fahrenheit")
    with pytest.raises(energy.ParseError, match=r"info\.baseline_timezone' is 'America/Chicago'"):
        energy.load_eemeter_daily_model(EEMETER_WRITTEN, zone="America/Denver", unit="fahrenheit")
    with pytest.raises(ValueError, match="unit"):
        energy.load_eemeter_daily_model(EEMETER_WRITTEN, zone=ZONE, unit="kelvin")
    model = energy.load_eemeter_daily_model(EEMETER_WRITTEN, zone=ZONE, unit="fahrenheit")
    with pytest.raises(ValueError, match="not one local day"):
        model.predict(pd.DatetimeIndex(["2019-01-01T06:00:00Z"]), pd.DatetimeIndex(["2019-01-01T18:00:00Z"]),
                      pd.DatetimeIndex(["2019-01-01T07:00:00Z"]), [20.0])
