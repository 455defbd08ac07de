# SPDX-License-Identifier: Apache-2.0
"""eemeter 4 / OpenDSM non-legacy hourly models (HourlyModel.to_json()) loaded with
energy.load_eemeter_hourly_model and predicted over the IL hourly temperatures, against an
independent pandas/numpy evaluator written here from eemeter's prediction path
(opendsm/eemeter/models/hourly/model.py: `_add_categorical_features`, `_add_temperature_bins`,
`_normalize_features`, `_add_temperature_bin_masked_ts`, `_sort_features`, `_get_feature_matrices`
with its `correct_dst`, `_get_dst_indices`, `_transform_dst`, `_predict`; `from_dict` for the
layout; sklearn ElasticNet.predict and StandardScaler/RobustScaler.inverse_transform).

The documents are built here shaped exactly as `to_json()` writes them (json.dumps of
SerializeModel.model_dump(): bare -Infinity / Infinity bin edges, string keys of the edge-bin
coefficients, temporal_clusters rows [month, day_of_week, cluster]) with realistic values: bin
edges, scaler and edge-bin coefficients computed from the IL temperatures as eemeter's fit
computes them, clusters by season and weekday, sparse ElasticNet-like coefficients."""
import copy
import json

import numpy as np
import pandas as pd
import pytest

import energy

ZONE = "America/Chicago"


# ---------------------------------------------------------------------------------------------
# Independent evaluator (pandas), from eemeter's source semantics.
# ---------------------------------------------------------------------------------------------
def _sort_like_eemeter(names, priority):
    out = []
    for prefix in priority:
        out.extend(sorted(c for c in names if c.startswith(prefix)))
    out.extend(sorted(c for c in names if c not in out))
    return out


def _dst_indices(df):
    counts = df.groupby(df.index.date)["temperature"].size()
    interp, mean = [], []
    for pos, (day, n) in enumerate(counts.items()):
        hours = list(df.index[df["date"] == day].hour)
        if n == 23:
            (missing,) = set(range(24)) - set(hours)
            interp.append((pos, missing))
        elif n == 25:
            seen = set()
            for h in hours:
                if h in seen:
                    mean.append((pos, h))
                    break
                seen.add(h)
    return interp, mean


def _transform_dst(pred, interp, mean):
    # eemeter's _transform_dst: drop the artificial slot of 23-hour days, insert the mean of the
    # repeated hour's slot and the next slot after it for 25-hour days.
    ops = sorted([(1, d * 24 + h) for d, h in interp] + [(2, d * 24 + h + 1) for d, h in mean],
                 key=lambda t: t[1])
    out, start = [], 0
    for op, idx in ops:
        out.extend(pred[start:idx])
        if op == 1:
            start = idx + 1
        else:
            out.append((pred[idx - 1] + pred[idx]) / 2)
            start = idx
    out.extend(pred[start:])
    return np.array(out)


