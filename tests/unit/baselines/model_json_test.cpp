// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/seasonal.hpp>
#include <energy/baseline/towt.hpp>
#include <energy/baseline/towt_billing.hpp>
#include <energy/error.hpp>
#include <energy/io/model_json.hpp>

#include "sample_data.hpp"
#include "synthetic.hpp"

using namespace energy::baseline;
using energy::epoch_seconds;
namespace s = energy::baseline::sample;
namespace syn = energy::baseline::synthetic;

namespace {
/// Bitwise equality, NaN == NaN.
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

bool same_prediction(const prediction& a, const prediction& b) {
  return same_bits(a.expected, b.expected) && same_bits(a.lower, b.lower) &&
         same_bits(a.upper, b.upper);
}
}  // namespace

TEST_CASE("A TOWT model loaded back from JSON predicts bit-identically", "[baseline][json]") {
  const auto truth = syn::make_truth();
  std::vector<double> temp;
  load_series l = syn::make_load(truth, s::utc("2023-01-02T00:00:00-06:00"), 120 * 24, 3600,
                                 "America/Chicago", 4.0, temp);
  for (std::size_t i = 0; i < l.size(); ++i)
    if (time_of_week(std::vector<epoch_seconds>{l.ts[i]},
                     energy::time_zone{"America/Chicago"})[0] == 5)
      l.kwh[i] = std::nan("");
  towt_options o{.zone = energy::time_zone{"America/Chicago"}};
  const towt_model m = fit_towt(l, temp, o);
  REQUIRE(std::isnan(m.tow_coefficients[5]));
  const std::string json = energy::io::to_json(m);
  const towt_model back = energy::io::towt_model_from_json(json);
  CHECK(same_bits(back.tow_coefficients, m.tow_coefficients));
  CHECK(same_bits(back.knots, m.knots));
  CHECK(back.occupied == m.occupied);
  CHECK(back.parameters == m.parameters);
  CHECK(same_prediction(predict(back, l.ts, temp), predict(m, l.ts, temp)));
  CHECK(energy::io::to_json(back) == json);
}

TEST_CASE("Seasonal and change-point models round-trip through JSON with identical predictions",
          "[baseline][json]") {
  const auto truth = syn::make_truth();
  std::vector<double> temp;
  const load_series l = syn::make_load(truth, s::utc("2023-01-02T00:00:00Z"), 400 * 24, 3600,
                                       "Europe/London", 4.0, temp);
  seasonal_options so{.zone = energy::time_zone{"Europe/London"}};
  const seasonal_model sm = fit_seasonal(l, so);
  const seasonal_model sb = energy::io::seasonal_model_from_json(energy::io::to_json(sm));
  CHECK(same_prediction(predict(sb, l.ts), predict(sm, l.ts)));

  temperature_series temps{l.ts, temp};
  load_series hourly = l;
  const auto days = local_day_totals(hourly, energy::time_zone{"Europe/London"});
  changepoint_options co{.zone = energy::time_zone{"Europe/London"}};
  const changepoint_model cm = fit_changepoint(days, temps, co);
  const changepoint_model cb = energy::io::changepoint_model_from_json(energy::io::to_json(cm));
  CHECK(cb.kind == cm.kind);
  CHECK(same_prediction(predict(cb, days, temps), predict(cm, days, temps)));
}

TEST_CASE("Malformed model JSON is rejected with the offending field named", "[baseline][json]") {
  using energy::parse_error;
  CHECK_THROWS_AS(energy::io::towt_model_from_json("{not json"), parse_error);
  // Out of double range: the JSON library's own exception must not escape (issue #11, defect 5).
  CHECK_THROWS_AS(energy::io::towt_model_from_json(R"({"type":"towt","version":1,"x":1e400})"),
                  parse_error);
  CHECK_THROWS_AS(energy::io::seasonal_model_from_json(R"({"type":"seasonal","version":-1e999})"),
                  parse_error);
  CHECK_THROWS_WITH(energy::io::towt_model_from_json(R"({"type":"seasonal","version":1})"),
                    Catch::Contains("'type'"));
  CHECK_THROWS_WITH(energy::io::towt_model_from_json(R"({"type":"towt","version":2})"),
                    Catch::Contains("'version'"));
  towt_model m;
  m.zone = "UTC";
  m.knots = {1, 2};
  m.occupied.assign(168, 0);
  m.tow_coefficients.assign(168, 1.0);
  m.occupied_slopes.assign(3, 0.5);
  m.unoccupied_slopes.assign(2, 0.5);  // wrong size
  m.residual_lower.assign(168, -1);
  m.residual_upper.assign(168, 1);
  CHECK_THROWS_WITH(energy::io::towt_model_from_json(energy::io::to_json(m)),
                    Catch::Contains("'unoccupied_slopes' has 2 elements, expected 3"));
  m.unoccupied_slopes.assign(3, 0.5);
  std::string j = energy::io::to_json(m);
  j.replace(j.find("\"knots\":[1.0,2.0]"), 17, "\"knots\":[1.0,\"x\"]");
  CHECK_THROWS_WITH(energy::io::towt_model_from_json(j),
                    Catch::Contains("'knots[1]' is not a number"));
  CHECK_THROWS_WITH(energy::io::changepoint_model_from_json(
                        R"({"type":"changepoint","version":1,"kind":"cubic"})"),
                    Catch::Contains("'kind'"));
}

