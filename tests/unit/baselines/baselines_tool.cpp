// SPDX-License-Identifier: Apache-2.0
// baselines_tool: reproducible accuracy report and cross-check/benchmark helper for the
// baseline models, on the OpenEEmeter sample data (../shared/data/eemeter, Apache-2.0).
//
//   baselines_tool report [--data DIR]              markdown metrics table (docs/baselines.md)
//   baselines_tool dump-towt PREFIX [--dataset il|uk1] [--data DIR]
//       TOWT inputs and fit (IL baseline year hourly, or UK sample-1 first year half-hourly)
//       for the numpy cross-check and the scikit-learn benchmark
//   baselines_tool time-towt [--dataset il|uk1] [--repeat N] [--data DIR]
//       median seconds of one TOWT fit from the raw series
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/metrics.hpp>
#include <energy/baseline/seasonal.hpp>
#include <energy/baseline/towt.hpp>

#include "sample_data.hpp"

using namespace energy::baseline;
using energy::epoch_seconds;
namespace s = energy::baseline::sample;

namespace {

struct il_hourly {
  load_series base, report;
  std::vector<double> base_temp, report_temp;
  temperature_series temps;
};

// IL files: baseline year before the 2016-12-26 "blackout", reporting year after it.
constexpr const char* il_base_from = "2015-12-26T00:00:00-06:00";
constexpr const char* il_base_to = "2016-12-26T00:00:00-06:00";
constexpr const char* il_report_from = "2017-01-04T00:00:00-06:00";
constexpr const char* il_report_to = "2018-01-04T00:00:00-06:00";
constexpr const char* il_zone = "America/Chicago";

il_hourly load_il(const std::string& dir) {
  const auto load = s::read_offset_csv(dir + "/eemeter/il-electricity-cdd-only-hourly.csv");
  const auto temp = s::read_offset_csv(dir + "/eemeter/il-electricity-cdd-hdd-tempF.csv");
  il_hourly out;
  out.temps = s::to_temperature(temp);
  out.base = s::to_load(s::window(load, s::utc(il_base_from), s::utc(il_base_to)), 3600);
  out.report = s::to_load(s::window(load, s::utc(il_report_from), s::utc(il_report_to)), 3600);
  out.base_temp = align_temperature(out.base.ts, out.temps);
  out.report_temp = align_temperature(out.report.ts, out.temps);
  return out;
}

double coverage(std::span<const double> actual, const prediction& p) {
  std::size_t in = 0, n = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (!std::isfinite(actual[i]) || !std::isfinite(p.expected[i])) continue;
    ++n;
    in += actual[i] >= p.lower[i] && actual[i] <= p.upper[i] ? 1 : 0;
  }
  return n ? static_cast<double>(in) / static_cast<double>(n) : std::nan("");
}

void row(const std::string& data, const std::string& model, const std::string& period,
         data_resolution res, std::span<const double> actual, const prediction& p,
         std::size_t params, bool with_coverage) {
  const fit_metrics m = compute_metrics(actual, p.expected, params);
  char buf[512];
  std::snprintf(
      buf, sizeof buf, "| %s | %s | %s | %zu | %zu | %.1f | %+.2f | %.3f | %.1f | %s | %s |",
      data.c_str(), model.c_str(), period.c_str(), m.n, m.parameters, 100 * m.cv_rmse, 100 * m.nmbe,
      m.r_squared, 100 * m.mape, passes_guideline14(m, res) ? "pass" : "fail",
      with_coverage
          ? (std::to_string(static_cast<int>(std::lround(100 * coverage(actual, p)))) + " %")
                .c_str()
          : "–");
  std::cout << buf << "\n";
}

std::vector<double> period_kwh(const std::vector<usage_period>& p) {
  std::vector<double> v;
  for (const auto& u : p)
    v.push_back(u.kwh);
  return v;
}

std::vector<usage_period> periods_between(const std::vector<usage_period>& p, epoch_seconds from,
                                          epoch_seconds to) {
  std::vector<usage_period> out;
  for (const auto& u : p)
    if (u.start >= from && u.end <= to) out.push_back(u);
  return out;
}

