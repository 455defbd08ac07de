// SPDX-License-Identifier: Apache-2.0
// eemeter 4 / OpenDSM non-legacy hourly models: predictions of small models against values
// computed by hand (per-hour outputs over the whole day's features, bins, edge-bin exponentials,
// the day's categories, daylight-saving days), eemeter's feature order, the JSON reader, and every
// error.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <energy/baseline/eemeter_hourly.hpp>
#include <energy/error.hpp>
#include <energy/io/eemeter_hourly_json.hpp>

#include "sample_data.hpp"

using namespace energy::baseline;
using Catch::Matchers::Contains;
using energy::epoch_seconds;
using energy::baseline::sample::utc;
namespace io = energy::io;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr const char* chicago = "America/Chicago";

/// One cluster, bins (-inf, 50] and (50, inf), t = (T - 50) / 10, y = 100 + 2 * scaled output.
/// Row h: 1 x temporal_cluster_0_ts at hour h, intercept 0.5 (so y[h] = 101 + 2 t_h); row 0
/// also 0.5 x the cluster feature at hour 2; row 5 also 0.25 x temp_bin_1_ts at hour 0; row 7
/// also 3 x the categorical temp_bin_1 (the day's first hour above 50 °F).
eemeter_hourly_model hand_model(const std::string& zone = "UTC") {
  eemeter_hourly_model m;
  m.zone = zone;
  m.unit = temperature_unit::fahrenheit;
  m.temperature_mean = 50;
  m.temperature_scale = 10;
  m.observed_mean = 100;
  m.observed_scale = 2;
  m.bin_edges = {-inf, 50, inf};
  m.cluster_count = 1;
  for (auto& month : m.day_cluster)
    month.fill(0);
  const std::size_t n = eemeter_hourly_coefficient_count(m);  // 3 x 24 + 3
  m.coefficients.assign(24 * n, 0.0);
  for (std::size_t h = 0; h < 24; ++h) {
    m.coefficients[h * n + h] = 1.0;
    m.intercept[h] = 0.5;
  }
  m.coefficients[0 * n + 2] = 0.5;
  m.coefficients[5 * n + 2 * 24 + 0] = 0.25;
  m.coefficients[7 * n + 72 + 2] = 3.0;
  return m;
}

temperature_series hours_from(epoch_seconds start, const std::vector<double>& temps) {
  temperature_series s;
  for (std::size_t i = 0; i < temps.size(); ++i) {
    s.ts.push_back(start + static_cast<epoch_seconds>(i) * 3600);
    s.value.push_back(temps[i]);
  }
  return s;
}

std::string with(std::string json, const std::string& from, const std::string& to) {
  const auto at = json.find(from);
  REQUIRE(at != std::string::npos);
  return json.replace(at, from.size(), to);
}

constexpr const char* edge_object =
    R"({"0": {"t_a": 0.5, "t_b": 0.25, "k": 0.5, "a": 0.2}, "1": {"t_a": 0.4, "t_b": -0.2, "k": 0.8, "a": 0.3}})";
constexpr const char* bin_object =
    R"({"method": "set_bin_width", "n_bins": null, "bin_width": 12.0, "include_edge_bins": false, )"
    R"("edge_bin_rate": null, "edge_bin_percent": null, "edge_bin_temperature_range_offset": 1.0})";

