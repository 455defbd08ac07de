// SPDX-License-Identifier: Apache-2.0
// Insights: statements built from a report's own numbers, each with those numbers as evidence.
#pragma once

#include <energy/report/report.hpp>

namespace energy::report::detail {

[[nodiscard]] insight insight_no_data(const building& b, const period_window& w,
                                      std::size_t electricity_sensors);
/// Appends the insights of an efficiency/forecast report (from its KPIs and sections).
void add_building_insights(report& r);
/// Appends the insights of a comparison report (from its ranked rows).
void add_comparison_insights(report& r);

}  // namespace energy::report::detail