std::string describe(const changepoint_model& m) {
  char buf[256];
  const auto kind = to_string(m.kind);
  std::snprintf(buf, sizeof buf, "CP %.*s (base %.2f", static_cast<int>(kind.size()), kind.data(),
                m.base_load);
  std::string out = buf;
  if (std::isfinite(m.heating_balance_point)) {
    std::snprintf(buf, sizeof buf, ", HDD %.4g/°@%g", m.heating_slope, m.heating_balance_point);
    out += buf;
  }
  if (std::isfinite(m.cooling_balance_point)) {
    std::snprintf(buf, sizeof buf, ", CDD %.4g/°@%g", m.cooling_slope, m.cooling_balance_point);
    out += buf;
  }
  return out + ")";
}

/// Cross-validation split of one series: every 4th local week held out.
void split_weeks(const load_series& l, const std::vector<double>& t, load_series& fit,
                 std::vector<double>& fit_t, load_series& hold, std::vector<double>& hold_t) {
  fit = hold = load_series{};
  fit.interval_seconds = hold.interval_seconds = l.interval_seconds;
  fit_t.clear();
  hold_t.clear();
  for (std::size_t i = 0; i < l.size(); ++i) {
    const bool h = ((l.ts[i] - l.ts[0]) / (7 * 86400)) % 4 == 3;
    (h ? hold : fit).ts.push_back(l.ts[i]);
    (h ? hold : fit).kwh.push_back(l.kwh[i]);
    (h ? hold_t : fit_t).push_back(t[i]);
  }
}

void towt_rows(const std::string& name, const std::string& zone, const load_series& base,
               const std::vector<double>& base_t, const load_series& rep,
               const std::vector<double>& rep_t) {
  towt_options o{.zone = energy::time_zone{zone}};
  const towt_model m = fit_towt(base, base_t, o);
  const prediction fitted = predict(m, base.ts, base_t);
  row(name, "TOWT", "baseline (in-sample)", data_resolution::hourly, base.kwh, fitted, m.parameters,
      true);
  {
    std::vector<double> a, f;
    s::monthly_sums(base, fitted.expected, zone, a, f);
    prediction monthly;
    monthly.expected = f;
    row(name, "TOWT summed to calendar months", "baseline (in-sample)", data_resolution::monthly, a,
        monthly, 0, false);
  }
  load_series f, h;
  std::vector<double> ft, ht;
  split_weeks(base, base_t, f, ft, h, ht);
  const towt_model mcv = fit_towt(f, ft, o);
  row(name, "TOWT", "held-out weeks (every 4th)", data_resolution::hourly, h.kwh,
      predict(mcv, h.ts, ht), 0, true);
  if (rep.size() > 0)
    row(name, "TOWT", "reporting (out-of-sample)", data_resolution::hourly, rep.kwh,
        predict(m, rep.ts, rep_t), 0, true);
  seasonal_options so{.zone = energy::time_zone{zone}};
  const seasonal_model sm = fit_seasonal(base, so);
  row(name, "seasonal (no weather)", "baseline (in-sample)", data_resolution::hourly, base.kwh,
      predict(sm, base.ts), sm.parameters, true);
  const seasonal_model smcv = fit_seasonal(f, so);
  row(name, "seasonal (no weather)", "held-out weeks (every 4th)", data_resolution::hourly, h.kwh,
      predict(smcv, h.ts), 0, true);
}

void cp_rows(const std::string& name, const std::vector<usage_period>& all,
             const temperature_series& temps, const changepoint_options& o, epoch_seconds base_from,
             epoch_seconds base_to, epoch_seconds rep_from, epoch_seconds rep_to,
             data_resolution res) {
  const auto base = periods_between(all, base_from, base_to);
  const auto rep = periods_between(all, rep_from, rep_to);
  const changepoint_model m = fit_changepoint(base, temps, o);
  row(name, describe(m), "baseline (in-sample)", res, period_kwh(base), predict(m, base, temps),
      m.parameters, true);
  if (!rep.empty())
    row(name, describe(m), "reporting (out-of-sample)", res, period_kwh(rep),
        predict(m, rep, temps), 0, true);
}

