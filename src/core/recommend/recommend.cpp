// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include <energy/recommend/recommend.hpp>

#include "core/anomaly/detail.hpp"

namespace energy::recommend {

std::string_view to_string(recommendation_kind k) noexcept {
  switch (k) {
    case recommendation_kind::high_baseload:
      return "high_baseload";
    case recommendation_kind::after_hours_operation:
      return "after_hours_operation";
    case recommendation_kind::schedule_drift:
      return "schedule_drift";
    case recommendation_kind::peak_demand:
      return "peak_demand";
    case recommendation_kind::weather_sensitivity:
      return "weather_sensitivity";
    case recommendation_kind::high_energy_use_intensity:
      return "high_energy_use_intensity";
  }
  return "unknown";
}

namespace {

namespace ad = energy::anomaly::detail;

constexpr double hours_per_year = 8766.0;  // 365.25 days
constexpr double weeks_per_year = hours_per_year / 168.0;

/// Uses whose load is legitimately flat around the clock: a night/day ratio says nothing there.
bool around_the_clock(std::string_view use) {
  static constexpr std::array<std::string_view, 8> uses{
      "hospital",    "hotel",       "lodging",        "data center",
      "multifamily", "residential", "residence hall", "senior care community"};
  std::string lower(use);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find(uses.begin(), uses.end(), lower) != uses.end();
}

milli to_wh(double kwh) {
  return static_cast<milli>(std::llround(std::max(kwh, 0.0) * 1000.0));
}

/// Everything the rules share, computed once.
struct context {
  const building_history& h;
  const recommend_options& o;
  std::vector<double> kw;           // mean kW of each row
  std::vector<std::int64_t> local;  // local seconds of each row
  double interval_hours = 0.0;
  double total_kwh = 0.0;
  double annualise = 1.0;  // × history totals → per year
  time_range period;
};

money energy_money(const context& c, milli wh) {
  return c.h.price.energy_per_kwh ? price_times(*c.h.price.energy_per_kwh, wh) : money{};
}

recommendation make(const context& c, recommendation_kind k, std::string title,
                    double kwh_per_year) {
  recommendation r;
  r.kind = k;
  r.title = std::move(title);
  r.annual_saving_kwh = to_wh(kwh_per_year);
  r.annual_saving = energy_money(c, r.annual_saving_kwh);
  return r;
}

double kw_of_level(const context& c, double milli_per_interval) {
  return milli_per_interval / 1000.0 / c.interval_hours;
}

anomaly::operating_schedule schedule_of(const context& c) {
  return c.h.declared_schedule ? *c.h.declared_schedule
                               : anomaly::detect_schedule(c.h.series, c.h.zone);
}

void high_baseload(const context& c, std::vector<recommendation>& out) {
  if (around_the_clock(c.h.primary_use)) return;
  std::vector<double> night, day, weekend;
  for (std::size_t i = 0; i < c.kw.size(); ++i) {
    const int hr = ad::local_hour(c.local[i]);
    const int wd = ad::local_weekday(c.local[i]);
    if (hr >= 1 && hr < 5)
      night.push_back(c.kw[i]);
    else if (hr >= 10 && hr < 16)
      (wd < 5 ? day : weekend).push_back(c.kw[i]);
  }
  // At least a week of nights (7 × 4 h) and of weekday daytimes (5 × 6 h).
  if (static_cast<double>(night.size()) * c.interval_hours < 28.0 ||
      static_cast<double>(day.size()) * c.interval_hours < 30.0)
    return;
  const double base_kw = ad::median_inplace(night);
  const double day_kw = ad::median_inplace(day);
  const double weekend_kw = ad::median_inplace(weekend);
  if (!(day_kw > 0.0)) return;
  const double ratio = base_kw / day_kw;
  if (ratio <= c.o.max_night_to_day_ratio) return;
  const auto sched = schedule_of(c);
  const double unocc_hours =
      hours_per_year * (168.0 - (sched.detected ? sched.occupied_hours_per_week() : 60)) / 168.0;
  const double delta_kw = base_kw - c.o.max_night_to_day_ratio * day_kw;
  auto r =
      make(c, recommendation_kind::high_baseload, "Reduce the base load", delta_kw * unocc_hours);
  r.explanation = fmt::format(
      "The night load (01:00-05:00 local, median {:.1f} kW) is {:.0f} % of the weekday daytime "
      "load "
      "(10:00-16:00, median {:.1f} kW); well-controlled buildings stay at or below {:.0f} %. Check "
      "equipment "
      "left on at night (ventilation, lighting, process loads). Bringing the base down to {:.1f} "
      "kW over "
      "{:.0f} unoccupied hours a year saves about {:.0f} kWh.",
      base_kw, 100.0 * ratio, day_kw, 100.0 * c.o.max_night_to_day_ratio, base_kw - delta_kw,
      unocc_hours, delta_kw * unocc_hours);
  r.evidence = {{"night median load", base_kw, "kW", c.period},
                {"weekday daytime median load", day_kw, "kW", c.period},
                {"night/day ratio", ratio, "", c.period}};
  if (!std::isnan(weekend_kw))
    r.evidence.push_back(
        {"weekend daytime/weekday daytime ratio", weekend_kw / day_kw, "", c.period});
  out.push_back(std::move(r));
}

void after_hours(const context& c, std::vector<recommendation>& out) {
  const auto sched = schedule_of(c);
  if (!sched.detected) return;
  const auto events = anomaly::detect_after_hours(c.h.series, c.h.zone, sched);
  if (events.empty()) return;
  double excess = 0.0;
  const anomaly::anomaly* largest = nullptr;
  for (const auto& e : events) {
    excess += from_milli(e.actual - e.expected);
    if (!largest || e.actual - e.expected > largest->actual - largest->expected) largest = &e;
  }
  const double per_year = excess * c.annualise;
  if (per_year < c.o.after_hours_min_share * c.total_kwh * c.annualise) return;
  auto r = make(c, recommendation_kind::after_hours_operation,
                "Stop after-hours and weekend operation", per_year);
  r.explanation = fmt::format(
      "{} periods of consumption far above the unoccupied baseline while the building is normally "
      "closed "
      "({} occupied hours a week, {}), {:.0f} kWh above the baseline in the history, about {:.0f} "
      "kWh a "
      "year. Largest: {} to {} ({:.0f} kWh above). Check time schedules and overrides of HVAC and "
      "lighting.",
      events.size(), sched.occupied_hours_per_week(),
      c.h.declared_schedule ? "declared" : "detected", excess, per_year,
      format_local(largest->range.start, c.h.zone), format_local(largest->range.end, c.h.zone),
      from_milli(largest->actual - largest->expected));
  r.evidence = {{"after-hours events", static_cast<double>(events.size()), "", c.period},
                {"excess over unoccupied baseline", excess, "kWh", c.period},
                {"largest event excess", from_milli(largest->actual - largest->expected), "kWh",
                 largest->range}};
  out.push_back(std::move(r));
}

void schedule_drift(const context& c, std::vector<recommendation>& out) {
  const auto& s = c.h.series;
  const std::size_t n = s.size();
  const epoch_seconds split = s.ts[n - 1] + s.interval_seconds - c.o.recent_days * 86400;
  const auto cut =
      static_cast<std::size_t>(std::lower_bound(s.ts.begin(), s.ts.end(), split) - s.ts.begin());
  if (s.ts[0] > split - 28 * 86400) return;  // need four reference weeks before the recent window
  auto part = [&](std::size_t from, std::size_t to) {
    anomaly::meter_series p = s;
    p.ts = s.ts.subspan(from, to - from);
    p.value = s.value.subspan(from, to - from);
    p.quality = s.quality.empty() ? s.quality : s.quality.subspan(from, to - from);
    return p;
  };
  const auto ref = c.h.declared_schedule ? *c.h.declared_schedule
                                         : anomaly::detect_schedule(part(0, cut), c.h.zone);
  const auto recent = anomaly::detect_schedule(part(cut, n), c.h.zone);
  if (!ref.detected || !recent.detected) return;
  static constexpr std::array<std::string_view, 7> names{"Mon", "Tue", "Wed", "Thu",
                                                         "Fri", "Sat", "Sun"};
  double extra = 0.0;
  std::string detail;
  std::vector<evidence_item> ev;
  const time_range recent_period{from_epoch(s.ts[cut]),
                                 from_epoch(s.ts[n - 1] + s.interval_seconds)};
  for (std::size_t d = 0; d < 7; ++d) {
    const auto& a = ref.days[d];
    const auto& b = recent.days[d];
    if (!a.occupied || !b.occupied) continue;
    const int early = a.start_hour - b.start_hour;
    const int late = b.end_hour - a.end_hour;
    if (early <= 0 && late <= 0) continue;
    extra += std::max(early, 0) + std::max(late, 0);
    detail +=
        fmt::format("{}{} {:02}:00-{:02}:00 (was {:02}:00-{:02}:00)", detail.empty() ? "" : ", ",
                    names[d], b.start_hour, b.end_hour, a.start_hour, a.end_hour);
    if (early > 0)
      ev.push_back(
          {fmt::format("{} start earlier by", names[d]), double(early), "h", recent_period});
    if (late > 0)
      ev.push_back({fmt::format("{} stop later by", names[d]), double(late), "h", recent_period});
  }
  if (extra < c.o.min_drift_hours_per_week) return;
  const double step_kw = kw_of_level(c, ref.occupied_level - ref.unoccupied_level);
  if (!(step_kw > 0.0)) return;
  const double per_year = extra * step_kw * weeks_per_year;
  auto r = make(c, recommendation_kind::schedule_drift, "Restore the HVAC start and stop times",
                per_year);
  r.explanation = fmt::format(
      "In the last {} days the building starts earlier or stops later than its {} schedule: {}. "
      "That is {:.0f} "
      "extra operating hours a week at about {:.1f} kW above the unoccupied load, about {:.0f} kWh "
      "a year. "
      "Check the start/stop times (and optimal-start settings) of the HVAC and lighting controls.",
      c.o.recent_days, c.h.declared_schedule ? "declared" : "usual", detail, extra, step_kw,
      per_year);
  ev.push_back({"extra operating hours", extra, "h/week", recent_period});
  ev.push_back({"occupied minus unoccupied load", step_kw, "kW", c.period});
  r.evidence = std::move(ev);
  out.push_back(std::move(r));
}

void peak_demand(const context& c, std::vector<recommendation>& out) {
  if (!c.h.price.demand_per_kw_month) return;
  struct month {
    std::vector<double> kw;
    double sum = 0.0;
    epoch_seconds first = 0, last = 0;
  };
  std::map<int, month> months;
  for (std::size_t i = 0; i < c.kw.size(); ++i) {
    const auto ld = date::local_days{date::days{ad::floor_div(c.local[i], 86400)}};
    const date::year_month_day ymd{ld};
    const int key = int(ymd.year()) * 12 + static_cast<int>(unsigned(ymd.month())) - 1;
    auto& m = months[key];
    if (m.kw.empty()) m.first = c.h.series.ts[i];
    m.last = c.h.series.ts[i] + c.h.series.interval_seconds;
    m.kw.push_back(c.kw[i]);
    m.sum += c.kw[i];
  }
  const auto k = static_cast<std::size_t>(c.o.peak_max_shave_hours_per_month / c.interval_hours);
  double lf_sum = 0.0, frac_sum = 0.0, cut_sum = 0.0;
  int used = 0;
  money demand_saving;
  std::vector<evidence_item> ev;
  for (auto& [key, m] : months) {
    if (static_cast<double>(m.kw.size()) * c.interval_hours < 20.0 * 24.0 || k >= m.kw.size())
      continue;  // partial month
    std::sort(m.kw.begin(), m.kw.end(), std::greater<>());
    const double peak = m.kw.front();
    if (!(peak > 0.0)) continue;
    const double target = m.kw[k];
    const double avg = m.sum / static_cast<double>(m.kw.size());
    lf_sum += avg / peak;
    frac_sum += (peak - target) / peak;
    cut_sum += peak - target;
    demand_saving += price_times(*c.h.price.demand_per_kw_month, to_wh(peak - target));
    ev.push_back({fmt::format("peak {:04}-{:02}", key / 12, key % 12 + 1), peak, "kW",
                  time_range{from_epoch(m.first), from_epoch(m.last)}});
    ++used;
  }
  if (used == 0) return;
  const double lf = lf_sum / used;
  const double frac = frac_sum / used;
  if (lf >= c.o.max_load_factor || frac < c.o.min_peak_reduction_fraction) return;
  auto r = make(c, recommendation_kind::peak_demand, "Shave the monthly demand peaks", 0.0);
  // Scale the history's demand saving to twelve months (integer micro-dollars, rounded).
  r.annual_saving = money::from_micros(static_cast<std::int64_t>(std::llround(
      static_cast<double>(demand_saving.micros()) * 12.0 / static_cast<double>(used))));
  r.explanation = fmt::format(
      "The average monthly load factor is {:.2f}: the peaks are short. Holding the load {:.1f} kW "
      "({:.0f} %) below "
      "the monthly peak on average would need shifting or curtailing only the top {:.0f} hours of "
      "each month "
      "(staggered equipment starts, pre-cooling, demand limiting) and cuts demand charges by about "
      "{} a year.",
      lf, cut_sum / used, 100.0 * frac, c.o.peak_max_shave_hours_per_month,
      r.annual_saving.to_string());
  ev.insert(ev.begin(), {{"average monthly load factor", lf, "", c.period},
                         {"average peak reduction", cut_sum / used, "kW", c.period}});
  r.evidence = std::move(ev);
  out.push_back(std::move(r));
}

void weather(const context& c, std::vector<recommendation>& out) {
  if (!c.h.weather) return;
  const auto& w = *c.h.weather;
  // Balance point outside its range: move it to the range's edge (first order: slope × Δ°F × days).
  auto balance_rule = [&](const std::optional<double>& balance, const std::optional<double>& slope,
                          double edge, bool heating, double days) {
    if (!balance || !slope || (heating ? *balance <= edge : *balance >= edge)) return;
    const double d = std::fabs(*balance - edge);
    const double per_year = *slope * d * days;
    const std::string_view what = heating ? "heating" : "cooling";
    auto r = make(c, recommendation_kind::weather_sensitivity,
                  heating ? "Lower the heating balance point" : "Raise the cooling balance point",
                  per_year);
    r.explanation = fmt::format(
        "{} starts when the daily mean outdoor temperature {} {:.1f} °F, {} the expected {:.0f} "
        "°F: check {}. "
        "{:.1f} °F {} over {:.0f} {} days at {:.1f} kWh per °F·day saves about {:.0f} kWh a year.",
        heating ? "Heating" : "Cooling", heating ? "falls below" : "rises above", *balance,
        heating ? "above" : "below", edge,
        heating ? "heating setpoints, setbacks and simultaneous heating and cooling"
                : "cooling setpoints and the economizer (free cooling)",
        d, heating ? "less" : "more", days, what, *slope, per_year);
    r.evidence = {{fmt::format("{} balance point", what), *balance, "degF", {}},
                  {fmt::format("{} slope", what), *slope, "kWh/(degF day)", {}}};
    out.push_back(std::move(r));
  };
  balance_rule(w.heating_balance_point_degf, w.heating_slope_kwh_per_degf_day,
               c.o.max_heating_balance_point_degf, true, w.heating_days_per_year);
  balance_rule(w.cooling_balance_point_degf, w.cooling_slope_kwh_per_degf_day,
               c.o.min_cooling_balance_point_degf, false, w.cooling_days_per_year);
  if (!c.h.floor_area_ft2 || *c.h.floor_area_ft2 <= 0.0) return;
  const double k = *c.h.floor_area_ft2 / 1000.0;
  auto slope_rule = [&](const std::optional<double>& slope, double limit, double degree_days,
                        std::string_view what) {
    if (!slope || *slope / k <= limit) return;
    const double per_year = (*slope - limit * k) * degree_days;
    auto r = make(c, recommendation_kind::weather_sensitivity,
                  fmt::format("Reduce the {} sensitivity to weather", what), per_year);
    r.explanation = fmt::format(
        "The {} slope is {:.2f} kWh per °F·day per 1000 ft², above {:.1f}: the envelope, "
        "ventilation rate or "
        "{} plant efficiency deserve a look. At {:.1f} the building would use about {:.0f} kWh a "
        "year less "
        "({:.0f} degree-days).",
        what, *slope / k, limit, what, limit, per_year, degree_days);
    r.evidence = {
        {fmt::format("{} slope per 1000 ft2", what), *slope / k, "kWh/(degF day 1000 ft2)", {}},
        {"degree-days per year", degree_days, "degF day", {}}};
    out.push_back(std::move(r));
  };
  slope_rule(w.heating_slope_kwh_per_degf_day, c.o.max_heating_slope_per_1000ft2, w.annual_hdd_degf,
             "heating");
  slope_rule(w.cooling_slope_kwh_per_degf_day, c.o.max_cooling_slope_per_1000ft2, w.annual_cdd_degf,
             "cooling");
}

void eui(const context& c, std::vector<recommendation>& out) {
  if (!c.h.floor_area_ft2 || *c.h.floor_area_ft2 <= 0.0) return;
  const auto bench = find_eui_benchmark(c.h.primary_use);
  if (!bench) return;
  const double area = *c.h.floor_area_ft2;
  const double eui_kwh = c.total_kwh * c.annualise / area;
  const double median = bench->site_kwh_per_ft2();
  if (eui_kwh <= c.o.eui_margin * median) return;
  const double per_year = (eui_kwh - median) * area;
  auto r = make(c, recommendation_kind::high_energy_use_intensity,
                "Energy use intensity above the national median", per_year);
  r.explanation = fmt::format(
      "The building uses {:.1f} kWh/ft² a year ({:.1f} kBtu/ft²), against a median site EUI of "
      "{:.1f} kWh/ft² "
      "({:.1f} kBtu/ft²) for {} (ENERGY STAR Portfolio Manager, U.S. EUI by property type, Aug "
      "2018). Reaching the "
      "median would save about {:.0f} kWh a year; an energy audit should locate where.",
      eui_kwh, eui_kwh * 3.412, median, bench->site_kbtu_per_ft2, bench->property_type, per_year);
  r.evidence = {{"site energy use intensity", eui_kwh, "kWh/ft2/yr", c.period},
                {"median site EUI for the property type", median, "kWh/ft2/yr", {}}};
  out.push_back(std::move(r));
}

}  // namespace

std::vector<recommendation> recommend(const building_history& h, const recommend_options& o) {
  h.series.validate();
  if (h.zone == nullptr) throw std::invalid_argument("recommend: zone is null");
  const auto& s = h.series;
  const std::size_t n = s.size();
  std::vector<recommendation> out;
  if (n == 0) return out;
  const double covered = static_cast<double>(n) * s.interval_seconds;
  if (covered < static_cast<double>(o.min_history_days) * 86400.0) return out;

  context c{h,
            o,
            {},
            anomaly::local_seconds(s.ts, h.zone),
            s.interval_seconds / 3600.0,
            0.0,
            1.0,
            time_range{from_epoch(s.ts.front()), from_epoch(s.ts.back() + s.interval_seconds)}};
  c.kw.resize(n);
  milli total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    c.kw[i] = from_milli(s.value[i]) / c.interval_hours;
    total += s.value[i];
  }
  c.total_kwh = from_milli(total);
  c.annualise = hours_per_year * 3600.0 / covered;

  high_baseload(c, out);
  after_hours(c, out);
  schedule_drift(c, out);
  peak_demand(c, out);
  weather(c, out);
  eui(c, out);
  std::stable_sort(out.begin(), out.end(), [](const recommendation& a, const recommendation& b) {
    return a.annual_saving != b.annual_saving ? a.annual_saving > b.annual_saving
                                              : a.annual_saving_kwh > b.annual_saving_kwh;
  });
  return out;
}

}  // namespace energy::recommend
