// SPDX-License-Identifier: Apache-2.0
#include <energy/io/billing_json.hpp>

#include <nlohmann/json.hpp>

#include <cmath>

namespace energy::io {
namespace {

using json = nlohmann::ordered_json;

json bill_json(const billing::bill& b) {
  json lines = json::array();
  for (const auto& l : b.lines) {
    json j{{"kind", billing::to_string(l.kind)}};
    if (l.period >= 0) j["period"] = l.period;
    if (l.tier >= 0) j["tier"] = l.tier;
    if (l.kind == billing::line_kind::energy) j["kwh"] = format_milli(l.quantity);
    if (billing::is_demand_charge(l.kind)) j["kw"] = format_milli(l.quantity);
    j["rate"] = l.rate.to_exact_string();
    if (l.peak_at) j["peak_at"] = format_utc(*l.peak_at);
    j["basis"] = l.basis;
    j["exact"] = l.exact.to_exact_string();
    j["amount"] = l.amount.to_string();
    lines.push_back(std::move(j));
  }
  json j{{"period_start", format_utc(b.period.start)},
         {"period_end", format_utc(b.period.end)},
         {"kwh", format_milli(b.energy)},
         {"peak_kw", format_milli(b.peak_demand)},
         {"peak_at", b.peak_at ? json(format_utc(*b.peak_at)) : json(nullptr)},
         {"demand_window_minutes", b.demand_window_seconds / 60},
         {"intervals", b.intervals},
         {"coverage_pct", std::round(10'000.0 * b.coverage()) / 100.0},
         {"lines", std::move(lines)},
         {"total", b.total.to_string()},
         {"notes", b.notes},
         {"unapplied", b.unapplied}};
  return j;
}

// Text from files (a bill's id or source) may hold any bytes: invalid UTF-8 is written as U+FFFD
// rather than thrown as the JSON library's exception.
std::string dump(const json& j, int indent) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string bill_to_json(const billing::bill& b, int indent) {
  return dump(bill_json(b), indent);
}

std::string reconciliation_to_json(const billing::reconciliation_report& r, int indent) {
  json checks = json::array();
  for (const auto& c : r.checks) {
    const auto& b = c.billed;
    json billed{{"id", b.id},
                {"source", b.source},
                {"period_start", format_utc(b.period.start)},
                {"period_end", format_utc(b.period.end)},
                {"kwh", b.consumption_stated ? json(format_milli(b.consumption)) : json(nullptr)},
                {"peak_kw", b.peak_demand ? json(format_milli(*b.peak_demand)) : json(nullptr)},
                {"demand_interval_minutes",
                 b.demand_interval_seconds ? json(*b.demand_interval_seconds / 60) : json(nullptr)},
                {"amount", b.amount_stated ? json(b.amount.to_string()) : json(nullptr)},
                {"estimated", b.estimated}};
    json differences{
        {"kwh", b.consumption_stated ? json(format_milli(c.consumption_diff)) : json(nullptr)},
        {"kw", c.demand_diff ? json(format_milli(*c.demand_diff)) : json(nullptr)},
        {"amount", b.amount_stated ? json(c.cost_diff.to_string()) : json(nullptr)}};
    json demand = json::array();
    for (const auto& d : c.demand_by_interval)
      demand.push_back({{"interval_minutes", d.interval_seconds / 60},
                        {"kw", format_milli(d.demand)},
                        {"matches_billed", d.matches_billed}});
    json findings = json::array();
    for (const auto& f : c.findings)
      findings.push_back({{"kind", billing::to_string(f.kind)}, {"message", f.message}});
    checks.push_back({{"billed", std::move(billed)},
                      {"computed", c.computed ? bill_json(*c.computed) : json(nullptr)},
                      {"difference_billed_minus_computed", std::move(differences)},
                      {"billed_rate_per_kwh",
                       c.billed_rate ? json(c.billed_rate->to_exact_string()) : json(nullptr)},
                      {"computed_rate_per_kwh",
                       c.computed_rate ? json(c.computed_rate->to_exact_string()) : json(nullptr)},
                      {"demand_by_interval", std::move(demand)},
                      {"ok", c.ok()},
                      {"findings", std::move(findings)}});
  }
  const auto& t = r.tolerance;
  json j{{"tariff", r.tariff_name},
         {"zone", r.zone},
         {"demand_window_minutes", r.demand_window_seconds / 60},
         {"tolerance",
          {{"kwh_abs", format_milli(t.energy_abs)},
           {"kwh_rel", t.energy_rel},
           {"kw_abs", format_milli(t.demand_abs)},
           {"kw_rel", t.demand_rel},
           {"amount_abs", t.cost_abs.to_string()},
           {"amount_rel", t.cost_rel},
           {"rate_rel", t.rate_rel},
           {"min_coverage", t.min_coverage}}},
         {"bills", r.checks.size()},
         {"flagged", r.flagged()},
         {"checks", std::move(checks)}};
  return dump(j, indent);
}

}  // namespace energy::io
