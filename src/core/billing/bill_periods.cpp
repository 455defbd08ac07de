// SPDX-License-Identifier: Apache-2.0
#include <energy/billing/bill_periods.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace energy::billing {
namespace {

/// The UTC instant local midnight of the first day of the month after the local month of `t`.
utc_seconds next_local_month_start(const time_zone& zone, utc_seconds t) {
  const auto local_day = std::chrono::floor<std::chrono::days>(zone.to_local(t));
  const std::chrono::year_month_day ymd{local_day};
  const auto next = ymd.year() / ymd.month() / std::chrono::day{1} + std::chrono::months{1};
  // Midnight can be skipped by a DST change in a few zones: `earliest` picks the first instant
  // of the new local day either way.
  return zone.first_instant(std::chrono::local_days{next});
}

bool is_month_start(const time_zone& zone, utc_seconds t) {
  const auto local = zone.to_local(t);
  const auto day = std::chrono::floor<std::chrono::days>(local);
  if (local != day) return false;
  return std::chrono::year_month_day{day}.day() == std::chrono::day{1};
}

}  // namespace

std::vector<time_range> calendar_months(const time_zone& zone, time_range span) {
  if (span.empty()) throw std::invalid_argument("calendar_months: empty span");
  std::vector<time_range> out;
  for (auto cursor = span.start; cursor < span.end;) {
    auto next = next_local_month_start(zone, cursor);
    if (next > span.end) next = span.end;
    out.push_back({cursor, next});
    cursor = next;
  }
  return out;
}

std::vector<time_range> billing_cycles(const std::vector<utc_seconds>& reads) {
  if (reads.size() < 2)
    throw std::invalid_argument(fmt::format(
        "billing_cycles: {} meter read(s): a billing cycle needs a start and an end read",
        reads.size()));
  std::vector<time_range> out;
  out.reserve(reads.size() - 1);
  for (std::size_t i = 1; i < reads.size(); ++i) {
    if (reads[i] <= reads[i - 1])
      throw std::invalid_argument(
          fmt::format("billing_cycles: read {} ({}) is not after read {} ({})", i,
                      format_utc(reads[i]), i - 1, format_utc(reads[i - 1])));
    out.push_back({reads[i - 1], reads[i]});
  }
  return out;
}

std::vector<bill> compute_bills(const interval_series& data, const tariff& t, const time_zone& zone,
                                const std::vector<time_range>& periods,
                                const bill_options& options) {
  std::vector<bill> out;
  out.reserve(periods.size());
  for (std::size_t i = 0; i < periods.size(); ++i) {
    if (periods[i].empty())
      throw std::invalid_argument(fmt::format("compute_bills: period {} ({} .. {}) is empty", i,
                                              format_utc(periods[i].start),
                                              format_utc(periods[i].end)));
    out.push_back(compute_bill(data, t, zone, periods[i], options));
  }
  return out;
}

std::vector<bill> compute_monthly_bills(const interval_series& data, const tariff& t,
                                        const time_zone& zone, time_range span,
                                        const bill_options& options) {
  const auto months = calendar_months(zone, span);
  std::vector<bill> out;
  out.reserve(months.size());
  for (const auto& m : months) {
    bill_options o = options;
    const bool whole = is_month_start(zone, m.start) && is_month_start(zone, m.end) &&
                       next_local_month_start(zone, m.start) == m.end;
    if (!whole) o.prorate_monthly_charges = true;
    out.push_back(compute_bill(data, t, zone, m, o));
    if (!whole && !options.prorate_monthly_charges)
      out.back().notes.push_back(
          "partial calendar month: monthly fixed and minimum charges pro-rated by its length");
  }
  return out;
}

}  // namespace energy::billing
