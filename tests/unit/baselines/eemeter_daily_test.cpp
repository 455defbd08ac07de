// SPDX-License-Identifier: Apache-2.0
// eemeter 4 / OpenDSM daily models: every form evaluated against hand-computed values, the
// assignment of local days to splits, prediction from samples and daily means, and every error.
#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <energy/baseline/eemeter_daily.hpp>
#include <energy/error.hpp>
#include <energy/io/eemeter_daily_json.hpp>

#include "sample_data.hpp"

using namespace energy::baseline;
using Catch::Matchers::Contains;
using energy::epoch_seconds;
namespace io = energy::io;

namespace {

constexpr const char* chicago = "America/Chicago";

eemeter_daily_submodel sub(eemeter_daily_form f) {
  eemeter_daily_submodel s;
  s.split = "fw-su_sh_wi";
  s.form = f;
  s.intercept = 100;
  s.t_min = 0;
  s.t_max = 90;
  s.t_min_seg = 10;
  s.t_max_seg = 80;
  s.f_unc = 7;
  return s;
}

double at(const eemeter_daily_submodel& s, double t) {
  return eemeter_daily_evaluate(s, t);
}

std::string submodel_json(const std::string& type, const std::string& coefficients,
                          double f_unc = 10) {
  return R"({"coefficients": {"model_type": ")" + type + R"(", )" + coefficients +
         R"(}, "temperature_constraints": {"T_min": 0.0, "T_max": 90.0, "T_min_seg": 10.0, "T_max_seg": 80.0}, "f_unc": )" +
         std::to_string(f_unc) + "}";
}

/// Weekdays flat 100 all year; weekend: summer cooling (4 per °F above 65), shoulder/winter
/// heating (3 per °F below 55), with settings moving October into winter.
std::string split_model() {
  return std::string(R"({"submodels": {"wd-su_sh_wi": )") +
         submodel_json("tidd",
                       R"("intercept": 100.0, "hdd_bp": null, "hdd_beta": null, "hdd_k": null, )"
                       R"("cdd_bp": null, "cdd_beta": null, "cdd_k": null)") +
         R"(, "we-su": )" +
         submodel_json("tidd_cdd", R"("intercept": 50.0, "cdd_bp": 65.0, "cdd_beta": 4.0)", 20) +
         R"(, "we-sh_wi": )" +
         submodel_json("hdd_tidd", R"("intercept": 60.0, "hdd_bp": 55.0, "hdd_beta": -3.0)", 30) +
         R"(}, "info": {"baseline_timezone": "America/Chicago", "disqualification": )"
         R"([{"qualified_name": "eemeter.model_fit_metrics.cvrmse"}], "warnings": []},)"
         R"( "settings": {"season": {"October": " Winter ", "options": ["summer", "shoulder", "winter"]},)"
         R"( "weekday_weekend": {"monday": "weekday", "sunday": "weekend"}}})";
}

eemeter_daily_model load(const std::string& json) {
  return io::eemeter_daily_model_from_json(json, energy::time_zone{chicago},
                                           temperature_unit::fahrenheit);
}

std::string with(std::string json, const std::string& from, const std::string& to) {
  const auto at = json.find(from);
  REQUIRE(at != std::string::npos);
  return json.replace(at, from.size(), to);
}

void refused(const std::string& json, const std::string& message) {
  CAPTURE(json);
  REQUIRE_THROWS_AS(load(json), energy::parse_error);
  REQUIRE_THROWS_WITH(load(json), Contains(message));
}

}  // namespace

