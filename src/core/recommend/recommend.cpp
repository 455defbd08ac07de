// SPDX-License-Identifier: Apache-2.0
// The recommendation driver, the shared saving/uncertainty step, and the load-shape rules
// (base load, after-hours, peak demand, EUI). Schedule drift and the weather rules have their
// own files.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include <energy/recommend/recommend.hpp>

#include "core/anomaly/detail.hpp"
#include "core/recommend/rules.hpp"
#include "core/enum_table.hpp"

namespace energy::recommend {

namespace {
constexpr auto recommendation_kind_names = energy::detail::make_enum_table<recommendation_kind>(
    "recommendation_kind",
    {{recommendation_kind::high_baseload, "high_baseload"},
     {recommendation_kind::after_hours_operation, "after_hours_operation"},
     {recommendation_kind::schedule_drift, "schedule_drift"},
     {recommendation_kind::peak_demand, "peak_demand"},
     {recommendation_kind::weather_sensitivity, "weather_sensitivity"},
     {recommendation_kind::high_energy_use_intensity, "high_energy_use_intensity"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(recommendation_kind) noexcept {
  return recommendation_kind_names;
}
std::string_view to_string(recommendation_kind k) noexcept {
  return recommendation_kind_names.name(k);
}

namespace {
constexpr auto confidence_level_names = energy::detail::make_enum_table<confidence_level>(
    "confidence_level", {{confidence_level::low, "low"},
                         {confidence_level::medium, "medium"},
                         {confidence_level::high, "high"}});
}  // namespace
[[maybe_unused]] static constexpr const auto& names_of(confidence_level) noexcept {
  return confidence_level_names;
}
std::string_view to_string(confidence_level c) noexcept {
  return confidence_level_names.name(c);
}

namespace detail {

namespace ad = energy::anomaly::detail;

recommendation make(recommendation_kind k, std::string title) {
  recommendation r;
  r.kind = k;
  r.title = std::move(title);
  return r;
}

std::string implausible(const anomaly::operating_schedule& s) {
  if (!s.detected)
    return s.reason.empty()
               ? std::string("no operating schedule detected (and none declared)")
               : fmt::format("no operating schedule detected (and none declared): {}", s.reason);
  const auto hours = s.occupied_hours_per_week();
  if (hours < 20 || hours > 140)
    return fmt::format(
        "the detected schedule has {} occupied hours a week (outside 20-140): not "
        "an operating schedule",
        hours);
  for (const auto& d : s.days)
    if (d.occupied && d.end_hour - d.start_hour >= 24)
      return "the detected schedule has a day open around the clock: not an operating schedule";
  return {};
}

namespace {

money scaled(money m, double factor) {
  return money::from_micros(
      static_cast<std::int64_t>(std::llround(static_cast<double>(m.micros()) * factor)));
}

/// 1.645 × the standard error of a total of independent parts, relative to the total
/// (a 90 % normal band); NaN when it cannot be estimated (fewer than 3 parts or no total).
double relative_band(std::span<const double> parts) {
  const auto n = static_cast<double>(parts.size());
  if (parts.size() < 3) return ad::nan;
  double sum = 0.0;
  for (double x : parts)
    sum += x;
  if (!(sum > 0.0)) return ad::nan;
  const double mean = sum / n;
  double ss = 0.0;
  for (double x : parts)
    ss += (x - mean) * (x - mean);
  return 1.645 * std::sqrt(ss / (n - 1.0)) * std::sqrt(n) / sum;
}

}  // namespace

void finish(const context& c, recommendation& r, std::span<const milli> modified, saving_basis b) {
  const auto& s = c.h.series;
  if (b.whole_history) {
    b.from = 0;
    b.to = s.size();
  }
  const auto p = c.pricer.price(modified);
  const double days =
      static_cast<double>(b.to - b.from) * s.interval_seconds / 86400.0;  // rows × interval
  r.per_year = b.whole_history && c.per_year;
  r.coverage_days = days;
  const double scale = r.per_year ? 365.25 / days : 1.0;
  r.saving_kwh = static_cast<milli>(std::llround(static_cast<double>(p.kwh) * scale));
  r.priced = c.pricer.priced();
  r.basis = c.pricer.basis();
  r.saving = scaled(p.saving, scale);

  // Uncertainty: the week-to-week spread of the energy saving (or, for a saving that is not
  // energy, the month-to-month spread of the money), as a 90 % band of the total; at least ±10 %
  // (the counterfactual is a model), ±50 % for a heuristic target or when it cannot be estimated.
  std::vector<double> weeks;
  std::int64_t week = std::numeric_limits<std::int64_t>::min();
  for (std::size_t i = b.from; i < b.to; ++i) {
    const std::int64_t w = ad::floor_div(ad::floor_div(c.local[i], 86400) + 3, 7);
    if (w != week) {
      week = w;
      weeks.push_back(0.0);
    }
    weeks.back() += from_milli(s.value[i] - modified[i]);
  }
  double rel = relative_band(weeks);
  if (std::isnan(rel) || p.kwh <= 0) {
    std::vector<double> months;
    for (const auto& m : p.monthly)
      months.push_back(static_cast<double>(m.micros()));
    rel = relative_band(months);
  }
  if (std::isnan(rel)) rel = 0.5;
  rel = std::max(rel, b.heuristic ? 0.5 : 0.1);
  const money base = r.priced ? r.saving : money{};
  r.saving_low = scaled(base, std::max(0.0, 1.0 - rel));
  r.saving_high = scaled(base, 1.0 + rel);

  r.caveats = c.pricer.caveats();
  for (auto& x : b.caveats)
    r.caveats.push_back(std::move(x));
  if (!r.per_year)
    r.caveats.push_back(fmt::format(
        "per observed period ({:.0f} days), not annualised: {}", days,
        b.whole_history ? "less than a year of data" : "the measure acts on this window only"));
  if (b.heuristic || rel > 0.5 || days < 56.0)
    r.confidence = confidence_level::low;
  else if (rel <= 0.25 && r.per_year && c.pricer.caveats().empty())
    r.confidence = confidence_level::high;
  else
    r.confidence = confidence_level::medium;
  r.evidence.push_back(
      {"saving band half-width", 100.0 * rel, "% of the saving (90 % band)", c.period});
  if (r.per_year) {
    r.annual_saving_kwh = r.saving_kwh;
    r.annual_saving = r.saving;
  }
}

namespace {

/// Uses whose load is legitimately flat around the clock: a night/day ratio says nothing there.
bool around_the_clock(std::string_view use) {
  static constexpr std::array<std::string_view, 8> uses{
      "hospital",    "hotel",       "lodging",        "data center",
      "multifamily", "residential", "residence hall", "senior care community"};
  std::string lower(use);
  for (char& ch : lower)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return std::find(uses.begin(), uses.end(), lower) != uses.end();
}

milli wh_of_kw(const context& c, double kw) {
  return static_cast<milli>(std::llround(kw * c.interval_hours * 1000.0));
}

anomaly::operating_schedule schedule_of(const context& c) {
  return c.h.declared_schedule ? *c.h.declared_schedule
                               : anomaly::detect_schedule(c.h.series, c.h.zone);
}

std::string kwh_text(milli wh) {
  return fmt::format("{:.0f} kWh", from_milli(wh));
}

/// "about $X a year" / "about $X over the N observed days" / kWh only.
std::string saving_text(const recommendation& r) {
  const std::string what =
      r.priced ? "$" + r.saving.to_string() + " (" + kwh_text(r.saving_kwh) + ", " + r.basis + ")"
               : kwh_text(r.saving_kwh);
  return r.per_year ? fmt::format("about {} a year", what)
                    : fmt::format("about {} over the {:.0f} days observed", what, r.coverage_days);
}

void high_baseload(const context& c, std::vector<recommendation>& out) {
  if (around_the_clock(c.h.primary_use)) {
    c.skip("high_baseload", fmt::format("primary use '{}' runs around the clock: a night/day "
                                        "ratio says nothing about waste there",
                                        c.h.primary_use));
    return;
  }
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
      static_cast<double>(day.size()) * c.interval_hours < 30.0) {
    c.skip("high_baseload", "less than a week of nights and weekday daytimes");
    return;
  }
  const double base_kw = ad::median_inplace(night);
  const double day_kw = ad::median_inplace(day);
  const double weekend_kw = ad::median_inplace(weekend);
  if (!(day_kw > 0.0)) return;
  const double ratio = base_kw / day_kw;
  if (ratio <= c.o.max_night_to_day_ratio) return;
  auto sched = schedule_of(c);
  if (!implausible(sched).empty()) sched.detected = false;  // use the fixed night/weekend hours
  const double target_kw = c.o.max_night_to_day_ratio * day_kw;
  const double delta_kw = base_kw - target_kw;
  // The measure: in every unoccupied interval, the load comes down by the excess base load
  // (never below the target base). Unoccupied: outside the schedule, or when none is known,
  // 22:00-06:00 and weekends.
  auto modified = c.measured();
  const milli delta = wh_of_kw(c, delta_kw), target = wh_of_kw(c, target_kw);
  for (std::size_t i = 0; i < modified.size(); ++i) {
    const int hr = ad::local_hour(c.local[i]);
    const int wd = ad::local_weekday(c.local[i]);
    const bool occupied = sched.detected ? sched.occupied(static_cast<std::uint8_t>(wd * 24 + hr))
                                         : (wd < 5 && hr >= 6 && hr < 22);
    if (!occupied) modified[i] -= std::min(delta, std::max<milli>(0, modified[i] - target));
  }
  auto r = make(recommendation_kind::high_baseload, "Reduce the base load");
  r.measure = fmt::format(
      "every unoccupied interval ({}) lowered by {:.1f} kW, not below {:.1f} kW",
      sched.detected ? "outside the detected or declared schedule" : "22:00-06:00 and weekends",
      delta_kw, target_kw);
  r.evidence = {{"night median load", base_kw, "kW", c.period},
                {"weekday daytime median load", day_kw, "kW", c.period},
                {"night/day ratio", ratio, "", c.period}};
  if (!std::isnan(weekend_kw))
    r.evidence.push_back(
        {"weekend daytime/weekday daytime ratio", weekend_kw / day_kw, "", c.period});
  finish(c, r, modified, {});
  r.explanation = fmt::format(
      "The night load (01:00-05:00 local, median {:.1f} kW) is {:.0f} % of the weekday daytime "
      "load (10:00-16:00, median {:.1f} kW); well-controlled buildings stay at or below {:.0f} %. "
      "Check equipment left on at night (ventilation, lighting, process loads). Bringing the "
      "unoccupied load down to {:.1f} kW saves {}.",
      base_kw, 100.0 * ratio, day_kw, 100.0 * c.o.max_night_to_day_ratio, target_kw,
      saving_text(r));
  out.push_back(std::move(r));
}

void after_hours(const context& c, std::vector<recommendation>& out) {
  const auto sched = schedule_of(c);
  if (const auto why = implausible(sched); !why.empty()) {
    c.skip("after_hours_operation", "after-hours cannot be told apart: " + why);
    return;
  }
  const auto events = anomaly::detect_after_hours(c.h.series, c.h.zone, sched);
  if (events.empty()) return;
  double excess = 0.0;
  const anomaly::anomaly* largest = nullptr;
  for (const auto& e : events) {
    excess += from_milli(e.actual - e.expected);
    if (!largest || e.actual - e.expected > largest->actual - largest->expected) largest = &e;
  }
  // Material against the energy of the hours the measure acts on (the unoccupied ones), not
  // against all energy: in an office most energy is used in occupied hours, and a share of the
  // total would call two whole Sundays of operation in half a year (0.7 % of all energy, 2 % of
  // the unoccupied energy) immaterial.
  const auto slot = anomaly::hour_of_week(c.h.series.ts, c.h.zone);
  milli unoccupied = 0;
  for (std::size_t i = 0; i < slot.size(); ++i)
    if (!sched.occupied(slot[i])) unoccupied += c.h.series.value[i];
  if (excess < c.o.after_hours_min_share * from_milli(unoccupied)) return;
  // The measure: each event's intervals brought down to the unoccupied baseline it was measured
  // against (its expected energy spread evenly over its intervals).
  const auto& s = c.h.series;
  auto modified = c.measured();
  for (const auto& e : events) {
    const auto lo = std::lower_bound(s.ts.begin(), s.ts.end(), to_epoch(e.range.start));
    const auto hi = std::lower_bound(s.ts.begin(), s.ts.end(), to_epoch(e.range.end));
    const auto rows = hi - lo;
    if (rows <= 0) continue;
    const milli cap = e.expected / rows;
    for (auto i = static_cast<std::size_t>(lo - s.ts.begin());
         i < static_cast<std::size_t>(hi - s.ts.begin()); ++i)
      modified[i] = std::min(modified[i], cap);
  }
  auto r =
      make(recommendation_kind::after_hours_operation, "Stop after-hours and weekend operation");
  r.measure = "each after-hours event's intervals brought down to the unoccupied baseline";
  r.evidence = {{"after-hours events", static_cast<double>(events.size()), "", c.period},
                {"excess over unoccupied baseline", excess, "kWh", c.period},
                {"largest event excess", from_milli(largest->actual - largest->expected), "kWh",
                 largest->range}};
  finish(c, r, modified, {});
  r.explanation = fmt::format(
      "{} periods of consumption far above the unoccupied baseline while the building is normally "
      "closed ({} occupied hours a week, {}), {:.0f} kWh above the baseline in the history. "
      "Largest: {} to {} ({:.0f} kWh above). Check time schedules and overrides of HVAC and "
      "lighting. Holding those hours to the baseline saves {}.",
      events.size(), sched.occupied_hours_per_week(),
      c.h.declared_schedule ? "declared" : "detected", excess,
      format_local(largest->range.start, c.h.zone), format_local(largest->range.end, c.h.zone),
      from_milli(largest->actual - largest->expected), saving_text(r));
  out.push_back(std::move(r));
}

/// Moves `removed` Wh into the rows `room` (each at most up to `cap`), evenly, then whatever is
/// left back onto the `capped` rows: the energy of the day is conserved exactly.
void shift_within_day(std::vector<milli>& v, const std::vector<std::size_t>& room,
                      const std::vector<std::size_t>& capped, milli removed, milli cap) {
  for (int pass = 0; pass < 8 && removed > 0; ++pass) {
    std::vector<std::size_t> open;
    for (auto i : room)
      if (v[i] < cap) open.push_back(i);
    if (open.empty()) break;
    const milli share = std::max<milli>(1, removed / static_cast<milli>(open.size()));
    for (auto i : open) {
      const milli add = std::min({share, cap - v[i], removed});
      v[i] += add;
      removed -= add;
    }
  }
  for (std::size_t k = 0; k < capped.size() && removed > 0; ++k) {
    const milli add = removed / static_cast<milli>(capped.size() - k);
    v[capped[k]] += add;
    removed -= add;
  }
}

void peak_demand(const context& c, std::vector<recommendation>& out) {
  if (!c.pricer.has_demand_charge()) {
    c.skip("peak_demand", "no demand charge: give a tariff with demand charges or a demand price");
    return;
  }
  struct month {
    std::vector<std::size_t> rows;
    epoch_seconds first = 0, last = 0;
  };
  std::map<int, month> months;
  for (std::size_t i = 0; i < c.kw.size(); ++i) {
    const auto ld = std::chrono::local_days{std::chrono::days{ad::floor_div(c.local[i], 86400)}};
    const std::chrono::year_month_day ymd{ld};
    const int key = int(ymd.year()) * 12 + static_cast<int>(unsigned(ymd.month())) - 1;
    auto& m = months[key];
    if (m.rows.empty()) m.first = c.h.series.ts[i];
    m.last = c.h.series.ts[i] + c.h.series.interval_seconds;
    m.rows.push_back(i);
  }
  const auto k = static_cast<std::size_t>(c.o.peak_max_shave_hours_per_month / c.interval_hours);
  double lf_sum = 0.0, frac_sum = 0.0, cut_sum = 0.0;
  int used = 0;
  std::vector<evidence_item> ev;
  auto modified = c.measured();
  for (auto& [key, m] : months) {
    if (static_cast<double>(m.rows.size()) * c.interval_hours < 20.0 * 24.0 || k >= m.rows.size())
      continue;  // partial month: not shaved, not priced
    std::vector<double> kw;
    double sum = 0.0;
    for (auto i : m.rows) {
      kw.push_back(c.kw[i]);
      sum += c.kw[i];
    }
    std::sort(kw.begin(), kw.end(), std::greater<>());
    const double peak = kw.front();
    if (!(peak > 0.0)) continue;
    const double target = kw[k];
    lf_sum += sum / static_cast<double>(kw.size()) / peak;
    frac_sum += (peak - target) / peak;
    cut_sum += peak - target;
    ev.push_back({fmt::format("peak {:04}-{:02}", key / 12, key % 12 + 1), peak, "kW",
                  time_range{from_epoch(m.first), from_epoch(m.last)}});
    ++used;
    // The measure: the month's load capped at the target; the energy above it moved to the
    // same local day's hours below the target (shifted, not saved).
    const milli cap = wh_of_kw(c, target);
    std::size_t a = 0;
    while (a < m.rows.size()) {
      const std::int64_t day = ad::floor_div(c.local[m.rows[a]], 86400);
      std::size_t b = a;
      std::vector<std::size_t> room, capped;
      milli removed = 0;
      for (; b < m.rows.size() && ad::floor_div(c.local[m.rows[b]], 86400) == day; ++b) {
        const auto i = m.rows[b];
        if (modified[i] > cap) {
          removed += modified[i] - cap;
          modified[i] = cap;
          capped.push_back(i);
        } else {
          room.push_back(i);
        }
      }
      if (removed > 0) shift_within_day(modified, room, capped, removed, cap);
      a = b;
    }
  }
  if (used == 0) {
    c.skip("peak_demand", "no local calendar month with at least 20 days of data");
    return;
  }
  const double lf = lf_sum / used;
  const double frac = frac_sum / used;
  if (lf >= c.o.max_load_factor || frac < c.o.min_peak_reduction_fraction) return;
  auto r = make(recommendation_kind::peak_demand, "Shave the monthly demand peaks");
  r.measure = fmt::format(
      "each full month's load capped at the level it exceeds for only {:.0f} h, the energy above "
      "it moved to the same day's hours below the cap",
      c.o.peak_max_shave_hours_per_month);
  ev.insert(ev.begin(), {{"average monthly load factor", lf, "", c.period},
                         {"average peak reduction", cut_sum / used, "kW", c.period}});
  r.evidence = std::move(ev);
  finish(c, r, modified, {});
  r.explanation = fmt::format(
      "The average monthly load factor is {:.2f}: the peaks are short. Holding the load {:.1f} kW "
      "({:.0f} %) below the monthly peak on average needs shifting only the top {:.0f} hours of "
      "each month (staggered equipment starts, pre-cooling, demand limiting); the energy is moved "
      "within the day, not saved. Bill saving: {}.",
      lf, cut_sum / used, 100.0 * frac, c.o.peak_max_shave_hours_per_month, saving_text(r));
  out.push_back(std::move(r));
}

void eui(const context& c, std::vector<recommendation>& out) {
  if (!c.h.floor_area_ft2 || *c.h.floor_area_ft2 <= 0.0) {
    c.skip("high_energy_use_intensity", "no floor area");
    return;
  }
  const auto bench = find_eui_benchmark(c.h.primary_use);
  if (!bench) {
    c.skip("high_energy_use_intensity",
           fmt::format("no ENERGY STAR median for primary use '{}'", c.h.primary_use));
    return;
  }
  const double area = *c.h.floor_area_ft2;
  const double eui_kwh = c.total_kwh * 365.25 / c.coverage_days / area;
  const double median = bench->site_kwh_per_ft2();
  if (eui_kwh <= c.o.eui_margin * median) return;
  // The measure: every interval scaled down so that the building reaches the median.
  const double factor = median / eui_kwh;
  auto modified = c.measured();
  for (auto& v : modified)
    v = static_cast<milli>(std::llround(static_cast<double>(v) * factor));
  auto r = make(recommendation_kind::high_energy_use_intensity,
                "Energy use intensity above the national median");
  r.measure = fmt::format("every interval scaled by {:.3f} (the median over the EUI)", factor);
  r.evidence = {{"site energy use intensity", eui_kwh, "kWh/ft2/yr", c.period},
                {"median site EUI for the property type", median, "kWh/ft2/yr", {}}};
  saving_basis b;
  b.heuristic = true;
  if (!c.per_year)
    b.caveats.push_back("EUI from less than a year of data: seasonal buildings are misjudged");
  finish(c, r, modified, std::move(b));
  r.explanation = fmt::format(
      "The building uses {:.1f} kWh/ft² a year ({:.1f} kBtu/ft²), against a median site EUI of "
      "{:.1f} kWh/ft² ({:.1f} kBtu/ft²) for {} (ENERGY STAR Portfolio Manager, U.S. EUI by "
      "property type, Aug 2018). Reaching the median would save {}; an energy audit should "
      "locate where.",
      eui_kwh, eui_kwh * 3.412, median, bench->site_kbtu_per_ft2, bench->property_type,
      saving_text(r));
  out.push_back(std::move(r));
}

}  // namespace
}  // namespace detail

recommend_result analyse(const building_history& h, const recommend_options& o) {
  h.series.validate();
  const auto& s = h.series;
  const std::size_t n = s.size();
  recommend_result result;
  const double covered = static_cast<double>(n) * s.interval_seconds;
  result.coverage_days = covered / 86400.0;
  if (n == 0 || covered < static_cast<double>(o.min_history_days) * 86400.0) {
    result.skipped.push_back(
        {"all", fmt::format("history covers {:.1f} days, fewer than min_history_days ({})",
                            result.coverage_days, o.min_history_days)});
    return result;
  }
  const auto local = anomaly::local_seconds(s.ts, h.zone);
  const detail::counterfactual_pricer pricer(s, h.zone, local, h.tariff, h.price);
  result.basis = pricer.basis();
  result.per_year = result.coverage_days >= 365.0;

  detail::context c{h, o, pricer};
  c.local = local;
  c.interval_hours = s.interval_seconds / 3600.0;
  c.coverage_days = result.coverage_days;
  c.per_year = result.per_year;
  c.period = time_range{from_epoch(s.ts.front()), from_epoch(s.ts.back() + s.interval_seconds)};
  c.skipped = &result.skipped;
  c.kw.resize(n);
  milli total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    c.kw[i] = from_milli(s.value[i]) / c.interval_hours;
    total += s.value[i];
  }
  c.total_kwh = from_milli(total);

  auto& out = result.recommendations;
  detail::high_baseload(c, out);
  detail::after_hours(c, out);
  detail::schedule_drift(c, out);
  detail::peak_demand(c, out);
  detail::weather_rules(c, out);
  detail::eui(c, out);
  // Realisable money first: the low end of the band, then the saving, then the energy.
  std::stable_sort(out.begin(), out.end(), [](const recommendation& a, const recommendation& b) {
    if (a.saving_low != b.saving_low) return a.saving_low > b.saving_low;
    if (a.saving != b.saving) return a.saving > b.saving;
    return a.saving_kwh > b.saving_kwh;
  });
  return result;
}

std::vector<recommendation> recommend(const building_history& h, const recommend_options& o) {
  return analyse(h, o).recommendations;
}

}  // namespace energy::recommend

template struct energy::detail::enum_names<energy::recommend::recommendation_kind>;

template struct energy::detail::enum_names<energy::recommend::confidence_level>;
