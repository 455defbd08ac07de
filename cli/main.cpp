// SPDX-License-Identifier: Apache-2.0
// energy — command-line tool over the energy library: metadata, imports, aggregation, summaries.
#include "args.hpp"
#include "commands.hpp"
#include "usage_check.hpp"

#include <energy/error.hpp>
#include <energy/storage/open.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

constexpr const char* usage = R"(energy — energy management for commercial buildings

usage: energy [--db URI] COMMAND [options]

  tenant add --name NAME [--id UUID]            create a tenant, print its id
  tenant list
  building add --tenant ID --name NAME --tz ZONE [--address A] [--sqft N] [--use U] [--flat-rate PRICE]
  building list --tenant ID
  sensor add --building ID [--type electricity|gas|water|thermal|temperature]
             [--kind interval_energy|cumulative_register|instantaneous_power|instantaneous_value]
             [--unit U] [--interval SECONDS] [--max V] [--register-max V] [--location L] [--inactive]
             [--created YYYY-MM-DD|TIMESTAMP]   (installation: earlier readings are rejected)
  sensor list --building ID
  import FILE|- [--format json|csv] [--sensor ID] [--errors FILE] [--quiet]
         [--now TIMESTAMP] [--future-tolerance 5m|48h|400d] [--commit-every ROWS]
                                                 import readings (JSON batches or CSV); '-' = stdin;
                                                 --now/--future-tolerance: the clock for replays and
                                                 backfills of future-dated data (default: now, 5 min);
                                                 --commit-every: rows per store transaction (default
                                                 500000; smaller redoes less after a crash, larger
                                                 rewrites fewer pages)
  aggregate [--sensor-summaries]                 recompute summaries whose readings or metadata changed
                                                 (per building, per sensor too when the settings say so;
                                                 --sensor-summaries checks that they do)
  settings [--per-sensor on|off]                 show or change how this database's summaries are
                                                 computed (a change recomputes all at the next aggregate)
  rebuild --building ID [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                                                 recompute a building's summaries (local dates, half-open;
                                                 default: all of its readings)
  summarize FILE... [--sensors FILE.csv] [--resolution hour|day|month] [--format table|csv|json]
            [--tariff URDB.json|BUILDING_ID=URDB.json,...] [--holidays DATE,...|none]
            [--sensor-summaries] [--sensor ID]
            [--now TIMESTAMP] [--future-tolerance D] [--errors FILE]
                                                 summaries of reading files (CSV, JSON batches) without
                                                 importing: last write wins, metadata from --sensors or
                                                 the --db, TOU costs from URDB tariffs (--holidays:
                                                 the utility's holidays, priced as weekends)
  summaries --building ID [--sensor ID] [--type T] [--resolution hour|day|month]
            [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format table|csv|json]
  retention --archive DIR|s3://BUCKET [--raw-days 90] [--summary-days 1825]
                                                 archive raw readings older than the window (gzip CSV +
                                                 manifest), verify, then drop them; idempotent, locked
  restore --archive DIR|s3://BUCKET --from DATE --to DATE
                                                 re-import an archived UTC range
  report --building ID [--type efficiency|forecast|comparison] [--period week|month|quarter|year]
         [--end YYYY-MM-DD] [--format json|csv|pdf] [--table daily|monthly|anomalies|recommendations|
         bills|comparison] [--out FILE] [--tariff URDB.json[@YYYY-MM-DD],...] [--holidays DATE,...|none]
         [--currency CODE] [--now TIMESTAMP] [--tenant ID]
                                                 the period ends before --end (local date; default: the
                                                 last complete period); forecast: the period after it
  bill --building ID --from DATE --to DATE [--tariff URDB.json] [--holidays DATE,...|none] [--sensor ID]
       [--prorate] [--meters N] [--monthly] [--format table|csv|json]
                                                 a bill for one billing period, line by line
  anomalies --building ID --from DATE --to DATE [--sensor ID] [--format table|csv|json]
                                                 data-quality problems and after-hours waste
  recommend --building ID --from DATE --to DATE [--energy-price P] [--demand-price P] [--sensor ID]
            [--tariff URDB.json [--holidays DATE,...|none]]
            [--format table|csv|json]       efficiency recommendations ranked by annual saving
  baseline fit --building ID --from DATE --to DATE --model towt|seasonal|towt-bills --out MODEL.json
               [--temperature-sensor ID] [--sensor ID] [--bills BILLS.csv --end-date E]
               [--format table|csv|json]
  baseline predict --building ID --model MODEL.json --from DATE --to DATE [--temperature-sensor ID]
               [--sensor ID] [--bills BILLS.csv --end-date E] [--format table|csv|json]
                                                 fit a baseline and save it; predict a range with it
  forecast --building ID --period week|month|quarter|year --from DATE [--now TIMESTAMP]
           [--format table|csv|json]       expected kWh per day of the period starting --from
  greenbutton import FILE.xml --building ID [--sensor ID] [--location KEY] [--format table|csv|json]
  greenbutton fetch --building ID --url URI --token-file FILE --from DATE --to DATE
                    [--ca-file PEM] [--sensor ID] [--location KEY] [--format table|csv|json]
                                                 store a Green Button download (a file, or fetched
                                                 from Connect My Data) as meter readings
  tariff set --building ID --effective YYYY-MM-DD FILE.json [--pointer /items/0] [--holidays D,...|none]
  tariff show --building ID [--at YYYY-MM-DD] [--format table|csv|json]
                                                 a building's URDB tariff versions, each in effect
                                                 from a local date; summaries and bills use them
  reconcile --building ID --bills BILLS.csv [--tariff URDB.json] [--holidays DATE,...|none]
            --end-date exclusive|inclusive [--sensor ID] [--format table|csv|json]
                                                 utility bills against our computed bills
  generate --out FILE [--buildings N] [--sensors N] [--days N] [--start YYYY-MM-DD] [--format json|csv]
                                                 create a realistic data set (and its metadata in --db)

  --db URI    sqlite:PATH (default sqlite:energy.db, or $ENERGY_DB), a plain file path, memory:,
              or postgresql://user@host:port/db when built with the PostgreSQL adapter
S3 archives read ENERGY_S3_ENDPOINT, AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
'energy COMMAND --help' (or -h) prints a command's own usage (for the commands above that have one).
  --version   prints the version number

Exit codes: 0 success; 1 failure (not found, storage, I/O); 2 usage error (nothing opened or
created); 3 data rejected (an import with rejected rows, a tariff that cannot bill).
)";