TEST_CASE("eemeter daily forms evaluate as eemeter's full model, by hand") {
  SECTION("tidd") {
    const auto s = sub(eemeter_daily_form::tidd);
    CHECK(at(s, -20) == 100);
    CHECK(at(s, 120) == 100);
    CHECK(std::isnan(at(s, std::nan(""))));
  }
  SECTION("hdd_tidd: negative slope, balance point clamped to [T_min_seg, T_max_seg]") {
    auto s = sub(eemeter_daily_form::hdd_tidd);
    s.hdd_bp = 55;
    s.hdd_beta = -3;
    CHECK(at(s, 40) == Approx(145).epsilon(1e-14));
    CHECK(at(s, 70) == 100);
    s.hdd_bp = 85;  // clamped to 80
    CHECK(at(s, 40) == Approx(220).epsilon(1e-14));
    CHECK(at(s, 85) == 100);
    // A balance point at or above T_max: eemeter's heating branch takes every temperature, so the
    // line goes on above the balance point.
    s.hdd_bp = 95;
    s.t_max_seg = 95;
    CHECK(at(s, 92) == Approx(109).epsilon(1e-14));
    CHECK(at(s, 100) == Approx(85).epsilon(1e-14));
  }
  SECTION("tidd_cdd and a single slope's sign deciding heating or cooling") {
    auto s = sub(eemeter_daily_form::tidd_cdd);
    s.cdd_bp = 65;
    s.cdd_beta = 4;
    CHECK(at(s, 75) == Approx(140).epsilon(1e-14));
    CHECK(at(s, 50) == 100);
    s.cdd_bp = 5;  // clamped up to T_min_seg = 10
    CHECK(at(s, 20) == Approx(140).epsilon(1e-14));
    // Below a balance point at T_min the cooling model is flat (no heating slope to take).
    s.cdd_bp = 0;
    s.t_min_seg = 0;
    CHECK(at(s, -5) == 100);
  }
  SECTION("hdd_tidd_smooth and tidd_cdd_smooth: k in °F") {
    auto h = sub(eemeter_daily_form::hdd_tidd_smooth);
    h.hdd_bp = 55;
    h.hdd_beta = -3;
    h.hdd_k = 5;
    // 15 (e^((45-55)/5) - 1) + 3 (55 - 45) + 100
    CHECK(at(h, 45) == Approx(117.0300292485492).epsilon(1e-13));
    CHECK(at(h, 55) == 100);
    CHECK(at(h, 60) == 100);
    auto c = sub(eemeter_daily_form::tidd_cdd_smooth);
    c.cdd_bp = 65;
    c.cdd_beta = 4;
    c.cdd_k = 2;
    // 8 (e^(-(70-65)/2) - 1) + 4 (70 - 65) + 100
    CHECK(at(c, 70) == Approx(112.65667998899119).epsilon(1e-13));
    CHECK(at(c, 60) == 100);
  }
  SECTION("hdd_tidd_cdd: positive slopes, cooling dropped above T_max") {
    auto s = sub(eemeter_daily_form::hdd_tidd_cdd);
    s.hdd_bp = 50;
    s.hdd_beta = 3;
    s.cdd_bp = 70;
    s.cdd_beta = 4;
    CHECK(at(s, 40) == Approx(130).epsilon(1e-14));
    CHECK(at(s, 60) == 100);
    CHECK(at(s, 80) == Approx(140).epsilon(1e-14));
    s.cdd_bp = 95;  // >= T_max: eemeter zeroes the cooling slope
    CHECK(at(s, 100) == 100);
    CHECK(at(s, 40) == Approx(130).epsilon(1e-14));
  }
  SECTION("hdd_tidd_cdd_smooth: k as fractions of the balance point gap") {
    auto s = sub(eemeter_daily_form::hdd_tidd_cdd_smooth);
    s.hdd_bp = 50;
    s.hdd_beta = 3;
    s.hdd_k = 0.2;
    s.cdd_bp = 70;
    s.cdd_beta = 4;
    s.cdd_k = 0.1;
    // gap 20: k_h = 4, k_c = 2, balance points moved to 54 and 68.
    CHECK(at(s, 44) == Approx(118.98501998348678).epsilon(1e-13));
    CHECK(at(s, 73) == Approx(112.65667998899119).epsilon(1e-13));
    CHECK(at(s, 60) == 100);
    // Both fractions under 0.01: no smoothing, balance points unmoved.
    s.hdd_k = 0.005;
    s.cdd_k = 0.001;
    CHECK(at(s, 44) == Approx(118).epsilon(1e-14));
    // Fractions summing over 1 are scaled to sum to 1 (both balance points meet at 61.43 °F).
    s.hdd_k = 0.8;
    s.cdd_k = 0.6;
    const double kh = 0.8 / 1.4 * 20, bp = 50 + kh;
    CHECK(at(s, 40) ==
          Approx(3 * kh * (std::exp((40 - bp) / kh) - 1) - 3 * (40 - bp) + 100).epsilon(1e-12));
  }
}

