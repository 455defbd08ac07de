// SPDX-License-Identifier: Apache-2.0
// Every baseline takes its zone as energy::time_zone (issue 10: one zone type), never as a string
// checked deep inside a fit; and no options struct has a default zone.
#include <catch2/catch.hpp>

#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include <energy/baseline/caltrack_hourly.hpp>
#include <energy/baseline/changepoint.hpp>
#include <energy/baseline/parallel.hpp>
#include <energy/baseline/seasonal.hpp>
#include <energy/baseline/towt.hpp>
#include <energy/baseline/towt_billing.hpp>

using namespace energy::baseline;
using energy::epoch_seconds;
using energy::time_zone;

namespace {

template <class Zone>
concept time_of_week_takes = requires(std::span<const epoch_seconds> ts, Zone z) {
  time_of_week(ts, z);
};
template <class Zone>
concept local_day_totals_takes = requires(const load_series& l, Zone z) {
  local_day_totals(l, z);
};
template <class Zone>
concept celsius_takes = requires(Zone z) {
  changepoint_options::celsius(z);
};

}  // namespace

TEST_CASE("Every baseline's options and parameters hold the zone as an energy::time_zone",
          "[baseline][zone]") {
  static_assert(std::is_same_v<decltype(towt_options::zone), time_zone>);
  static_assert(std::is_same_v<decltype(seasonal_options::zone), time_zone>);
  static_assert(std::is_same_v<decltype(changepoint_options::zone), time_zone>);
  static_assert(std::is_same_v<decltype(caltrack_hourly_options::zone), time_zone>);
  static_assert(std::is_same_v<decltype(towt_billing_options::zone), time_zone>);
  static_assert(std::is_same_v<decltype(towt_parameters::zone), time_zone>);
  static_assert(std::is_same_v<decltype(changepoint_parameters::zone), time_zone>);
  // Fitted models keep the IANA name: they are serialized and predict() looks the name up.
  static_assert(std::is_same_v<decltype(towt_model::zone), std::string>);
  static_assert(std::is_same_v<decltype(seasonal_model::zone), std::string>);
  static_assert(std::is_same_v<decltype(changepoint_model::zone), std::string>);
  static_assert(std::is_same_v<decltype(caltrack_hourly_model::zone), std::string>);
  SUCCEED("checked at compile time");
}

TEST_CASE("No baseline options struct can be made without naming its zone", "[baseline][zone]") {
  static_assert(!std::is_default_constructible_v<towt_options>);
  static_assert(!std::is_default_constructible_v<seasonal_options>);
  static_assert(!std::is_default_constructible_v<changepoint_options>);
  static_assert(!std::is_default_constructible_v<caltrack_hourly_options>);
  static_assert(!std::is_default_constructible_v<towt_billing_options>);
  static_assert(!std::is_default_constructible_v<towt_parameters>);
  static_assert(!std::is_default_constructible_v<changepoint_parameters>);
  static_assert(!std::is_default_constructible_v<towt_job>);
  const time_zone ny{"America/New_York"};
  CHECK(towt_options{.zone = ny}.zone.name() == "America/New_York");
  CHECK(changepoint_options::celsius(ny).zone == ny);
  CHECK(changepoint_options::celsius(ny).balance_min == -1);
}

TEST_CASE("Baseline free functions take a time_zone, not a zone name", "[baseline][zone]") {
  static_assert(time_of_week_takes<const time_zone&>);
  static_assert(!time_of_week_takes<std::string_view>);
  static_assert(!time_of_week_takes<const char*>);
  static_assert(local_day_totals_takes<const time_zone&>);
  static_assert(!local_day_totals_takes<std::string_view>);
  static_assert(celsius_takes<time_zone>);
  static_assert(!celsius_takes<std::string>);
  SUCCEED("checked at compile time");
}

TEST_CASE("A misspelt zone fails where the options are made, naming it, before any fit",
          "[baseline][zone]") {
  CHECK_THROWS_WITH(towt_options{.zone = time_zone{"America/New_Yrok"}},
                    Catch::Contains("America/New_Yrok"));
  CHECK_THROWS_AS(seasonal_options{.zone = time_zone{"Europe/Londn"}}, std::invalid_argument);
}

TEST_CASE("A model predicts in the zone its options named, and records that zone's name",
          "[baseline][zone]") {
  // One week of hourly load equal to the local hour of day: a model fitted in another zone
  // would predict it shifted.
  const time_zone tokyo{"Asia/Tokyo"};
  load_series l;
  l.interval_seconds = 3600;
  for (int h = 0; h < 24 * 7 * 3; ++h) {
    const epoch_seconds t = 1'700'000'000 / 3600 * 3600 + static_cast<epoch_seconds>(h) * 3600;
    l.ts.push_back(t);
    l.kwh.push_back(
        static_cast<double>(time_of_week(std::vector<epoch_seconds>{t}, tokyo)[0] % 24));
  }
  const seasonal_model m = fit_seasonal(l, seasonal_options{.zone = tokyo});
  CHECK(m.zone == "Asia/Tokyo");
  const prediction p = predict(m, l.ts);
  for (std::size_t i = 0; i < l.size(); ++i)
    REQUIRE(p.expected[i] == Approx(l.kwh[i]).margin(1e-9));
}
