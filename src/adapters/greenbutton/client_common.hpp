// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the file and Connect clients.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <energy/greenbutton/utility_client.hpp>

namespace energy::greenbutton::detail {

/// "UsagePoint/5446AF3F" -> "5446AF3F".
std::string last_segment(std::string_view href);

/// Only the usage point whose href ends in `usage_point_id` (all when empty), re-indexed.
document select_usage_point(document&& doc, std::string_view usage_point_id);

/// @throws std::invalid_argument when the query's range is empty (a caller mistake: it selects
/// nothing).
void check_query(const usage_query& q);

/// Bills of `doc` whose period overlaps `range`, by period start.
std::vector<billing::utility_bill> bills_overlapping(const document& doc, time_range range);

}  // namespace energy::greenbutton::detail
