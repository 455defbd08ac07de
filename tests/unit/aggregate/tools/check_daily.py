# SPDX-License-Identifier: Apache-2.0
"""Checks the library's local-day totals of a real hourly file against Python's Decimal.

usage: check_daily.py <daily_from_csv tool> <hourly.csv> <daily.csv> <IANA zone>

1. Exact: each local day printed by the tool equals the Decimal sum of the hourly values whose
   timestamp text carries that date (the file states local time with its offset).
2. Rounding: the provider's daily file agrees within 0.005 kWh per hour + 0.005 kWh.
"""
import csv
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal


def main() -> int:
    tool, hourly_path, daily_path, zone = sys.argv[1:5]
    expected = defaultdict(Decimal)
    counts = defaultdict(int)
    with open(hourly_path, newline="") as f:
        for row in csv.DictReader(f):
            if row["value"] == "nan":
                continue
            day = row["start"][:10]
            expected[day] += Decimal(row["value"])
            counts[day] += 1
    out = subprocess.run([tool, hourly_path, zone], check=True, capture_output=True, text=True).stdout
    got = {}
    for line in out.splitlines():
        day, kwh, n = line.split(",")
        got[day] = (Decimal(kwh), int(n))
    errors = []
    if set(got) != set(expected):
        errors.append(f"days differ: only ours {sorted(set(got) - set(expected))[:5]}, "
                      f"only file {sorted(set(expected) - set(got))[:5]}")
    for day, total in expected.items():
        if day in got and (got[day][0] != total or got[day][1] != counts[day]):
            errors.append(f"{day}: ours {got[day]}, Decimal {total} over {counts[day]} hours")
    worst = Decimal(0)
    compared = 0
    with open(daily_path, newline="") as f:
        for row in csv.DictReader(f):
            if row["value"] == "nan":
                continue
            day = row["start"][:10]
            diff = abs(got[day][0] - Decimal(row["value"]))
            worst = max(worst, diff)
            compared += 1
            if diff > Decimal("0.005") * got[day][1] + Decimal("0.005"):
                errors.append(f"{day}: ours {got[day][0]}, daily file {row['value']}")
    for e in errors[:20]:
        print(e)
    print(f"{len(got)} local days exact against Decimal; {compared} within rounding of the daily file "
          f"(largest difference {worst} kWh); 23-hour days: {sum(1 for v in got.values() if v[1] == 23)}, "
          f"25-hour days: {sum(1 for v in got.values() if v[1] == 25)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