TEST_CASE("eemeter daily JSON: local days go to their season and day-type split") {
  const auto m = load(split_model());
  CHECK(m.zone == chicago);
  REQUIRE(m.submodels.size() == 3);
  CHECK(m.month_season[9] == eemeter_season::winter);  // settings: October is winter
  CHECK(m.month_season[6] == eemeter_season::summer);
  CHECK(m.weekend[5]);  // Saturday keeps eemeter's default
  REQUIRE(m.disqualification.size() == 1);
  CHECK(m.disqualification[0] == "eemeter.model_fit_metrics.cvrmse");
  using std::chrono::year;
  CHECK(m.submodels[eemeter_daily_submodel_of(m, year{2023} / 7 / 10)].split == "wd-su_sh_wi");
  CHECK(m.submodels[eemeter_daily_submodel_of(m, year{2023} / 7 / 8)].split == "we-su");
  CHECK(m.submodels[eemeter_daily_submodel_of(m, year{2023} / 7 / 9)].split == "we-su");  // Sunday
  CHECK(m.submodels[eemeter_daily_submodel_of(m, year{2023} / 7 / 7)].split == "wd-su_sh_wi");
  CHECK(m.submodels[eemeter_daily_submodel_of(m, year{2023} / 3 / 4)].split == "we-sh_wi");
  CHECK(m.submodels[eemeter_daily_submodel_of(m, year{2023} / 9 / 30)].split == "we-su");
  CHECK(m.submodels[eemeter_daily_submodel_of(m, year{2023} / 10 / 7)].split == "we-sh_wi");

  // Daily means stamped at local midnight (05:00 UTC in July; 06:00 UTC in November).
  temperature_series daily;
  daily.ts = {sample::utc("2023-07-08T00:00:00-05:00"), sample::utc("2023-07-08T23:59:59-05:00"),
              sample::utc("2023-07-10T00:00:00-05:00"), sample::utc("2023-10-07T00:00:00-05:00"),
              sample::utc("2023-11-05T00:00:00-05:00"), sample::utc("2023-11-04T12:00:00-05:00")};
  daily.value = {75, 60, 75, 45, std::nan(""), 45};
  const auto p = predict_daily_means(m, daily);
  REQUIRE(p.size() == 6);
  CHECK(p.expected[0] == Approx(90).epsilon(1e-14));  // Saturday in summer: 50 + 4 * 10
  CHECK(p.lower[0] == Approx(70).epsilon(1e-14));
  CHECK(p.upper[0] == Approx(110).epsilon(1e-14));
  CHECK(p.expected[1] == 50);                         // same local day, below the balance point
  CHECK(p.expected[2] == 100);                        // Monday
  CHECK(p.expected[3] == Approx(90).epsilon(1e-14));  // October Saturday, winter: 60 + 3 * 10
  CHECK(std::isnan(p.expected[4]));                   // no temperature
  CHECK(std::isnan(p.lower[4]));
  CHECK(p.expected[5] == Approx(90).epsilon(1e-14));

  SECTION("celsius input is converted to °F") {
    const auto mc = io::eemeter_daily_model_from_json(split_model(), energy::time_zone{chicago},
                                                      temperature_unit::celsius);
    temperature_series c;
    c.ts = {sample::utc("2023-07-08T00:00:00-05:00")};
    c.value = {25};  // 77 °F
    CHECK(predict_daily_means(mc, c).expected[0] == Approx(98).epsilon(1e-13));
  }
}

