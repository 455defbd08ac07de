// SPDX-License-Identifier: Apache-2.0
// Per-command usage pages of the analysis commands (`energy COMMAND --help`).
#include "commands.hpp"

#include <array>
#include <utility>

namespace energy::cli {
namespace {

constexpr const char* bill_usage =
    R"(usage: energy bill --building ID --from DATE --to DATE [--tariff URDB.json] [options]

The bill of one billing period [--from, --to) under a URDB tariff, line by line (fixed, energy by
TOU period and tier, demand, flat demand, minimum), from the stored readings of the building's
active electricity meters summed per interval (or of one meter with --sensor).

  --building ID        the building (its IANA zone sets the TOU hours and the dates)
  --from DATE          first local date billed (YYYY-MM-DD, the building's zone)
  --to DATE            first local date NOT billed (half-open)
  --tariff FILE        a URDB tariff record (JSON); prices in US dollars. Default: the building's
                       stored version in effect ('energy tariff set'); a period spanning two
                       stored versions is refused (bill each part). Never a default price
  --holidays D,D,...   the utility's TOU holidays, local dates priced with the weekend schedule
                       (URDB records do not carry them), or 'none' when it has none. Without
                       it, a tariff whose weekend differs gets a note: weekdays were assumed
  --sensor ID          bill one meter of the building instead of their sum
  --prorate            pro-rate monthly fixed/minimum charges by the period's length (a partial
                       month); default: one full month per billing period, as utilities do
  --meters N           meters the fixed charge applies to (default 1)
  --monthly            one bill per local calendar month of [--from, --to), each with its lines
                       and total, a first column `month` (a partial first or last month pays
                       its monthly charges pro rata)
  --format F           table (default), csv or json
Amounts: each line rounded to cents, total = sum of the lines. The period, tariff name, the
calculation's notes and any charge not applied (unapplied) go to stderr. Exit: 0 ok, 1 not found / no readings / bad tariff, 2 usage.
)";

constexpr const char* anomalies_usage =
    R"(usage: energy anomalies --building ID --from DATE --to DATE [options]

Anomalies in [--from, --to): per meter, data quality (missing intervals, negative or impossible
values, flatlines, spikes, meter resets); on the building's load, after-hours waste against the
operating schedule detected from the same data. Sorted by start.

