// SPDX-License-Identifier: Apache-2.0
#include "money/reconciliation.hpp"

#include <algorithm>

#include <energy/billing/reconcile.hpp>
#include <energy/io/billing_json.hpp>

#include "http/message.hpp"
#include "money/meter_data.hpp"
#include "money/priced_bills.hpp"

namespace energy::server::costs {

nlohmann::json reconcile_bills(request_context& ctx, const building& b,
                               std::vector<billing::utility_bill> bills) {
  aggregate::local_calendar cal(b.time_zone);
  nlohmann::json groups = nlohmann::json::array();
  nlohmann::json unreconciled = nlohmann::json::array();
  std::size_t flagged = 0;
  std::stable_sort(bills.begin(), bills.end(),
                   [](const auto& x, const auto& y) { return x.period.start < y.period.start; });
  // Bills with an empty period are the library's to report (a finding), not a range to read.
  time_range span{};
  bool have_span = false;
  for (const auto& bill : bills) {
    if (bill.period.empty()) continue;
    span = have_span ? time_range{std::min(span.start, bill.period.start),
                                  std::max(span.end, bill.period.end)}
                     : bill.period;
    have_span = true;
  }
  if (!bills.empty()) {
    const auto data = building_electricity(ctx.store(), b, have_span ? span : time_range{});
    const auto effective = effective_versions(ctx, b);
    std::size_t i = 0;
    while (i < bills.size()) {
      price_basis basis;
      try {
        basis = basis_at(effective, b, cal, bills[i].period.start);
      } catch (const problem_error& e) {
        unreconciled.push_back({{"bill_id", bills[i].id},
                                {"period_start", format_utc(bills[i].period.start)},
                                {"reason", e.get().detail}});
        ++i;
        continue;
      }
      std::size_t j = i + 1;
      while (j < bills.size()) {
        try {
          if (basis_at(effective, b, cal, bills[j].period.start).version != basis.version) break;
        } catch (const problem_error&) {
          break;
        }
        ++j;
      }
      const std::vector<billing::utility_bill> group(
          bills.begin() + static_cast<std::ptrdiff_t>(i),
          bills.begin() + static_cast<std::ptrdiff_t>(j));
      const auto report = billing::reconcile(group, data, basis.tariff(), cal.zone());
      flagged += report.flagged();
      auto j_report = nlohmann::json::parse(io::reconciliation_to_json(report, -1));
      j_report["priced_by"] = basis.describe();
      groups.push_back(std::move(j_report));
      i = j;
    }
  }
  return {{"building_id", b.id.to_string()}, {"time_zone", b.time_zone},
          {"bills", bills.size()},           {"flagged", flagged},
          {"groups", std::move(groups)},     {"unreconciled", std::move(unreconciled)}};
}

nlohmann::json reconciliation_or_reason(request_context& ctx, const building& b,
                                        std::vector<billing::utility_bill> bills) {
  try {
    return reconcile_bills(ctx, b, std::move(bills));
  } catch (const problem_error& e) {
    // The bills are stored either way; the reconciliation waits for meters or a tariff.
    return {{"unavailable", e.get().detail}};
  }
}

}  // namespace energy::server::costs
