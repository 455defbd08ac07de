// SPDX-License-Identifier: Apache-2.0
// Internal helpers shared by the anomaly detectors and the recommendation rules (not installed).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <energy/anomaly/anomaly.hpp>

#include "core/stats/quantile.hpp"
#include "core/time/local_clock.hpp"

namespace energy::anomaly::detail {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();
/// 1.4826 · MAD estimates the standard deviation of normal data.
inline constexpr double mad_to_sigma = 1.4826;

// One quantile definition (type 7) and one local clock for the whole core.
using energy::detail::floor_div;
using energy::detail::local_hour;
using energy::detail::local_weekday;
using energy::detail::median_inplace;
using energy::detail::offset_cache;
using energy::detail::quantile_inplace;

/// Median absolute deviation from `centre` (overwrites `v`).
[[nodiscard]] double mad_inplace(std::span<double> v, double centre);

/// Per-slot groups of values, laid out contiguously (counting sort by slot): O(n).
struct slot_groups {
  std::vector<std::size_t> begin;  ///< slots + 1 offsets into `values`
  std::vector<double> values;
  [[nodiscard]] std::span<double> slot(std::size_t s) {
    return {values.data() + begin[s], begin[s + 1] - begin[s]};
  }
};
/// Groups `value[i]` by `slot[i]` (< slots), skipping NaN values and rows where `use` is false.
[[nodiscard]] slot_groups group_by_slot(std::span<const std::uint8_t> slot,
                                        std::span<const double> value, std::size_t slots,
                                        std::span<const std::uint8_t> use = {});

/// A run of flagged rows `[first, last]` (indices) of one sign.
struct flagged_run {
  std::size_t first = 0;
  std::size_t last = 0;
  int sign = 0;
  double z_sum = 0.0;
  std::size_t flagged = 0;
};

/**
 * Groups rows flagged with sign ±1 into runs: a flagged row joins the open run when it has the
 * same sign and starts at most `merge_gap` seconds after the run's end; runs shorter than
 * `min_duration` seconds (first start to last end) are dropped.
 */
[[nodiscard]] std::vector<flagged_run> merge_flagged(
    std::span<const epoch_seconds> ts, std::int32_t interval, std::span<const std::int8_t> sign,
    std::span<const double> z, std::int64_t merge_gap, std::int64_t min_duration);

/// Median and robust sigma (1.4826·MAD) of `x` within ±`radius` blocks of `block_seconds` around
/// each row's block (blocks counted from ts[0]); NaN values are skipped. Both NaN where a
/// neighbourhood has fewer than `min_count` values. O((2·radius + 1)·n).
struct local_stats {
  std::vector<double> centre;
  std::vector<double> sigma;
};
[[nodiscard]] local_stats rolling_block_stats(std::span<const epoch_seconds> ts,
                                              std::span<const double> x, std::int64_t block_seconds,
                                              std::int64_t radius, std::size_t min_count = 24);

/// Totals of a run's rows `[first, last]` that have an expectation (non-NaN `expected`):
/// the expected sum (rounded to milli) and the actual sum.
[[nodiscard]] std::pair<milli, milli> run_totals(const flagged_run& run,
                                                 std::span<const double> expected,
                                                 std::span<const milli> value);

/// "12.345 kWh".
[[nodiscard]] std::string amount(milli v, std::string_view unit);

}  // namespace energy::anomaly::detail