/// hand_model() as to_json() writes it; with edge bins, its coefficient rows widen to 171 with
/// one coefficient: row 3, temp_bin_0_pos_exp_ts at hour 3.
std::string hand_json(bool edge_bins = false) {
  auto m = hand_model();
  if (edge_bins) {
    m.edge_bins = true;
    const std::size_t w = eemeter_hourly_coefficient_count(m);
    m.coefficients.assign(24 * w, 0.0);
    m.coefficients[3 * w + 2 * 24 + 3] = 1.0;
  }
  const std::size_t n = eemeter_hourly_coefficient_count(m);
  std::string coef = "[";
  for (std::size_t h = 0; h < 24; ++h) {
    coef += h ? ", [" : "[";
    for (std::size_t j = 0; j < n; ++j)
      coef += (j ? ", " : "") + std::to_string(m.coefficients[h * n + j]);
    coef += "]";
  }
  coef += "]";
  std::string clusters = "[";
  for (int month = 1; month <= 12; ++month)
    for (int dow = 0; dow < 7; ++dow)
      clusters += std::string(clusters.size() > 1 ? ", " : "") + "[" + std::to_string(month) +
                  ", " + std::to_string(dow) + ", 0]";
  clusters += "]";
  std::string intercept = "[";
  for (int h = 0; h < 24; ++h)
    intercept += std::string(h ? ", " : "") + "0.5";
  intercept += "]";
  return R"({"settings": {"train_features": ["temperature"], "cvrmse_threshold": 1.4, )"
         R"("pnrmse_threshold": 2.2, "min_daily_training_hours": 12, "temperature_bin": )" +
         (edge_bins ? with(with(with(bin_object, "false", "true"), R"("edge_bin_rate": null)",
                                R"("edge_bin_rate": "heuristic")"),
                           R"("edge_bin_percent": null)", R"("edge_bin_percent": 0.0425)")
                    : std::string(bin_object)) +
         R"(, "temporal_cluster": {"wavelet_n_levels": 5}, )"
         R"("supplemental_time_series_columns": null, "supplemental_categorical_columns": null, )"
         R"("elasticnet": {"alpha": 0.0425}, "scaling_method": "standardscaler", "seed": null}, )"
         R"("temporal_clusters": )" +
         clusters +
         R"(, "temperature_bin_edges": [-Infinity, 50.0, Infinity], )"
         R"("temperature_edge_bin_coefficients": )" +
         (edge_bins ? edge_object : "null") +
         R"(, "ts_features": ["temperature"], )"
         R"("categorical_features": ["temporal_cluster_0", "temp_bin_0", "temp_bin_1"], )"
         R"("feature_scaler": {"temperature": [50.0, 10.0]}, "catagorical_scaler": null, )"
         R"("y_scaler": [100.0, 2.0], "coefficients": )" +
         coef + R"(, "intercept": )" + intercept +
         R"(, "baseline_metrics": {"cvrmse_adj": NaN}, "info": {"disqualification": )"
         R"([{"qualified_name": "eemeter.model_fit_metrics"}], "warnings": [], "error": {}, )"
         R"("baseline_timezone": "America/Chicago", "version": "1.2.7"}})";
}

eemeter_hourly_model load(const std::string& json) {
  return io::eemeter_hourly_model_from_json(json, energy::time_zone{chicago},
                                            temperature_unit::fahrenheit);
}

void refused(const std::string& json, const std::string& message) {
  REQUIRE_THROWS_AS(load(json), energy::parse_error);
  REQUIRE_THROWS_WITH(load(json), Contains(message));
}

void invalid(const eemeter_hourly_model& m, const std::string& message) {
  REQUIRE_THROWS_AS(validate(m), std::invalid_argument);
  REQUIRE_THROWS_WITH(validate(m), Contains(message));
}

}  // namespace

TEST_CASE("eemeter hourly: feature order is eemeter's string sort") {
  auto m = hand_model();
  std::size_t ts = 0;
  CHECK(eemeter_hourly_feature_names(m, &ts) ==
        std::vector<std::string>{"temporal_cluster_0_ts", "temp_bin_0_ts", "temp_bin_1_ts",
                                 "temporal_cluster_0", "temp_bin_0", "temp_bin_1"});
  CHECK(ts == 3);
  CHECK(eemeter_hourly_coefficient_count(m) == 75);
  m.edge_bins = true;
  CHECK(eemeter_hourly_feature_names(m) ==
        std::vector<std::string>{"temporal_cluster_0_ts", "temp_bin_0_neg_exp_ts",
                                 "temp_bin_0_pos_exp_ts", "temp_bin_0_ts", "temp_bin_1_neg_exp_ts",
                                 "temp_bin_1_pos_exp_ts", "temp_bin_1_ts", "temporal_cluster_0",
                                 "temp_bin_0", "temp_bin_1"});
  m.cluster_count = 12;
  m.bin_edges = {-inf, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, inf};  // 11 bins
  const auto names = eemeter_hourly_feature_names(m, &ts);
  CHECK(ts == 12 + 11 + 4);
  CHECK(names[0] == "temporal_cluster_0_ts");
  CHECK(names[1] == "temporal_cluster_10_ts");
  CHECK(names[2] == "temporal_cluster_11_ts");
  CHECK(names[3] == "temporal_cluster_1_ts");
  CHECK(names[12] == "temp_bin_0_neg_exp_ts");
  CHECK(names[15] == "temp_bin_10_neg_exp_ts");
  CHECK(names[17] == "temp_bin_10_ts");
  CHECK(names[18] == "temp_bin_1_ts");
  CHECK(names[ts] == "temporal_cluster_0");
  CHECK(names[ts + 1] == "temporal_cluster_1");
  CHECK(names[ts + 2] == "temporal_cluster_10");
  CHECK(names.back() == "temp_bin_9");
}

