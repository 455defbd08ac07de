// SPDX-License-Identifier: Apache-2.0
// tariff::holidays: local dates priced with the weekend schedules. Expected amounts are counted
// by hand from the calendar (2024-07-04 is a Thursday, 2023-07-04 a Tuesday).
#include <catch2/catch.hpp>

#include <energy/billing/bill.hpp>
#include <energy/billing/tariff_cost.hpp>

#include <algorithm>
#include <string>

#include "billing_fixtures.hpp"

using namespace energy;
using namespace energy::billing;
using namespace energy::billing::testing;
using std::chrono::hours;
using std::chrono::year_month_day;
namespace chr = std::chrono;

namespace {

year_month_day date(int y, unsigned m, unsigned d) {
  return chr::year{y} / chr::month{m} / chr::day{d};
}

/// Weekdays at 0.50 $/kWh every hour, weekends at 0.10.
tariff weekday_dear() {
  tariff t;
  t.energy_periods = {single(dollars("0.10")), single(dollars("0.50"))};
  t.energy_weekday = fill(1);
  t.energy_weekend = fill(0);
  return t;
}

bool says_holidays_unknown(const bill& b) {
  return std::any_of(b.notes.begin(), b.notes.end(), [](const std::string& n) {
    return n.find("holidays are not given") != std::string::npos;
  });
}

}  // namespace