/// Not a model: the noise floor of an hourly series. Predicts each hour as the day's exact
/// total (known only after the fact) times the mean share of that local hour of the day.
prediction daily_total_oracle(const load_series& l, const std::string& zone) {
  const auto z = energy::find_zone(zone);
  std::vector<long> day(l.size());
  std::vector<int> hour(l.size());
  std::map<long, double> totals;
  std::vector<double> hour_sum(24, 0.0);
  for (std::size_t i = 0; i < l.size(); ++i) {
    const auto local = z.to_local(energy::from_epoch(l.ts[i]));
    const auto d = std::chrono::floor<std::chrono::days>(local);
    day[i] = d.time_since_epoch().count();
    hour[i] = static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(local - d).count());
    totals[day[i]] += l.kwh[i];
    hour_sum[static_cast<std::size_t>(hour[i])] += l.kwh[i];
  }
  double all = 0;
  for (double h : hour_sum)
    all += h;
  prediction p;
  for (std::size_t i = 0; i < l.size(); ++i)
    p.expected.push_back(totals[day[i]] * hour_sum[static_cast<std::size_t>(hour[i])] / all);
  return p;
}

int report(const std::string& dir) {
  std::cout << "| data | model | period | n | p | CV(RMSE) % | NMBE % | R² | MAPE % | G14 | PI "
               "coverage (90 % nominal) |\n"
               "|---|---|---|---|---|---|---|---|---|---|---|\n";
  const il_hourly il = load_il(dir);
  towt_rows("IL hourly (°F)", il_zone, il.base, il.base_temp, il.report, il.report_temp);
  row("IL hourly (°F)", "noise floor: exact daily totals x mean hourly shape (not a model)",
      "baseline", data_resolution::hourly, il.base.kwh, daily_total_oracle(il.base, il_zone), 0,
      false);
  const epoch_seconds bf = s::utc(il_base_from), bt = s::utc(il_base_to),
                      rf = s::utc(il_report_from), rt = s::utc(il_report_to);
  changepoint_options o{.zone = energy::time_zone{il_zone}};
  cp_rows("IL daily (°F)",
          s::periods_of(s::read_offset_csv(dir + "/eemeter/il-electricity-cdd-only-daily.csv")),
          il.temps, o, bf, bt, rf, rt, data_resolution::daily);
  // Billing periods do not align with the split dates: baseline = bills ending before the
  // blackout, reporting = bills starting after it.
  const epoch_seconds first = s::utc("2015-11-22T00:00:00-06:00");
  cp_rows("IL monthly bills (°F)",
          s::periods_of(
              s::read_offset_csv(dir + "/eemeter/il-electricity-cdd-only-billing_monthly.csv")),
          il.temps, o, first, s::utc("2016-12-27T00:00:00-06:00"), rf,
          s::utc("2018-03-01T00:00:00-06:00"), data_resolution::monthly);
  cp_rows("IL bimonthly bills (°F)",
          s::periods_of(
              s::read_offset_csv(dir + "/eemeter/il-electricity-cdd-only-billing_bimonthly.csv")),
          il.temps, o, first, s::utc("2016-12-27T00:00:00-06:00"), rf,
          s::utc("2018-03-01T00:00:00-06:00"), data_resolution::monthly);

  // UK: half-hourly residential meters, naive Europe/London timestamps, hourly °C.
  const std::string uk = "Europe/London";
  const auto uk_temp =
      s::to_temperature(s::read_naive_csv(dir + "/eemeter/uk-tempC-sample-1_2.csv", uk, 1, 2));
  const epoch_seconds ub = s::utc("2012-10-12T00:00:00+01:00"),
                      ue = s::utc("2013-10-12T00:00:00+01:00"), ur = s::utc("2014-01-25T00:00:00Z");
  for (int k = 1; k <= 2; ++k) {
    const auto raw = s::read_naive_csv(
        dir + "/eemeter/uk-electricity-hdd-only-hourly-sample-" + std::to_string(k) + ".csv", uk, 0,
        1);
    const load_series base = s::to_load(s::window(raw, ub, ue), 1800);
    const load_series rep = s::to_load(s::window(raw, ue, ur), 1800);
    const std::string name = "UK sample-" + std::to_string(k) + " half-hourly (°C)";
    towt_rows(name, uk, base, align_temperature(base.ts, uk_temp), rep,
              align_temperature(rep.ts, uk_temp));
    const auto days = local_day_totals(s::to_load(raw, 1800), energy::time_zone{uk});
    cp_rows("UK sample-" + std::to_string(k) + " daily (°C)", days, uk_temp,
            changepoint_options::celsius(energy::time_zone{uk}), ub, ue, ue, ur,
            data_resolution::daily);
  }
  return 0;
}

