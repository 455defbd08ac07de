// SPDX-License-Identifier: Apache-2.0
// The forecast section: the period after the report period, from the hourly baseline fitted on
// the year before it.
#pragma once

#include <optional>

#include "detail.hpp"
#include "hourly_model.hpp"

namespace energy::report::detail {

/// std::nullopt (with a note) when no model can be fitted.
[[nodiscard]] std::optional<forecast_result> build_forecast(
    const report_request& req, const period_window& horizon, const hourly_series& h,
    const baseline::temperature_series& temps, const std::map<epoch_seconds, summary_row>& days,
    const building_sensors& sensors, const time_zone& zone, std::vector<std::string>& notes);

}  // namespace energy::report::detail
