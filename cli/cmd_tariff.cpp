// SPDX-License-Identifier: Apache-2.0
// tariff set|show: a building's URDB tariff versions in the store, each in effect from a local
// date; summaries and bills price with the version in effect.
#include "building_data.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "stored_tariff.hpp"

#include <energy/billing/dated_tariff_cost.hpp>
#include <energy/error.hpp>
#include <energy/io/stored_tariffs.hpp>
#include <energy/storage/tariffs.hpp>

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <sstream>

namespace energy::cli {
namespace {

storage::tariff_port& require_tariffs(storage::store& db) {
  auto* port = storage::tariffs_of(db);
  if (!port)
    throw std::runtime_error(
        fmt::format("the {} store keeps no tariff versions", db.adapter_name()));
  return *port;
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open the tariff file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error(path + ": reading the tariff file failed");
  return text.str();
}

int tariff_set(const args& a, storage::store& db) {
  const auto& p = a.positionals();
  const auto path = p.at(2);
  const auto effective = *storage::parse_date(a.require("effective"));
  const auto pointer = a.get_or("pointer", "");
  auto holidays = holidays_option(a);
  const auto bc = require_building(a, db);
  require_tariffs(db);

  storage::tariff_version v;
  v.building_id = bc.b.id;
  v.effective = effective;
  v.recorded_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  v.source = std::filesystem::path(path).filename().string();
  v.json_pointer = pointer;
  v.urdb_json = read_whole_file(path);
  v.holidays = std::move(holidays);
  io::added_tariff_version added;
  try {
    added = io::add_tariff_version(db, v);
  } catch (const parse_error& e) {
    throw data_rejected(std::string(e.what()) + " (nothing stored)");
  } catch (const std::invalid_argument& e) {
    throw data_rejected(fmt::format("{}: cannot bill: {} (nothing stored)", path, e.what()));
  }
  const auto& urdb = added.urdb;
  for (const auto& u : urdb.unsupported)
    fmt::print(stderr, "energy: {}: not priced (unsupported by the calculation): {}\n", path, u);
  // Summaries price by the store's tariff versions from now on (the add switched the model).
  if (!added.previous_cost_model.empty())
    fmt::print(stderr,
               "summary costs now come from the stored tariff versions (was '{}'): the next "
               "'energy aggregate' recomputes every building's summaries\n",
               added.previous_cost_model);
  if (!urdb.tariff.holidays && urdb.tariff.weekend_priced_differently())
    fmt::print(stderr,
               "note: no --holidays given and the tariff's weekend schedule differs: the "
               "utility's holidays are priced as weekdays (store the version again with "
               "--holidays D,D,... or --holidays none)\n");
  const auto revision = added.revision;
  fmt::print("revision {}: '{}' in effect from {} ({})\n", revision, urdb.tariff.name,
             storage::format_date(effective), bc.b.time_zone);
  fmt::print(stderr, "run 'energy aggregate' to reprice the summaries from {} on\n",
             storage::format_date(effective));
  return 0;
}

/// "Jan-Mar,Jun" for the months whose bit is set.
std::string month_list(const std::array<bool, 12>& in) {
  static constexpr const char* names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string out;
  for (int m = 0; m < 12;) {
    if (!in[static_cast<std::size_t>(m)]) {
      ++m;
      continue;
    }
    int last = m;
    while (last + 1 < 12 && in[static_cast<std::size_t>(last + 1)])
      ++last;
    if (!out.empty()) out += ',';
    out += names[m];
    if (last > m) out += std::string("-") + names[last];
    m = last + 1;
  }
  return out;
}

/// "12:00-18:00,21:00-24:00" for the hours whose bit is set.
std::string hour_list(const std::array<bool, 24>& in) {
  std::string out;
  for (int h = 0; h < 24;) {
    if (!in[static_cast<std::size_t>(h)]) {
      ++h;
      continue;
    }
    int end = h;
    while (end < 24 && in[static_cast<std::size_t>(end)])
      ++end;
    if (!out.empty()) out += ',';
    out += fmt::format("{:02}:00-{:02}:00", h, end);
    h = end;
  }
  return out;
}

/// Where a schedule puts `period`: months with identical hours grouped, "Jun-Sep 12:00-18:00;
/// Jan-May,Oct-Dec never" style (months where the period never applies are left out).
std::string where_period_applies(const billing::month_hour_schedule& s, std::uint8_t period) {
  std::vector<std::pair<std::array<bool, 24>, std::array<bool, 12>>> groups;
  for (std::size_t m = 0; m < 12; ++m) {
    std::array<bool, 24> hours{};
    bool any = false;
    for (std::size_t h = 0; h < 24; ++h)
      any |= hours[h] = s[m][h] == period;
    if (!any) continue;
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == hours; });
    if (it == groups.end()) {
      groups.push_back({hours, {}});
      it = std::prev(groups.end());
    }
    it->second[m] = true;
  }
  std::string out;
  for (const auto& [hours, months] : groups) {
    if (!out.empty()) out += "; ";
    out += month_list(months) + " " + hour_list(hours);
  }
  return out.empty() ? "never" : out;
}

using row = std::vector<std::string>;

void add_tier_rows(std::vector<row>& rows, const char* kind, const char* unit,
                   const std::vector<billing::rate_period>& periods) {
  for (std::size_t p = 0; p < periods.size(); ++p)
    for (std::size_t t = 0; t < periods[p].tiers.size(); ++t) {
      const auto& tier = periods[p].tiers[t];
      rows.push_back(
          {kind, "", "", "", std::to_string(p), std::to_string(t),
           tier.max ? format_milli(*tier.max) : std::string(), tier.price().to_exact_string(), unit,
           tier.adj.micros() != 0
               ? "rate " + tier.rate.to_exact_string() + " + adj " + tier.adj.to_exact_string()
               : std::string()});
    }
}

