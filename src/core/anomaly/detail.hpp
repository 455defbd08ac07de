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

namespace energy::anomaly::detail {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();
/// 1.4826 · MAD estimates the standard deviation of normal data.
inline constexpr double mad_to_sigma = 1.4826;

/// Median of `v` (reorders it). NaN for an empty span.
[[nodiscard]] double median_inplace(std::span<double> v);
/// The q-quantile (0..1, nearest rank) of `v` (reorders it). NaN for an empty span.
[[nodiscard]] double quantile_inplace(std::span<double> v, double q);
/// Median absolute deviation from `centre` (overwrites `v`).
[[nodiscard]] double mad_inplace(std::span<double> v, double centre);

/// Caches the tz offset of the current DST period so a sorted series costs one lookup per period.
class offset_cache {
 public:
  explicit offset_cache(const date::time_zone* zone) : zone_(zone) {}
  [[nodiscard]] std::int64_t offset(epoch_seconds t);
  [[nodiscard]] std::int64_t local(epoch_seconds t) { return t + offset(t); }

 private:
  const date::time_zone* zone_;
  std::int64_t begin_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t end_ = std::numeric_limits<std::int64_t>::min();
  std::int64_t offset_ = 0;
};

[[nodiscard]] inline std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

/// Local weekday, 0 = Monday, of a local-seconds value.
[[nodiscard]] inline std::int32_t local_weekday(std::int64_t local_secs) noexcept {
  const std::int64_t day = floor_div(local_secs, 86400);
  return static_cast<std::int32_t>(((day % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
}
[[nodiscard]] inline std::int32_t local_hour(std::int64_t local_secs) noexcept {
  const std::int64_t s = ((local_secs % 86400) + 86400) % 86400;
  return static_cast<std::int32_t>(s / 3600);
}

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
