// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <string>

#include <energy/billing/bill.hpp>
#include <energy/billing/reconcile.hpp>

namespace energy::io {

/**
 * A computed bill as JSON: period (RFC 3339 UTC), lines with their inputs, total, peak demand,
 * coverage. Quantities are exact decimal strings ("1234.567" kWh / kW) and money exact strings
 * ("259.200000"), so nothing passes through a double; `amount` fields are the rounded cents
 * ("259.20"). Pretty-printed with `indent` spaces (-1 = compact). Text that is not valid UTF-8 (a
 * bill id read from a file) is written with U+FFFD in place of the invalid bytes; never throws.
 */
[[nodiscard]] std::string bill_to_json(const billing::bill& b, int indent = 2);

/**
 * A reconciliation report as JSON for an analyst or the utility: tariff, zone, tolerances and,
 * per bill, billed vs computed consumption / demand / cost with differences, rates, coverage,
 * demand on each candidate interval, findings (kind + message) and our line items. A bill id or
 * source that is not valid UTF-8 is written with U+FFFD in place of the invalid bytes; never
 * throws the JSON library's exception.
 */
[[nodiscard]] std::string reconciliation_to_json(const billing::reconciliation_report& r,
                                                 int indent = 2);

}  // namespace energy::io

ENERGY_API_END
