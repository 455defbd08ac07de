// SPDX-License-Identifier: Apache-2.0
// The utility bills of --bills (CSV) read per --end-date in the building's zone: what `reconcile`
// and `baseline --model towt-bills` take.
#pragma once

#include "args.hpp"
#include "building_data.hpp"

#include <energy/billing/bills_csv.hpp>
#include <energy/time.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace energy::cli {

/// The bills of the --bills file and its path. Rejected rows are printed to stderr (the valid
/// ones are returned).
struct bills_option {
  std::string path;
  std::vector<billing::utility_bill> bills;
  std::size_t rejected = 0;  ///< rows of the file rejected (printed to stderr)
};

/// @throws usage_error without --bills or --end-date (exclusive|inclusive: does a date-only
/// period_end name the first day not served, or the last one served?); the reader's errors for a
/// file that cannot be read.
[[nodiscard]] bills_option read_bills_option(const args& a, const building_context& bc);

/// The smallest range holding every bill's period (`bills` not empty).
[[nodiscard]] time_range span_of(const std::vector<billing::utility_bill>& bills);

}  // namespace energy::cli