TEST_CASE("eemeter hourly: predictions by hand (UTC days)") {
  const auto m = hand_model();
  const epoch_seconds day1 = utc("2021-06-01T00:00:00Z");
  std::vector<double> temps;
  for (int h = 0; h < 24; ++h)
    temps.push_back(40 + h);  // bin 0 up to hour 10
  for (int h = 0; h < 24; ++h)
    temps.push_back(60);  // all in bin 1
  const auto p = predict(m, hours_from(day1, temps));
  REQUIRE(p.size() == 48);
  // Day 1: y[h] = 101 + 0.2 (h - 10); y[0] += 2 * 0.5 * t_2 = -0.8; the first hour is in bin 0.
  CHECK(p.expected[0] == Approx(99 - 0.8).epsilon(1e-14));
  CHECK(p.expected[5] == Approx(100).epsilon(1e-14));
  CHECK(p.expected[7] == Approx(100.4).epsilon(1e-14));
  CHECK(p.expected[10] == Approx(101).epsilon(1e-14));
  CHECK(p.expected[23] == Approx(103.6).epsilon(1e-14));
  // Day 2: t = 1 everywhere; y[0] += 1; y[5] += 2 * 0.25 * t_0; y[7] += 2 * 3 (first hour bin 1).
  CHECK(p.expected[24] == Approx(104).epsilon(1e-14));
  CHECK(p.expected[24 + 5] == Approx(103.5).epsilon(1e-14));
  CHECK(p.expected[24 + 7] == Approx(109).epsilon(1e-14));
  CHECK(p.expected[24 + 12] == Approx(103).epsilon(1e-14));
  for (std::size_t i = 0; i < p.size(); ++i) {
    CHECK(std::isnan(p.lower[i]));
    CHECK(std::isnan(p.upper[i]));
  }

  SECTION("a temperature of exactly 50 °F is in bin 0 (right-closed bins)") {
    std::vector<double> t(24, 50.0);
    t[0] = 50.0;
    const auto q = predict(m, hours_from(day1, t));
    CHECK(q.expected[7] == Approx(101).epsilon(1e-14));  // no categorical temp_bin_1
    t[0] = 50.000001;
    const auto r = predict(m, hours_from(day1, t));
    CHECK(r.expected[7] == Approx(107).epsilon(1e-14));
  }
  SECTION("every hour of a day depends on all of its hours: one NaN makes the day NaN") {
    auto t = temps;
    t[30] = std::nan("");
    const auto q = predict(m, hours_from(day1, t));
    for (std::size_t i = 0; i < 24; ++i)
      CHECK(q.expected[i] == p.expected[i]);
    for (std::size_t i = 24; i < 48; ++i)
      CHECK(std::isnan(q.expected[i]));
  }
  SECTION("a partial day predicts NaN") {
    const std::vector<double> t(temps.begin() + 1, temps.end());
    const auto q = predict(m, hours_from(day1 + 3600, t));
    for (std::size_t i = 0; i < 23; ++i)
      CHECK(std::isnan(q.expected[i]));
    CHECK(q.expected[23] == Approx(104).epsilon(1e-14));
  }
  SECTION("a (month, weekday) without a cluster predicts NaN") {
    auto n = m;
    n.day_cluster[5][1] = eemeter_no_cluster;  // June, Tuesday: 2021-06-01
    const auto q = predict(n, hours_from(day1, temps));
    CHECK(std::isnan(q.expected[0]));
    CHECK(q.expected[24] == Approx(104).epsilon(1e-14));
  }
  SECTION("celsius temperatures are converted as 32 + 1.8 T") {
    auto c = m;
    c.unit = temperature_unit::celsius;
    std::vector<double> tc;
    for (const double f : temps)
      tc.push_back((f - 32) / 1.8);
    const auto q = predict(c, hours_from(day1, tc));
    for (std::size_t i = 0; i < 48; ++i)
      CHECK(q.expected[i] == Approx(p.expected[i]).epsilon(1e-12));
  }
}

