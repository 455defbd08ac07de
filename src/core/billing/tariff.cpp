// SPDX-License-Identifier: Apache-2.0
#include <energy/billing/tariff.hpp>

#include "core/time/native_zone.hpp"
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <stdexcept>
#include <utility>
#include "core/enum_table.hpp"

namespace energy::billing {
namespace {

void check_periods(const std::vector<rate_period>& periods, const char* what) {
  for (std::size_t p = 0; p < periods.size(); ++p) {
    const auto& tiers = periods[p].tiers;
    if (tiers.empty()) throw std::invalid_argument(fmt::format("{}[{}] has no tiers", what, p));
    std::optional<milli> previous;
    for (std::size_t k = 0; k < tiers.size(); ++k) {
      if (!tiers[k].max) {
        if (k + 1 != tiers.size())
          throw std::invalid_argument(
              fmt::format("{}[{}] tier {} has no max but is not the last tier", what, p, k));
        continue;
      }
      if (*tiers[k].max <= 0 || (previous && *tiers[k].max <= *previous))
        throw std::invalid_argument(
            fmt::format("{}[{}] tier {} max {} is not above the previous tier's max", what, p, k,
                        format_milli(*tiers[k].max)));
      previous = tiers[k].max;
    }
  }
}

void check_schedule(const month_hour_schedule& s, std::size_t periods, const char* what,
                    const char* period_what) {
  for (std::size_t m = 0; m < 12; ++m)
    for (std::size_t h = 0; h < 24; ++h)
      if (s[m][h] >= periods && !(periods == 0 && s[m][h] == 0))
        throw std::invalid_argument(fmt::format("{}[{}][{}] = {}, but there are {} {}", what, m, h,
                                                s[m][h], periods, period_what));
}

}  // namespace

void tariff::validate() const {
  check_periods(energy_periods, "energy_periods");
  check_periods(demand_periods, "demand_periods");
  check_periods(flat_demand_periods, "flat_demand_periods");
  check_schedule(energy_weekday, energy_periods.size(), "energy_weekday", "energy periods");
  check_schedule(energy_weekend, energy_periods.size(), "energy_weekend", "energy periods");
  check_schedule(demand_weekday, demand_periods.size(), "demand_weekday", "demand periods");
  check_schedule(demand_weekend, demand_periods.size(), "demand_weekend", "demand periods");
  for (std::size_t m = 0; m < 12; ++m)
    if (flat_demand_months[m] >= flat_demand_periods.size() &&
        !(flat_demand_periods.empty() && flat_demand_months[m] == 0))
      throw std::invalid_argument(
          fmt::format("flat_demand_months[{}] = {}, but there are {} flat demand periods", m,
                      flat_demand_months[m], flat_demand_periods.size()));
  if (demand_window_minutes <= 0 || demand_window_minutes > 1440 ||
      1440 % demand_window_minutes != 0)
    throw std::invalid_argument(fmt::format(
        "demand_window_minutes = {}: must be 1..1440 and divide a day", demand_window_minutes));
  for (std::size_t c = 0; c < coincident_peaks.size(); ++c) {
    const auto& cp = coincident_peaks[c];
    const std::string what = fmt::format("coincident_peaks[{}]{}", c,
                                         cp.name.empty() ? std::string() : " '" + cp.name + "'");
    if (cp.peak_starts.empty())
      throw std::invalid_argument(
          what + " has no peak hours: a coincident-peak charge cannot be billed without them");
    if (cp.window_seconds <= 0 || cp.window_seconds > 86'400)
      throw std::invalid_argument(
          fmt::format("{}: window_seconds = {} must be 1..86400", what, cp.window_seconds));
    for (std::size_t i = 1; i < cp.peak_starts.size(); ++i)
      if (cp.peak_starts[i] <= cp.peak_starts[i - 1])
        throw std::invalid_argument(
            fmt::format("{}: peak_starts[{}] ({}) is not after the previous", what, i,
                        format_utc(cp.peak_starts[i])));
  }
  if (holidays) {
    // Sorted with the original positions, so a repeat is found in n log n and named by both.
    std::vector<std::pair<std::int64_t, std::size_t>> days;
    days.reserve(holidays->size());
    for (std::size_t i = 0; i < holidays->size(); ++i) {
      const auto& d = (*holidays)[i];
      if (!d.ok()) throw std::invalid_argument(fmt::format("holidays[{}] is not a valid date", i));
      days.emplace_back(std::chrono::sys_days{d}.time_since_epoch().count(), i);
    }
    std::sort(days.begin(), days.end());
    for (std::size_t k = 1; k < days.size(); ++k)
      if (days[k].first == days[k - 1].first) {
        const auto& d = (*holidays)[days[k].second];
        throw std::invalid_argument(
            fmt::format("holidays[{}] ({:04}-{:02}-{:02}) repeats holidays[{}]", days[k].second,
                        static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                        static_cast<unsigned>(d.day()), days[k - 1].second));
      }
  }
  // A tariff without a single charge would bill $0 for any usage: almost surely a tariff that was
  // not read (an empty JSON object, a URDB record without rates), never a real one.
  if (energy_periods.empty() && demand_periods.empty() && flat_demand_periods.empty() &&
      coincident_peaks.empty() && fixed_charge == money{} && minimum_charge == money{})
    throw std::invalid_argument(
        "tariff" + (name.empty() ? std::string() : " '" + name + "'") +
        " has no charges (no energy, demand, flat-demand or coincident-peak charge, fixed or "
        "minimum charge): it would bill 0 for any usage" +
        (unapplied.empty() ? std::string()
                           : "; its source has charges this model cannot apply: " +
                                 fmt::format("{}", fmt::join(unapplied, "; "))));
}

bool tariff::weekend_priced_differently() const noexcept {
  return (!energy_periods.empty() && energy_weekday != energy_weekend) ||
         (!demand_periods.empty() && demand_weekday != demand_weekend);
}

utc_seconds local_hour_start(const time_zone& zone, std::chrono::year_month_day day, int hour) {
  if (!day.ok()) throw std::invalid_argument("local_hour_start: invalid date");
  if (hour < 0 || hour > 23)
    throw std::invalid_argument(fmt::format("local_hour_start: hour {} is outside 0..23", hour));
  const auto local = std::chrono::local_days{day} + std::chrono::hours{hour};
  const auto info = energy::detail::local_info_at(zone, local);
  const auto text =
      fmt::format("{:04}-{:02}-{:02} {:02}:00", static_cast<int>(day.year()),
                  static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()), hour);
  if (info.result == date::local_info::nonexistent)
    throw std::invalid_argument(fmt::format(
        "local_hour_start: {} does not exist in {} (clocks spring forward)", text, zone.name()));
  if (info.result == date::local_info::ambiguous)
    throw std::invalid_argument(
        fmt::format("local_hour_start: {} occurs twice in {} (clocks fall back): give the UTC "
                    "instant",
                    text, zone.name()));
  return zone.first_instant(local);  // unique here
}

tariff flat_energy_tariff(money price_per_kwh) {
  tariff t;
  t.name = "flat";
  t.energy_periods.push_back(rate_period{{rate_tier{std::nullopt, price_per_kwh, money{}}}});
  return t;
}

namespace {
constexpr auto charge_unit_names = energy::detail::make_enum_table<charge_unit>(
    "charge_unit", {{charge_unit::per_month, "per_month"}, {charge_unit::per_day, "per_day"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(charge_unit) noexcept {
  return charge_unit_names;
}
std::string_view to_string(charge_unit v) noexcept {
  return charge_unit_names.name(v);
}

}  // namespace energy::billing

template struct energy::detail::enum_names<energy::billing::charge_unit>;