def eemeter_predict(doc, ts_utc, temperature_f, zone=ZONE):
    """Predictions for complete local days (every hour present and finite)."""
    idx = pd.DatetimeIndex(ts_utc).tz_convert(zone)
    df = pd.DataFrame({"temperature": np.asarray(temperature_f, float)}, index=idx)
    df["date"] = df.index.date
    df["month"] = df.index.month
    df["day_of_week"] = df.index.dayofweek
    df["hour_of_day"] = df.index.hour

    clusters = pd.DataFrame(doc["temporal_clusters"],
                            columns=["month", "day_of_week", "temporal_cluster"]).set_index(
                                ["month", "day_of_week"])
    df = pd.merge(df, clusters, how="left", left_on=["month", "day_of_week"], right_index=True)
    n_clusters = len([c for c in doc["categorical_features"] if c.startswith("temporal_cluster_")])
    dummies = pd.get_dummies(pd.Categorical(df["temporal_cluster"], categories=range(n_clusters)),
                             prefix="temporal_cluster")
    dummies.index = df.index
    df = pd.concat([df, dummies], axis=1)

    edges = np.array(doc["temperature_bin_edges"], dtype=float)
    df["temp_bin"] = pd.cut(df["temperature"], bins=edges, labels=False)
    bins = pd.get_dummies(pd.Categorical(df["temp_bin"], categories=range(len(edges) - 1)),
                          prefix="temp_bin")
    bins.index = df.index
    df = pd.concat([df, bins], axis=1)
    cat = list(dummies.columns) + list(bins.columns)

    loc, scale = doc["feature_scaler"]["temperature"]
    df["temperature_norm"] = (df["temperature"].values - loc) / scale
    ts_names = []
    for prefix in ["temp_bin_", "temporal_cluster_"]:
        for col in [c for c in df.columns if c.startswith(prefix) and c[-1].isdigit()]:
            df[f"{col}_ts"] = df["temperature_norm"] * df[col]
            ts_names.append(f"{col}_ts")
    if doc["settings"]["temperature_bin"]["include_edge_bins"]:
        last = len(edges) - 2
        for n in [0, last]:
            c = doc["temperature_edge_bin_coefficients"][str(n)]
            on = df[f"temp_bin_{n}"].values
            T = np.where(on, c["t_a"] * df[f"temp_bin_{n}_ts"].values + c["t_b"], 0)
            for name, s in [("pos", 1), ("neg", -1)]:
                df[f"temp_bin_{n}_{name}_exp_ts"] = np.where(on, c["a"] * np.exp(s / c["k"] * T) - c["a"], 0)
                ts_names.append(f"temp_bin_{n}_{name}_exp_ts")
    ts_names = _sort_like_eemeter(ts_names, ["temporal_cluster", "temp_bin", "temperature", "ghi"])
    cat = _sort_like_eemeter(cat, ["temporal_cluster", "temp_bin"])
    assert sorted(cat) == sorted(doc["categorical_features"])

    interp, mean = _dst_indices(df)
    agg = df.groupby("date").agg({f: lambda x: list(x) for f in ts_names}).values.tolist()
    for d, h in interp:
        for fi, feat in enumerate(agg[d]):
            before = agg[d - 1][fi][-1] if h == 0 else feat[h - 1]
            feat.insert(h, (before + feat[h]) / 2)
    for d, h in mean:
        for feat in agg[d]:
            m = (feat[h + 1] + feat.pop(h)) / 2
            feat[h] = m
    ts = np.array(agg, dtype=float)
    ts = ts.reshape(ts.shape[0], ts.shape[1] * ts.shape[2])
    first = df[cat + ["date"]].groupby("date").first().values.astype(float)
    X = np.concatenate((ts, first), axis=1)

    coef = np.array(doc["coefficients"])
    y = X @ coef.T + np.array(doc["intercept"])
    y_loc, y_scale = doc["y_scaler"]
    y = (y * y_scale + y_loc).flatten()
    return _transform_dst(y, interp, mean)


# ---------------------------------------------------------------------------------------------
# Documents shaped as HourlyModel.to_json() writes them.
# ---------------------------------------------------------------------------------------------
def _season(month):
    return 0 if month in (6, 7, 8, 9) else (2 if month in (12, 1, 2) else 1)