struct towt_input {
  load_series load;
  std::vector<double> temp;
  towt_options options{.zone = energy::time_zone::utc()};  // zone set per dataset
};

/// The IL baseline year (hourly, °F) or UK sample-1's first year (half-hourly, °C).
towt_input towt_dataset(const std::string& dataset, const std::string& dir) {
  towt_input in;
  if (dataset == "il") {
    il_hourly il = load_il(dir);
    in.load = std::move(il.base);
    in.temp = std::move(il.base_temp);
    in.options.zone = energy::time_zone{il_zone};
  } else if (dataset == "uk1") {
    const std::string uk = "Europe/London";
    in.options.zone = energy::time_zone{uk};
    const auto t =
        s::to_temperature(s::read_naive_csv(dir + "/eemeter/uk-tempC-sample-1_2.csv", uk, 1, 2));
    const auto raw =
        s::read_naive_csv(dir + "/eemeter/uk-electricity-hdd-only-hourly-sample-1.csv", uk, 0, 1);
    in.load = s::to_load(
        s::window(raw, s::utc("2012-10-12T00:00:00+01:00"), s::utc("2013-10-12T00:00:00+01:00")),
        1800);
    in.temp = align_temperature(in.load.ts, t);
  } else {
    throw std::invalid_argument("unknown dataset '" + dataset + "' (il, uk1)");
  }
  return in;
}

int dump_towt(const std::string& prefix, const std::string& dir, const std::string& dataset) {
  const towt_input in = towt_dataset(dataset, dir);
  const load_series& load = in.load;
  const std::vector<double>& temp = in.temp;
  const towt_model m = fit_towt(load, temp, in.options);
  const auto tow = time_of_week(load.ts, in.options.zone);
  std::ofstream rows(prefix + "_rows.csv");
  rows.precision(17);
  rows << "ts,load,temperature,tow\n";
  for (std::size_t i = 0; i < load.size(); ++i)
    rows << load.ts[i] << ',' << load.kwh[i] << ',' << temp[i] << ',' << int{tow[i]} << '\n';
  std::ofstream model(prefix + "_model.txt");
  model.precision(17);
  auto line = [&](const char* key, const auto& v) {
    model << key;
    for (const auto& x : v)
      model << ' ' << +x;
    model << '\n';
  };
  model << "zone " << m.zone << '\n';
  line("knots", m.knots);
  line("occupied", m.occupied);
  line("tow_coefficients", m.tow_coefficients);
  line("occupied_slopes", m.occupied_slopes);
  line("unoccupied_slopes", m.unoccupied_slopes);
  model << "parameters " << m.parameters << '\n';
  return rows && model ? 0 : 1;
}

int time_towt(int repeat, const std::string& dir, const std::string& dataset) {
  const towt_input in = towt_dataset(dataset, dir);
  std::vector<double> secs, cpu;
  double sink = 0;
  for (int r = 0; r < repeat; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    const towt_model m = fit_towt(in.load, in.temp, in.options);
    cpu.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    sink += m.occupied_slopes[0];
  }
  std::sort(secs.begin(), secs.end());
  std::sort(cpu.begin(), cpu.end());
  std::cout << "rows " << in.load.size() << "\nmedian_seconds " << secs[secs.size() / 2]
            << "\nmedian_cpu_seconds " << cpu[cpu.size() / 2] << "\nchecksum " << sink << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string dir = s::data_dir();
  int repeat = 21;
  std::string dataset = "il";
  std::vector<std::string> pos;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--data" && i + 1 < args.size())
      dir = args[++i];
    else if (args[i] == "--dataset" && i + 1 < args.size())
      dataset = args[++i];
    else if (args[i] == "--repeat" && i + 1 < args.size())
      repeat = std::max(1, std::atoi(args[++i].c_str()));
    else
      pos.push_back(args[i]);
  }
  try {
    if (!pos.empty() && (pos[0] == "report" || pos[0] == "--report")) return report(dir);
    if (pos.size() == 2 && pos[0] == "dump-towt") return dump_towt(pos[1], dir, dataset);
    if (!pos.empty() && pos[0] == "time-towt") return time_towt(repeat, dir, dataset);
  } catch (const std::exception& e) {
    std::cerr << "baselines_tool: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: baselines_tool report | dump-towt PREFIX | time-towt  [--dataset il|uk1] "
               "[--repeat N] [--data DIR]\n";
  return 2;
}
