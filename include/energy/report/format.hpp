// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * How report numbers are written, in one place, so that every rendering (JSON, CSV, PDF) and the
 * insight texts show the same digits for the same number.
 */

#include <chrono>
#include <optional>
#include <string>

#include <energy/decimal.hpp>
#include <energy/money.hpp>
#include <energy/time.hpp>

namespace energy::report {

/// Exact energy from Wh: "12345.678" (kWh, three decimals).
[[nodiscard]] std::string format_kwh(milli wh);
/// A modelled energy (kWh as a double): "12345.7" (one decimal).
[[nodiscard]] std::string format_kwh(double kwh);
/// Demand from W: "123.456" (kW, exact).
[[nodiscard]] std::string format_kw(milli w);
/// Signed percentage with one decimal: "+8.2%", "-3.0%".
[[nodiscard]] std::string format_percent(double percent);
/// Money rounded to cents: "1234.56".
[[nodiscard]] std::string format_money(money m);
/// A statistic with `decimals` decimals.
[[nodiscard]] std::string format_number(double v, int decimals);
/// What a recommendation's saving covers: "a year", or "183 observed days" when the history was
/// shorter than a year (savings are never scaled to a year).
[[nodiscard]] std::string format_saving_period(bool per_year, double coverage_days);
/// Local date: "2017-05-08".
[[nodiscard]] std::string format_date(std::chrono::local_days d);

}  // namespace energy::report

ENERGY_API_END