TEST_CASE("eemeter daily model predicts local days from hourly samples, 13 of 24 needed") {
  const auto m = load(split_model());
  // Sunday 2023-11-05 in Chicago is 25 hours long (fall back); Saturday 2023-11-04 is winter too.
  const epoch_seconds sat = sample::utc("2023-11-04T00:00:00-05:00");
  const epoch_seconds sun = sample::utc("2023-11-05T00:00:00-05:00");
  const epoch_seconds mon = sample::utc("2023-11-06T00:00:00-06:00");
  REQUIRE(mon - sun == 25 * 3600);
  temperature_series s;
  for (epoch_seconds t = sat; t < sat + 13 * 3600; t += 3600) {  // 13 samples averaging 45
    s.ts.push_back(t);
    s.value.push_back(t == sat ? 39 : 45.5);
  }
  for (epoch_seconds t = sun; t < sun + 12 * 3600; t += 3600) {  // only 12 samples (+ one NaN)
    s.ts.push_back(t);
    s.value.push_back(40);
  }
  s.ts.push_back(sun + 12 * 3600);
  s.value.push_back(std::nan(""));
  const std::vector<usage_period> days = {{sat, sun, 0}, {sun, mon, 0}};
  const auto p = predict(m, days, s);
  CHECK(p.expected[0] == Approx(60 + 3 * 10).epsilon(1e-13));
  CHECK(std::isnan(p.expected[1]));

  SECTION("errors") {
    const std::vector<usage_period> half = {{sat, sat + 12 * 3600, 0}};
    REQUIRE_THROWS_AS(predict(m, half, s), std::invalid_argument);
    REQUIRE_THROWS_WITH(predict(m, half, s), Contains("is not one local day"));
    const std::vector<usage_period> two = {{sat, mon, 0}};
    REQUIRE_THROWS_WITH(predict(m, two, s), Contains("is not one local day"));
    auto unsorted = s;
    std::swap(unsorted.ts[0], unsorted.ts[1]);
    REQUIRE_THROWS_WITH(predict(m, days, unsorted), Contains("ascending"));
    auto short_values = s;
    short_values.value.pop_back();
    REQUIRE_THROWS_AS(predict(m, days, short_values), std::invalid_argument);
    REQUIRE_THROWS_AS(predict_daily_means(m, short_values), std::invalid_argument);
  }
}

