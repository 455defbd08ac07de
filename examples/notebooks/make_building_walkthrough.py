# SPDX-License-Identifier: Apache-2.0
"""Writes building_walkthrough.ipynb (outputs cleared). Edit the cells here, then run:
    /usr/bin/python3 examples/notebooks/make_building_walkthrough.py
"""
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = [
    new_markdown_cell("""# A building from raw readings to a reconciled bill

A real Illinois building (the eemeter sample `il-electricity-cdd-only-hourly.csv`, with its outdoor
temperature) goes through the `energy` Python bindings: readings -> store -> local-time summaries ->
TOWT baseline with ASHRAE Guideline 14 metrics -> anomalies -> a bill under a URDB tariff -> a
reconciliation against the utility's billing periods. Set `ENERGY_DATA_DIR` to the shared data folder."""),
    new_code_cell("""import os
from decimal import Decimal
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import energy

DATA = Path(os.environ.get("ENERGY_DATA_DIR", "/work/shared/data"))
ZONE = "America/Chicago"
raw = pd.read_csv(DATA / "eemeter" / "il-electricity-cdd-only-hourly.csv")
raw.index = pd.to_datetime(raw["start"], utc=True)
temps = pd.read_csv(DATA / "eemeter" / "il-electricity-cdd-hdd-tempF.csv")
temps.index = pd.to_datetime(temps["dt"], utc=True)
raw.head()"""),
    new_markdown_cell("## Store the readings (validated) and summarise them in local time"),
    new_code_cell("""store = energy.open_store("memory:")
tenant = energy.Tenant("Acme"); store.put_tenant(tenant)
building = energy.Building(tenant.id, "Springfield", ZONE, flat_rate_per_kwh="0.115")
store.put_building(building)
meter = energy.Sensor(building.id, interval_seconds=3600, max_value=500.0, created_at="2015-01-01T00:00:00Z")
store.put_sensor(meter)
report = energy.ingest_frame(store, raw, sensor_id=meter.id)
print({k: v for k, v in report.items() if k != "rejections"})
report["rejections"].head()"""),
    new_code_cell("""store.refresh_summaries()
days = energy.summaries_frame(store, building.id, "day")
months = energy.summaries_frame(store, building.id, "month")
assert set(days["hours"]) <= {23.0, 24.0, 25.0}
ax = days["consumption"].plot(figsize=(10, 3), title="Daily consumption (kWh, local days)")
plt.tight_layout(); plt.close()
months[["consumption", "peak_demand", "cost"]]"""),
    new_markdown_cell("""## TOWT baseline on the first year, Guideline 14 metrics, forecast for the rest"""),
    new_code_cell("""readings = energy.readings_frame(store, meter.id)
ts = readings.index.tz_localize(None).values.astype("datetime64[ns]")
kwh = readings["value"].to_numpy()
temp_ts = temps.index.tz_convert("UTC").tz_localize(None).values.astype("datetime64[ns]")
temperature = energy.align_temperature(ts, temp_ts, temps["tempF"].to_numpy(dtype="float64"))

split = readings.index < pd.Timestamp("2016-11-22", tz=ZONE)
model = energy.fit_towt(ts[split], kwh[split], temperature[split], zone=ZONE)
fit = model.predict(ts[split], temperature[split])["expected"]
metrics = energy.compute_metrics(kwh[split], fit, model.parameters)
print(model, metrics, "passes Guideline 14 (hourly):", metrics.passes_guideline14("hourly"))"""),
    new_markdown_cell("""This meter's hourly load is small and noisy (tenths of a kWh, household scale), so an hourly TOWT
fit explains only part of it and need not meet Guideline 14's hourly CV(RMSE) <= 30 %: the metrics
say so rather than hide it. The daily change-point model (`energy.fit_changepoint`) suits it better."""),
    new_code_cell("""forecast = energy.forecast_frame(model, readings.index, temperature)
forecast["actual"] = kwh
week = forecast.loc["2017-07-03":"2017-07-10"].tz_convert(ZONE)
fig, ax = plt.subplots(figsize=(10, 3))
ax.fill_between(week.index, week["lower"], week["upper"], alpha=0.3, label="90 % interval")
ax.plot(week.index, week["expected"], label="TOWT expected")
ax.plot(week.index, week["actual"], label="actual", lw=0.8)
ax.set_ylabel("kWh per hour"); ax.legend(); plt.tight_layout(); plt.close(fig)
post = ~split & forecast["expected"].notna().to_numpy()
print("out of sample:", energy.compute_metrics(kwh[post], forecast["expected"].to_numpy()[post]))"""),
    new_markdown_cell("## Anomalies: deviations from the baseline and data quality"),
    new_code_cell("""wh = readings["value_milli"].to_numpy()
deviations = energy.detect_baseline_deviation(building.id, ts, wh, expected_kwh=forecast["expected"], zone=ZONE,
                                              interval_seconds=3600, sensor_id=meter.id)
quality = energy.detect_data_quality(building.id, ts, wh, interval_seconds=3600, sensor_id=meter.id, zone=ZONE)
anomalies = pd.concat([energy.anomalies_frame(deviations, ZONE), energy.anomalies_frame(quality, ZONE)]).sort_index()
print(anomalies["kind"].value_counts())
anomalies[["end", "kind", "severity", "expected", "actual", "explanation"]].head(10)"""),
    new_code_cell("""fig, ax = plt.subplots(figsize=(10, 3))
daily = forecast[["actual", "expected"]].tz_convert(ZONE).resample("D").sum(min_count=1)
ax.plot(daily.index, daily["actual"], label="actual", lw=0.8)
ax.plot(daily.index, daily["expected"], label="TOWT expected", lw=0.8)
for start, a in anomalies[anomalies.kind == "baseline_deviation"].iterrows():
    ax.axvspan(start, a.end, color="red", alpha=0.2)
ax.set_ylabel("kWh per day"); ax.legend(); plt.tight_layout(); plt.close(fig)"""),
    new_markdown_cell("""## Daily change-point model and efficiency recommendations

The change-point model's weather sensitivity (balance point, slope, daily temperatures, and the fit's
quality check when given the usage periods) is the recommendation engine's `weather` input:
`model.weather(...)` computes it. Each saving is a bill difference (measured vs the measure applied)."""),
    new_code_cell("""day_totals = energy.local_day_totals(ts, kwh, zone=ZONE)
temp_f = temps["tempF"].to_numpy(dtype="float64")
cp = energy.fit_changepoint(day_totals["start"], day_totals["end"], day_totals["kwh"], temp_ts, temp_f, zone=ZONE)
weather = cp.weather(temp_ts, temp_f, start=day_totals["start"], end=day_totals["end"], kwh=day_totals["kwh"])
print(cp.kind, {k: round(v, 2) for k, v in weather.items() if isinstance(v, float)}, "fit passes:", weather["fit"]["passes"])
result = energy.analyse_recommendations(building.id, ts, wh, zone=ZONE, interval_seconds=3600, primary_use="office",
                                        energy_price="0.115", weather=weather)
print(result["basis"], "| skipped:", [(s["rule"], s["reason"]) for s in result["skipped"]])
pd.DataFrame([{k: r[k] for k in ("kind", "title", "saving_kwh_milli", "saving", "saving_low", "saving_high",
                                 "per_year", "confidence")} for r in result["recommendations"]])"""),
    new_markdown_cell("""## A bill under a URDB tariff, and a reconciliation against the utility's billing periods

The tariff is the SCE GS-2 TOU B record from the REopt sample (a California commercial tariff, priced
here in the building's own zone to show the mechanics). The utility's billing periods and billed kWh
come from the eemeter monthly billing file for the same meter; it states no amounts, so cost is not
compared (`amount=None`)."""),
    new_code_cell("""urdb = energy.read_urdb_file(str(DATA / "tariffs" / "reopt_incentives.json"))
print(urdb.tariff, "unsupported fields:", urdb.unsupported)
bill = energy.compute_bill(ts, wh, urdb.tariff, zone=ZONE, start="2016-07-01T00:00:00-05:00",
                           end="2016-08-01T00:00:00-05:00", interval_seconds=3600)
print(bill, "coverage", round(bill.coverage, 4), bill.notes)
energy.bill_lines_frame(bill)[["kind", "period", "tier", "quantity", "rate", "amount", "basis"]]"""),
    new_code_cell("""periods = pd.read_csv(DATA / "eemeter" / "il-electricity-cdd-only-billing_monthly.csv")
periods["start"] = pd.to_datetime(periods["start"], utc=True)
periods["end"] = periods["start"].shift(-1)
periods = periods.dropna(subset=["end", "value"])
bills = [energy.UtilityBill(s.isoformat(), e.isoformat(), int(round(v * 1000)), None, id=s.strftime("%Y-%m"))
         for s, e, v in zip(periods["start"], periods["end"], periods["value"])]
recon = energy.reconcile(bills, ts, wh, urdb.tariff, zone=ZONE, interval_seconds=3600)
table = energy.reconciliation_frame(recon, ZONE)
print(f"{recon.flagged} of {len(table)} bills flagged")
table[["id", "billed_kwh", "computed_kwh", "kwh_diff", "computed_total", "coverage", "findings"]]"""),
    new_code_cell("""fig, ax = plt.subplots(figsize=(10, 3))
ax.bar(table.index, table["billed_kwh"], width=20, label="billed kWh", alpha=0.6)
ax.plot(table.index, table["computed_kwh"], "o-", color="black", label="metered kWh")
ax.legend(); plt.tight_layout(); plt.close(fig)
assert (table["coverage"] > 0).all()
print(recon.to_csv().splitlines()[0])"""),
]

nb = new_notebook(cells=cells, metadata={
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"}})
out = Path(__file__).with_name("building_walkthrough.ipynb")
nbformat.write(nb, out)
print("wrote", out)
