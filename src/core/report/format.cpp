// SPDX-License-Identifier: Apache-2.0
#include <energy/report/format.hpp>

#include <fmt/format.h>

#include <cmath>

#include "detail.hpp"

namespace energy::report {

std::string format_kwh(milli wh) {
  return format_milli(wh);
}

std::string format_saving_period(bool per_year, double coverage_days) {
  if (per_year) return "a year";
  return format_number(coverage_days, 0) + " observed days";
}

std::string format_kwh(double kwh) {
  return format_number(kwh, 1);
}

std::string format_kw(milli w) {
  return format_milli(w);
}

std::string format_percent(double percent) {
  // -0.0 would print as "-0.0%": a change that rounds to nothing has no sign.
  const double rounded = std::round(percent * 10.0) / 10.0;
  return fmt::format("{:+.1f}%", rounded == 0.0 ? 0.0 : rounded);
}

std::string format_money(money m) {
  return m.to_string();
}

std::string format_number(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(v * scale) / scale;
  return fmt::format("{:.{}f}", rounded == 0.0 ? 0.0 : rounded, decimals);
}

std::string format_date(std::chrono::local_days d) {
  return detail::format_day(d);
}

}  // namespace energy::report
