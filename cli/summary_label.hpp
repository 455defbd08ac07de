// SPDX-License-Identifier: Apache-2.0
// The local-time label of a summary bucket ("2024-11-03 01:00", "2024-11-03", "2024-11"), shared
// by `summaries` (stored) and `summarize` (from files).
#pragma once

#include <energy/summary.hpp>

#include <string>

namespace energy::cli {

/// The bucket's wall-clock start in its building's zone, at the row's resolution. The repeated
/// fall-back hour gives two rows with the same label and distinct UTC starts.
[[nodiscard]] std::string local_label(const summary_row& r);

}  // namespace energy::cli
