// SPDX-License-Identifier: Apache-2.0
// The cost column of GET /buildings/{id}/energy, priced honestly. Stored summaries carry the
// flat-rate estimate (the aggregation's cost model); for a building with tariff versions each
// local hour is priced instead by the energy charge of the tariff in effect that hour (its TOU
// period, first tier: an hour cannot know its tier position or its share of demand and fixed
// charges, which the bills route computes). Every bucket says which basis priced it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <energy/aggregate/calendar.hpp>
#include <energy/model.hpp>

#include "http/context.hpp"

namespace energy::server::costs {

struct bucket_cost {
  money cost;
  /// "tariff", "flat_rate", "mixed" (some hours each), or "none" (nothing prices it: cost 0).
  std::string basis;
};

/// What a bucket costs without tariffs: the summary's flat-rate estimate, or nothing.
[[nodiscard]] std::string summary_cost_basis(const building& b, sensor_type type);

/**
 * Per-bucket electricity cost under the building's tariff versions, or nullopt when the building
 * has none (the summaries' flat-rate costs stand, labelled by summary_cost_basis).
 * @throws problem_error 422 when the buckets cover more than max_tariff_priced_hours.
 */
[[nodiscard]] std::optional<std::vector<bucket_cost>> tariff_bucket_costs(
    request_context& ctx, const building& b, aggregate::local_calendar& cal,
    std::span<const aggregate::bucket> buckets);

/// Longest span the tariff pricing reads hourly summaries for (ten years).
inline constexpr std::int64_t max_tariff_priced_hours = 87'660;

/// The sentence the energy route shows beside a cost basis.
[[nodiscard]] std::string cost_note(std::string_view basis);

}  // namespace energy::server::costs
