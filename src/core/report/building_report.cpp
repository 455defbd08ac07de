// SPDX-License-Identifier: Apache-2.0
// Efficiency and forecast reports of one building: KPIs, daily consumption against the baseline,
// load profile, monthly peaks, bills, anomalies, recommendations, and the insights they support.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <energy/anomaly/detectors.hpp>
#include <energy/baseline/changepoint.hpp>
#include <energy/recommend/weather.hpp>

#include "detail.hpp"
#include "hourly_model.hpp"
#include "forecast.hpp"
#include "insights.hpp"

namespace energy::report::detail {
namespace {

/// One year back, in local days (the baseline's fit window and the recommendations' history).
constexpr std::chrono::days history_days{365};

load_profile profile_of(const hourly_series& h, time_range range) {
  load_profile p;
  std::array<std::array<double, 24>, 7> sum{};
  for (std::size_t i = 0; i < h.ts.size(); ++i) {
    if (h.ts[i] < to_epoch(range.start) || h.ts[i] >= to_epoch(range.end)) continue;
    const auto day = std::chrono::floor<std::chrono::days>(h.local_start[i]);
    const auto wd = (std::chrono::weekday{day}.c_encoding() + 6) % 7;
    const auto hour =
        std::chrono::duration_cast<std::chrono::hours>(h.local_start[i] - day).count();
    if (hour < 0 || hour > 23) continue;
    sum[wd][static_cast<std::size_t>(hour)] += from_milli(h.wh[i]);
    ++p.samples[wd][static_cast<std::size_t>(hour)];
  }
  for (std::size_t d = 0; d < 7; ++d)
    for (std::size_t hr = 0; hr < 24; ++hr)
      if (p.samples[d][hr] > 0) p.mean_kwh[d][hr] = sum[d][hr] / p.samples[d][hr];
  return p;
}

std::vector<month_point> monthly_points(storage::store& db, const uuid& building_id,
                                        const period_window& w, const time_zone& zone) {
  const std::chrono::year_month_day last{w.end_day - std::chrono::days{1}};
  const auto last_month = std::chrono::year_month{last.year(), last.month()};
  const auto first_month = last_month - std::chrono::months{11};
  const auto from = local_midnight(std::chrono::local_days{first_month / 1}, zone);
  const auto to =
      local_midnight(std::chrono::local_days{(last_month + std::chrono::months{1}) / 1}, zone);
  const auto rows = read_summaries(db, building_id, resolution::month, {from, to});
  std::vector<month_point> out;
  for (auto m = first_month; m <= last_month; m += std::chrono::months{1}) {
    month_point p;
    p.month = m;
    p.range = {local_midnight(std::chrono::local_days{m / 1}, zone),
               local_midnight(std::chrono::local_days{(m + std::chrono::months{1}) / 1}, zone)};
    if (auto it = rows.find(to_epoch(p.range.start)); it != rows.end()) {
      p.consumption = it->second.consumption;
      p.peak_demand = it->second.peak_demand;
      p.has_data = it->second.reading_count > 0;
    }
    out.push_back(p);
  }
  return out;
}

baseline::temperature_series read_temperatures(storage::store& db, const std::optional<sensor>& s,
                                               time_range range) {
  if (!s) return {};
  return baseline::temperature_from_readings(db.read_readings(s->id, range), s->id);
}

baseline_result summarise_baseline(const hourly_model& m, const std::vector<day_point>& days) {
  baseline_result b;
  b.model = m.name;
  b.weather_normalised = m.weather;
  b.fit_range = m.fit_range;
  b.fit_hours = m.fit_hours;
  b.cv_rmse = m.metrics.cv_rmse;
  b.nmbe = m.metrics.nmbe;
  b.passes_guideline14 = m.passes_guideline14;
  b.interval_level = m.level;
  for (const auto& d : days) {
    if (!d.expected_kwh || d.coverage < complete_coverage) continue;
    ++b.days_compared;
    b.actual_kwh += from_milli(d.consumption);
    b.expected_kwh += *d.expected_kwh;
  }
  // Independent days: the band of a sum of n days is z × sd × sqrt(n) (normal approximation).
  const double z = 1.6448536269514722;  // the 95th percentile: a 90 % two-sided band
  const double half = std::isfinite(m.day_sd)
                          ? z * m.day_sd * std::sqrt(static_cast<double>(b.days_compared))
                          : std::nan("");
  b.lower_kwh = std::max(0.0, b.expected_kwh - half);
  b.upper_kwh = b.expected_kwh + half;
  b.deviation_percent =
      b.expected_kwh > 0 ? 100.0 * (b.actual_kwh - b.expected_kwh) / b.expected_kwh : 0.0;
  return b;
}

std::vector<anomaly::anomaly> find_anomalies(
    storage::store& db, const building& b, const building_sensors& sensors, const hourly_series& h,
    const std::optional<hourly_model>& model, const baseline::temperature_series& temps,
    const period_window& w, const time_zone& zone, const reading_rows& period_rows,
    std::vector<std::string>& notes) {
  std::vector<anomaly::anomaly> out;
  const auto overlaps = [&](const anomaly::anomaly& a) {
    return a.range.start < w.range.end && w.range.start < a.range.end;
  };
  // Data quality on each meter's own readings (gaps, spikes, flatlines, impossible values).
  for (const auto& s : sensors.electricity) {
    std::vector<epoch_seconds> ts;
    std::vector<milli> v;
    std::vector<std::uint32_t> q;
    for (std::size_t i = 0; i < period_rows.size(); ++i)
      if (period_rows.sensor_id[i] == s.id) {
        ts.push_back(period_rows.ts[i]);
        v.push_back(period_rows.value[i]);
        q.push_back(period_rows.quality[i]);
      }
    anomaly::meter_series m;
    m.building_id = b.id;
    m.sensor_id = s.id;
    m.interval_seconds = s.interval_seconds;
    m.ts = ts;
    m.value = v;
    if (q.size() == ts.size()) m.quality = q;
    anomaly::data_quality_options o;
    o.zone = zone;
    o.expected_range = time_range{std::max(w.range.start, s.created_at), w.range.end};
    if (s.max_value) o.max_value = to_milli(*s.max_value);
    if (o.expected_range->empty()) continue;
    for (auto& a : anomaly::detect_data_quality(m, o))
      out.push_back(std::move(a));
  }
  // Departures from the baseline and after-hours waste on the building's hourly load.
  anomaly::meter_series hourly;
  hourly.building_id = b.id;
  hourly.interval_seconds = 3600;
  hourly.ts = h.ts;
  hourly.value = h.wh;
  if (h.ts.size() >= min_fit_hours) {
    if (model) {
      std::size_t fallbacks = 0;
      const auto t = temperatures_at(h.ts, temps, fallbacks);
      const auto p = model->predict(h.ts, t);
      for (auto& a : anomaly::detect_baseline_deviation(hourly, p, zone))
        if (overlaps(a)) out.push_back(std::move(a));
    }
    const auto schedule = anomaly::detect_schedule(hourly, zone);
    // No anomaly does not mean no waste when there was nothing to judge against: say why.
    if (!schedule.detected)
      notes.push_back(fmt::format("after-hours waste not looked for: {}", schedule.reason));
    for (auto& a : anomaly::detect_after_hours(hourly, zone, schedule))
      if (overlaps(a)) out.push_back(std::move(a));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    if (x.severity != y.severity) return x.severity > y.severity;
    return x.score > y.score;
  });
  (void)db;
  return out;
}

recommend::prices prices_of(const building& b, const std::vector<bill_part>& bills) {
  recommend::prices p;
  money energy_charges, demand_charges;
  milli energy = 0, peak_kw_months = 0;
  for (const auto& part : bills) {
    energy += part.bill.energy;
    peak_kw_months += part.bill.peak_demand;
    for (const auto& l : part.bill.lines) {
      if (l.kind == billing::line_kind::energy) energy_charges += l.exact;
      if (billing::is_demand_charge(l.kind)) demand_charges += l.exact;
    }
  }
  if (energy > 0) {
    // Average energy price of the period's bills ($ per kWh = micro-$ × 1000 / Wh).
    p.energy_per_kwh = money::from_micros(energy_charges.micros() * 1000 / energy);
    if (peak_kw_months > 0 && demand_charges.micros() > 0)
      p.demand_per_kw_month = money::from_micros(demand_charges.micros() * 1000 / peak_kw_months);
  } else if (b.flat_rate_per_kwh) {
    p.energy_per_kwh = *b.flat_rate_per_kwh;
  }
  return p;
}

std::vector<recommend::recommendation> recommendations_for(
    const building& b, const hourly_series& h, const baseline::temperature_series& temps,
    const period_window& w, const time_zone& zone, const std::map<epoch_seconds, summary_row>& days,
    const std::vector<sensor>& sensors, const std::vector<bill_part>& bills,
    const std::vector<tariff_assignment>& tariffs, std::vector<std::string>& notes) {
  const auto from = to_epoch(local_midnight(w.end_day - history_days, zone));
  std::vector<epoch_seconds> ts;
  std::vector<milli> wh;
  for (std::size_t i = 0; i < h.ts.size(); ++i)
    if (h.ts[i] >= from && h.ts[i] < to_epoch(w.range.end)) {
      ts.push_back(h.ts[i]);
      wh.push_back(h.wh[i]);
    }
  anomaly::meter_series series;
  series.building_id = b.id;
  series.interval_seconds = 3600;
  series.ts = ts;
  series.value = wh;
  recommend::building_history history{series, zone};
  if (b.square_footage) history.floor_area_ft2 = static_cast<double>(*b.square_footage);
  history.primary_use = b.primary_use;
  history.price = prices_of(b, bills);
  // A recommendation looks forward: its measure is priced under the tariff in effect at the end
  // of the window (the latest one that took effect by then); the average prices only without one.
  const tariff_assignment* current = nullptr;
  for (const auto& t : tariffs)
    if (t.effective_from < w.end_day && (!current || t.effective_from >= current->effective_from))
      current = &t;
  if (current) history.tariff = current->tariff;
  if (temps.size() > 0) {
    std::vector<baseline::usage_period> periods;
    for (const auto& r : complete_days_in(days, sensors, {from_epoch(from), w.range.end})) {
      auto it = days.find(to_epoch(r.start));
      periods.push_back({to_epoch(r.start), to_epoch(r.end), from_milli(it->second.consumption)});
    }
    try {
      const auto cp =
          baseline::fit_changepoint(periods, temps, baseline::changepoint_options::celsius(zone));
      // With the periods it was fitted on, so that the weather rules see the fit's quality.
      history.weather =
          recommend::weather_from(cp, periods, temps, recommend::temperature_unit::celsius);
    } catch (const std::invalid_argument& e) {
      notes.push_back(fmt::format("no weather sensitivity for the recommendations: {}", e.what()));
    }
  }
  if (!history.tariff && !history.price.energy_per_kwh)
    notes.push_back("recommendations carry no money savings: no tariff and no flat rate");
  return recommend::recommend(history);
}

}  // namespace

