// SPDX-License-Identifier: Apache-2.0
#include "import_clock.hpp"

#include <energy/time.hpp>

#include <exception>

namespace energy::cli {

/// "300", "300s", "90m", "48h", "400d": a non-negative duration for --future-tolerance.
std::chrono::seconds parse_tolerance(const std::string& text) {
  std::size_t used = 0;
  long long n = -1;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {
    n = -1;
  }
  const std::string unit = text.substr(used);
  const long long scale = unit.empty() || unit == "s" ? 1
                          : unit == "m"               ? 60
                          : unit == "h"               ? 3600
                          : unit == "d"               ? 86400
                                                      : 0;
  constexpr long long max_seconds = 100LL * 366 * 86400;  // a century: a typo beyond that
  if (n < 0 || scale == 0 || n > max_seconds / scale)
    throw usage_error("--future-tolerance: '" + text +
                      "' (expected a duration such as 300, 90m, 48h or 400d, at most 100 years)");
  return std::chrono::seconds{n * scale};
}

/// The import clock: --now (a replay's "now") and --future-tolerance (how far past it readings
/// may be dated). Defaults: the system clock and 5 minutes of meter clock drift.
ingest::ingest_options import_options(const args& a) {
  ingest::ingest_options options;
  if (auto now = a.get("now")) {
    const auto t = parse_utc_timestamp(*now);
    if (!t)
      throw usage_error("--now: '" + *now +
                        "' is not an RFC 3339 UTC timestamp (e.g. 2031-01-01T00:00:00Z)");
    options.validation.now = *t;
  }
  if (auto tolerance = a.get("future-tolerance"))
    options.validation.max_future_skew = parse_tolerance(*tolerance);
  return options;
}

}  // namespace energy::cli
