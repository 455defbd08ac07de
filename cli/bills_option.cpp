// SPDX-License-Identifier: Apache-2.0
#include "bills_option.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace energy::cli {

bills_option read_bills_option(const args& a, const building_context& bc) {
  const auto path = a.get("bills");
  if (!path)
    throw usage_error(
        "missing required option --bills (the utility's bills as CSV: "
        "period_start, period_end, kwh, [peak_kw], amount, [estimated], [id])");
  const auto end = a.get("end-date");
  if (!end)
    throw usage_error(
        "missing required option --end-date exclusive|inclusive (does a bill's "
        "date-only end name the first day not served, or the last day served?)");
  billing::bills_csv_options o;
  o.zone = bc.zone;
  o.end = enum_option<billing::end_date>(a, "end-date", *end);
  auto parsed = billing::read_bills_csv(*path, o);
  for (const auto& e : parsed.errors)
    fmt::print(stderr, "{}\n", e);
  if (parsed.errors_not_listed > 0)
    fmt::print(stderr, "... and {} more rejected rows\n", parsed.errors_not_listed);
  return {*path, std::move(parsed.bills), parsed.errors.size() + parsed.errors_not_listed};
}

time_range span_of(const std::vector<billing::utility_bill>& bills) {
  time_range span = bills.front().period;
  for (const auto& b : bills) {
    span.start = std::min(span.start, b.period.start);
    span.end = std::max(span.end, b.period.end);
  }
  return span;
}

}  // namespace energy::cli
