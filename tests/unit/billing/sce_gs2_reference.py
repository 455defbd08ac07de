#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Independent reference for the SCE GS-2 TOU B example (docs/billing.md, sce_gs2_test.cpp).

Written from the tariff record, not from the C++ code: prices the DOE large-office San Francisco
load (8,760 hourly kW, hour 0 = 2015-01-01 00:00 America/Los_Angeles, consecutive real hours)
with the URDB record in reopt_incentives.json for each local calendar month of 2015, using only
Python's decimal and zoneinfo. Rules: an hour is priced by the local month/hour/weekday of its
start; demand is the maximum hourly average kW (the data is hourly, so the tariff's 15-minute
window cannot be formed); every line is rounded to the micro-dollar, then half-up to cents;
the total is the sum of rounded lines.

Usage: /usr/bin/python3 sce_gs2_reference.py <shared data dir>
"""
import json
import sys
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
rec = json.load(open(f"{data}/tariffs/reopt_incentives.json"))["ElectricTariff"]["urdb_response"]
loads = [line.strip() for line in open(f"{data}/tariffs/reopt_loads_kw_largeoffice_sanfran.csv") if line.strip()]
assert len(loads) == 8760

la = ZoneInfo("America/Los_Angeles")
start = datetime(2015, 1, 1, tzinfo=la).astimezone(timezone.utc)
wh = [int((Decimal(v) * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)) for v in loads]


def cents(x):
    micro = x.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    return micro.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rate(structure, p):
    tier = structure[p][0]
    return Decimal(str(tier.get("rate", 0))) + Decimal(str(tier.get("adj", 0)))


for month in range(1, 13):
    energy = {}
    tou_max = {}
    flat_max = 0
    for i, w in enumerate(wh):
        t = (start + timedelta(hours=i)).astimezone(la)
        if t.month != month or t.year != 2015:
            continue
        weekend = t.weekday() >= 5
        es = rec["energyweekendschedule" if weekend else "energyweekdayschedule"][t.month - 1][t.hour]
        ds = rec["demandweekendschedule" if weekend else "demandweekdayschedule"][t.month - 1][t.hour]
        energy[es] = energy.get(es, 0) + w
        tou_max[ds] = max(tou_max.get(ds, 0), w)  # hourly Wh == average W over the hour
        flat_max = max(flat_max, w)
    lines = [cents(Decimal(str(rec["fixedmonthlycharge"])))]
    for p, e in sorted(energy.items()):
        lines.append(cents(rate(rec["energyratestructure"], p) * Decimal(e) / 1000))
    for p, d in sorted(tou_max.items()):
        r = rate(rec["demandratestructure"], p)
        if r != 0:
            lines.append(cents(r * Decimal(d) / 1000))
    lines.append(cents(Decimal(str(rec["flatdemandstructure"][0][0]["rate"])) * Decimal(flat_max) / 1000))
    kwh = Decimal(sum(energy.values())) / 1000
    print(f"2015-{month:02d} kwh={kwh} peak_kw={Decimal(flat_max) / 1000} total={sum(lines)}")
