// SPDX-License-Identifier: Apache-2.0
// The building's electricity as one interval series, what bills and reconciliation price: the
// stored readings of all its electricity meters, summed interval by interval.
#pragma once

#include <energy/billing/bill.hpp>
#include <energy/model.hpp>
#include <energy/storage/store.hpp>

namespace energy::server::costs {

/// Longest range read for one bill or reconciliation request (readings are held in memory).
inline constexpr std::int64_t max_priced_days = 800;

/**
 * Electricity readings of every electricity sensor of `b` (deactivated ones included: they
 * measured the past) that reports energy (not instantaneous values), summed per interval start,
 * with ts in `range`.
 * @throws problem_error 422 when the building has no electricity meter, when its meters report
 *         at different intervals (their demand cannot be added interval by interval), or when
 *         `range` is longer than max_priced_days.
 */
[[nodiscard]] billing::interval_series building_electricity(storage::store& store,
                                                            const building& b, time_range range);

}  // namespace energy::server::costs
