// SPDX-License-Identifier: Apache-2.0
// Internal (not installed): what the recommendation rules share, and the rules themselves.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <energy/recommend/recommend.hpp>

#include "core/recommend/pricing.hpp"

namespace energy::recommend::detail {

/// Everything the rules share, computed once.
struct context {
  const building_history& h;
  const recommend_options& o;
  const counterfactual_pricer& pricer;
  std::vector<double> kw;           // mean kW of each row
  std::vector<std::int64_t> local;  // local seconds of each row
  double interval_hours = 0.0;
  double total_kwh = 0.0;
  double coverage_days = 0.0;  // rows × interval
  bool per_year = false;       // ≥ 365 days of data
  time_range period;
  std::vector<skipped_rule>* skipped = nullptr;

  void skip(std::string rule, std::string reason) const {
    skipped->push_back({std::move(rule), std::move(reason)});
  }
  [[nodiscard]] std::vector<milli> measured() const {
    return {h.series.value.begin(), h.series.value.end()};
  }
};

/// How a rule's saving is stated and how sure it is.
struct saving_basis {
  /// Rows the measure acts on ([from, to)): the basis period of the saving. A measure on the
  /// whole history is annualised when the history has ≥ 365 days; a window never is.
  std::size_t from = 0;
  std::size_t to = 0;
  bool whole_history = true;
  bool heuristic = false;  ///< the target is a rule of thumb, not the building's own data
  std::vector<std::string> caveats;
};

/**
 * Prices `modified` against the measured series and fills the saving fields of `r` (saving, kWh,
 * per-year or per-period, band, confidence, basis, caveats). See docs/recommendations.md.
 */
void finish(const context& c, recommendation& r, std::span<const milli> modified,
            saving_basis basis);

recommendation make(recommendation_kind k, std::string title);

/// Why a detected (or declared) schedule cannot serve as an operating schedule, or empty when it
/// can: it must exist, have 20-140 occupied hours a week, and no day open around the clock (a
/// building without a schedule can yield a "schedule" of one spike hour, or of 24-hour days).
[[nodiscard]] std::string implausible(const anomaly::operating_schedule& s);

void schedule_drift(const context& c, std::vector<recommendation>& out);
void weather_rules(const context& c, std::vector<recommendation>& out);

}  // namespace energy::recommend::detail
