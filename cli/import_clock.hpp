// SPDX-License-Identifier: Apache-2.0
// The clock of imports and summaries: --now and --future-tolerance, for replays and backfills of
// future-dated data (shared by `import` and `summarize`).
#pragma once

#include "args.hpp"

#include <energy/ingest/ingest.hpp>

#include <chrono>
#include <string>

namespace energy::cli {

/// "300", "300s", "90m", "48h", "400d": a duration of at most 100 years.
/// @throws usage_error for anything else.
[[nodiscard]] std::chrono::seconds parse_tolerance(const std::string& text);

/// Ingest options with validation's `now` from --now (RFC 3339 UTC; default: the system clock)
/// and `max_future_skew` from --future-tolerance (default 5 minutes).
/// @throws usage_error for a malformed value.
[[nodiscard]] ingest::ingest_options import_options(const args& a);

}  // namespace energy::cli