TEST_CASE("eemeter daily JSON errors name the field, unknown forms refused by name") {
  const std::string good = split_model();
  REQUIRE_NOTHROW(load(good));
  refused("{\"submodels\": ", "is not valid JSON");
  refused("[]", "document is not an object");
  refused("{\"info\": {}}", "field 'submodels' is missing");
  refused("{\"submodels\": {}}", "field 'submodels' is empty");
  refused(with(good, "\"model_type\": \"tidd_cdd\"", "\"model_type\": \"c_hdd_tidd\""),
          "field 'submodels.we-su.coefficients.model_type' is 'c_hdd_tidd', not a daily model "
          "form (tidd, hdd_tidd, tidd_cdd, hdd_tidd_smooth, tidd_cdd_smooth, hdd_tidd_cdd, "
          "hdd_tidd_cdd_smooth)");
  refused(with(good, "\"model_type\": \"tidd_cdd\"", "\"model_type\": \"tidd_cdd_smooth\""),
          "field 'submodels.we-su.coefficients.cdd_k' is missing");
  refused(with(good, "\"intercept\": 50.0", "\"intercept\": null"),
          "field 'submodels.we-su.coefficients.intercept' is null");
  refused(with(good, "\"intercept\": 50.0", "\"intercept\": NaN"),
          "field 'submodels.we-su.coefficients.intercept' is null");
  refused(with(good, "\"hdd_beta\": -3.0", "\"hdd_beta\": \"-3\""),
          "field 'submodels.we-sh_wi.coefficients.hdd_beta' is not a number");
  refused(with(good, "\"cdd_beta\": 4.0", "\"cdd_beta\": 4.0, \"beta_cdd\": 4.0"),
          "field 'submodels.we-su.coefficients.beta_cdd' is not a coefficient");
  refused(with(good, "\"we-su\"", "\"xx-su\""), "field 'submodels.xx-su' is not a split");
  refused(with(good, "\"we-su\"", "\"we-su_\""), "field 'submodels.we-su_' is not a split");
  refused(with(good, "\"we-su\"", "\"we-sp\""), "field 'submodels.we-sp' is not a split");
  refused(with(good, "\"we-su\"", "\"we-su_su\""), "names season 'su' twice");
  refused(with(good, "\"wd-su_sh_wi\"", "\"fw-su_sh_wi\""), "overlaps submodel");
  refused(with(good, "\"October\": \" Winter \"", "\"October\": \"spring\""),
          "field 'settings.season.October' is 'spring'; expected summer, shoulder or winter");
  refused(with(good, "\"sunday\": \"weekend\"", "\"sunday\": \"holiday\""),
          "field 'settings.weekday_weekend.sunday' is 'holiday'; expected weekday or weekend");
  refused(with(good, "\"baseline_timezone\": \"America/Chicago\"",
               "\"baseline_timezone\": \"America/New_York\""),
          "field 'info.baseline_timezone' is 'America/New_York' but the building's zone is "
          "'America/Chicago'");
  refused(with(good, "\"T_min_seg\": 10.0, ", ""),
          "field 'submodels.wd-su_sh_wi.temperature_constraints.T_min_seg' is missing");
  refused(with(good, ", \"f_unc\": 20.000000", ""), "field 'submodels.we-su.f_unc' is missing");
  REQUIRE_THROWS_AS(io::eemeter_daily_model_from_json(good, energy::time_zone{chicago},
                                                      temperature_unit::unspecified),
                    std::invalid_argument);

  SECTION("what is not an error") {
    // A zone name the tz database does not know (pytz's FixedOffset) is not compared.
    REQUIRE_NOTHROW(load(with(good, "\"America/Chicago\"", "\"pytz.FixedOffset(-360)\"")));
    // An infinite f_unc (eemeter's 2.0 import) gives no interval.
    const auto inf = load(with(good, "\"f_unc\": 20.000000", "\"f_unc\": Infinity"));
    temperature_series d;
    d.ts = {sample::utc("2023-07-08T00:00:00-05:00"), sample::utc("2023-12-02T00:00:00-06:00")};
    d.value = {75, 45};
    const auto p = predict_daily_means(inf, d);
    CHECK(p.expected[0] == Approx(90).epsilon(1e-14));
    CHECK(std::isnan(p.lower[0]));
    // Winter weekends covered by no split predict NaN, as in eemeter.
    const auto gap = load(with(good, "\"we-sh_wi\"", "\"we-sh\""));
    CHECK(std::isnan(predict_daily_means(gap, d).expected[1]));
  }
}

TEST_CASE("eemeter daily models built by hand are validated") {
  eemeter_daily_model m;
  // eemeter's default seasons (utilities/settings.py Season_Definition) and weekend.
  using enum eemeter_season;
  CHECK(m.month_season == std::array<eemeter_season, 12>{winter, winter, shoulder, shoulder,
                                                         shoulder, summer, summer, summer, summer,
                                                         shoulder, winter, winter});
  CHECK(m.weekend == std::array<bool, 7>{false, false, false, false, false, true, true});
  m.zone = chicago;
  m.unit = temperature_unit::fahrenheit;
  const temperature_series none;
  REQUIRE_THROWS_WITH(predict_daily_means(m, none), Contains("no submodel"));
  m.submodels.push_back(sub(eemeter_daily_form::hdd_tidd));
  m.submodels[0].seasons = {true, true, true};
  m.submodels[0].days.fill(true);
  REQUIRE_THROWS_WITH(predict_daily_means(m, none), Contains("hdd_bp must be finite"));
  m.submodels[0].hdd_bp = 55;
  m.submodels[0].hdd_beta = -3;
  REQUIRE_NOTHROW(predict_daily_means(m, none));
  m.submodels[0].days.fill(false);
  REQUIRE_THROWS_WITH(predict_daily_means(m, none), Contains("has no day"));
  m.submodels[0].days.fill(true);
  m.unit = temperature_unit::unspecified;
  REQUIRE_THROWS_WITH(predict_daily_means(m, none), Contains("unit"));
  m.unit = temperature_unit::fahrenheit;
  m.zone = "Mars/Olympus_Mons";
  REQUIRE_THROWS_AS(predict_daily_means(m, none), std::invalid_argument);
}