TEST_CASE("eemeter hourly: clusters select their own temperature features") {
  auto m = hand_model();
  m.cluster_count = 2;
  for (auto& month : m.day_cluster)
    month = {0, 0, 0, 0, 0, 1, 1};                            // weekend: cluster 1
  const std::size_t n = eemeter_hourly_coefficient_count(m);  // (2 + 2) x 24 + 4
  m.coefficients.assign(24 * n, 0.0);
  for (std::size_t h = 0; h < 24; ++h) {
    m.coefficients[h * n + h] = 1.0;        // temporal_cluster_0_ts
    m.coefficients[h * n + 24 + h] = -1.0;  // temporal_cluster_1_ts
    m.coefficients[h * n + 96 + 1] = 10.0;  // categorical temporal_cluster_1
  }
  const std::vector<double> t(48, 60.0);
  // 2021-06-04 is a Friday, 06-05 a Saturday.
  const auto p = predict(m, hours_from(utc("2021-06-04T00:00:00Z"), t));
  CHECK(p.expected[3] == Approx(100 + 2 * (0.5 + 1)).epsilon(1e-14));
  CHECK(p.expected[24 + 3] == Approx(100 + 2 * (0.5 - 1 + 10)).epsilon(1e-14));
}

TEST_CASE("eemeter hourly: edge bins add A exp(+-u / k) - A with u = t_a t + t_b") {
  auto m = hand_model();
  m.edge_bins = true;
  m.first_edge = {0.5, 0.25, 0.5, 0.2};
  m.last_edge = {0.4, -0.2, 0.8, 0.3};
  const std::size_t n = eemeter_hourly_coefficient_count(m);  // 7 x 24 + 3
  REQUIRE(n == 171);
  m.coefficients.assign(24 * n, 0.0);
  m.coefficients[3 * n + 2 * 24 + 3] = 1.0;  // row 3: temp_bin_0_pos_exp_ts at hour 3
  m.coefficients[3 * n + 1 * 24 + 4] = 2.0;  // row 3: temp_bin_0_neg_exp_ts at hour 4
  m.coefficients[9 * n + 4 * 24 + 9] = 1.0;  // row 9: temp_bin_1_neg_exp_ts at hour 9
  std::vector<double> t(24, 50.0);
  t[3] = 30;  // t = -2, bin 0: u = -0.75
  t[4] = 45;  // t = -0.5, bin 0: u = 0
  t[9] = 75;  // t = 2.5, bin 1: u = 0.8
  const auto p = predict(m, hours_from(utc("2021-06-01T00:00:00Z"), t));
  const double pos3 = 0.2 * std::exp(1 / 0.5 * -0.75) - 0.2;
  CHECK(p.expected[3] == Approx(100 + 2 * (0.5 + pos3)).epsilon(1e-14));
  const double neg9 = 0.3 * std::exp(-1 / 0.8 * 0.8) - 0.3;
  CHECK(p.expected[9] == Approx(100 + 2 * (0.5 + neg9)).epsilon(1e-14));
  CHECK(p.expected[0] == Approx(101).epsilon(1e-14));
}

