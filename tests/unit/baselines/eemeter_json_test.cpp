// SPDX-License-Identifier: Apache-2.0
// eemeter's serialized CalTRACK models: our fit written in eemeter's format and read back, the
// errors that name the field, and a daily model predicted by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <energy/baseline/caltrack_hourly.hpp>
#include <energy/error.hpp>
#include <energy/io/eemeter_json.hpp>

#include "sample_data.hpp"
#include "synthetic.hpp"

using namespace energy::baseline;
using Catch::Matchers::Contains;
using energy::epoch_seconds;
namespace io = energy::io;

namespace {
constexpr const char* zone = "America/Chicago";

struct fitted {
  load_series load;
  std::vector<double> temp;
  caltrack_hourly_model model;
};

const fitted& year_fit() {
  static const fitted f = [] {
    fitted out;
    out.load =
        synthetic::make_load(synthetic::make_truth(), sample::utc("2022-01-01T00:00:00-06:00"),
                             365 * 24, 3600, zone, 2.0, out.temp);
    const caltrack_hourly_options o{.zone = energy::time_zone{zone},
                                    .unit = temperature_unit::fahrenheit};
    out.model = fit_caltrack_hourly(out.load, out.temp, o);
    return out;
  }();
  return f;
}

/// Every occurrence (a segment appears twice in eemeter's file: segment_models and model_lookup).
std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  std::size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  for (; at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}
}  // namespace

TEST_CASE(
    "Our CalTRACK hourly fit written in eemeter's format reads back to the same predictions") {
  const fitted& f = year_fit();
  const std::string json = io::to_eemeter_json(f.model);
  CHECK_THAT(json, Contains("\"segment_type\":\"three_month_weighted\""));
  CHECK_THAT(json, Contains("\"C(hour_of_week)[0]\""));
  CHECK_THAT(json, Contains("meter_value ~ C(hour_of_week) - 1 + bin_0_occupied"));
  const caltrack_hourly_model back = io::caltrack_hourly_model_from_eemeter_json(
      json, energy::time_zone{zone}, temperature_unit::fahrenheit);
  REQUIRE(back.segments.size() == 12);
  for (std::size_t k = 0; k < 12; ++k) {
    CHECK(back.segments[k].occupied == f.model.segments[k].occupied);
    CHECK(back.segments[k].occupied_bin_endpoints == f.model.segments[k].occupied_bin_endpoints);
    CHECK(back.segments[k].unoccupied_bin_endpoints ==
          f.model.segments[k].unoccupied_bin_endpoints);
  }
  const prediction a = predict(f.model, f.load.ts, f.temp);
  const prediction b = predict(back, f.load.ts, f.temp);
  for (std::size_t i = 0; i < a.size(); ++i)
    REQUIRE(a.expected[i] == b.expected[i]);  // shortest round-trip doubles: bit-identical
}

TEST_CASE(
    "eemeter hourly files: unknown terms, parameters and shapes are refused naming the field") {
  const std::string json = io::to_eemeter_json(year_fit().model);
  auto load = [](const std::string& j) {
    return io::caltrack_hourly_model_from_eemeter_json(j, energy::time_zone{zone},
                                                       temperature_unit::fahrenheit);
  };
  CHECK_THROWS_AS(load(replace_all(json, "+ bin_0_occupied", "+ bin_0:hdd")), energy::parse_error);
  CHECK_THROWS_WITH(
      load(replace_all(json, "+ bin_0_occupied", "+ bin_0:hdd")),
      Contains("model.segment_models[0].formula") && Contains("unknown term '+bin_0:hdd'"));
  CHECK_THROWS_WITH(load(replace_all(json, "C(hour_of_week) - 1", "C(hour_of_week)")),
                    Contains("C(hour_of_week) - 1"));
  CHECK_THROWS_WITH(load(replace_all(json, "\"C(hour_of_week)[0]\"", "\"Intercept\"")),
                    Contains("model_params['Intercept']"));
  CHECK_THROWS_WITH(load(replace_all(json, "\"segment_type\":\"three_month_weighted\"",
                                     "\"segment_type\":\"two_month\"")),
                    Contains("field 'model.segment_type'"));
  CHECK_THROWS_WITH(load(replace_all(json, "\"occupancy_lookup\"", "\"occupancy\"")),
                    Contains("model.occupancy_lookup' is missing"));
  CHECK_THROWS_WITH(
      load("{\"status\":\"NO DATA\",\"method_name\":\"caltrack_hourly\",\"model\":null}"),
      Contains("NO DATA"));
  CHECK_THROWS_WITH(load("{not json"), Contains("not valid JSON"));
  // eemeter's metrics may hold NaN / Infinity (Python's json.dumps writes them bare); a string
  // that mentions NaN is left alone.
  const std::string nan_metrics =
      replace_all(replace_all(json, "\"totals_metrics\":null",
                              "\"totals_metrics\":{\"x\":NaN,\"y\":-Infinity,\"z\":Infinity}"),
                  "\"metadata\":{}", "\"metadata\":{\"note\":\"NaN \\\" Infinity\"}");
  CHECK_NOTHROW(load(nan_metrics));
  CHECK_THROWS_AS(io::caltrack_hourly_model_from_eemeter_json(json, energy::time_zone{zone},
                                                              temperature_unit::unspecified),
                  std::invalid_argument);
}

