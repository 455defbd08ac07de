// SPDX-License-Identifier: Apache-2.0
#include "usage_check.hpp"

#include "connect_url.hpp"

#include <energy/billing/bills_csv.hpp>
#include <energy/report/report.hpp>
#include <energy/storage/tariffs.hpp>
#include <energy/summary.hpp>
#include <energy/uuid.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace energy::cli {
namespace {

/// An option that takes one of a few words.
struct choice {
  const char* option;
  std::vector<std::string_view> values;
};

/// The rules of one command (and subcommand).
struct rule {
  const char* command;
  const char* sub = nullptr;  ///< nullptr: the command has no subcommand
  std::vector<std::string> known;
  std::vector<std::string_view> required = {};
  std::vector<std::string_view> ids = {};
  std::vector<std::string_view> dates = {};
  std::vector<choice> choices = {};
  std::size_t min_words = 0;  ///< positional words after the command (and subcommand)
  std::size_t max_words = 0;
};

const choice table_csv_json{"format", {"table", "csv", "json"}};

/// `option` takes the names of `E` (energy/enum_names.hpp).
template <named_enum E>
choice enum_choice(const char* option) {
  choice c{option, {}};
  for (const E e : enum_values<E>())
    c.values.push_back(to_string(e));
  return c;
}

const std::vector<rule>& rules() {
  static const std::vector<rule> all{
      {"tenant", "add", {"db", "name", "id"}, {"name"}, {"id"}},
      {"tenant", "list", {"db", "format"}, {}, {}, {}, {table_csv_json}},
      {"building",
       "add",
       {"db", "tenant", "name", "tz", "address", "sqft", "use", "flat-rate", "id"},
       {"tenant", "name", "tz"},
       {"tenant", "id"}},
      {"building",
       "list",
       {"db", "tenant", "format"},
       {"tenant"},
       {"tenant"},
       {},
       {table_csv_json}},
      {"sensor",
       "add",
       {"db", "building", "type", "kind", "unit", "interval", "max", "register-max", "location",
        "id", "inactive", "created"},
       {"building"},
       {"building", "id"}},
      {"sensor",
       "list",
       {"db", "building", "format"},
       {"building"},
       {"building"},
       {},
       {table_csv_json}},
      {"import",
       nullptr,
       {"db", "format", "sensor", "errors", "quiet", "now", "future-tolerance", "commit-every"},
       {},
       {"sensor"},
       {},
       {{"format", {"json", "csv"}}},
       1,
       1},
      {"aggregate", nullptr, {"db", "sensor-summaries"}},
      {"settings", nullptr, {"db", "per-sensor"}, {}, {}, {}, {{"per-sensor", {"on", "off"}}}},
      {"rebuild",
       nullptr,
       {"db", "building", "from", "to"},
       {"building"},
       {"building"},
       {"from", "to"}},
      {"summaries",
       nullptr,
       {"db", "building", "sensor", "type", "resolution", "from", "to", "format"},
       {"building"},
       {"building", "sensor"},
       {"from", "to"},
       {table_csv_json, enum_choice<resolution>("resolution"), enum_choice<sensor_type>("type")}},
      {"summarize",
       nullptr,
       {"db", "sensors", "tariff", "holidays", "resolution", "format", "sensor-summaries", "now",
        "future-tolerance", "sensor", "errors"},
       {},
       {"sensor"},
       {},
       {table_csv_json, enum_choice<resolution>("resolution")},
       1,
       1'000'000},
      {"retention", nullptr, {"db", "archive", "raw-days", "summary-days", "prefix"}, {"archive"}},
      {"restore", nullptr, {"db", "archive", "from", "to", "prefix"}, {"archive", "from", "to"}},
      {"report",
       nullptr,
       {"db", "building", "tenant", "type", "period", "end", "format", "table", "out", "tariff",
        "holidays", "currency", "now"},
       {},
       {"building", "tenant"},
       {"end"},
       {{"format", {"json", "csv", "pdf"}},
        enum_choice<report::report_type>("type"),
        enum_choice<report::period_length>("period")}},
      {"bill",
       nullptr,
       {"db", "building", "sensor", "from", "to", "tariff", "holidays", "prorate", "meters",
        "monthly", "format"},
       {"building", "from", "to"},
       {"building", "sensor"},
       {"from", "to"},
       {table_csv_json}},
      {"anomalies",
       nullptr,
       {"db", "building", "sensor", "from", "to", "format"},
       {"building", "from", "to"},
       {"building", "sensor"},
       {"from", "to"},
       {table_csv_json}},
      {"recommend",
       nullptr,
       {"db", "building", "sensor", "from", "to", "energy-price", "demand-price", "tariff",
        "holidays", "temperature-sensor", "format"},
       {"building", "from", "to"},
       {"building", "sensor", "temperature-sensor"},
       {"from", "to"},
       {table_csv_json}},
      {"baseline",
       "fit",
       {"db", "building", "sensor", "from", "to", "model", "temperature-sensor", "out", "bills",
        "end-date", "format"},
       {"building", "from", "to", "model", "out"},
       {"building", "sensor", "temperature-sensor"},
       {"from", "to"},
       {table_csv_json,
        {"model", {"towt", "seasonal", "towt-bills"}},
        enum_choice<billing::end_date>("end-date")}},
      {"baseline",
       "predict",
       {"db", "building", "sensor", "from", "to", "model", "temperature-sensor", "bills",
        "end-date", "format"},
       {"building", "from", "to", "model"},
       {"building", "sensor", "temperature-sensor"},
       {"from", "to"},
       {table_csv_json, enum_choice<billing::end_date>("end-date")}},
      {"forecast",
       nullptr,
       {"db", "building", "from", "period", "now", "format"},
       {"building", "period", "from"},
       {"building"},
       {"from"},
       {table_csv_json, enum_choice<report::period_length>("period")}},
      {"greenbutton",
       "import",
       {"db", "building", "sensor", "location", "format"},
       {"building"},
       {"building", "sensor"},
       {},
       {table_csv_json},
       1,
       1},
      {"greenbutton",
       "fetch",
       {"db", "building", "sensor", "location", "format", "url", "token-file", "from", "to",
        "ca-file"},
       {"building", "url", "token-file", "from", "to"},
       {"building", "sensor"},
       {"from", "to"},
       {table_csv_json}},
      {"reconcile",
       nullptr,
       {"db", "building", "sensor", "bills", "tariff", "holidays", "end-date", "format"},
       {"building", "bills", "end-date"},
       {"building", "sensor"},
       {},
       {table_csv_json, enum_choice<billing::end_date>("end-date")}},
      {"generate",
       nullptr,
       {"db", "out", "buildings", "sensors", "days", "start", "format", "tenant"},
       {"out"},
       {"tenant"},
       {"start"},
       {{"format", {"json", "csv"}}}},
      {"tariff",
       "set",
       {"db", "building", "effective", "pointer", "holidays"},
       {"building", "effective"},
       {"building"},
       {"effective"},
       {},
       1,
       1},
      {"tariff",
       "show",
       {"db", "building", "at", "format"},
       {"building"},
       {"building"},
       {"at"},
       {table_csv_json}},
  };
  return all;
}

std::string join(const std::vector<std::string_view>& words) {
  std::string out;
  for (const auto w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

}  // namespace

void check_usage(const args& a) {
  const auto& p = a.positionals();
  if (p.empty()) throw usage_error("no command");
  const std::string& command = p[0];
  std::vector<std::string_view> subs;
  const rule* r = nullptr;
  bool command_known = false;
  for (const auto& candidate : rules()) {
    if (command != candidate.command) continue;
    command_known = true;
    if (!candidate.sub) {
      r = &candidate;
      break;
    }
    subs.push_back(candidate.sub);
    if (p.size() >= 2 && p[1] == candidate.sub) {
      r = &candidate;
      break;
    }
  }
  if (!command_known) throw usage_error("unknown command '" + command + "'");
  if (!r) {
    if (p.size() < 2) throw usage_error(command + " needs a subcommand: " + join(subs));
    throw usage_error("unknown " + command + " subcommand '" + p[1] + "' (" + join(subs) + ")");
  }
  a.check_known(r->known);
  for (const auto name : r->required)
    (void)a.require(name);
  for (const auto name : r->ids)
    if (auto v = a.get(name); v && !uuid::try_parse(*v))
      throw usage_error("--" + std::string(name) + ": '" + *v + "' is not a UUID");
  for (const auto name : r->dates)
    if (auto v = a.get(name); v && !storage::parse_date(*v))
      throw usage_error("--" + std::string(name) + ": '" + *v +
                        "' is not a calendar date YYYY-MM-DD");
  for (const auto& c : r->choices)
    if (auto v = a.get(c.option);
        v && std::find(c.values.begin(), c.values.end(), *v) == c.values.end())
      throw usage_error("--" + std::string(c.option) + ": '" + *v +
                        "' (accepted: " + join(c.values) + ")");
  if (command == "greenbutton" && p[1] == "fetch") (void)parse_connect_url(a.require("url"));
  const std::size_t words = p.size() - (r->sub ? 2 : 1);
  if (words < r->min_words || words > r->max_words) {
    const std::string what = r->sub ? command + " " + r->sub : command;
    if (r->max_words == 0)
      throw usage_error(what + " takes no file argument, got '" + p[r->sub ? 2 : 1] + "'");
    throw usage_error(what + (r->min_words == r->max_words ? " needs exactly one file argument"
                                                           : " needs at least one file argument"));
  }
}

}  // namespace energy::cli