TEST_CASE("eemeter hourly: daylight-saving days as eemeter brings them to 24 slots") {
  const auto m = hand_model(chicago);
  SECTION("23 hours: the missing 02:00 slot is the mean of 01:00 and 03:00") {
    // 2021-03-14 00:00 CST = 06:00Z; 23 hours until 2021-03-15 00:00 CDT = 05:00Z.
    std::vector<double> t(23, 50.0);
    t[0] = 40;  // 00:00, t = -1
    t[1] = 44;  // 01:00, t = -0.6
    t[2] = 52;  // 03:00, t = 0.2
    const auto p = predict(m, hours_from(utc("2021-03-14T06:00:00Z"), t));
    REQUIRE(p.size() == 23);
    // y[0] = 100 + 2 (0.5 + t_0 + 0.5 slot_2), slot_2 = (-0.6 + 0.2) / 2
    CHECK(p.expected[0] == Approx(98.8).epsilon(1e-14));
    CHECK(p.expected[1] == Approx(101 - 1.2).epsilon(1e-14));
    CHECK(p.expected[2] == Approx(101.4).epsilon(1e-14));  // 03:00 predicts slot 3
    CHECK(p.expected[22] == Approx(101).epsilon(1e-14));
  }
  SECTION("25 hours: the repeated 01:00 averaged; its second occurrence predicts mean(y1, y2)") {
    // 2021-11-07 00:00 CDT = 05:00Z; 25 hours until 2021-11-08 00:00 CST = 06:00Z.
    std::vector<double> t(25, 50.0);
    t[1] = 60;  // 01:00 CDT, t = 1
    t[2] = 70;  // 01:00 CST, t = 2
    t[3] = 80;  // 02:00 CST, t = 3
    const auto p = predict(m, hours_from(utc("2021-11-07T05:00:00Z"), t));
    REQUIRE(p.size() == 25);
    CHECK(p.expected[0] == Approx(104).epsilon(1e-14));  // 100 + 2 (0.5 + 0 + 0.5 x 3)
    CHECK(p.expected[1] == Approx(104).epsilon(1e-14));  // slot 1 = 1.5
    CHECK(p.expected[2] == Approx(105.5).epsilon(1e-14));
    CHECK(p.expected[3] == Approx(107).epsilon(1e-14));
    CHECK(p.expected[24] == Approx(101).epsilon(1e-14));
  }
}

TEST_CASE("eemeter hourly: validate and predict refuse bad input") {
  const auto good = hand_model();
  REQUIRE_NOTHROW(validate(good));
  auto m = good;
  m.zone = "Nowhere/Land";
  REQUIRE_THROWS_AS(validate(m), std::invalid_argument);
  m = good;
  m.unit = temperature_unit::unspecified;
  invalid(m, "unit");
  m = good;
  m.bin_edges = {-inf};
  invalid(m, "two temperature bin edges");
  m = good;
  m.bin_edges = {-10, 50, inf};
  invalid(m, "-inf to +inf");
  m = good;
  m.bin_edges = {-inf, 50, 40, inf};
  invalid(m, "strictly ascending");
  m = good;
  m.bin_edges = {-inf, inf};
  m.edge_bins = true;
  invalid(m, "two temperature bins");
  m = good;
  m.edge_bins = true;
  m.coefficients.assign(24 * eemeter_hourly_coefficient_count(m), 0.0);
  m.last_edge.k = 0;
  invalid(m, "k != 0");
  m = good;
  m.cluster_count = 0;
  invalid(m, "at least one temporal cluster");
  m = good;
  m.day_cluster[3][3] = 1;
  invalid(m, "not below the cluster count");
  m = good;
  m.temperature_scale = 0;
  invalid(m, "scales");
  m = good;
  m.observed_mean = std::nan("");
  invalid(m, "locations");
  m = good;
  m.coefficients.pop_back();
  invalid(m, "expected 24 x 75");
  m = good;
  m.coefficients[10] = inf;
  invalid(m, "coefficients must be finite");
  m = good;
  m.intercept[3] = std::nan("");
  invalid(m, "intercepts");

  temperature_series s = hours_from(utc("2021-06-01T00:00:00Z"), std::vector<double>(3, 50.0));
  s.value.pop_back();
  REQUIRE_THROWS_WITH(predict(good, s), Contains("2 values for 3 timestamps"));
  s = hours_from(utc("2021-06-01T00:00:00Z"), std::vector<double>(3, 50.0));
  std::swap(s.ts[0], s.ts[1]);
  REQUIRE_THROWS_WITH(predict(good, s), Contains("strictly ascending"));
  s = hours_from(utc("2021-06-01T00:30:00Z"), std::vector<double>(3, 50.0));
  REQUIRE_THROWS_WITH(predict(good, s), Contains("not the start of a local hour"));
}