TEST_CASE("eemeter daily models predict days * (intercept + betas * degree days), by hand") {
  const std::string json = R"({"status": "SUCCESS", "method_name": "caltrack_daily_method",
    "model": {"model_type": "cdd_hdd", "formula": "meter_value ~ cdd_65 + hdd_50",
      "status": "QUALIFIED", "r_squared_adj": 0.8, "warnings": [],
      "model_params": {"intercept": 10.0, "beta_cdd": 2.0, "cooling_balance_point": 65,
                       "beta_hdd": 1.5, "heating_balance_point": 50}},
    "r_squared_adj": 0.8, "warnings": [], "metadata": {}, "settings": {}})";
  const changepoint_model m =
      io::changepoint_model_from_eemeter_json(json, energy::time_zone{zone});
  CHECK(m.kind == changepoint_kind::heating_cooling);
  CHECK(m.min_samples_per_day == 13);
  // Day 1 at a constant 70 °F (CDD 5), day 2 at 40 °F (HDD 10), hourly samples.
  const epoch_seconds d1 = sample::utc("2023-03-01T00:00:00-06:00");
  temperature_series t;
  for (int h = 0; h < 48; ++h) {
    t.ts.push_back(d1 + h * 3600);
    t.value.push_back(h < 24 ? 70.0 : 40.0);
  }
  const std::vector<usage_period> periods = {{d1, d1 + 86400, 0}, {d1, d1 + 2 * 86400, 0}};
  const prediction p = predict(m, periods, t);
  CHECK(p.expected[0] == Approx(10 + 2.0 * 5));
  CHECK(p.expected[1] == Approx(2 * 10 + 2.0 * 5 + 1.5 * 10));
  CHECK(std::isnan(p.lower[0]));  // no residual sd in eemeter's file

  auto load = [](const std::string& j) {
    return io::changepoint_model_from_eemeter_json(j, energy::time_zone{zone});
  };
  CHECK_THROWS_WITH(load(replace_all(json, "\"cdd_hdd\"", "\"cdd_hdd_tidd\"")),
                    Contains("field 'model.model_type'") && Contains("cdd_hdd_tidd"));
  CHECK_THROWS_WITH(load(replace_all(json, "\"beta_hdd\"", "\"beta_tidd\"")),
                    Contains("model.model_params.beta_tidd"));
  CHECK_THROWS_WITH(load(replace_all(json, "\"cdd_hdd\"", "\"cdd_only\"")),
                    Contains("model.model_params.beta_hdd") &&
                        Contains("not a parameter of model_type cdd_only"));
  CHECK_THROWS_WITH(load(R"({"status": "NO MODEL", "model": null})"), Contains("NO MODEL"));
  CHECK_THROWS_WITH(
      load(replace_all(json, "\"heating_balance_point\": 50", "\"heating_balance_point\": 70")),
      Contains("field 'model.model_params' does not make a model") &&
          Contains("heating balance point"));
  // Python's json.dumps writes NaN / Infinity bare: they load as null, and where a number is
  // needed the field is named.
  const auto with_nan = load(replace_all(json, "\"r_squared_adj\": 0.8, \"warnings\"",
                                         "\"r_squared_adj\": NaN, \"warnings\""));
  CHECK(with_nan.cooling_slope == 2.0);
  CHECK_THROWS_WITH(load(replace_all(json, "\"beta_cdd\": 2.0", "\"beta_cdd\": -Infinity")),
                    Contains("model.model_params.beta_cdd' is not a number"));
  // A bare candidate (CalTRACKUsagePerDayCandidateModel.json()) is accepted too.
  const auto bare = load(R"({"model_type": "intercept_only", "model_params": {"intercept": 4}})");
  CHECK(bare.kind == changepoint_kind::intercept_only);
  CHECK(bare.base_load == 4);
}
