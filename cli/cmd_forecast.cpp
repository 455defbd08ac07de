// SPDX-License-Identifier: Apache-2.0
// forecast: the expected consumption of a building's next week/month/quarter/year, day by day
// with its band, from the report module's forecast (a baseline fitted on the year before).
#include "building_data.hpp"
#include "commands.hpp"
#include "output.hpp"

#include <energy/report/report.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

namespace energy::cli {
namespace {

std::chrono::local_days parse_local_date(std::string_view option, const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char dash1 = 0, dash2 = 0;
  if (text.size() != 10 ||
      std::sscanf(text.c_str(), "%4d%c%2u%c%2u", &y, &dash1, &m, &dash2, &d) != 5 || dash1 != '-' ||
      dash2 != '-')
    throw usage_error(fmt::format("--{}: '{}' is not a date YYYY-MM-DD", option, text));
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) throw usage_error(fmt::format("--{}: '{}' is not a calendar date", option, text));
  return std::chrono::local_days{ymd};
}

std::string optional_kwh(const std::optional<double>& v) {
  return v ? fmt::format("{:.3f}", *v) : std::string();
}

}  // namespace

int cmd_forecast(const args& a, storage::store& db) {
  const auto format = parse_output_format(a.get_or("format", "table"));
  const auto bc = require_building(a, db);
  report::report_request q;
  q.type = report::report_type::forecast;
  q.building_id = bc.b.id;
  const auto period = a.get("period");
  if (!period) throw usage_error("missing required option --period (week, month, quarter, year)");
  q.period = enum_option<report::period_length>(a, "period", *period);
  // The horizon starts at --from; the report module calls that date the end of the history.
  q.end = parse_local_date("from", a.require("from"));
  if (auto n = a.get("now")) {
    const auto t = parse_utc_timestamp(*n);
    if (!t) throw usage_error("--now: '" + *n + "' is not a timestamp with an offset");
    q.now = *t;
  } else {
    q.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
  const auto r = report::build_report(db, q);
  if (!r.forecast) {
    for (const auto& n : r.notes)
      fmt::print(stderr, "note: {}\n", n);
    throw std::runtime_error("no forecast for this building and period (see the notes above)");
  }
  const auto& f = *r.forecast;
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : f.days)
    rows.push_back({format_local(d.range.start, bc.zone).substr(0, 10),
                    optional_kwh(d.expected_kwh), optional_kwh(d.lower_kwh),
                    optional_kwh(d.upper_kwh),
                    d.range.start < q.now ? format_milli(d.consumption) : std::string()});
  write_rows(stdout, format, {"day", "expected_kwh", "lower_kwh", "upper_kwh", "actual_kwh"},
             {false, true, true, true, true}, rows);
  fmt::print(stderr,
             "forecast {} ({} days predicted): expected {:.3f} kWh [{:.3f}, {:.3f}] at {:.0f}%; "
             "model {} ({}); temperatures: {}; recorded so far {} kWh\n",
             f.horizon.label, f.days_predicted, f.expected_kwh, f.lower_kwh, f.upper_kwh,
             100.0 * f.interval_level, f.model,
             f.weather_normalised ? "weather-normalised" : "weather-free", f.temperature_assumption,
             format_milli(f.actual_so_far));
  return 0;
}

}  // namespace energy::cli