TEST_CASE("eemeter hourly JSON: the layout HourlyModel.to_json() writes") {
  const auto m = load(hand_json(true));
  CHECK(m.zone == chicago);
  CHECK(m.unit == temperature_unit::fahrenheit);
  CHECK(m.edge_bins);
  CHECK(m.first_edge.t_a == 0.5);
  CHECK(m.first_edge.t_b == 0.25);
  CHECK(m.first_edge.k == 0.5);
  CHECK(m.first_edge.a == 0.2);
  CHECK(m.last_edge.t_a == 0.4);
  CHECK(m.last_edge.t_b == -0.2);
  CHECK(m.last_edge.k == 0.8);
  CHECK(m.last_edge.a == 0.3);
  CHECK(m.bin_edges == std::vector<double>{-inf, 50, inf});
  CHECK(m.cluster_count == 1);
  CHECK(m.day_cluster[11][6] == 0);
  CHECK(m.temperature_mean == 50);
  CHECK(m.temperature_scale == 10);
  CHECK(m.observed_mean == 100);
  CHECK(m.observed_scale == 2);
  CHECK(m.intercept[23] == 0.5);
  CHECK(m.scaling_method == "standardscaler");
  CHECK(m.disqualification == std::vector<std::string>{"eemeter.model_fit_metrics"});
  std::vector<double> t(24, 50.0);
  t[3] = 30;  // t = -2 in bin 0: u = 0.5 x -2 + 0.25
  // 2021-06-01 00:00 CDT = 05:00Z
  const auto p = predict(m, hours_from(utc("2021-06-01T05:00:00Z"), t));
  CHECK(p.expected[3] == Approx(100 + 2 * (0.5 + 0.2 * std::exp(2 * -0.75) - 0.2)).epsilon(1e-14));
  CHECK(p.expected[4] == Approx(101).epsilon(1e-14));
}