void add_schedule_rows(std::vector<row>& rows, const char* kind, std::size_t periods,
                       const billing::month_hour_schedule& s) {
  for (std::size_t p = 0; p < periods; ++p)
    rows.push_back({kind, "", "", "", std::to_string(p), "", "", "", "",
                    where_period_applies(s, static_cast<std::uint8_t>(p))});
}

std::string charge_unit_text(billing::charge_unit u) {
  return u == billing::charge_unit::per_day ? "$/day" : "$/month";
}

int tariff_show(const args& a, storage::store& db) {
  const auto format = parse_output_format(a.get_or("format", "table"));
  const auto bc = require_building(a, db);
  auto& port = require_tariffs(db);
  std::chrono::year_month_day at;
  if (auto text = a.get("at")) {
    at = *storage::parse_date(*text);
  } else {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    at = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(bc.zone.to_local(now))};
  }
  const auto versions = port.list_tariff_versions(bc.b.id);
  if (versions.empty()) {
    fmt::print(stderr,
               "building {} has no tariff ('energy tariff set --building ID --effective DATE "
               "FILE.json' stores one)\n",
               bc.b.id.to_string());
    return 1;
  }
  const auto* current = storage::version_in_effect(versions, at);
  std::vector<row> rows;
  for (const auto& v : versions) {
    std::string status;
    if (&v == current)
      status = "in effect";
    else if (v.effective > at)
      status = "later";
    else if (std::any_of(versions.begin(), versions.end(), [&](const auto& o) {
               return o.effective == v.effective && o.revision > v.revision;
             }))
      status = "superseded";
    else
      status = "earlier";
    std::string name;
    try {
      name = io::read_tariff_version(v).tariff.name;
    } catch (const std::exception& e) {
      name = std::string("unreadable: ") + e.what();
    }
    rows.push_back({"version", std::to_string(v.revision), storage::format_date(v.effective),
                    status, "", "", "", "", "",
                    fmt::format("'{}' from {}{}, recorded {}", name, v.source,
                                v.json_pointer.empty() ? "" : " " + v.json_pointer,
                                format_utc(v.recorded_at))});
  }
  if (current) {
    const auto urdb = io::read_tariff_version(*current);
    const auto& t = urdb.tariff;
    if (t.fixed_charge.micros() != 0)
      rows.push_back({"fixed", "", "", "", "", "", "", t.fixed_charge.to_exact_string(),
                      charge_unit_text(t.fixed_charge_unit), "per meter"});
    if (t.minimum_charge.micros() != 0)
      rows.push_back({"minimum", "", "", "", "", "", "", t.minimum_charge.to_exact_string(),
                      charge_unit_text(t.minimum_charge_unit), "bill floor"});
    add_tier_rows(rows, "energy", "$/kWh", t.energy_periods);
    add_tier_rows(rows, "demand", "$/kW", t.demand_periods);
    add_tier_rows(rows, "flat_demand", "$/kW", t.flat_demand_periods);
    add_schedule_rows(rows, "energy_weekday", t.energy_periods.size(), t.energy_weekday);
    add_schedule_rows(rows, "energy_weekend", t.energy_periods.size(), t.energy_weekend);
    add_schedule_rows(rows, "demand_weekday", t.demand_periods.size(), t.demand_weekday);
    add_schedule_rows(rows, "demand_weekend", t.demand_periods.size(), t.demand_weekend);
    std::string days = "not known: priced as weekdays";
    if (t.holidays) {
      days = t.holidays->empty() ? "none" : std::string();
      for (const auto& d : *t.holidays)
        days += (days.empty() ? "" : ",") + storage::format_date(d);
    }
    rows.push_back({"holidays", "", "", "", "", "", "", "", "", days});
    for (std::size_t p = 0; p < t.flat_demand_periods.size(); ++p) {
      std::array<bool, 12> months{};
      for (std::size_t m = 0; m < 12; ++m)
        months[m] = t.flat_demand_months[m] == p;
      rows.push_back({"flat_demand_months", "", "", "", std::to_string(p), "", "", "", "",
                      month_list(months)});
    }
    for (const auto& u : urdb.unsupported)
      fmt::print(stderr, "note: not priced (unsupported by the calculation): {}\n", u);
    fmt::print(stderr, "in effect on {}: revision {} ('{}', {}); demand window {} min\n",
               storage::format_date(at), current->revision, t.name, t.utility,
               t.demand_window_minutes);
  } else {
    fmt::print(stderr, "no version in effect on {}: the first starts on {}\n",
               storage::format_date(at), storage::format_date(versions.front().effective));
  }
  write_rows(stdout, format,
             {"kind", "revision", "effective", "status", "period", "tier", "up_to", "price", "unit",
              "detail"},
             {false, true, false, false, true, true, true, true, false, false}, rows);
  return 0;
}

}  // namespace

int cmd_tariff(const args& a, storage::store& db) {
  const auto& p = a.positionals();
  if (p.size() >= 2 && p[1] == "set") return tariff_set(a, db);
  if (p.size() >= 2 && p[1] == "show") return tariff_show(a, db);
  throw usage_error("tariff needs a subcommand: set or show");
}

}  // namespace energy::cli