report build_building_report(storage::store& db, const report_request& req) {
  const auto b = db.get_building(req.building_id);
  if (!b) throw subject_not_found("no building " + req.building_id.to_string());
  const auto zone = find_zone(b->time_zone);
  const auto sensors = sensors_of(db, b->id);

  report r;
  r.report_id = uuid::v7().to_string();
  r.generated_at = req.now;
  r.type = req.type;
  r.length = req.period;
  r.subject = *b;
  r.owner = db.get_tenant(b->tenant_id);
  r.time_zone = b->time_zone;
  const auto end = req.end.value_or(default_end(req.period, req.now, zone));
  r.window = make_window(req.period, end, zone);
  const auto& w = r.window;
  r.currency = !req.tariffs.empty() ? req.tariffs.front().currency : req.currency;
  for (const auto& t : req.tariffs)
    if (t.currency != r.currency)
      throw std::invalid_argument(
          fmt::format("tariffs in two currencies ({} and {}): a report "
                      "adds their costs, so they must share one",
                      r.currency, t.currency));

  const auto previous = make_window(req.period, w.first_day, zone);
  const auto last_year =
      make_window(req.period,
                  req.period == period_length::week ? w.end_day - std::chrono::days{364}
                                                    : shift(w.end_day, period_length::year, -1),
                  zone);
  const auto fit_first = w.first_day - history_days;
  const auto history_start =
      local_midnight(std::min({fit_first, previous.first_day, last_year.first_day}), zone);

  // Forecast: the next period; its data (actuals so far) is read too.
  std::optional<period_window> horizon;
  if (req.type == report_type::forecast)
    horizon = make_window(req.period, shift(w.end_day, req.period, 1), zone);
  const auto read_end = horizon ? horizon->range.end : w.range.end;

  const auto days = read_summaries(db, b->id, resolution::day, {history_start, read_end});
  const auto hours =
      read_summaries(db, b->id, resolution::hour, {local_midnight(fit_first, zone), read_end});
  const auto h = hourly_from(hours, sensors.electricity);
  const auto temps = read_temperatures(db, sensors.outdoor_temperature,
                                       {local_midnight(fit_first, zone), read_end});

  const auto current = totals(days, sensors.electricity, w.range);
  r.has_data = current.readings > 0;
  if (!r.has_data) {
    r.notes.push_back(
        sensors.electricity.empty()
            ? fmt::format("{} has no active electricity sensor: nothing to report", b->name)
            : fmt::format("no electricity readings for {} in {}", b->name, w.label));
    r.insights.push_back(insight_no_data(*b, w, sensors.electricity.size()));
    r.monthly = monthly_points(db, b->id, w, zone);
    return r;
  }

  auto& k = r.headline;
  for (const auto& s : sensors.electricity)
    k.demand_window_minutes = std::max(k.demand_window_minutes, s.interval_seconds / 60);
  k.consumption = current.consumption;
  k.readings = current.readings;
  k.expected_readings = current.expected;
  k.coverage = current.coverage();
  k.previous_period = compare(current, totals(days, sensors.electricity, previous.range), previous);
  k.same_period_last_year =
      compare(current, totals(days, sensors.electricity, last_year.range), last_year);

  r.daily = daily_points(w, days, sensors.electricity, zone);
  for (const auto& d : r.daily)
    if (d.peak_demand > k.peak_demand) {
      k.peak_demand = d.peak_demand;
      k.peak_day = d.day;
    }
  if (b->square_footage && *b->square_footage > 0) {
    const double kwh = from_milli(k.consumption);
    k.eui_kwh_per_ft2_year =
        kwh / static_cast<double>(*b->square_footage) * 365.25 / static_cast<double>(w.days());
    k.eui_kbtu_per_ft2_year = *k.eui_kwh_per_ft2_year * 3.412;
    k.benchmark = recommend::find_eui_benchmark(b->primary_use);
  }
  r.profile = profile_of(h, w.range);
  r.monthly = monthly_points(db, b->id, w, zone);

  // Baseline: fitted on the year before the period.
  std::string why;
  const auto fit_range = time_range{local_midnight(fit_first, zone), w.range.start};
  const auto fit_days = complete_days_in(days, sensors.electricity, fit_range);
  const auto model = fit_hourly(h, temps.size() ? &temps : nullptr, fit_range, zone, fit_days, why);
  if (!why.empty()) r.notes.push_back(why);
  if (!sensors.outdoor_temperature)
    r.notes.push_back("no outdoor temperature sensor: the baseline is not weather-normalised");
  if (model) {
    const auto grid = hour_grid(w.first_day, w.end_day, zone);
    std::size_t fallbacks = 0;
    const auto t = temperatures_at(grid, temps, fallbacks);
    attach_expected(r.daily, grid, model->predict(grid, t), *model);
    r.baseline = summarise_baseline(*model, r.daily);
  }

  // Bills and cost.
  const auto period_rows = db.read_building_readings(b->id, w.range);
  if (!req.tariffs.empty()) {
    if (const auto data = building_intervals(period_rows, sensors.electricity, r.notes)) {
      bool covered = false;
      r.bills = compute_bills(*data, req.tariffs, w.range, zone, r.notes, covered);
      if (covered) {
        money total;
        for (const auto& p : r.bills)
          total += p.bill.total;
        k.cost = total;
        k.cost_basis =
            r.bills.size() == 1
                ? fmt::format("bill under tariff {}", r.bills.front().tariff_name)
                : fmt::format("sum of {} bills (one per month and tariff)", r.bills.size());
      } else {
        k.cost_basis = "not every day of the period has a tariff in effect";
      }
    } else {
      k.cost_basis = "no bill could be computed (see notes)";
    }
  } else if (b->flat_rate_per_kwh) {
    money total;
    for (const auto& d : r.daily)
      total += d.cost;
    k.cost = total;
    k.cost_basis = fmt::format("estimate at the building's flat rate of {} per kWh",
                               b->flat_rate_per_kwh->to_exact_string());
  } else {
    k.cost_basis = "no tariff and no flat rate: cost unknown";
  }

  r.anomalies = find_anomalies(db, *b, sensors, h, model, temps, w, zone, period_rows, r.notes);
  r.recommendations = recommendations_for(*b, h, temps, w, zone, days, sensors.electricity, r.bills,
                                          req.tariffs, r.notes);

  if (horizon) r.forecast = build_forecast(req, *horizon, h, temps, days, sensors, zone, r.notes);
  add_building_insights(r);
  return r;
}

}  // namespace energy::report::detail