TEST_CASE("Change-point temperature settings and daily TOWT models round-trip through JSON",
          "[baseline][json][peer]") {
  changepoint_parameters p{.zone = energy::time_zone{"America/Chicago"}};
  p.base_load = 5;
  p.cooling_slope = 2;
  p.cooling_balance_point = 65;
  p.temperatures = temperature_input::daily_means;
  p.pairing = day_pairing::utc;
  const changepoint_model m = make_changepoint_model(p);
  const std::string j = energy::io::to_json(m);
  CHECK(j.find("\"temperatures\":\"daily_means\"") != std::string::npos);
  const changepoint_model back = energy::io::changepoint_model_from_json(j);
  CHECK(back.temperatures == temperature_input::daily_means);
  CHECK(back.pairing == day_pairing::utc);
  CHECK(std::isnan(back.residual_sd));
  // A document written before these fields existed loads with the only behaviour it had then.
  std::string old = j;
  old.erase(old.find(",\"temperatures\":\"daily_means\""),
            std::strlen(",\"temperatures\":\"daily_means\""));
  old.erase(old.find(",\"day_pairing\":\"utc\""), std::strlen(",\"day_pairing\":\"utc\""));
  const changepoint_model legacy = energy::io::changepoint_model_from_json(old);
  CHECK(legacy.temperatures == temperature_input::samples);
  CHECK(legacy.pairing == day_pairing::local);
  std::string bad = j;
  bad.replace(bad.find("daily_means"), std::strlen("daily_means"), "weekly_means");
  CHECK_THROWS_WITH(energy::io::changepoint_model_from_json(bad),
                    Catch::Contains("field 'temperatures'"));

  towt_parameters tp{.zone = energy::time_zone{"America/Chicago"}};
  tp.interval_seconds = 86400;
  tp.occupied.assign(hours_per_week, 0);
  tp.tow_coefficients.assign(hours_per_week, std::nan(""));
  tp.tow_coefficients[24] = 80;
  tp.occupied_slopes = {1};
  tp.unoccupied_slopes = {2};
  const towt_model daily =
      energy::io::towt_model_from_json(energy::io::to_json(make_towt_model(tp)));
  CHECK(daily.interval_seconds == 86400);
  CHECK(daily.tow_coefficients[24] == 80);
}

TEST_CASE("A TOWT model fitted to bills round-trips through JSON with identical bill predictions",
          "[baseline][json][billing]") {
  const auto truth = syn::make_truth();
  std::vector<double> temp;
  const load_series l = syn::make_load(truth, s::utc("2023-01-02T00:00:00-06:00"), 140 * 24, 3600,
                                       "America/Chicago", 4.0, temp);
  const temperature_series temps{l.ts, temp};
  // Weekly bills from the hourly load.
  std::vector<usage_period> bills;
  for (std::size_t w = 0; w + 1 < 20; ++w) {
    usage_period b{l.ts[w * 168], l.ts[w * 168] + 168 * 3600, 0.0};
    for (std::size_t h = w * 168; h < (w + 1) * 168; ++h)
      b.kwh += l.kwh[h];
    bills.push_back(b);
  }
  const towt_billing_model m =
      fit_towt_billing(bills, temps, {.zone = energy::time_zone{"America/Chicago"}});
  const std::string json = energy::io::to_json(m);
  const towt_billing_model back = energy::io::towt_billing_model_from_json(json);
  CHECK(same_prediction(predict(back, bills, temps), predict(m, bills, temps)));
  CHECK(back.residual_sd == m.residual_sd);
  CHECK(back.parameters == m.parameters);
  CHECK(back.observations == m.observations);
  CHECK(energy::io::to_json(back) == json);

  // Damage is named, inside the nested hourly model too.
  std::string daily = json;
  daily.replace(daily.find("\"interval_seconds\":3600"), 23, "\"interval_seconds\":86400");
  CHECK_THROWS_WITH(energy::io::towt_billing_model_from_json(daily),
                    Catch::Contains("towt_billing model: field 'hourly'") &&
                        Catch::Contains("interval_seconds 3600"));
  std::string knots = json;
  knots.replace(knots.find("\"knots\":["), 9, "\"knots\":[\"x\",");
  CHECK_THROWS_WITH(energy::io::towt_billing_model_from_json(knots),
                    Catch::Contains("field 'hourly'") && Catch::Contains("knots[0]"));
  std::string coverage = json;
  coverage.replace(coverage.find("\"min_hour_coverage\":"), 20, "\"min_hour_coverage\":7,\"x\":");
  CHECK_THROWS_WITH(energy::io::towt_billing_model_from_json(coverage),
                    Catch::Contains("min_hour_coverage"));
  CHECK_THROWS_WITH(energy::io::towt_billing_model_from_json(energy::io::to_json(m.hourly)),
                    Catch::Contains("expected \"towt_billing\""));
}
