// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <energy/billing/bill.hpp>
#include <energy/billing/tariff.hpp>
#include <energy/billing/utility_bill.hpp>

namespace energy::billing {

/**
 * How far a billed quantity may be from ours before it is flagged. A difference is within
 * tolerance when |billed − ours| <= max(absolute, relative × |ours|): the absolute part absorbs
 * rounding on small bills, the relative part meter accuracy on large ones. Relative tolerances
 * are plain ratios (0.02 = 2 %), a statistic, so doubles.
 */
struct reconcile_tolerance {
  milli energy_abs = 1'000;  ///< Wh (default 1 kWh)
  double energy_rel = 0.01;
  milli demand_abs = 500;  ///< W (default 0.5 kW)
  double demand_rel = 0.02;
  money cost_abs = money::from_cents(100);  ///< default $1.00
  double cost_rel = 0.01;
  double rate_rel = 0.02;       ///< implied $/kWh vs computed $/kWh
  double min_coverage = 0.995;  ///< below this share of the period covered, flag incomplete data
};

struct reconcile_options {
  reconcile_tolerance tolerance;
  bill_options billing;
  /// Demand intervals to compare the billed demand against (seconds), in order of preference.
  /// Intervals the data cannot form (shorter than, or not a multiple of, its interval) are skipped.
  std::vector<std::int32_t> demand_intervals{900, 1800, 3600};
};

enum class finding_kind : std::uint8_t {
  invalid_period,  ///< the bill's period is empty (end <= start): nothing else is checked
  estimated_read,  ///< the utility marked the bill as estimated
  gap_before,      ///< days between the previous bill's end and this bill's start are not billed
  overlap_with_previous,  ///< this bill starts before the previous bill ends
  duplicate,              ///< same id, or same period and amounts, as an earlier bill
  incomplete_data,        ///< our interval data covers less than min_coverage of the period
  no_data,                ///< no interval data at all in the period
  estimated_data,         ///< some of our intervals in the period are estimated/interpolated
  consumption_mismatch,
  demand_mismatch,
  cost_mismatch,
  rate_mismatch,             ///< implied billed $/kWh differs from the tariff's computed $/kWh
  demand_interval_mismatch,  ///< billed demand matches our demand on another interval than the
                             ///< tariff's
};

/// "estimated_read", "gap_before", ...
[[nodiscard]] std::string_view to_string(finding_kind k) noexcept;

struct finding {
  finding_kind kind;
  std::string message;  ///< one sentence an analyst can paste into a dispute, with the numbers
};

/// Our demand on one candidate interval, for the demand-interval check.
struct demand_on_interval {
  std::int32_t interval_seconds = 0;
  milli demand = 0;  ///< W
  bool matches_billed = false;
};

/// The check of one utility bill.
struct bill_check {
  utility_bill billed;
  std::optional<bill> computed;  ///< absent only when the bill's period is empty
  milli consumption_diff = 0;    ///< billed − ours, Wh (0 when the bill states no consumption)
  std::optional<milli> demand_diff;    ///< billed − ours, W (when the bill states a demand)
  money cost_diff;                     ///< billed − our total (0 when the bill states no amount)
  std::optional<money> billed_rate;    ///< billed amount / billed kWh, $/kWh
  std::optional<money> computed_rate;  ///< our total / our kWh, $/kWh
  std::vector<demand_on_interval> demand_by_interval;
  std::vector<finding> findings;
  [[nodiscard]] bool ok() const noexcept { return findings.empty(); }
  [[nodiscard]] bool has(finding_kind k) const noexcept;
};

struct reconciliation_report {
  std::string tariff_name;
  std::string zone;
  reconcile_tolerance tolerance;
  std::int32_t demand_window_seconds = 0;      ///< the tariff's demand window
  std::vector<std::int32_t> demand_intervals;  ///< candidates of the demand-interval check
  std::vector<bill_check> checks;              ///< in the order of the bills' period start (stable)
  [[nodiscard]] std::size_t flagged() const noexcept;
};

/**
 * Checks each utility bill against our bill for the same period, computed from `data` and the
 * tariff in the building's zone. Bills are ordered by period start (stable) before gaps,
 * overlaps and duplicates between consecutive bills are looked for; a bill with an empty period
 * is reported with a finding, never an exception. A bill whose source stated no amount
 * (`amount_stated == false`) or no consumption is not compared on that quantity (nor on rate).
 * @throws std::invalid_argument if the tariff is invalid or `data` breaks its
 * contract. Thread-safe (pure).
 */
[[nodiscard]] reconciliation_report reconcile(std::span<const utility_bill> bills,
                                              const interval_series& data, const tariff& t,
                                              const time_zone& zone,
                                              const reconcile_options& options = {});

/**
 * The report as CSV, one row per bill: id, period (UTC RFC 3339), billed / computed / difference
 * for kWh, kW and $, rates, coverage %, demand on each candidate interval, flags
 * ("cost_mismatch|estimated_read") and the finding messages joined by " | ". RFC 4180 quoting.
 */
[[nodiscard]] std::string to_csv(const reconciliation_report& report);

}  // namespace energy::billing

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::billing::finding_kind>;

ENERGY_API_END