TEST_CASE("a holiday's hours are priced with the weekend schedule", "[billing][holidays]") {
  const auto z = la();
  // Monday 2024-07-01 to Monday 2024-07-08, local: 5 weekdays (one of them July 4) and a
  // weekend, 1 kWh every hour.
  const auto from = local(z, 2024, 7, 1);
  const auto to = local(z, 2024, 7, 8);
  const auto data = series(from, to, 3600, [](utc_seconds) { return milli{1'000}; });
  tariff t = weekday_dear();

  SECTION("not known: July 4 is a weekday, and the bill says holidays were not given") {
    const auto b = compute_bill(data, t, z, {from, to});
    CHECK(find_line(b, line_kind::energy, 1, 0)->quantity == 120'000);  // 5 x 24 kWh
    CHECK(find_line(b, line_kind::energy, 0, 0)->quantity == 48'000);
    CHECK(b.total == dollars("64.80"));  // 60.00 + 4.80
    CHECK(says_holidays_unknown(b));
  }
  SECTION("given: July 4 moves to the weekend price, no note") {
    t.holidays = {date(2024, 12, 25), date(2024, 7, 4), date(2024, 1, 1)};  // any order
    const auto b = compute_bill(data, t, z, {from, to});
    CHECK(find_line(b, line_kind::energy, 1, 0)->quantity == 96'000);
    CHECK(find_line(b, line_kind::energy, 0, 0)->quantity == 72'000);
    CHECK(b.total == dollars("55.20"));  // 48.00 + 7.20
    CHECK_FALSE(says_holidays_unknown(b));
  }
  SECTION("an empty list: the utility has none; priced as weekdays, no note") {
    t.holidays.emplace();
    const auto b = compute_bill(data, t, z, {from, to});
    CHECK(b.total == dollars("64.80"));
    CHECK_FALSE(says_holidays_unknown(b));
  }
}

TEST_CASE("a holiday is the building's local date, not the UTC date", "[billing][holidays]") {
  const auto z = la();  // UTC-7 in July: local July 4 is 07:00 July 4 to 07:00 July 5 UTC
  tariff t = weekday_dear();
  t.holidays = {date(2024, 7, 4)};
  const auto from = local(z, 2024, 7, 4);
  const auto to = local(z, 2024, 7, 5);
  const auto data = series(from, to, 3600, [](utc_seconds) { return milli{1'000}; });
  // All 24 local hours at the weekend price; a UTC date would leave 7 of them at 0.50 (5.90).
  CHECK(compute_bill(data, t, z, {from, to}).total == dollars("2.40"));
  // The hours before and after, local July 3 and 5, stay weekdays.
  const auto around = series(local(z, 2024, 7, 3, 17), local(z, 2024, 7, 3, 24), 3600,
                             [](utc_seconds) { return milli{1'000}; });
  CHECK(compute_bill(around, t, z, {local(z, 2024, 7, 3, 17), local(z, 2024, 7, 4)}).total ==
        dollars("3.50"));
}

TEST_CASE("a peak on a holiday falls in the weekend's TOU demand period", "[billing][holidays]") {
  const auto z = la();
  tariff t;
  t.demand_periods = {single(money{}), single(dollars("20"))};  // on-peak 12:00-18:00 weekdays
  t.demand_weekday = fill(0);
  for (auto& m : t.demand_weekday)
    for (std::size_t h = 12; h < 18; ++h)
      m[h] = 1;
  t.demand_weekend = fill(0);
  // Tuesday 2023-07-04, 15-minute data at 40 kW with 100 kW at 14:00.
  const auto from = local(z, 2023, 7, 4);
  const auto spike = local(z, 2023, 7, 4, 14);
  const auto data = series(from, from + hours{24}, 900, [spike](utc_seconds at) {
    return milli{at == spike ? 25'000 : 10'000};
  });
  const auto weekday = compute_bill(data, t, z, {from, from + hours{24}});
  REQUIRE(find_line(weekday, line_kind::demand, 1, 0));
  CHECK(find_line(weekday, line_kind::demand, 1, 0)->amount == dollars("2000"));  // 100 kW x 20

  t.holidays = {date(2023, 7, 4)};
  const auto holiday = compute_bill(data, t, z, {from, from + hours{24}});
  CHECK(find_line(holiday, line_kind::demand, 1, 0) == nullptr);
  CHECK(holiday.total == money{});
  CHECK(holiday.peak_demand == 100'000);  // still measured, just not on-peak
}

TEST_CASE("the hourly cost hook and the summary cost model honour holidays",
          "[billing][holidays]") {
  const auto z = la();
  tariff t = weekday_dear();
  const auto noon = local(z, 2024, 7, 4, 12);
  CHECK(energy_charge(t, noon, 2'000, z) == dollars("1.00"));
  t.holidays = {date(2024, 7, 4)};
  CHECK(energy_charge(t, noon, 2'000, z) == dollars("0.20"));

  // The identity stored with summaries changes with the holiday list, not with its order.
  const uuid b = uuid::v7();
  tariff_cost none, one, one_again, other;
  none.set_tariff(b, weekday_dear());
  one.set_tariff(b, t);
  t.holidays = {date(2024, 12, 25), date(2024, 7, 4)};
  one_again.set_tariff(b, t);
  t.holidays = {date(2024, 7, 4), date(2024, 12, 25)};
  other.set_tariff(b, t);
  CHECK(none.identity() != one.identity());
  CHECK(one.identity() != one_again.identity());
  CHECK(one_again.identity() == other.identity());
}

TEST_CASE("invalid or repeated holidays are refused naming the entry", "[billing][holidays]") {
  tariff t = weekday_dear();
  t.holidays = {date(2024, 7, 4), date(2023, 2, 29)};
  CHECK_THROWS_WITH(t.validate(), Catch::Contains("holidays[1] is not a valid date"));
  t.holidays = {date(2024, 7, 4), date(2024, 12, 25), date(2024, 7, 4)};
  CHECK_THROWS_WITH(t.validate(), Catch::Contains("holidays[2] (2024-07-04) repeats holidays[0]"));
  const auto z = la();
  const auto from = local(z, 2024, 7, 1);
  const auto data = series(from, from + hours{1}, 3600, [](utc_seconds) { return milli{1}; });
  CHECK_THROWS_AS(compute_bill(data, t, z, {from, from + hours{1}}), std::invalid_argument);
}
