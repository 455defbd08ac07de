// SPDX-License-Identifier: Apache-2.0
#include <energy/billing/reconcile.hpp>

#include <energy/quality.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "arith.hpp"
#include "core/enum_table.hpp"

namespace energy::billing {
namespace {

using detail::muldiv_round;

bool within(std::int64_t diff, std::int64_t abs_tol, double rel, std::int64_t ours) noexcept {
  const double allowed =
      std::max(static_cast<double>(abs_tol), rel * std::fabs(static_cast<double>(ours)));
  return std::fabs(static_cast<double>(diff)) <= allowed;
}

/// $/kWh from an amount and Wh, to the micro-dollar.
money per_kwh(money amount, milli wh) {
  return money::from_micros(muldiv_round(amount.micros(), 1000, wh));
}

std::string days(std::int64_t seconds) {
  return fmt::format("{:.2f}", static_cast<double>(seconds) / 86'400.0);
}

// fmt, not `"+" + std::string`: GCC 12 -O3 raises a false -Wrestrict on that operator+.
std::string signed_milli(milli v) {
  return fmt::format("{}{}", v > 0 ? "+" : "", format_milli(v));
}
std::string signed_money(money v) {
  return fmt::format("{}${}", v < money{} ? "-" : "+", (v < money{} ? -v : v).to_string());
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

namespace {
constexpr auto finding_kind_names = energy::detail::make_enum_table<finding_kind>(
    "finding_kind", {{finding_kind::invalid_period, "invalid_period"},
                     {finding_kind::estimated_read, "estimated_read"},
                     {finding_kind::gap_before, "gap_before"},
                     {finding_kind::overlap_with_previous, "overlap_with_previous"},
                     {finding_kind::duplicate, "duplicate"},
                     {finding_kind::incomplete_data, "incomplete_data"},
                     {finding_kind::no_data, "no_data"},
                     {finding_kind::estimated_data, "estimated_data"},
                     {finding_kind::consumption_mismatch, "consumption_mismatch"},
                     {finding_kind::demand_mismatch, "demand_mismatch"},
                     {finding_kind::cost_mismatch, "cost_mismatch"},
                     {finding_kind::rate_mismatch, "rate_mismatch"},
                     {finding_kind::demand_interval_mismatch, "demand_interval_mismatch"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(finding_kind) noexcept {
  return finding_kind_names;
}
std::string_view to_string(finding_kind k) noexcept {
  return finding_kind_names.name(k);
}

bool bill_check::has(finding_kind k) const noexcept {
  return std::any_of(findings.begin(), findings.end(),
                     [k](const finding& f) { return f.kind == k; });
}

std::size_t reconciliation_report::flagged() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(checks.begin(), checks.end(), [](const bill_check& c) { return !c.ok(); }));
}

reconciliation_report reconcile(std::span<const utility_bill> bills, const interval_series& data,
                                const tariff& t, const time_zone& zone,
                                const reconcile_options& options) {
  t.validate();
  data.validate();
  const auto& tol = options.tolerance;

  reconciliation_report report;
  report.tariff_name = t.name;
  report.zone = std::string(zone.name());
  report.tolerance = tol;
  report.demand_window_seconds = t.demand_window_minutes * 60;
  report.demand_intervals = options.demand_intervals;

  std::vector<std::size_t> order(bills.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return bills[a].period.start < bills[b].period.start;
  });

  report.checks.reserve(bills.size());
  // Index (not pointer) of the last non-duplicate bill with a valid period: checks grows below.
  std::optional<std::size_t> previous;
  for (const auto idx : order) {
    const utility_bill& ub = bills[idx];
    bill_check c;
    c.billed = ub;
    auto add = [&c](finding_kind k, std::string msg) {
      c.findings.push_back(finding{k, std::move(msg)});
    };

    if (ub.period.empty()) {
      add(finding_kind::invalid_period,
          fmt::format("bill period {} .. {} is empty", format_utc(ub.period.start),
                      format_utc(ub.period.end)));
      report.checks.push_back(std::move(c));
      continue;
    }

    // Duplicates, then gaps and overlaps against the previous distinct bill.
    bool duplicate = false;
    for (const auto& earlier : report.checks) {
      const auto& e = earlier.billed;
      const bool same_id = !ub.id.empty() && ub.id == e.id;
      const bool same_content =
          ub.period == e.period && ub.consumption == e.consumption && ub.amount == e.amount &&
          ub.consumption_stated == e.consumption_stated && ub.amount_stated == e.amount_stated;
      if (same_id || same_content) {
        add(finding_kind::duplicate,
            fmt::format("duplicate of bill '{}' ({}): {}", e.id, e.source,
                        same_id ? "same bill id" : "same period, consumption and amount"));
        duplicate = true;
        break;
      }
    }
    if (!duplicate && previous) {
      const auto& prev = report.checks[*previous].billed;
      const auto prev_end = prev.period.end;
      if (ub.period.start > prev_end)
        add(finding_kind::gap_before,
            fmt::format(
                "{} days unbilled between the previous bill's end {} and this bill's start {}",
                days((ub.period.start - prev_end).count()), format_utc(prev_end),
                format_utc(ub.period.start)));
      else if (ub.period.start < prev_end)
        add(finding_kind::overlap_with_previous,
            fmt::format(
                "overlaps the previous bill '{}' by {} days (previous ends {}, this starts {})",
                prev.id, days((prev_end - ub.period.start).count()), format_utc(prev_end),
                format_utc(ub.period.start)));
    }
    if (ub.estimated)
      add(finding_kind::estimated_read, "the utility marked this bill's meter read as estimated");

    c.computed = compute_bill(data, t, zone, ub.period, options.billing);
    const bill& ours = *c.computed;

    // Data coverage.
    const bool has_data = ours.intervals > 0;
    if (!has_data) {
      add(finding_kind::no_data,
          "no interval data in the billing period: nothing to compare against");
    } else if (ours.coverage() < tol.min_coverage) {
      const auto missing = ub.period.length().count() - ours.coverage_seconds;
      add(finding_kind::incomplete_data,
          fmt::format("interval data covers {:.1f}% of the period ({} hours missing): our figures "
                      "are understated",
                      100.0 * ours.coverage(),
                      fmt::format("{:.2f}", static_cast<double>(missing) / 3600.0)));
    }
    if (has_data && !data.quality.empty()) {
      const auto lo =
          std::lower_bound(data.start.begin(), data.start.end(), to_epoch(ub.period.start)) -
          data.start.begin();
      const auto hi =
          std::lower_bound(data.start.begin(), data.start.end(), to_epoch(ub.period.end)) -
          data.start.begin();
      std::int64_t estimated = 0;
      for (auto i = lo; i < hi; ++i)
        if (data.quality[static_cast<std::size_t>(i)] &
            (quality::estimated | quality::interpolated))
          ++estimated;
      if (estimated > 0)
        add(finding_kind::estimated_data,
            fmt::format("{} of our {} intervals in the period are estimated or interpolated",
                        estimated, ours.intervals));
    }

    // Consumption.
    c.consumption_diff = ub.consumption_stated ? ub.consumption - ours.energy : 0;
    if (has_data && ub.consumption_stated &&
        !within(c.consumption_diff, tol.energy_abs, tol.energy_rel, ours.energy))
      add(finding_kind::consumption_mismatch,
          fmt::format("billed {} kWh, meter data {} kWh ({} kWh)", format_milli(ub.consumption),
                      format_milli(ours.energy), signed_milli(c.consumption_diff)));

    // Demand, and on which interval the utility measured it.
    if (ub.peak_demand && has_data) {
      c.demand_diff = *ub.peak_demand - ours.peak_demand;
      const bool tariff_match =
          within(*c.demand_diff, tol.demand_abs, tol.demand_rel, ours.peak_demand);
      for (const auto s : options.demand_intervals) {
        if (s <= 0 || s % data.resolved_interval() != 0)
          continue;  // cannot be formed from this data
        const auto p = peak_demand(data, ub.period, s);
        demand_on_interval d;
        d.interval_seconds = s;
        d.demand = p ? p->demand : 0;
        d.matches_billed =
            within(*ub.peak_demand - d.demand, tol.demand_abs, tol.demand_rel, d.demand);
        c.demand_by_interval.push_back(d);
      }
      if (!tariff_match) {
        add(finding_kind::demand_mismatch,
            fmt::format(
                "billed demand {} kW, meter data {} kW on the tariff's {}-minute window ({} kW)",
                format_milli(*ub.peak_demand), format_milli(ours.peak_demand),
                ours.demand_window_seconds / 60, signed_milli(*c.demand_diff)));
        for (const auto& d : c.demand_by_interval) {
          if (d.interval_seconds == ours.demand_window_seconds || !d.matches_billed) continue;
          add(finding_kind::demand_interval_mismatch,
              fmt::format("billed demand {} kW matches our {}-minute demand {} kW: the utility "
                          "appears to bill demand on "
                          "{}-minute intervals, the tariff says {} minutes",
                          format_milli(*ub.peak_demand), d.interval_seconds / 60,
                          format_milli(d.demand), d.interval_seconds / 60,
                          ours.demand_window_seconds / 60));
          break;
        }
      }
      if (ub.demand_interval_seconds && *ub.demand_interval_seconds != ours.demand_window_seconds &&
          !c.has(finding_kind::demand_interval_mismatch))
        add(finding_kind::demand_interval_mismatch,
            fmt::format("the bill states demand on {}-minute intervals, the tariff says {} minutes",
                        *ub.demand_interval_seconds / 60, ours.demand_window_seconds / 60));
    }

    // Cost and rate.
    c.cost_diff = ub.amount_stated ? ub.amount - ours.total : money{};
    if (has_data && ub.amount_stated &&
        !within(c.cost_diff.micros(), tol.cost_abs.micros(), tol.cost_rel, ours.total.micros()))
      add(finding_kind::cost_mismatch,
          fmt::format("billed ${}, tariff applied to meter data ${} ({})", ub.amount.to_string(),
                      ours.total.to_string(), signed_money(c.cost_diff)));
    if (ub.consumption > 0 && ub.consumption_stated && ub.amount_stated)
      c.billed_rate = per_kwh(ub.amount, ub.consumption);
    if (ours.energy > 0) c.computed_rate = per_kwh(ours.total, ours.energy);
    if (has_data && c.billed_rate && c.computed_rate) {
      const auto diff = (*c.billed_rate - *c.computed_rate).micros();
      if (!within(diff, 0, tol.rate_rel, c.computed_rate->micros()))
        add(finding_kind::rate_mismatch,
            fmt::format(
                "billed average {} $/kWh, tariff gives {} $/kWh for this period's load ({:+.1f}%)",
                c.billed_rate->to_exact_string(), c.computed_rate->to_exact_string(),
                100.0 * static_cast<double>(diff) /
                    static_cast<double>(c.computed_rate->micros())));
    }

    report.checks.push_back(std::move(c));
    if (!duplicate) previous = report.checks.size() - 1;
  }
  return report;
}

std::string to_csv(const reconciliation_report& r) {
  std::string out =
      "bill_id,period_start,period_end,days,billed_kwh,computed_kwh,diff_kwh,billed_kw,computed_kw,"
      "diff_kw,"
      "demand_window_min,billed_amount,computed_amount,diff_amount,billed_rate_per_kwh,computed_"
      "rate_per_kwh,"
      "coverage_pct,estimated";
  for (const auto s : r.demand_intervals)
    out += fmt::format(",kw_{}min", s / 60);
  out += ",flags,findings,source\r\n";
  for (const auto& c : r.checks) {
    const auto& b = c.billed;
    const bill* ours = c.computed ? &*c.computed : nullptr;
    std::string flags;
    std::string messages;
    for (const auto& f : c.findings) {
      if (!flags.empty()) flags += '|';
      flags += to_string(f.kind);
      if (!messages.empty()) messages += " | ";
      messages += f.message;
    }
    out += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", csv_field(b.id),
        format_utc(b.period.start), format_utc(b.period.end), days(b.period.length().count()),
        b.consumption_stated ? format_milli(b.consumption) : "",
        ours ? format_milli(ours->energy) : "",
        ours && b.consumption_stated ? format_milli(c.consumption_diff) : "",
        b.peak_demand ? format_milli(*b.peak_demand) : "",
        ours ? format_milli(ours->peak_demand) : "",
        c.demand_diff ? format_milli(*c.demand_diff) : "",
        ours ? std::to_string(ours->demand_window_seconds / 60) : "",
        b.amount_stated ? b.amount.to_string() : "", ours ? ours->total.to_string() : "",
        ours && b.amount_stated ? c.cost_diff.to_string() : "",
        c.billed_rate ? c.billed_rate->to_exact_string() : "",
        c.computed_rate ? c.computed_rate->to_exact_string() : "",
        ours ? fmt::format("{:.2f}", 100.0 * ours->coverage()) : "",
        b.estimated ? "true" : "false");
    for (const auto s : r.demand_intervals) {
      const auto it =
          std::find_if(c.demand_by_interval.begin(), c.demand_by_interval.end(),
                       [s](const demand_on_interval& d) { return d.interval_seconds == s; });
      out += ',';
      if (it != c.demand_by_interval.end()) out += format_milli(it->demand);
    }
    out += fmt::format(",{},{},{}\r\n", csv_field(flags), csv_field(messages), csv_field(b.source));
  }
  return out;
}

}  // namespace energy::billing

template struct energy::detail::enum_names<energy::billing::finding_kind>;