TEST_CASE("eemeter hourly JSON: every refusal names its field") {
  const std::string base = hand_json();
  const auto m = load(base);
  CHECK_FALSE(m.edge_bins);
  const auto p = predict(m, hours_from(utc("2021-06-01T05:00:00Z"), std::vector<double>(24, 60)));
  CHECK(p.expected[7] == Approx(109).epsilon(1e-14));
  CHECK(p.expected[5] == Approx(103.5).epsilon(1e-14));

  refused(with(with(base, R"("include_edge_bins": false)", R"("include_edge_bins": true)"),
               R"("temperature_edge_bin_coefficients": null)",
               std::string(R"("temperature_edge_bin_coefficients": )") + edge_object),
          "coefficients[0]' has 75 values; the features make 171");
  refused("{", "not valid JSON");
  refused("[]", "not an object");
  refused(with(base, R"("catagorical_scaler")", R"("extra": 1, "catagorical_scaler")"),
          "field 'extra' is not a field");
  refused(with(base, R"("seed": null)", R"("seed": null, "lags": 3)"), "field 'settings.lags'");
  refused(with(base, R"("train_features": ["temperature"])",
               R"("train_features": ["temperature", "ghi"])"),
          "settings.train_features[1]' is 'ghi'");
  refused(with(base, R"("ts_features": ["temperature"])", R"("ts_features": ["humidity"])"),
          "ts_features[0]' is 'humidity'");
  refused(with(base, R"("supplemental_categorical_columns": null)",
               R"("supplemental_categorical_columns": ["has_pv"])"),
          "settings.supplemental_categorical_columns");
  refused(with(base, R"("scaling_method": "standardscaler")", R"("scaling_method": "minmax")"),
          "settings.scaling_method' is 'minmax'");
  refused(with(base, R"("n_bins": null)", R"("n_bins": null, "hours": 3)"),
          "settings.temperature_bin.hours");
  refused(with(base, R"("include_edge_bins": false)", R"("include_edge_bins": "no")"),
          "include_edge_bins' is not a boolean");
  refused(with(base, R"("temperature_edge_bin_coefficients": null)",
               R"("temperature_edge_bin_coefficients": {"0": {}})"),
          "temperature_edge_bin_coefficients' is set but settings exclude edge bins");
  refused(with(hand_json(true), R"("1": {"t_a")", R"("2": {"t_a")"),
          "temperature_edge_bin_coefficients.2' is not the first (0) or last (1)");
  refused(with(hand_json(true), R"("k": 0.5)", R"("k": 0)"),
          "temperature_edge_bin_coefficients.0.k' is zero");
  refused(with(base, R"("temp_bin_1"])", R"("temp_bin_1", "has_pv"])"),
          "categorical_features[3]' is 'has_pv'");
  refused(with(base, R"("temp_bin_1"])", R"("temp_bin_2"])"),
          "categorical_features[2]' is 'temp_bin_2' but there are 2 temperature bins");
  refused(with(base, R"(["temporal_cluster_0", )", R"(["temporal_cluster_1", )"),
          "temporal_cluster_0 ... temporal_cluster_<n-1>");
  refused(with(base, "[[1, 0, 0], ", "[[13, 0, 0], "), "temporal_clusters[0][0]' is not a month");
  refused(with(base, "[[1, 0, 0], ", "[[1, 7, 0], "), "temporal_clusters[0][1]");
  refused(with(base, "[[1, 0, 0], ", "[[1, 0, 1], "), "temporal_clusters[0][2]' is not a cluster");
  refused(with(base, "[[1, 0, 0], ", "[[1, 0, 0], [1, 0, 0], "), "temporal_clusters[1]' repeats");
  refused(with(base, "[[1, 0, 0], ", "[[1.5, 0, 0], "),
          "temporal_clusters[0][0]' is not an integer");
  refused(with(base, R"("temperature_bin_edges": [-Infinity, 50.0, Infinity])",
               R"("temperature_bin_edges": [-Infinity, 50.0, 40.0, Infinity])"),
          "categorical_features' do not name every temp_bin");
  refused(with(base, R"("temperature_bin_edges": [-Infinity, 50.0, Infinity])",
               R"("temperature_bin_edges": [-Infinity, 50.0, NaN])"),
          "-inf to +inf");
  refused(with(base, R"("y_scaler": [100.0, 2.0])", R"("y_scaler": [100.0])"),
          "field 'y_scaler' does not have two values");
  refused(with(base, R"("feature_scaler": {"temperature": [50.0, 10.0]})",
               R"("feature_scaler": {"temperature": [50.0, 10.0], "ghi": [1, 2]})"),
          "feature_scaler.ghi");
  refused(with(base, R"("catagorical_scaler": null)", R"("catagorical_scaler": {})"),
          "catagorical_scaler");
  refused(with(base, R"("intercept": [0.5, )", R"("intercept": [)"),
          "field 'intercept' has 23 values");
  refused(with(base, R"("coefficients": [[)", R"("coefficients": [[1.0], [)"),
          "field 'coefficients' has 25 rows");
  refused(with(base, R"("baseline_timezone": "America/Chicago")",
               R"("baseline_timezone": "Europe/Paris")"),
          "info.baseline_timezone' is 'Europe/Paris'");
  refused(with(base, R"("ts_features": ["temperature"], )", ""), "field 'ts_features' is missing");
  refused(with(base, bin_object, "null"), "settings.temperature_bin' is null");
  refused(R"({"SETTINGS": {}, "COEFFICIENTS": []})", "early eemeter 4.0 development layout");
  REQUIRE_THROWS_AS(io::eemeter_hourly_model_from_json(base, energy::time_zone{chicago},
                                                       temperature_unit::unspecified),
                    std::invalid_argument);
}
