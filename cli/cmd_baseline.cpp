// SPDX-License-Identifier: Apache-2.0
// baseline fit|predict: fit a building's baseline model (TOWT with outdoor temperature, the
// weather-free seasonal profile, or TOWT on the utility's bills) on a local date range and save it
// as JSON; predict a range with it next to the actual load or bills (the avoided-energy view of a
// retrofit).
#include "bills_option.hpp"
#include "building_data.hpp"
#include "commands.hpp"
#include "output.hpp"

#include <energy/baseline/metrics.hpp>
#include <energy/baseline/seasonal.hpp>
#include <energy/baseline/towt.hpp>
#include <energy/baseline/towt_billing.hpp>
#include <energy/error.hpp>
#include <energy/io/model_json.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <fstream>
#include <sstream>

namespace energy::cli {
namespace {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text_file(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr)
    throw std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0;
  const int err = errno;
  if (std::fclose(f) != 0 || !ok)
    throw std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(err)));
}

std::string kwh_text(double v) {
  return std::isfinite(v) ? fmt::format("{:.3f}", v) : std::string();
}

/// A model file of either kind, with what predict needs to know about it.
struct loaded_model {
  std::string type;
  std::string zone;
  std::int64_t interval_seconds = 0;
  baseline::towt_model towt;
  baseline::seasonal_model seasonal;
  baseline::towt_billing_model bills;
};

loaded_model load_model(const std::string& path) {
  const auto text = read_text_file(path);
  loaded_model m;
  // The documents say their type; try the one they name (a bill model nests an hourly "towt").
  if (text.find("\"towt_billing\"") != std::string::npos) {
    m.type = "towt-bills";
    m.bills = io::towt_billing_model_from_json(text);
    m.zone = m.bills.hourly.zone;
    m.interval_seconds = m.bills.hourly.interval_seconds;
  } else if (text.find("\"towt\"") != std::string::npos) {
    m.type = "towt";
    m.towt = io::towt_model_from_json(text);
    m.zone = m.towt.zone;
    m.interval_seconds = m.towt.interval_seconds;
  } else if (text.find("\"seasonal\"") != std::string::npos) {
    m.type = "seasonal";
    m.seasonal = io::seasonal_model_from_json(text);
    m.zone = m.seasonal.zone;
    m.interval_seconds = m.seasonal.interval_seconds;
  } else {
    throw parse_error(path +
                      ": not a towt, seasonal or towt-bills baseline model (written by 'energy "
                      "baseline fit')");
  }
  return m;
}

/// The bills of --bills whose periods lie in a range, as usage periods (kWh; NaN where the file
/// states no consumption), and the range they span.
struct selected_bills {
  std::vector<baseline::usage_period> periods;
  time_range span;
};

selected_bills bills_in(const args& a, const building_context& bc, time_range range) {
  const auto file = read_bills_option(a, bc);
  std::vector<billing::utility_bill> inside;
  for (const auto& b : file.bills)
    if (range.start <= b.period.start && b.period.end <= range.end) inside.push_back(b);
  if (inside.empty())
    throw std::runtime_error(fmt::format("{}: no bill lies within {} to {}", file.path,
                                         format_local(range.start, bc.zone),
                                         format_local(range.end, bc.zone)));
  selected_bills out{.span = span_of(inside)};
  for (const auto& b : inside)
    out.periods.push_back({to_epoch(b.period.start), to_epoch(b.period.end),
                           b.consumption_stated ? static_cast<double>(b.consumption) / 1000.0
                                                : std::numeric_limits<double>::quiet_NaN()});
  return out;
}

