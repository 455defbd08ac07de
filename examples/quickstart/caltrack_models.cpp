// SPDX-License-Identifier: Apache-2.0
// Demonstrates: CalTRACK baselines shared with the reference implementation (eemeter). A daily
// model fitted by eemeter is evaluated from its JSON; a CalTRACK hourly model fitted here is
// written in eemeter's format and read back with the same predictions.
#include <energy/baseline/caltrack_hourly.hpp>
#include <energy/baseline/changepoint.hpp>
#include <energy/io/eemeter_json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

int main() {
  using namespace energy::baseline;
  // The building's zone: an unknown name throws std::invalid_argument here, not inside a fit.
  const energy::time_zone zone{"America/Chicago"};
  const energy::epoch_seconds jan1 = 1640995200 + 6 * 3600;  // 2022-01-01T00:00:00-06:00

  // 1. eemeter's CalTRACKUsagePerDayModelResults.json() for a cooling-only building (°F).
  const std::string daily_json = R"({"status": "SUCCESS", "method_name": "caltrack_daily_method",
    "model": {"model_type": "cdd_only", "formula": "meter_value ~ cdd_62", "status": "QUALIFIED",
              "model_params": {"intercept": 7.5, "beta_cdd": 3.6, "cooling_balance_point": 62}}})";
  const changepoint_model daily = energy::io::changepoint_model_from_eemeter_json(daily_json, zone);
  temperature_series hourly_temps;  // a hot July day: 80 °F all day, 3 days from 2022-07-01
  const energy::epoch_seconds jul1 = 1656651600;  // 2022-07-01T00:00:00-05:00
  for (int h = 0; h < 72; ++h) {
    hourly_temps.ts.push_back(jul1 + h * 3600);
    hourly_temps.value.push_back(80.0);
  }
  const std::vector<usage_period> three_days = {{jul1, jul1 + 3 * 86400, 0}};
  const double expected = predict(daily, three_days, hourly_temps).expected[0];
  std::printf("eemeter daily model, 3 days at 80 F: %.1f kWh\n", expected);  // 3*(7.5+3.6*18)
  if (std::fabs(expected - 3 * (7.5 + 3.6 * 18)) > 1e-9) return 1;

  // 2. CalTRACK hourly on a year of hourly rows (a weekday schedule and a cooling load).
  load_series load;
  std::vector<double> temp;
  for (int i = 0; i < 365 * 24; ++i) {
    const energy::epoch_seconds t = jan1 + static_cast<energy::epoch_seconds>(i) * 3600;
    const double day = i / 24.0;
    const double tf =
        55 + 25 * std::sin(2 * M_PI * (day - 100) / 365) + 8 * std::sin(2 * M_PI * (day - 0.3));
    const int how = time_of_week(std::vector<energy::epoch_seconds>{t}, zone)[0];
    const bool open = how < 120 && how % 24 >= 8 && how % 24 < 18;
    load.ts.push_back(t);
    temp.push_back(tf);
    load.kwh.push_back((open ? 40.0 : 12.0) + 0.6 * std::max(tf - 65, 0.0));
  }
  // Both required (no defaults): the zone of time of week, and the unit (the method's constants
  // are °F).
  const caltrack_hourly_options options{.zone = zone, .unit = temperature_unit::fahrenheit};
  const caltrack_hourly_model model = fit_caltrack_hourly(load, temp, options);
  const std::string json = energy::io::to_eemeter_json(model);  // eemeter can load this
  const caltrack_hourly_model back =
      energy::io::caltrack_hourly_model_from_eemeter_json(json, zone, temperature_unit::fahrenheit);
  const prediction a = predict(model, load.ts, temp);
  const prediction b = predict(back, load.ts, temp);
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a.expected[i] != b.expected[i]) return 1;
  std::printf(
      "CalTRACK hourly: %zu segments, July occupied slots %d, JSON %zu bytes\n",
      model.segments.size(),
      [&] {
        int n = 0;
        for (auto o : model.segments[6].occupied)
          n += o;
        return n;
      }(),
      json.size());
  std::printf("ok\n");
  return 0;
}
