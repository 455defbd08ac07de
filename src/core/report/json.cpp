// SPDX-License-Identifier: Apache-2.0
// The JSON rendering of a report (see energy/report/render.hpp for the shape).

#include <energy/report/format.hpp>
#include <energy/report/render.hpp>

#include "detail.hpp"
#include "json_writer.hpp"

namespace energy::report {
namespace {

using detail::json_writer;

void range(json_writer& j, std::string_view name, time_range r) {
  j.key(name).begin_object();
  j.key("start").string(format_utc(r.start));
  j.key("end").string(format_utc(r.end));
  j.end_object();
}

void optional_money(json_writer& j, std::string_view name, const std::optional<money>& m) {
  if (m) {
    j.key(name).string(format_money(*m));
    j.key(std::string(name) + "_exact").string(m->to_exact_string());
  } else {
    j.key(name).null();
    j.key(std::string(name) + "_exact").null();
  }
}

void window(json_writer& j, std::string_view name, const period_window& w) {
  j.key(name).begin_object();
  j.key("label").string(w.label);
  j.key("first_day").string(format_date(w.first_day));
  j.key("last_day").string(format_date(w.end_day - std::chrono::days{1}));
  j.key("days").integer(w.days());
  j.key("start").string(format_utc(w.range.start));
  j.key("end").string(format_utc(w.range.end));
  j.end_object();
}

void evidence(json_writer& j, const std::vector<recommend::evidence_item>& items) {
  j.key("evidence").begin_array();
  for (const auto& e : items) {
    j.begin_object();
    j.key("label").string(e.label);
    j.key("value").number(e.value);
    j.key("unit").string(e.unit);
    if (e.period)
      range(j, "period", *e.period);
    else
      j.key("period").null();
    j.end_object();
  }
  j.end_array();
}

void change_of(json_writer& j, std::string_view name, const change& c) {
  j.key(name).begin_object();
  window(j, "reference", c.reference);
  j.key("reference_consumption_kwh").string(format_kwh(c.reference_consumption));
  j.key("reference_coverage").number(c.reference_coverage);
  j.key("percent").number(c.percent);
  if (c.percent)
    j.key("unavailable_reason").null();
  else
    j.key("unavailable_reason").string(c.unavailable_reason);
  j.end_object();
}

void kpis_of(json_writer& j, const report& r) {
  const auto& k = r.headline;
  j.key("kpis").begin_object();
  j.key("consumption_kwh").string(format_kwh(k.consumption));
  j.key("consumption_wh").integer(k.consumption);
  j.key("peak_demand_kw").string(format_kw(k.peak_demand));
  j.key("peak_demand_w").integer(k.peak_demand);
  if (k.peak_day)
    j.key("peak_day").string(format_date(*k.peak_day));
  else
    j.key("peak_day").null();
  optional_money(j, "cost", k.cost);
  j.key("cost_basis").string(k.cost_basis);
  j.key("eui_kwh_per_ft2_year").number(k.eui_kwh_per_ft2_year);
  j.key("eui_kbtu_per_ft2_year").number(k.eui_kbtu_per_ft2_year);
  if (k.benchmark) {
    j.key("eui_benchmark").begin_object();
    j.key("property_type").string(k.benchmark->property_type);
    j.key("median_site_kbtu_per_ft2_year").number(k.benchmark->site_kbtu_per_ft2);
    j.key("source").string("ENERGY STAR Portfolio Manager, U.S. median site EUI (2018)");
    j.end_object();
  } else {
    j.key("eui_benchmark").null();
  }
  j.key("coverage").number(k.coverage);
  j.key("readings").integer(k.readings);
  j.key("expected_readings").integer(k.expected_readings);
  if (r.subject) {
    change_of(j, "change_vs_previous_period", k.previous_period);
    change_of(j, "change_vs_same_period_last_year", k.same_period_last_year);
  }
  j.end_object();
}

void day_points(json_writer& j, std::string_view name, const std::vector<day_point>& days) {
  j.key(name).begin_array();
  for (const auto& d : days) {
    j.begin_object();
    j.key("date").string(format_date(d.day));
    j.key("start").string(format_utc(d.range.start));
    j.key("end").string(format_utc(d.range.end));
    j.key("hours").integer(d.range.length().count() / 3600);
    j.key("consumption_kwh").string(format_kwh(d.consumption));
    j.key("peak_demand_kw").string(format_kw(d.peak_demand));
    j.key("summary_cost").string(format_money(d.cost));
    j.key("coverage").number(d.coverage);
    j.key("expected_kwh").number(d.expected_kwh);
    j.key("lower_kwh").number(d.lower_kwh);
    j.key("upper_kwh").number(d.upper_kwh);
    j.end_object();
  }
  j.end_array();
}

void anomalies_of(json_writer& j, const report& r) {
  j.key("anomalies").begin_array();
  for (const auto& a : r.anomalies) {
    j.begin_object();
    j.key("kind").string(anomaly::to_string(a.kind));
    j.key("severity").string(anomaly::to_string(a.severity));
    if (a.sensor_id)
      j.key("sensor_id").string(a.sensor_id->to_string());
    else
      j.key("sensor_id").null();
    j.key("start").string(format_utc(a.range.start));
    j.key("end").string(format_utc(a.range.end));
    j.key("score").number(a.score);
    j.key("expected").string(format_milli(a.expected));
    j.key("actual").string(format_milli(a.actual));
    j.key("explanation").string(a.explanation);
    j.end_object();
  }
  j.end_array();
}

void recommendations_of(json_writer& j, const report& r) {
  j.key("recommendations").begin_array();
  int rank = 0;
  for (const auto& rec : r.recommendations) {
    j.begin_object();
    j.key("rank").integer(++rank);
    j.key("kind").string(recommend::to_string(rec.kind));
    j.key("title").string(rec.title);
    j.key("explanation").string(rec.explanation);
    // The saving over what it was measured on (`per`), priced per `basis`; the annual_* members
    // stay for older readers and are 0 unless `per_year`.
    j.key("saving_kwh").string(format_kwh(rec.saving_kwh));
    if (rec.priced) {
      j.key("saving").string(format_money(rec.saving));
      j.key("saving_exact").string(rec.saving.to_exact_string());
      j.key("saving_low").string(format_money(rec.saving_low));
      j.key("saving_high").string(format_money(rec.saving_high));
    } else {
      j.key("saving").null();
      j.key("saving_exact").null();
      j.key("saving_low").null();
      j.key("saving_high").null();
    }
    j.key("per_year").boolean(rec.per_year);
    j.key("coverage_days").number(rec.coverage_days);
    j.key("per").string(format_saving_period(rec.per_year, rec.coverage_days));
    j.key("confidence").string(recommend::to_string(rec.confidence));
    j.key("basis").string(rec.basis);
    j.key("annual_saving_kwh").string(format_kwh(rec.annual_saving_kwh));
    j.key("annual_saving").string(format_money(rec.annual_saving));
    j.key("annual_saving_exact").string(rec.annual_saving.to_exact_string());
    evidence(j, rec.evidence);
    j.end_object();
  }
  j.end_array();
}

void bills_of(json_writer& j, const report& r) {
  j.key("bills").begin_array();
  for (const auto& p : r.bills) {
    const auto& b = p.bill;
    j.begin_object();
    j.key("tariff").string(p.tariff_name);
    j.key("currency").string(p.currency);
    j.key("start").string(format_utc(b.period.start));
    j.key("end").string(format_utc(b.period.end));
    j.key("total").string(format_money(b.total));
    j.key("energy_kwh").string(format_kwh(b.energy));
    j.key("peak_demand_kw").string(format_kw(b.peak_demand));
    j.key("coverage").number(b.coverage());
    j.key("lines").begin_array();
    for (const auto& l : b.lines) {
      j.begin_object();
      j.key("kind").string(billing::to_string(l.kind));
      j.key("period").integer(l.period);
      j.key("tier").integer(l.tier);
      j.key("quantity").string(format_milli(l.quantity));
      j.key("rate").string(l.rate.to_exact_string());
      j.key("basis").string(l.basis);
      j.key("amount").string(format_money(l.amount));
      j.key("exact").string(l.exact.to_exact_string());
      j.end_object();
    }
    j.end_array();
    j.key("notes").begin_array();
    for (const auto& n : b.notes)
      j.string(n);
    j.end_array();
    j.end_object();
  }
  j.end_array();
}

void baseline_of(json_writer& j, const report& r) {
  if (!r.baseline) {
    j.key("baseline").null();
    return;
  }
  const auto& b = *r.baseline;
  j.key("baseline").begin_object();
  j.key("model").string(b.model);
  j.key("weather_normalised").boolean(b.weather_normalised);
  range(j, "fit_range", b.fit_range);
  j.key("fit_hours").integer(static_cast<std::int64_t>(b.fit_hours));
  j.key("cv_rmse").number(b.cv_rmse);
  j.key("nmbe").number(b.nmbe);
  j.key("passes_guideline14").boolean(b.passes_guideline14);
  j.key("interval_level").number(b.interval_level);
  j.key("days_compared").integer(b.days_compared);
  j.key("actual_kwh").number(b.actual_kwh);
  j.key("expected_kwh").number(b.expected_kwh);
  j.key("lower_kwh").number(b.lower_kwh);
  j.key("upper_kwh").number(b.upper_kwh);
  j.key("deviation_percent").number(b.deviation_percent);
  j.end_object();
}

void forecast_of(json_writer& j, const report& r) {
  if (!r.forecast) {
    j.key("forecast").null();
    return;
  }
  const auto& f = *r.forecast;
  j.key("forecast").begin_object();
  window(j, "horizon", f.horizon);
  j.key("model").string(f.model);
  j.key("weather_normalised").boolean(f.weather_normalised);
  j.key("temperature_assumption").string(f.temperature_assumption);
  j.key("interval_level").number(f.interval_level);
  j.key("expected_kwh").number(f.expected_kwh);
  j.key("lower_kwh").number(f.lower_kwh);
  j.key("upper_kwh").number(f.upper_kwh);
  j.key("days_predicted").integer(f.days_predicted);
  optional_money(j, "expected_cost_before_demand_charges", f.expected_cost);
  j.key("actual_so_far_kwh").string(format_kwh(f.actual_so_far));
  day_points(j, "daily", f.days);
  j.end_object();
}

void comparison_of(json_writer& j, const report& r) {
  j.key("comparison").begin_array();
  for (const auto& c : r.comparison) {
    j.begin_object();
    j.key("rank").integer(c.rank);
    j.key("building_id").string(c.building_id.to_string());
    j.key("name").string(c.name);
    if (c.square_footage)
      j.key("square_footage").integer(*c.square_footage);
    else
      j.key("square_footage").null();
    j.key("consumption_kwh").string(format_kwh(c.consumption));
    j.key("coverage").number(c.coverage);
    j.key("kwh_per_ft2").number(c.kwh_per_ft2);
    j.key("eui_kwh_per_ft2_year").number(c.eui_kwh_per_ft2_year);
    j.key("change_percent").number(c.change_percent);
    j.key("note").string(c.note);
    j.end_object();
  }
  j.end_array();
}

}  // namespace

std::string to_json(const report& r) {
  json_writer j;
  j.begin_object();
  j.key("report_id").string(r.report_id);
  j.key("generated_at").string(format_utc(r.generated_at));
  j.key("type").string(to_string(r.type));
  j.key("period").string(to_string(r.length));
  if (r.subject) {
    j.key("building").begin_object();
    j.key("id").string(r.subject->id.to_string());
    j.key("name").string(r.subject->name);
    j.key("time_zone").string(r.subject->time_zone);
    if (r.subject->square_footage)
      j.key("square_footage").integer(*r.subject->square_footage);
    else
      j.key("square_footage").null();
    j.key("primary_use").string(r.subject->primary_use);
    j.end_object();
  } else {
    j.key("building").null();
  }
  if (r.owner) {
    j.key("tenant").begin_object();
    j.key("id").string(r.owner->id.to_string());
    j.key("name").string(r.owner->name);
    j.end_object();
  } else {
    j.key("tenant").null();
  }
  j.key("time_zone").string(r.time_zone);
  window(j, "window", r.window);
  if (r.currency.empty())
    j.key("currency").null();
  else
    j.key("currency").string(r.currency);
  j.key("has_data").boolean(r.has_data);
  j.key("insights").begin_array();
  for (const auto& i : r.insights) {
    j.begin_object();
    j.key("topic").string(i.topic);
    j.key("text").string(i.text);
    evidence(j, i.evidence);
    j.end_object();
  }
  j.end_array();
  recommendations_of(j, r);
  kpis_of(j, r);
  baseline_of(j, r);
  forecast_of(j, r);
  day_points(j, "daily", r.daily);
  j.key("load_profile").begin_object();
  j.key("weekdays").begin_array();
  for (const char* d : {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"})
    j.string(d);
  j.end_array();
  j.key("mean_kwh").begin_array();
  for (std::size_t d = 0; d < 7; ++d) {
    j.begin_array();
    for (std::size_t h = 0; h < 24; ++h) {
      if (r.profile.samples[d][h] > 0)
        j.number(r.profile.mean_kwh[d][h]);
      else
        j.null();
    }
    j.end_array();
  }
  j.end_array();
  j.end_object();
  j.key("monthly").begin_array();
  for (const auto& m : r.monthly) {
    j.begin_object();
    j.key("month").string(fmt::format("{:04}-{:02}", static_cast<int>(m.month.year()),
                                      static_cast<unsigned>(m.month.month())));
    j.key("has_data").boolean(m.has_data);
    j.key("consumption_kwh").string(format_kwh(m.consumption));
    j.key("peak_demand_kw").string(format_kw(m.peak_demand));
    j.end_object();
  }
  j.end_array();
  bills_of(j, r);
  anomalies_of(j, r);
  comparison_of(j, r);
  j.key("notes").begin_array();
  for (const auto& n : r.notes)
    j.string(n);
  j.end_array();
  j.end_object();
  return j.take();
}

}  // namespace energy::report
