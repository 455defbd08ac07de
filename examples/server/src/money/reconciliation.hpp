// SPDX-License-Identifier: Apache-2.0
// Utility bills checked against what the building's own readings cost under the tariff in effect
// (the library's reconcile): calculated vs billed consumption, demand and amount, with findings.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include <energy/billing/utility_bill.hpp>
#include <energy/model.hpp>

#include "http/context.hpp"

namespace energy::server::costs {

/**
 * The reconciliation of `bills` (any order). Bills are grouped by what prices their period start
 * (a tariff version, or the flat rate); each group is reconciled with its tariff, so gap, overlap
 * and duplicate checks run between consecutive bills of one group. A bill that nothing prices is
 * listed under `unreconciled` with the reason.
 * @throws problem_error 422 when the building has no electricity meter usable for bills, or the
 *         bills span more than max_priced_days.
 */
[[nodiscard]] nlohmann::json reconcile_bills(request_context& ctx, const building& b,
                                             std::vector<billing::utility_bill> bills);

/// reconcile_bills, or `{"unavailable": reason}` when it cannot run (no meter, no tariff): for
/// uploads, whose bills are stored either way.
[[nodiscard]] nlohmann::json reconciliation_or_reason(request_context& ctx, const building& b,
                                                      std::vector<billing::utility_bill> bills);

}  // namespace energy::server::costs
