// SPDX-License-Identifier: Apache-2.0
// One name convention for every enum of the core (energy/enum_names.hpp); the adapters' enums are
// checked in their own test areas (modbus, mqtt, greenbutton).
#include <energy/anomaly/anomaly.hpp>
#include <energy/anomaly/detectors.hpp>
#include <energy/baseline/caltrack_hourly.hpp>
#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/eemeter_daily.hpp>
#include <energy/baseline/metrics.hpp>
#include <energy/baseline/towt.hpp>
#include <energy/billing/bill.hpp>
#include <energy/billing/bills_csv.hpp>
#include <energy/billing/reconcile.hpp>
#include <energy/billing/tariff.hpp>
#include <energy/enum_names.hpp>
#include <energy/ingest/reason.hpp>
#include <energy/model.hpp>
#include <energy/recommend/recommend.hpp>
#include <energy/recommend/weather.hpp>
#include <energy/report/render.hpp>
#include <energy/report/report.hpp>
#include <energy/summary.hpp>

#include <catch2/catch.hpp>

#include "support/enum_names_check.hpp"

using namespace energy;

#define ENERGY_CORE_ENUMS                                                                      \
  sensor_type, reading_kind, alert_window, resolution, summary_scope, anomaly::anomaly_kind,   \
      anomaly::severity, anomaly::schedule_status, anomaly::deviation_method,                  \
      baseline::temperature_unit, baseline::caltrack_segmentation, baseline::changepoint_kind, \
      baseline::temperature_input, baseline::day_pairing, baseline::data_resolution,           \
      baseline::occupancy_rule, baseline::eemeter_daily_form, baseline::eemeter_season,        \
      billing::line_kind, billing::end_date, billing::finding_kind, billing::charge_unit,      \
      ingest::reason, recommend::recommendation_kind, recommend::confidence_level,             \
      recommend::temperature_unit, report::report_type, report::period_length, report::csv_table

TEMPLATE_TEST_CASE(
    "every value of an enum has a distinct name that parses back to it, and "
    "an unknown name is a parse_error naming the enum and the accepted names",
    "[core][enum_names]", ENERGY_CORE_ENUMS) {
  energy::testing::check_enum_names<TestType>();
}

TEST_CASE("parse errors name the enum", "[core][enum_names]") {
  CHECK_THROWS_WITH(parse<sensor_type>("steam"),
                    "unknown sensor_type 'steam' (accepted: electricity, gas, water, thermal, "
                    "temperature)");
  CHECK_THROWS_WITH(parse<summary_scope>("tenant"),
                    "unknown summary_scope 'tenant' (accepted: sensor, building)");
  CHECK_THROWS_AS(parse<resolution>("Hour"), parse_error);  // names are case-sensitive
}

TEST_CASE("names on the wire are stable", "[core][enum_names]") {
  // Stored in SQL columns (summaries.scope, alert_configs.alert_window) and written to files.
  CHECK(to_string(summary_scope::sensor) == "sensor");
  CHECK(to_string(summary_scope::building) == "building");
  CHECK(to_string(alert_window::quarter_hour) == "15min");
  CHECK(to_string(resolution::month) == "month");
  CHECK(to_string(sensor_type::temperature) == "temperature");
  CHECK(to_string(reading_kind::cumulative_register) == "cumulative_register");
  CHECK(to_string(baseline::data_resolution::hourly) == "hourly");
  CHECK(to_string(baseline::temperature_unit::unspecified) == "unspecified");
  CHECK(to_string(baseline::day_pairing::utc) == "utc");
  CHECK(to_string(billing::end_date::inclusive) == "inclusive");
  CHECK(to_string(billing::charge_unit::per_day) == "per_day");
  CHECK(to_string(billing::line_kind::coincident_peak) == "coincident_peak");
  CHECK(to_string(report::csv_table::recommendations) == "recommendations");
  CHECK(to_string(ingest::reason::gap_too_long) == "gap_too_long");
}
