// SPDX-License-Identifier: Apache-2.0
// bill: a building's (or one meter's) bill for one billing period under a URDB tariff, line by
// line, from the stored interval readings.
#include "building_data.hpp"
#include "commands.hpp"
#include "stored_tariff.hpp"
#include "output.hpp"

#include <energy/billing/bill.hpp>
#include <energy/billing/bill_periods.hpp>
#include <energy/io/urdb.hpp>

#include <fmt/format.h>

namespace energy::cli {
namespace {

const char* unit_of(billing::line_kind k) {
  switch (k) {
    case billing::line_kind::energy:
      return "kWh";
    case billing::line_kind::demand:
    case billing::line_kind::flat_demand:
    case billing::line_kind::coincident_peak:
      return "kW";
    case billing::line_kind::fixed:
    case billing::line_kind::minimum:
      return "";
  }
  return "";
}

std::string index_text(int i) {
  return i < 0 ? std::string() : std::to_string(i);
}

/// The line rows of one bill, then its total row.
void bill_rows(const billing::bill& b, const time_zone& zone,
               std::vector<std::vector<std::string>>& rows) {
  for (const auto& l : b.lines)
    rows.push_back({std::string(billing::to_string(l.kind)), index_text(l.period),
                    index_text(l.tier),
                    l.kind == billing::line_kind::fixed || l.kind == billing::line_kind::minimum
                        ? std::string()
                        : format_milli(l.quantity),
                    unit_of(l.kind), l.rate.to_exact_string(),
                    l.peak_at ? format_local(*l.peak_at, zone) : std::string(), l.basis,
                    l.amount.to_string()});
  rows.push_back({"total", "", "", format_milli(b.energy), "kWh", "",
                  b.peak_at ? format_local(*b.peak_at, zone) : std::string(),
                  fmt::format("peak {} kW, {:.1f}% of the period covered by readings",
                              format_milli(b.peak_demand), 100.0 * b.coverage()),
                  b.total.to_string()});
}

}  // namespace

int cmd_bill(const args& a, storage::store& db) {
  const auto format = parse_output_format(a.get_or("format", "table"));
  const auto bc = require_building(a, db);
  const auto period = require_local_range(a, bc.zone);
  billing::bill_options options;
  options.prorate_monthly_charges = a.flag("prorate");
  if (auto m = a.get("meters")) {
    try {
      std::size_t used = 0;
      options.meters = std::stoi(*m, &used);
      if (used != m->size() || options.meters < 1) throw std::invalid_argument(*m);
    } catch (const std::exception&) {
      throw usage_error("--meters: '" + *m + "' is not a positive whole number");
    }
  }
  // --tariff FILE, or the building's stored version in effect over the whole period.
  const auto chosen = tariff_for(a, db, bc, period);
  const auto& urdb = chosen.urdb;
  for (const auto& u : urdb.unsupported)
    fmt::print(stderr, "energy: {}: not priced (unsupported by the calculation): {}\n",
               chosen.origin, u);

  const auto meters = electricity_meters(a, db, bc);
  const auto data = read_intervals(db, bc, meters, period);
  if (data.size() == 0)
    throw std::runtime_error(
        fmt::format("no readings of the building's electricity meters from "
                    "{} to {}: nothing to bill",
                    format_local(period.start, bc.zone), format_local(period.end, bc.zone)));
  const bool monthly = a.flag("monthly");
  const auto bills =
      monthly ? billing::compute_monthly_bills(data, urdb.tariff, bc.zone, period, options)
              : std::vector<billing::bill>{
                    billing::compute_bill(data, urdb.tariff, bc.zone, period, options)};

  std::vector<std::vector<std::string>> rows;
  for (const auto& b : bills) {
    const std::size_t first = rows.size();
    bill_rows(b, bc.zone, rows);
    if (monthly) {
      const auto month = format_local(b.period.start, bc.zone).substr(0, 10);
      for (std::size_t r = first; r < rows.size(); ++r)
        rows[r].insert(rows[r].begin(), month);
    }
  }
  std::vector<std::string> header{"line", "period",  "tier",  "quantity", "unit",
                                  "rate", "peak_at", "basis", "amount"};
  std::vector<bool> numeric{false, true, true, true, false, true, false, false, true};
  if (monthly) {
    header.insert(header.begin(), "month");
    numeric.insert(numeric.begin(), false);
  }
  write_rows(stdout, format, header, numeric, rows);
  fmt::print(stderr, "bill {} to {} ({}), tariff '{}' ({}), currency USD{}\n",
             format_local(period.start, bc.zone), format_local(period.end, bc.zone), bc.b.time_zone,
             urdb.tariff.name, chosen.origin,
             monthly ? fmt::format(", {} monthly bills", bills.size()) : "");
  for (const auto& b : bills) {
    const auto prefix =
        monthly ? format_local(b.period.start, bc.zone).substr(0, 10) + ": " : std::string();
    for (const auto& n : b.notes)
      fmt::print(stderr, "note: {}{}\n", prefix, n);
  }
  // The tariff's own unapplied charges were listed above as "not priced"; what a bill adds
  // (coincident-peak windows without data) is listed here.
  for (const auto& b : bills)
    for (std::size_t i = urdb.tariff.unapplied.size(); i < b.unapplied.size(); ++i)
      fmt::print(stderr, "not applied: {}\n", b.unapplied[i]);
  return 0;
}

}  // namespace energy::cli
