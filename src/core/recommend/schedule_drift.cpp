// SPDX-License-Identifier: Apache-2.0
// Schedule drift: the recent weeks' operating hours against the weeks right before them (or the
// declared schedule), counted both ways (earlier/later starts and stops), and claimed only when
// the load in the drifted hours actually rose (same weekday and hour, comparable weather).
#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "core/anomaly/detail.hpp"
#include "core/recommend/rules.hpp"

namespace energy::recommend::detail {
namespace {

namespace ad = energy::anomaly::detail;

constexpr std::array<std::string_view, 7> day_names{"Mon", "Tue", "Wed", "Thu",
                                                    "Fri", "Sat", "Sun"};

bool in_hours(const anomaly::day_schedule& d, int hour) {
  return d.occupied && hour >= d.start_hour && hour < d.end_hour;
}

std::string hours_text(const anomaly::day_schedule& d) {
  return d.occupied ? fmt::format("{:02}:00-{:02}:00", d.start_hour, d.end_hour)
                    : std::string("closed");
}

std::string local_date(epoch_seconds t, const time_zone& zone) {
  return format_local(from_epoch(t), zone).substr(0, 10);
}

/// Mean daily temperature (°F) of the local days [first_day, last_day], NaN when none is known.
double mean_temperature(const weather_sensitivity& w, std::int64_t first_day,
                        std::int64_t last_day) {
  double sum = 0.0;
  int n = 0;
  for (const auto& d : w.daily)
    if (d.local_day >= first_day && d.local_day <= last_day) {
      sum += d.mean_degf;
      ++n;
    }
  return n == 0 ? ad::nan : sum / n;
}

}  // namespace

void schedule_drift(const context& c, std::vector<recommendation>& out) {
  const auto& s = c.h.series;
  const std::size_t n = s.size();
  const epoch_seconds end = s.ts[n - 1] + s.interval_seconds;
  const epoch_seconds split = end - c.o.recent_days * 86400;
  if (s.ts[0] > split - 28 * 86400) {
    c.skip("schedule_drift",
           fmt::format("needs at least 28 days of data before the last {} days", c.o.recent_days));
    return;
  }
  const epoch_seconds ref_begin = std::max(s.ts[0], split - c.o.reference_days * 86400);
  const auto row = [&](epoch_seconds t) {
    return static_cast<std::size_t>(std::lower_bound(s.ts.begin(), s.ts.end(), t) - s.ts.begin());
  };
  const std::size_t ref_from = row(ref_begin), cut = row(split);
  auto part = [&](std::size_t from, std::size_t to) {
    anomaly::meter_series p = s;
    p.ts = s.ts.subspan(from, to - from);
    p.value = s.value.subspan(from, to - from);
    p.quality = s.quality.empty() ? s.quality : s.quality.subspan(from, to - from);
    return p;
  };
  const std::string ref_dates = fmt::format("{} to {}", local_date(s.ts[ref_from], c.h.zone),
                                            local_date(s.ts[cut - 1], c.h.zone));
  const std::string recent_dates =
      fmt::format("{} to {}", local_date(s.ts[cut], c.h.zone), local_date(end - 1, c.h.zone));
  const auto ref = c.h.declared_schedule ? *c.h.declared_schedule
                                         : anomaly::detect_schedule(part(ref_from, cut), c.h.zone);
  const auto recent = anomaly::detect_schedule(part(cut, n), c.h.zone);
  for (const auto& [sched, window, dates] :
       {std::tuple{&ref, "reference", &ref_dates}, std::tuple{&recent, "recent", &recent_dates}})
    if (const auto why = implausible(*sched); !why.empty()) {
      c.skip("schedule_drift", fmt::format("{} window ({}): {}", window, *dates, why));
      return;
    }

  // Each (weekday, hour): +1 operated now but not before, −1 operated before but not now.
  std::array<std::array<int, 24>, 7> change{};
  int drifted = 0, reduced = 0;
  for (std::size_t d = 0; d < 7; ++d)
    for (int hr = 0; hr < 24; ++hr) {
      const int delta = int(in_hours(recent.days[d], hr)) - int(in_hours(ref.days[d], hr));
      change[d][static_cast<std::size_t>(hr)] = delta;
      (delta > 0 ? drifted : reduced) += delta > 0 ? 1 : -delta;
    }
  const int net = drifted - reduced;
  if (drifted == 0 || net < c.o.min_drift_hours_per_week) return;

  // The load of each changed cell: median kW in the recent and in the reference window, same
  // weekday and hour (so a Saturday is compared with Saturdays, never given a weekday step).
  std::array<std::array<std::vector<double>, 24>, 7> before, after;
  for (std::size_t i = ref_from; i < n; ++i) {
    const auto d = static_cast<std::size_t>(ad::local_weekday(c.local[i]));
    const auto hr = static_cast<std::size_t>(ad::local_hour(c.local[i]));
    if (change[d][hr] == 0) continue;
    (i < cut ? before : after)[d][hr].push_back(c.kw[i]);
  }
  // Against a declared schedule the hours it calls closed should run at its unoccupied level.
  const double declared_closed_kw = ref.unoccupied_level / 1000.0 / c.interval_hours;
  std::array<std::array<double, 24>, 7> rise{};
  double rise_sum = 0.0, net_energy = 0.0;
  for (std::size_t d = 0; d < 7; ++d)
    for (std::size_t hr = 0; hr < 24; ++hr) {
      if (change[d][hr] == 0 || after[d][hr].empty()) continue;
      if (!c.h.declared_schedule && before[d][hr].empty()) continue;
      const double count = static_cast<double>(after[d][hr].size());
      const double was = c.h.declared_schedule && change[d][hr] > 0
                             ? declared_closed_kw
                             : ad::median_inplace(before[d][hr]);
      if (std::isnan(was)) continue;
      rise[d][hr] = ad::median_inplace(after[d][hr]) - was;
      net_energy += rise[d][hr] * count * c.interval_hours;
      if (change[d][hr] > 0) rise_sum += rise[d][hr];
    }
  const double step_kw = (ref.occupied_level - ref.unoccupied_level) / 1000.0 / c.interval_hours;
  const double mean_rise = rise_sum / drifted;
  if (!(step_kw > 0.0) || mean_rise < c.o.min_drift_rise_fraction * step_kw || net_energy <= 0.0) {
    c.skip("schedule_drift",
           fmt::format("the operating hours moved ({:+d} h/week) but the load in the drifted "
                       "hours did not rise (mean {:+.1f} kW against a {:.1f} kW occupied step; "
                       "net {:+.0f} kWh over the changed hours): no claim",
                       net, mean_rise, step_kw, net_energy));
    return;
  }
  saving_basis basis;
  basis.whole_history = false;
  basis.from = cut;
  basis.to = n;
  double temp_change = ad::nan;
  if (c.h.weather && !c.h.weather->daily.empty()) {
    const auto day = [&](epoch_seconds t) {
      return ad::floor_div(c.local[row(t) < n ? row(t) : n - 1], 86400);
    };
    const double t_ref = mean_temperature(*c.h.weather, day(s.ts[ref_from]), day(s.ts[cut - 1]));
    const double t_recent = mean_temperature(*c.h.weather, day(s.ts[cut]), day(s.ts[n - 1]));
    temp_change = t_recent - t_ref;
    if (!std::isnan(temp_change) &&
        std::fabs(temp_change) > c.o.max_drift_temperature_change_degf) {
      c.skip("schedule_drift",
             fmt::format("weather not comparable: the recent window was {:+.1f} °F warmer than the "
                         "reference window (limit {:.1f} °F)",
                         temp_change, c.o.max_drift_temperature_change_degf));
      return;
    }
  }
  if (std::isnan(temp_change))
    basis.caveats.push_back(
        "weather not checked (no daily temperatures): the reference is the weeks right before");

  // The measure: in the recent window, every drifted hour brought back down by its rise.
  auto modified = c.measured();
  for (std::size_t i = cut; i < n; ++i) {
    const auto d = static_cast<std::size_t>(ad::local_weekday(c.local[i]));
    const auto hr = static_cast<std::size_t>(ad::local_hour(c.local[i]));
    if (change[d][hr] <= 0 || rise[d][hr] <= 0.0) continue;
    const auto cut_wh = static_cast<milli>(std::llround(rise[d][hr] * c.interval_hours * 1000.0));
    modified[i] = std::max<milli>(0, modified[i] - cut_wh);
  }

  const time_range ref_period{from_epoch(s.ts[ref_from]), from_epoch(s.ts[cut])};
  const time_range recent_period{from_epoch(s.ts[cut]), from_epoch(end)};
  std::string detail;
  std::vector<evidence_item> ev;
  for (std::size_t d = 0; d < 7; ++d) {
    const auto& a = ref.days[d];
    const auto& b = recent.days[d];
    if (a == b || (!a.occupied && !b.occupied)) continue;
    detail += fmt::format("{}{} {} (was {})", detail.empty() ? "" : ", ", day_names[d],
                          hours_text(b), hours_text(a));
    if (a.occupied && b.occupied) {
      const auto add = [&](int hours, std::string_view what) {
        if (hours > 0)
          ev.push_back(
              {fmt::format("{} {} by", day_names[d], what), double(hours), "h", recent_period});
      };
      add(a.start_hour - b.start_hour, "start earlier");
      add(b.start_hour - a.start_hour, "start later");
      add(b.end_hour - a.end_hour, "stop later");
      add(a.end_hour - b.end_hour, "stop earlier");
    }
  }
  ev.push_back({"reference window",
                static_cast<double>(cut - ref_from) * s.interval_seconds / 86400, "days",
                ref_period});
  ev.push_back({"recent window", static_cast<double>(n - cut) * s.interval_seconds / 86400, "days",
                recent_period});
  ev.push_back({"hours added", double(drifted), "h/week", recent_period});
  ev.push_back({"hours removed", double(reduced), "h/week", recent_period});
  ev.push_back({"net extra operating hours", double(net), "h/week", recent_period});
  ev.push_back({"mean load rise in the added hours", mean_rise, "kW", recent_period});
  ev.push_back({"occupied minus unoccupied load", step_kw, "kW", ref_period});
  if (!std::isnan(temp_change))
    ev.push_back({"recent minus reference mean temperature", temp_change, "degF", recent_period});
  auto r = make(recommendation_kind::schedule_drift, "Restore the HVAC start and stop times");
  r.measure = fmt::format(
      "in the recent window ({}), the load of every added hour brought back down by its measured "
      "rise over the same weekday and hour of the reference window",
      recent_dates);
  r.evidence = std::move(ev);
  finish(c, r, modified, std::move(basis));
  r.explanation = fmt::format(
      "From {} the building runs {} hours than in {} ({}): {}. That is {} extra operating hours a "
      "week net of the hours it now stops earlier or starts later, and the load in those hours "
      "rose by {:.1f} kW on average. Check the start/stop times (and optimal-start settings) of "
      "the HVAC and lighting controls. Restoring them saves {} over the {:.0f} recent days "
      "(about {:.0f} kWh a week while the drift lasts).",
      recent_dates, c.h.declared_schedule ? "other" : "longer",
      c.h.declared_schedule ? "the declared schedule" : ref_dates,
      c.h.declared_schedule ? "declared" : "detected", detail, net, mean_rise,
      r.priced ? "$" + r.saving.to_string() : fmt::format("{:.0f} kWh", from_milli(r.saving_kwh)),
      r.coverage_days, from_milli(r.saving_kwh) * 7.0 / r.coverage_days);
  out.push_back(std::move(r));
}

}  // namespace energy::recommend::detail