def make_doc(temps_f, *, bin_width=12.0, edge_bins=True, scaling="standardscaler",
             n_clusters=5, seed=7, edge_k=(0.35, 0.6)):
    t = np.asarray(temps_f, float)
    t = t[np.isfinite(t)]
    if scaling == "standardscaler":
        loc, scale = float(t.mean()), float(t.std())
    else:
        q1, med, q3 = np.percentile(t, [25, 50, 75])
        loc, scale = float(med), float((q3 - q1) / 1.3489795003921634)
    # eemeter's set_bin_width edges (with edge bins: the outermost edge_bin_percent of samples).
    lo, hi = np.floor(t.min()), np.ceil(t.max())
    if edge_bins:
        n_edge = int(len(t) * 0.0425)
        st = np.sort(t)
        a, b = np.ceil(st[n_edge]), np.floor(st[-n_edge])
        steps = int(np.round((b - a) / bin_width)) + 1
        edges = np.array([lo, *np.linspace(a, b, steps), hi])
    else:
        steps = int(np.round((hi - lo) / bin_width)) + 1
        edges = np.linspace(lo, hi, steps)
    edges[0], edges[-1] = -np.inf, np.inf
    n_bins = len(edges) - 1

    rng = np.random.default_rng(seed)
    edge_coeffs = None
    if edge_bins:
        edge_coeffs = {}
        norm = (t - loc) / scale
        for n, k in zip([0, n_bins - 1], edge_k):
            inside = norm[(t > edges[n]) & (t <= edges[n + 1])]
            r = [inside.min() - 1.0, inside.max() + 1.0]
            t_a = 2 / (r[1] - r[0])
            t_b = 1 - t_a * r[1]
            edge_coeffs[n] = {"t_a": float(t_a), "t_b": float(t_b), "k": float(k),
                              "a": float(1 / (np.exp(1 / k) - 1))}

    # clusters: season x (weekday, Saturday, Sunday), folded into n_clusters labels
    clusters = []
    for month in range(1, 13):
        for dow in range(7):
            kind = 0 if dow < 5 else (1 if dow == 5 else 2)
            clusters.append([month, dow, int((_season(month) * 3 + kind) % n_clusters)])
    cat = [f"temporal_cluster_{j}" for j in range(n_clusters)] + [f"temp_bin_{i}" for i in range(n_bins)]
    cat = _sort_like_eemeter(cat, ["temporal_cluster", "temp_bin"])
    n_ts = n_clusters + n_bins + (4 if edge_bins else 0)
    width = 24 * n_ts + len(cat)
    coef = rng.normal(0, 0.08, size=(24, width))
    coef[rng.random((24, width)) < 0.6] = 0.0  # ElasticNet zeroes most
    intercept = rng.normal(0, 0.2, size=24)

    settings = {
        "train_features": ["temperature"], "cvrmse_threshold": 1.4, "pnrmse_threshold": 2.2,
        "min_daily_training_hours": 12,
        "temperature_bin": {"method": "set_bin_width", "n_bins": None, "bin_width": bin_width,
                            "include_edge_bins": edge_bins,
                            "edge_bin_rate": "heuristic" if edge_bins else None,
                            "edge_bin_percent": 0.0425 if edge_bins else None,
                            "edge_bin_temperature_range_offset": 1.0},
        "temporal_cluster": {"wavelet_n_levels": 5, "wavelet_name": "haar",
                             "wavelet_mode": "periodization",
                             "pca_min_variance_ratio_explained": 0.725, "recluster_count": 3,
                             "n_cluster_lower": 2, "n_cluster_upper": 24, "min_cluster_size": 1,
                             "score_metric": "variance_ratio", "distance_metric": "euclidean"},
        "supplemental_time_series_columns": None, "supplemental_categorical_columns": None,
        "elasticnet": {"alpha": 0.0425, "l1_ratio": 0.5, "fit_intercept": True,
                       "precompute": False, "max_iter": 1000, "copy_x": True, "tol": 0.0001,
                       "selection": "cyclic", "adaptive_weights": False,
                       "adaptive_weight_max_iter": None, "adaptive_weight_tol": None},
        "scaling_method": scaling, "seed": None,
    }
    return {
        "settings": settings,
        "temporal_clusters": clusters,
        "temperature_bin_edges": [float(e) for e in edges],
        "temperature_edge_bin_coefficients": edge_coeffs,
        "ts_features": ["temperature"],
        "categorical_features": cat,
        "feature_scaler": {"temperature": [loc, scale]},
        "catagorical_scaler": None,
        "y_scaler": [31.7, 9.4],
        "coefficients": coef.tolist(),
        "intercept": intercept.tolist(),
        "baseline_metrics": {"r_squared": 0.8, "cvrmse_adj": 0.2},
        "info": {"disqualification": [], "warnings": [], "error": {},
                 "baseline_timezone": ZONE, "version": "1.2.7"},
    }


@pytest.fixture
def hours(il_temperature):
    """Contiguous local hours of whole local days, temperatures (NaN where the file has none)."""
    s = il_temperature.sort_index()
    s = s[~s.index.duplicated()]
    local = s.index.tz_convert(ZONE)
    start = local.min().normalize() + pd.Timedelta(days=1)
    end = local.max().normalize()
    full = pd.date_range(start, end, freq="h", tz=ZONE, inclusive="left").tz_convert("UTC")
    return full, s.reindex(full).to_numpy()


def _ns(ts):
    """datetime64[ns] UTC, as the bindings take timestamps."""
    return pd.DatetimeIndex(ts).tz_convert("UTC").tz_localize(None).to_numpy()


def _complete_days(ts_utc, temps):
    local = pd.DatetimeIndex(ts_utc).tz_convert(ZONE)
    frame = pd.DataFrame({"t": temps, "d": local.date})
    ok = frame.groupby("d")["t"].transform(lambda x: bool(np.isfinite(x).all()))
    return ok.to_numpy(bool)


DOCS = {
    "default_edge_bins": dict(),
    "narrow_bins_many_clusters": dict(bin_width=5.0, n_clusters=12, seed=11),
    "robust_no_edge_bins": dict(edge_bins=False, scaling="robustscaler", bin_width=9.0, seed=3),
}


@pytest.mark.parametrize("name", sorted(DOCS))
def test_matches_independent_evaluator_over_il_hours(hours, name):
    ts, temps = hours
    doc = make_doc(temps, **DOCS[name])
    text = json.dumps(doc)  # bare -Infinity / Infinity, as eemeter's json.dumps writes
    assert "-Infinity" in text
    model = energy.load_eemeter_hourly_model(text, zone=ZONE, unit="fahrenheit")
    got = model.predict(_ns(ts), temps)["expected"]
    ok = _complete_days(ts, temps)
    assert ok.sum() > 300 * 24
    assert np.isnan(got[~ok]).all()
    assert np.isfinite(got[ok]).all()
    want = eemeter_predict(json.loads(text), ts[ok], temps[ok])  # the document as from_json reads it
    assert want.shape == got[ok].shape
    rel = np.abs(got[ok] - want) / np.maximum(np.abs(want), 1.0)
    print(f"{name}: max relative difference {rel.max():.3g} over {ok.sum()} hours")
    assert rel.max() < 1e-9
    # the 23- and 25-hour days are among them
    local = pd.DatetimeIndex(ts[ok]).tz_convert(ZONE)
    per_day = pd.Series(1, index=local.date).groupby(level=0).size()
    assert {23, 24, 25} <= set(per_day.unique())


