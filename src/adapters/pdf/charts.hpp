// SPDX-License-Identifier: Apache-2.0
// The report's charts, each drawn in a box (x, y, width, height) on a canvas.
#pragma once

#include <string>
#include <vector>

#include <energy/report/report.hpp>

#include "canvas.hpp"

namespace energy::report::pdf {

struct box {
  double x = 0, y = 0, w = 0, h = 0;
};

/// Daily consumption bars with the baseline (or forecast) band and expected line.
void daily_chart(canvas& c, box b, const std::vector<day_point>& days, const std::string& title,
                 bool forecast);
/// Mean kWh by local hour (columns) × weekday (rows), shaded from the lowest to the highest cell.
void heat_map(canvas& c, box b, const load_profile& p);
/// Peak demand (kW) of each of the 12 months.
void monthly_peaks(canvas& c, box b, const std::vector<month_point>& months,
                   const std::string& title);
/// Bill amounts by charge kind (fixed, energy, demand, ...) summed over the period's bills.
void bill_breakdown(canvas& c, box b, const std::vector<bill_part>& bills,
                    const std::string& currency);
/// Ranked buildings' EUI as horizontal bars.
void eui_ranking(canvas& c, box b, const std::vector<comparison_row>& rows);

}  // namespace energy::report::pdf
