// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <optional>
#include <string>

#include <energy/decimal.hpp>
#include <energy/money.hpp>
#include <energy/time.hpp>

namespace energy::billing {

/**
 * A bill as the utility issued it (from a Green Button usage summary, a bills CSV, or typed in).
 * Billing periods follow meter-read dates, not calendar months: `period` is the UTC half-open
 * range the bill covers.
 */
struct utility_bill {
  std::string id;  ///< utility's bill/statement id if any, else generated
  time_range period;
  milli consumption = 0;             ///< billed energy, Wh
  std::optional<milli> peak_demand;  ///< billed demand, W
  std::optional<std::int32_t>
      demand_interval_seconds;  ///< interval the utility measured demand on, if stated
  money amount;                 ///< total billed
  bool estimated = false;       ///< the utility estimated the read
  std::string source;  ///< where it came from: "file.xml: UsagePoint 1, summary 3", "bills.csv:4"
  /// False when the source stated no amount (a Green Button summary without billLastPeriod):
  /// `amount` is then 0 and means "unknown", not "free" — do not reconcile cost against it.
  bool amount_stated = true;
  /// False when the source stated no consumption: `consumption` is then 0 and means "unknown".
  bool consumption_stated = true;
  friend bool operator==(const utility_bill&, const utility_bill&) = default;
};

}  // namespace energy::billing

ENERGY_API_END