def test_model_attributes_and_feature_order(hours):
    ts, temps = hours
    doc = make_doc(temps, bin_width=5.0, n_clusters=12)
    m = energy.load_eemeter_hourly_model(json.dumps(doc), zone=ZONE, unit="fahrenheit")
    n_bins = len(doc["temperature_bin_edges"]) - 1
    assert n_bins > 10 and m.cluster_count == 12 and m.edge_bins
    names = m.feature_names
    # string order, as eemeter sorts: temporal_cluster_10_ts before temporal_cluster_2_ts
    assert names.index("temporal_cluster_10_ts") < names.index("temporal_cluster_2_ts")
    assert names.index("temp_bin_0_neg_exp_ts") < names.index("temp_bin_0_pos_exp_ts") < names.index("temp_bin_0_ts")
    assert names[-(12 + n_bins):] == doc["categorical_features"]
    assert len(m.coefficients) == 24 and len(m.coefficients[0]) == len(doc["coefficients"][0])
    assert m.day_clusters[6][5] == doc["temporal_clusters"][6 * 7 + 5][2]
    assert m.bin_edges[0] == -np.inf and m.bin_edges[-1] == np.inf


def test_celsius_input_matches_fahrenheit(hours):
    ts, temps = hours
    doc = make_doc(temps)
    text = json.dumps(doc)
    f = energy.load_eemeter_hourly_model(text, zone=ZONE, unit="fahrenheit")
    c = energy.load_eemeter_hourly_model(text, zone=ZONE, unit="celsius")
    a = f.predict(_ns(ts), temps)["expected"]
    b = c.predict(_ns(ts), (temps - 32) / 1.8)["expected"]
    ok = np.isfinite(a)
    assert np.array_equal(ok, np.isfinite(b))
    assert np.max(np.abs(a[ok] - b[ok]) / np.maximum(np.abs(a[ok]), 1)) < 1e-9


def test_day_depends_on_all_its_hours(hours):
    ts, temps = hours
    doc = make_doc(temps)
    m = energy.load_eemeter_hourly_model(json.dumps(doc), zone=ZONE, unit="fahrenheit")
    base = m.predict(_ns(ts), temps)["expected"]
    ok = np.flatnonzero(_complete_days(ts, temps))
    i = ok[len(ok) // 2]
    t2 = temps.copy()
    t2[i] = np.nan
    out = m.predict(_ns(ts), t2)["expected"]
    local = pd.DatetimeIndex(ts).tz_convert(ZONE)
    same_day = local.date == local[i].date()
    assert np.isnan(out[same_day]).all()
    assert np.array_equal(out[~same_day], base[~same_day], equal_nan=True)


def test_errors_name_the_field(hours):
    ts, temps = hours
    doc = make_doc(temps)

    def refused(mutate, field):
        d = copy.deepcopy(doc)
        mutate(d)
        with pytest.raises(energy.ParseError, match=field):
            energy.load_eemeter_hourly_model(json.dumps(d), zone=ZONE, unit="fahrenheit")

    refused(lambda d: d["settings"].update(train_features=["temperature", "ghi"]), "ghi")
    refused(lambda d: d.update(ts_features=["temperature", "ghi"]), "ts_features")
    refused(lambda d: d.update(extra=1), "extra")
    refused(lambda d: d["settings"].update(supplemental_time_series_columns=["humidity"]),
            "supplemental_time_series_columns")
    refused(lambda d: d["settings"].update(scaling_method="minmax"), "scaling_method")
    refused(lambda d: d["coefficients"][3].pop(), r"coefficients\[3\]")
    refused(lambda d: d["temporal_clusters"].append([13, 0, 0]), r"temporal_clusters\[84\]")
    refused(lambda d: d["categorical_features"].append("has_pv"), "categorical_features")
    refused(lambda d: d.update(info={**d["info"], "baseline_timezone": "America/New_York"}),
            "baseline_timezone")
    with pytest.raises(ValueError, match="unit"):
        energy.load_eemeter_hourly_model(json.dumps(doc), zone=ZONE, unit="kelvin")
    m = energy.load_eemeter_hourly_model(json.dumps(doc), zone=ZONE, unit="fahrenheit")
    with pytest.raises(ValueError, match="start of a local hour"):
        m.predict(_ns(ts)[:3] + np.timedelta64(30, "m"), temps[:3])
    with pytest.raises(ValueError, match="ascending"):
        m.predict(_ns(ts)[[1, 0]], temps[:2])