/// `baseline fit --model towt-bills`: TOWT fitted to the bills, judged by Guideline 14's monthly
/// criteria on the bills.
int fit_on_bills(const args& a, storage::store& db, const building_context& bc, time_range range,
                 output_format format, const std::string& out) {
  const auto [bills, span] = bills_in(a, bc, range);
  const auto temps = outdoor_temperature(a, db, bc, span, "the towt-bills model needs it");
  const auto model = baseline::fit_towt_billing(bills, temps, {.zone = bc.zone});
  const auto fitted = baseline::predict(model, bills, temps);
  std::vector<double> actual;
  for (const auto& b : bills)
    actual.push_back(b.kwh);
  const auto m = baseline::compute_metrics(actual, fitted.expected, model.parameters);
  write_text_file(out, io::to_json(model) + "\n");
  const bool monthly_ok = baseline::passes_guideline14(m, baseline::data_resolution::monthly);
  write_rows(stdout, format,
             {"model", "bills", "parameters", "cv_rmse_percent", "nmbe_percent", "r_squared",
              "guideline14_monthly"},
             {false, true, true, true, true, true, false},
             {{"towt-bills", std::to_string(m.n), std::to_string(m.parameters),
               fmt::format("{:.2f}", 100.0 * m.cv_rmse), fmt::format("{:.2f}", 100.0 * m.nmbe),
               fmt::format("{:.4f}", m.r_squared), monthly_ok ? "pass" : "fail"}});
  fmt::print(stderr, "model written to {} ({} bills from {} to {}, {})\n", out, model.observations,
             format_local(span.start, bc.zone), format_local(span.end, bc.zone), bc.b.time_zone);
  return 0;
}

/// `baseline predict` with a towt-bills model: each bill of --bills in the range, its kWh beside
/// the model's.
int predict_bills(const args& a, storage::store& db, const building_context& bc,
                  const loaded_model& model, time_range range, output_format format) {
  const auto [bills, span] = bills_in(a, bc, range);
  const auto temps = outdoor_temperature(a, db, bc, span, "the towt-bills model needs it");
  const auto p = baseline::predict(model.bills, bills, temps);
  std::vector<std::vector<std::string>> rows;
  double actual_total = 0, expected_total = 0;
  std::size_t both = 0;
  for (std::size_t i = 0; i < bills.size(); ++i) {
    if (std::isfinite(bills[i].kwh) && std::isfinite(p.expected[i])) {
      actual_total += bills[i].kwh;
      expected_total += p.expected[i];
      ++both;
    }
    rows.push_back({format_local(from_epoch(bills[i].start), bc.zone),
                    format_local(from_epoch(bills[i].end), bc.zone), kwh_text(bills[i].kwh),
                    kwh_text(p.expected[i]), kwh_text(p.lower[i]), kwh_text(p.upper[i])});
  }
  write_rows(stdout, format,
             {"start", "end", "actual_kwh", "expected_kwh", "lower_kwh", "upper_kwh"},
             {false, false, true, true, true, true}, rows);
  fmt::print(stderr,
             "{} bills; where both are known ({}): actual {:.3f} kWh, expected {:.3f} kWh, "
             "difference {:.3f} kWh (towt-bills model, {:.0f}% interval)\n",
             bills.size(), both, actual_total, expected_total, actual_total - expected_total,
             100.0 * model.bills.interval_level);
  return 0;
}

int baseline_fit(const args& a, storage::store& db) {
  const auto format = parse_output_format(a.get_or("format", "table"));
  const auto kind = a.get("model");
  if (!kind) throw usage_error("missing required option --model (towt, seasonal or towt-bills)");
  if (*kind != "towt" && *kind != "seasonal" && *kind != "towt-bills")
    throw usage_error("--model: '" + *kind + "' (accepted: towt, seasonal, towt-bills)");
  const auto out = a.require("out");
  const auto bc = require_building(a, db);
  const auto range = require_local_range(a, bc.zone);
  if (*kind == "towt-bills") return fit_on_bills(a, db, bc, range, format, out);
  const auto meters = electricity_meters(a, db, bc);
  const auto load = load_of(read_intervals(db, bc, meters, range));
  if (load.size() == 0) throw std::runtime_error("no readings in the fit range: nothing to fit");

  baseline::prediction fitted;
  std::string json;
  std::size_t parameters = 0;
  if (*kind == "towt") {
    const auto temps = outdoor_temperature(a, db, bc, range, "the towt model needs it");
    const auto t = baseline::align_temperature(load.ts, temps);
    const baseline::towt_options o{.zone = bc.zone};
    const auto model = baseline::fit_towt(load, t, o);
    fitted = baseline::predict(model, load.ts, t);
    parameters = model.parameters;
    json = io::to_json(model);
  } else {
    const baseline::seasonal_options o{.zone = bc.zone};
    const auto model = baseline::fit_seasonal(load, o);
    fitted = baseline::predict(model, load.ts);
    parameters = model.parameters;
    json = io::to_json(model);
  }
  const auto m = baseline::compute_metrics(load.kwh, fitted.expected, parameters);
  write_text_file(out, json + "\n");
  const bool hourly_ok = baseline::passes_guideline14(m, baseline::data_resolution::hourly);
  write_rows(stdout, format,
             {"model", "rows", "parameters", "cv_rmse_percent", "nmbe_percent", "r_squared",
              "guideline14_hourly"},
             {false, true, true, true, true, true, false},
             {{*kind, std::to_string(m.n), std::to_string(m.parameters),
               fmt::format("{:.2f}", 100.0 * m.cv_rmse), fmt::format("{:.2f}", 100.0 * m.nmbe),
               fmt::format("{:.4f}", m.r_squared), hourly_ok ? "pass" : "fail"}});
  fmt::print(stderr, "model written to {} (fit on {} to {}, {})\n", out,
             format_local(range.start, bc.zone), format_local(range.end, bc.zone), bc.b.time_zone);
  return 0;
}

