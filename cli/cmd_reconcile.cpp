// SPDX-License-Identifier: Apache-2.0
// reconcile: a building's utility bills (CSV) checked against the bills computed from its own
// interval data under a URDB tariff: consumption, demand, cost, rate, gaps, overlaps, estimates.
#include "bills_option.hpp"
#include "building_data.hpp"
#include "commands.hpp"
#include "stored_tariff.hpp"
#include "output.hpp"

#include <energy/billing/reconcile.hpp>
#include <energy/io/urdb.hpp>

#include <fmt/format.h>

namespace energy::cli {

int cmd_reconcile(const args& a, storage::store& db) {
  const auto format = parse_output_format(a.get_or("format", "table"));
  const auto bc = require_building(a, db);
  const auto parsed = read_bills_option(a, bc);
  if (parsed.bills.empty()) throw std::runtime_error(parsed.path + ": no valid bill to reconcile");
  // One read covering every bill period.
  const time_range span = span_of(parsed.bills);
  // --tariff FILE, or the stored version in effect over every bill (bills spanning two stored
  // versions are refused: reconcile them per version).
  const auto chosen = tariff_for(a, db, bc, span);
  const auto& urdb = chosen.urdb;
  for (const auto& u : urdb.unsupported)
    fmt::print(stderr, "energy: {}: not priced (unsupported by the calculation): {}\n",
               chosen.origin, u);
  const auto meters = electricity_meters(a, db, bc);
  const auto data = read_intervals(db, bc, meters, span);
  const auto report = billing::reconcile(parsed.bills, data, urdb.tariff, bc.zone);

  std::vector<std::vector<std::string>> rows;
  for (const auto& c : report.checks) {
    std::string flags, messages;
    for (const auto& f : c.findings) {
      flags += (flags.empty() ? "" : "|") + std::string(billing::to_string(f.kind));
      messages += (messages.empty() ? "" : " | ") + f.message;
    }
    const bool have = c.computed.has_value();
    rows.push_back({c.billed.id, format_local(c.billed.period.start, bc.zone),
                    format_local(c.billed.period.end, bc.zone),
                    c.billed.consumption_stated ? format_milli(c.billed.consumption) : "",
                    have ? format_milli(c.computed->energy) : "",
                    c.billed.amount_stated ? c.billed.amount.to_string() : "",
                    have ? c.computed->total.to_string() : "",
                    c.billed.amount_stated && have ? c.cost_diff.to_string() : "",
                    have ? fmt::format("{:.1f}", 100.0 * c.computed->coverage()) : "", flags,
                    messages});
  }
  write_rows(stdout, format,
             {"bill", "start", "end", "billed_kwh", "computed_kwh", "billed_amount",
              "computed_amount", "amount_diff", "coverage_percent", "flags", "findings"},
             {false, false, false, true, true, true, true, true, true, false, false}, rows);
  fmt::print(stderr, "{} bill{}, {} flagged; tariff '{}', USD\n", report.checks.size(),
             report.checks.size() == 1 ? "" : "s", report.flagged(), urdb.tariff.name);
  return parsed.rejected == 0 ? 0 : 3;
}

}  // namespace energy::cli
