// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <vector>

#include <energy/billing/bill.hpp>
#include <energy/time.hpp>

namespace energy::billing {

/**
 * The local calendar months of `zone` that overlap `span` (UTC half-open), clipped to it: the
 * first and last may be partial months when `span` does not start or end at a local month
 * start. A year from local 1 January to local 1 January gives twelve whole months (a DST change
 * stays inside its month). @throws std::invalid_argument if `span` is empty.
 */
[[nodiscard]] std::vector<time_range> calendar_months(const time_zone& zone, time_range span);

/**
 * Billing cycles between consecutive meter-read instants: `[reads[i], reads[i + 1])`.
 * @throws std::invalid_argument naming the read when there are fewer than two or they are not
 * strictly ascending.
 */
[[nodiscard]] std::vector<time_range> billing_cycles(const std::vector<utc_seconds>& reads);

/**
 * One bill per period, in order, each exactly `compute_bill(data, t, zone, period, options)`
 * (periods may be any length, e.g. `billing_cycles`: a regular read cycle pays one month of the
 * monthly charges whatever its length). @throws std::invalid_argument as compute_bill, naming the
 * period for an empty one. Thread-safe (pure).
 */
[[nodiscard]] std::vector<bill> compute_bills(const interval_series& data, const tariff& t,
                                              const time_zone& zone,
                                              const std::vector<time_range>& periods,
                                              const bill_options& options = {});

/**
 * Calendar-month bills of `span` in the building's zone: one bill per `calendar_months(zone,
 * span)`. Whole months pay one month of the monthly fixed and minimum charges; a partial first or
 * last month pays them pro rata (`bill_options::prorate_monthly_charges` for that bill only, and
 * a note says so), so a span starting mid-month is not charged a full month it did not use.
 * `options.prorate_monthly_charges = true` pro-rates every month. @throws as compute_bills.
 */
[[nodiscard]] std::vector<bill> compute_monthly_bills(const interval_series& data, const tariff& t,
                                                      const time_zone& zone, time_range span,
                                                      const bill_options& options = {});

}  // namespace energy::billing

ENERGY_API_END