int baseline_predict(const args& a, storage::store& db) {
  const auto format = parse_output_format(a.get_or("format", "table"));
  const auto model = load_model(a.require("model"));
  const auto bc = require_building(a, db);
  if (model.zone != bc.b.time_zone)
    throw std::runtime_error(
        fmt::format("the model was fitted in {} but the building is in {}: "
                    "its time-of-week slots would be shifted",
                    model.zone, bc.b.time_zone));
  const auto range = require_local_range(a, bc.zone);
  if (model.type == "towt-bills") return predict_bills(a, db, bc, model, range, format);
  const auto meters = electricity_meters(a, db, bc);
  if (meters.front().interval_seconds != model.interval_seconds)
    throw std::runtime_error(
        fmt::format("the model predicts {}-second intervals but the meters "
                    "report every {} s",
                    model.interval_seconds, meters.front().interval_seconds));
  // Every interval of the range is predicted, read or not; actual is empty where it is missing.
  const auto data = read_intervals(db, bc, meters, range);
  std::vector<epoch_seconds> ts;
  for (auto t = to_epoch(range.start); t < to_epoch(range.end); t += model.interval_seconds)
    ts.push_back(t);
  baseline::prediction p;
  if (model.type == "towt")
    p = baseline::predict(
        model.towt, ts,
        baseline::align_temperature(
            ts, outdoor_temperature(a, db, bc, range, "the towt model needs it")));
  else
    p = baseline::predict(model.seasonal, ts);

  std::vector<std::vector<std::string>> rows;
  std::size_t k = 0;
  milli actual_total = 0;
  double expected_total = 0.0;
  std::size_t both = 0;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    while (k < data.size() && data.start[k] < ts[i])
      ++k;
    const bool read = k < data.size() && data.start[k] == ts[i];
    if (read && std::isfinite(p.expected[i])) {
      actual_total += data.energy[k];
      expected_total += p.expected[i];
      ++both;
    }
    rows.push_back({format_local(from_epoch(ts[i]), bc.zone),
                    read ? format_milli(data.energy[k]) : std::string(), kwh_text(p.expected[i]),
                    kwh_text(p.lower[i]), kwh_text(p.upper[i])});
  }
  write_rows(stdout, format, {"start", "actual_kwh", "expected_kwh", "lower_kwh", "upper_kwh"},
             {false, true, true, true, true}, rows);
  fmt::print(
      stderr,
      "{} intervals; where both are known ({}): actual {} kWh, expected {:.3f} kWh, "
      "difference {:.3f} kWh ({} model, {:.0f}% interval)\n",
      ts.size(), both, format_milli(actual_total), expected_total,
      static_cast<double>(actual_total) / 1000.0 - expected_total, model.type,
      100.0 * (model.type == "towt" ? model.towt.interval_level : model.seasonal.interval_level));
  return 0;
}

}  // namespace

int cmd_baseline(const args& a, storage::store& db) {
  const auto& p = a.positionals();
  if (p.size() < 2) throw usage_error("baseline needs a subcommand: fit or predict");
  if (p[1] == "fit") return baseline_fit(a, db);
  if (p[1] == "predict") return baseline_predict(a, db);
  throw usage_error("unknown baseline subcommand '" + p[1] + "' (fit or predict)");
}

}  // namespace energy::cli