int run(int argc, char** argv) {
  using namespace energy::cli;
  try {
    const args a(
        argc, argv,
        {"inactive", "quiet", "help", "sensor-summaries", "prorate", "monthly", "version"});
    if (a.flag("version")) {
      fmt::print("{}\n", ENERGY_CLI_VERSION);
      return 0;
    }
    // `energy COMMAND -h|--help`: that command's usage; never opens (or creates) a store.
    const bool help = a.flag("help") || std::any_of(argv + 1, argv + argc, [](const char* s) {
                        return std::strcmp(s, "-h") == 0;
                      });
    if (help && !a.positionals().empty() && a.positionals()[0] != "-h") {
      if (const char* page = command_usage(a.positionals()[0])) {
        fmt::print("{}", page);
        return 0;
      }
    }
    if (help || a.positionals().empty()) {
      fmt::print("{}", usage);
      return a.positionals().empty() && !help ? 2 : 0;
    }
    // Everything that can be checked without a store is checked before one is opened or created.
    check_usage(a);
    const char* env_db = std::getenv("ENERGY_DB");
    const auto uri = a.get_or("db", env_db ? env_db : "sqlite:energy.db");
    const auto& command = a.positionals()[0];
    if (command == "retention") return cmd_retention(a, uri);
    if (command == "summarize") return cmd_summarize(a, uri);
    if (command == "import") return cmd_import(a, uri);
    auto db = energy::storage::open_store_uri(uri);
    if (command == "tenant") return cmd_tenant(a, *db);
    if (command == "building") return cmd_building(a, *db);
    if (command == "sensor") return cmd_sensor(a, *db);
    if (command == "aggregate") return cmd_aggregate(a, *db);
    if (command == "summaries") return cmd_summaries(a, *db);
    if (command == "settings") return cmd_settings(a, *db);
    if (command == "rebuild") return cmd_rebuild(a, *db);
    if (command == "generate") return cmd_generate(a, *db);
    if (command == "restore") return cmd_restore(a, *db);
    if (command == "report") return cmd_report(a, *db);
    if (command == "bill") return cmd_bill(a, *db);
    if (command == "anomalies") return cmd_anomalies(a, *db);
    if (command == "recommend") return cmd_recommend(a, *db);
    if (command == "baseline") return cmd_baseline(a, *db);
    if (command == "forecast") return cmd_forecast(a, *db);
    if (command == "greenbutton") return cmd_greenbutton(a, *db);
    if (command == "reconcile") return cmd_reconcile(a, *db);
    if (command == "tariff") return cmd_tariff(a, *db);
    throw usage_error("unknown command '" + command + "'");
  } catch (const usage_error& e) {
    fmt::print(stderr, "energy: {}\n(run 'energy --help' for usage)\n", e.what());
    return 2;
  } catch (const energy::cli::data_rejected& e) {
    fmt::print(stderr, "energy: {}\n", e.what());
    return 3;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "energy: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "energy: {}\n", e.what());
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int status = run(argc, argv);
  // Output to a full disk or a closed pipe must not look like success (stdio buffers it, so the
  // failure may only show here).
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    const int err = errno;
    fmt::print(stderr, "energy: writing standard output failed: {}{}\n", std::strerror(err),
               status == 0 ? " (the command itself completed)" : "");
    return 1;
  }
  return status;
}
