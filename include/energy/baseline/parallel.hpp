// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * Fitting many buildings at once on a small pool of std::jthreads.
 *
 * Determinism: every index is processed exactly once by the same single-threaded code and
 * writes only its own output slot, so results are bit-identical whatever the thread count.
 */

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include <energy/baseline/series.hpp>
#include <energy/baseline/towt.hpp>

namespace energy::baseline {

/**
 * Calls `body(i)` for every i in [0, n) on `threads` worker threads (0 = all hardware threads,
 * capped at n); returns when all are done. If any call throws, the remaining indices still run
 * and the exception of the lowest failing index is rethrown (deterministic).
 * `body` must be safe to call concurrently for different i.
 */
void parallel_for(std::size_t n, const std::function<void(std::size_t)>& body,
                  unsigned threads = 0);

/// One building's fit input for fit_towt_many.
struct towt_job {
  load_series load;
  std::vector<double> temperature;  ///< aligned to load.ts (align_temperature)
  towt_options options;
};

/// fit_towt for every job, in parallel; result i belongs to job i. Rethrows as parallel_for.
[[nodiscard]] std::vector<towt_model> fit_towt_many(std::span<const towt_job> jobs,
                                                    unsigned threads = 0);

}  // namespace energy::baseline

ENERGY_API_END