  --building ID        the building (its IANA zone sets the local hours and the dates)
  --from DATE          first local date (YYYY-MM-DD, the building's zone)
  --to DATE            first local date NOT included (half-open)
  --sensor ID          one meter of the building instead of all active electricity meters
  --format F           table (default), csv or json
Columns: kind, severity, sensor, start, end (local time with offset), expected, actual (kWh
totals over the anomaly, see docs/anomaly.md per kind), score, explanation.
Exit: 0 ok (also when nothing is found), 1 not found, 2 usage.
)";

constexpr const char* recommend_usage =
    R"(usage: energy recommend --building ID --from DATE --to DATE [options]

Efficiency recommendations (high base load, after-hours operation, schedule drift, peak demand,
weather sensitivity, energy use intensity against the ENERGY STAR median of the building's --use)
from the electricity history in [--from, --to). Each rule applies its measure to the building's
own series; the saving is the bill of the measured series minus the bill of the modified one under
--tariff (or the flat prices: the basis column says which). Per year only from 365 days of data,
else per observed period (the per column). Ranked by realisable money (saving_low). Each carries
its evidence, a 90 % band and a confidence; stderr lists the rules that could not run, and why.

  --building ID        the building (zone, floor area and primary use come from it)
  --from DATE          first local date of the history (YYYY-MM-DD, the building's zone)
  --to DATE            first local date NOT included (half-open)
  --tariff FILE        URDB tariff JSON: savings are bill differences under it (TOU, tiers, demand)
  --holidays D,D,...   with --tariff: the utility's TOU holidays (local dates priced as weekends),
                       or 'none'
  --energy-price P     flat price per kWh when no --tariff (default: the building's --flat-rate)
  --demand-price P     flat price per kW of monthly peak demand when no --tariff (default: none)
  --temperature-sensor ID  the building's outdoor temperature: enables the weather rules
  --sensor ID          one meter of the building instead of all active electricity meters
  --format F           table (default), csv or json
Without any price the money columns are empty (kWh savings only), never 0.00.
Exit: 0 ok (also when nothing fires), 1 not found, 2 usage.
)";

constexpr const char* baseline_usage =
    R"(usage: energy baseline fit --building ID --from DATE --to DATE --model towt|seasonal|towt-bills --out MODEL.json [options]
       energy baseline predict --building ID --model MODEL.json --from DATE --to DATE [options]

fit: fits a baseline of the building's electricity load on [--from, --to) and writes the model as
JSON (round-trip exact); prints the in-sample fit: rows, parameters, CV(RMSE) %, NMBE %, R^2 and
ASHRAE Guideline 14's hourly criteria (CV(RMSE) <= 30 %, |NMBE| <= 10 %).
  --model towt         time-of-week-and-temperature (LBNL TOWT); needs --temperature-sensor
  --model seasonal     weather-free hour-of-week profile plus month offsets
  --model towt-bills   TOWT fitted to the utility's bills of --bills lying in [--from, --to)
                       (one intercept, 3 temperature segments); needs --temperature-sensor;
                       judged by Guideline 14's monthly criteria (15 %, 5 %) on the bills
  --out FILE           where the model goes
predict: every interval of [--from, --to) with the actual kWh (empty where no reading), the
expected kWh and the prediction interval; stderr sums actual and expected where both are known.
The model's zone and interval must be the building's. A towt-bills model predicts the bills of
--bills lying in [--from, --to) instead, beside their billed kWh.
  --bills FILE         utility bills as CSV (the format of energy reconcile; towt-bills only)
  --end-date E         how a date-only period_end reads: exclusive or inclusive (with --bills)

  --building ID        the building (its IANA zone sets the local hours and the dates)
  --from, --to DATE    local dates of the building, half-open (--to is not included)
  --temperature-sensor ID   the building's outdoor temperature sensor (towt; degC as stored)
  --sensor ID          one meter of the building instead of all active electricity meters
  --format F           table (default), csv or json
Exit: 0 ok, 1 not found / no readings / model file unreadable, 2 usage.
)";

constexpr const char* forecast_usage =
    R"(usage: energy forecast --building ID --period week|month|quarter|year --from DATE [options]

The expected electricity consumption of each local day of [--from, --from + 1 period), with its
band: a baseline fitted on the year before --from (TOWT when the building has an outdoor
temperature sensor, else the weather-free seasonal model; the same forecast as 'energy report
--type forecast'). Needs aggregated summaries ('energy aggregate'). Days already past --now show
what was recorded. stderr: the period's total, its band, the model and the temperature
assumption (recorded temperatures, or those of 52 weeks earlier for future hours).

  --building ID        the building
  --period P           week (7 days), month, quarter or year (calendar months from --from)
  --from DATE          first local date of the forecast (YYYY-MM-DD, the building's zone)
  --now TIMESTAMP      the clock (RFC 3339 with offset; default: now)
  --format F           table (default), csv or json
Exit: 0 ok, 1 not found / too little history for a model, 2 usage.
)";

constexpr const char* greenbutton_usage =
    R"(usage: energy greenbutton import FILE.xml --building ID [options]
       energy greenbutton fetch --building ID --url URI --token-file FILE --from DATE --to DATE [options]

Stores each MeterReading of a Green Button (NAESB ESPI) download as readings of a utility-meter
sensor of the building (found again by --location on the next import, or created), converted
exactly to kWh / m3. Idempotent: importing the same file again writes nothing (all 'unchanged');
a later download with corrected values replaces them. A file whose LocalTimeParameters do not
match the building's zone is refused (another building's download). Then run 'energy aggregate'.

  --building ID        the building the utility account belongs to
  --sensor ID          write into this sensor (only for a file with one meter reading)
  --location KEY       the key that identifies the utility meter across imports (default:
                       "greenbutton:" + the MeterReading's link, stable across downloads)
  --format F           table (default), csv or json: one row per meter reading
fetch: the same, from Green Button Connect My Data over HTTPS, the intervals starting in
[--from, --to) (local dates of the building, half-open):
  --url URI            the subscription's resource URI from the OAuth token response:
                       https://HOST/.../espi/1_1/resource/Batch/Subscription/ID[/UsagePoint/ID]
  --token-file FILE    the OAuth access token (first line). Never on the command line
  --ca-file PEM        CA certificates to trust instead of the system's (a private CA)
5xx, 429 and timeouts are retried with backoff; 401/403/404 are not (exit 1, the reason named).
Exit: 0 ok, 1 unreadable file / not found / utility refused, 2 usage, 3 imported with rejected
readings.
)";

constexpr const char* reconcile_usage =
    R"(usage: energy reconcile --building ID --bills BILLS.csv [--tariff URDB.json] --end-date exclusive|inclusive [options]

Checks each utility bill against the bill computed for the same period from the building's
interval data under the tariff: consumption, demand, cost and rate mismatches, gaps and overlaps
between bills, duplicates, estimated reads, incomplete data. One row per bill, ordered by start;
findings are sentences with the numbers, ready for a dispute.

  --bills FILE         CSV with a header: period_start, period_end, kwh, amount, and optionally
                       peak_kw, estimated, id. Times RFC 3339 with offset, or dates (local
                       midnight in the building's zone)
  --end-date E         how a date-only period_end reads: exclusive (the first day not served,
                       read-date to read-date) or inclusive (the last day served). Required
  --tariff FILE        the URDB tariff (JSON) the bills are on; US dollars. Default: the stored
                       version in effect over all the bills (bills spanning two versions are
                       refused: reconcile them per version)
  --holidays D,D,...   the utility's TOU holidays (local dates priced as weekends), or 'none'
  --sensor ID          one meter of the building instead of all active electricity meters
  --format F           table (default), csv or json
Exit: 0 ok (findings are results, not errors), 1 not found / unreadable file, 2 usage,
3 some bill rows rejected (listed on stderr; the valid ones are reconciled).
)";

constexpr const char* tariff_usage =
    R"(usage: energy tariff set --building ID --effective YYYY-MM-DD FILE.json [--pointer PTR]
                         [--holidays D,D,...|none]
       energy tariff show --building ID [--at YYYY-MM-DD] [--format table|csv|json]

set: stores a URDB tariff (OpenEI Utility Rate Database record, JSON) as a new version of the
building's tariff, in effect from local midnight of --effective (the building's zone) until the
next later version. Nothing is overwritten: a later upload with the same date gets the next
revision and supersedes. Summary costs then come from the stored versions (hour by hour: the
version in effect on the hour's local date, energy charges) and the summaries the new version
reprices are invalidated: run 'energy aggregate'. 'energy bill' and 'energy reconcile' use the
version in effect when --tariff is not given. A tariff that cannot bill (no charge, a schedule
naming a missing period, ...) is refused, nothing stored.
  --effective DATE     first local date the version prices (YYYY-MM-DD)
  --pointer PTR        RFC 6901 pointer to the record in another document (e.g. /items/0)
  --holidays D,D,...   the utility's TOU holidays, local dates priced with the weekend schedule
                       (URDB records do not carry them), or 'none'; stored with the version.
                       Without it, holidays are priced as weekdays (a note says so)

show: every version (status on --at: in effect, superseded, earlier, later), then the charges
of the version in effect (fixed, minimum, energy and demand tiers), where each period of its
schedules applies (months and local hours) and its holidays.
  --at DATE            the local date "in effect" refers to (default: today in the zone)
  --format F           table (default), csv or json

Exit: 0 ok, 1 not found / no tariff stored / unreadable file, 2 usage, 3 tariff refused.
)";

constexpr std::array<std::pair<std::string_view, const char*>, 8> pages{{
    {"tariff", tariff_usage},
    {"reconcile", reconcile_usage},
    {"greenbutton", greenbutton_usage},
    {"forecast", forecast_usage},
    {"baseline", baseline_usage},
    {"recommend", recommend_usage},
    {"bill", bill_usage},
    {"anomalies", anomalies_usage},
}};

}  // namespace

const char* command_usage(std::string_view command) noexcept {
  for (const auto& [name, page] : pages)
    if (name == command) return page;
  return nullptr;
}

}  // namespace energy::cli
