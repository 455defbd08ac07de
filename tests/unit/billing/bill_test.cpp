// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <energy/billing/bill.hpp>
#include <energy/quality.hpp>

#include <random>

#include "billing_fixtures.hpp"

using namespace energy;
using namespace energy::billing;
using namespace energy::billing::testing;
using std::chrono::hours;

TEST_CASE("a flat rate prices the period's energy exactly and rounds the line to cents",
          "[billing]") {
  const auto z = la();
  const auto from = local(z, 2023, 7, 1);
  const auto data = series(from, from + hours{24}, 3600,
                           [](utc_seconds) { return milli{1'234}; });  // 1.234 kWh/h
  const auto b =
      compute_bill(data, flat_energy_tariff(dollars("0.13553")), z, {from, from + hours{24}});
  REQUIRE(b.lines.size() == 1);
  CHECK(b.energy == 29'616);
  CHECK(b.lines[0].quantity == 29'616);
  CHECK(b.lines[0].exact == money::from_micros(4'013'856));  // 29.616 x 0.13553 = 4.01385648
  CHECK(b.lines[0].amount == dollars("4.01"));
  CHECK(b.total == dollars("4.01"));
  CHECK(b.intervals == 24);
  CHECK(b.coverage() == Approx(1.0));
}

TEST_CASE(
    "an energy tier boundary crossed inside an interval splits that interval's energy exactly",
    "[billing][tiers]") {
  const auto z = la();
  tariff t;
  t.energy_periods = {rate_period{
      {rate_tier{100'000, dollars("0.10"), {}}, rate_tier{std::nullopt, dollars("0.20"), {}}}}};
  const auto from = local(z, 2023, 7, 3);
  const auto data =
      series(from, from + hours{5}, 900, [](utc_seconds) { return milli{7'000}; });  // 20 x 7 kWh
  const auto b = compute_bill(data, t, z, {from, from + hours{5}});
  const auto* t0 = find_line(b, line_kind::energy, 0, 0);
  const auto* t1 = find_line(b, line_kind::energy, 0, 1);
  REQUIRE(t0);
  REQUIRE(t1);
  CHECK(t0->quantity == 100'000);  // 14 intervals (98 kWh) + 2 kWh of the 15th
  CHECK(t1->quantity == 40'000);   // 5 kWh of the 15th + 5 x 7 kWh
  CHECK(t0->amount == dollars("10.00"));
  CHECK(t1->amount == dollars("8.00"));
  CHECK(b.total == dollars("18.00"));
}

TEST_CASE("the tier position is the billing period's cumulative energy across TOU periods",
          "[billing][tiers]") {
  const auto z = la();
  tariff t;
  t.energy_periods = {rate_period{{rate_tier{100'000, dollars("0.10"), {}},
                                   rate_tier{std::nullopt, dollars("0.20"), {}}}},
                      rate_period{{rate_tier{100'000, dollars("0.30"), {}},
                                   rate_tier{std::nullopt, dollars("0.40"), {}}}}};
  t.energy_weekday = fill(0);
  for (auto& m : t.energy_weekday)
    for (int h = 12; h < 24; ++h)
      m[static_cast<std::size_t>(h)] = 1;
  t.energy_weekend = t.energy_weekday;
  const auto from = local(z, 2023, 7, 3);
  const auto data = series(from, from + hours{24}, 3600,
                           [](utc_seconds) { return milli{5'000}; });  // 60 + 60 kWh
  const auto b = compute_bill(data, t, z, {from, from + hours{24}});
  CHECK(find_line(b, line_kind::energy, 0, 0)->quantity == 60'000);
  CHECK(find_line(b, line_kind::energy, 1, 0)->quantity == 40'000);
  CHECK(find_line(b, line_kind::energy, 1, 1)->quantity == 20'000);
  CHECK(find_line(b, line_kind::energy, 0, 1) == nullptr);
  CHECK(b.total == dollars("26.00"));  // 6 + 12 + 8
}

TEST_CASE("URDB adj is added to the rate of its tier", "[billing][tiers]") {
  const auto z = la();
  tariff t;
  t.energy_periods = {
      rate_period{{rate_tier{std::nullopt, dollars("0.01973"), dollars("0.01882")}}}};
  const auto from = local(z, 2023, 7, 3);
  const auto data =
      series(from, from + hours{10}, 3600, [](utc_seconds) { return milli{100'000}; });
  const auto b = compute_bill(data, t, z, {from, from + hours{10}});
  CHECK(b.lines.at(0).rate == dollars("0.03855"));
  CHECK(b.total == dollars("38.55"));
}

namespace {
/// 24 energy periods: period h is local hour h, priced (h + 1) cents/kWh, weekday and weekend.
tariff hour_priced() {
  tariff t;
  for (int h = 0; h < 24; ++h)
    t.energy_periods.push_back(single(money::from_cents(h + 1)));
  for (auto& m : t.energy_weekday)
    for (std::size_t h = 0; h < 24; ++h)
      m[h] = static_cast<std::uint8_t>(h);
  t.energy_weekend = t.energy_weekday;
  return t;
}
}  // namespace

TEST_CASE("on the spring-forward day the schedule's hour 2 is never used and the day has 23 hours",
          "[billing][dst]") {
  const auto z = la();
  const auto from = local(z, 2023, 3, 12);
  const auto to = local(z, 2023, 3, 13);
  REQUIRE((to - from) == hours{23});
  const auto data = series(from, to, 3600, [](utc_seconds) { return milli{1'000}; });
  const auto b = compute_bill(data, hour_priced(), z, {from, to});
  CHECK(find_line(b, line_kind::energy, 2, 0) == nullptr);
  CHECK(find_line(b, line_kind::energy, 1, 0)->quantity == 1'000);
  CHECK(find_line(b, line_kind::energy, 3, 0)->quantity == 1'000);
  CHECK(b.lines.size() == 23);
  CHECK(b.total == dollars("2.97"));  // (1 + ... + 24) cents - 3 cents
}

TEST_CASE("on the fall-back day both 01:00 hours are priced by the schedule's hour 1",
          "[billing][dst]") {
  const auto z = la();
  const auto from = local(z, 2023, 11, 5);
  const auto to = local(z, 2023, 11, 6);
  REQUIRE((to - from) == hours{25});
  const auto data =
      series(from, to, 900, [](utc_seconds) { return milli{250}; });  // 1 kWh per hour
  const auto b = compute_bill(data, hour_priced(), z, {from, to});
  CHECK(find_line(b, line_kind::energy, 1, 0)->quantity == 2'000);
  CHECK(find_line(b, line_kind::energy, 0, 0)->quantity == 1'000);
  CHECK(find_line(b, line_kind::energy, 2, 0)->quantity == 1'000);
  CHECK(b.total == dollars("3.02"));  // 3.00 + a second hour at 2 cents
}

TEST_CASE("weekday and weekend schedules are chosen by the local day of week", "[billing][tou]") {
  const auto z = la();
  tariff t;
  t.energy_periods = {single(dollars("0.10")), single(dollars("0.50"))};
  t.energy_weekday = fill(1);
  t.energy_weekend = fill(0);
  // Friday 2023-07-07 local 16:00..24:00 then Saturday 00:00..08:00: a UTC day would mix them
  // differently.
  const auto from = local(z, 2023, 7, 7, 16);
  const auto to = local(z, 2023, 7, 8, 8);
  const auto data = series(from, to, 3600, [](utc_seconds) { return milli{1'000}; });
  const auto b = compute_bill(data, t, z, {from, to});
  CHECK(find_line(b, line_kind::energy, 1, 0)->quantity == 8'000);
  CHECK(find_line(b, line_kind::energy, 0, 0)->quantity == 8'000);
  CHECK(b.total == dollars("4.80"));
}

TEST_CASE(
    "seasons follow the local month: a period across May and June uses both months' schedules",
    "[billing][tou]") {
  const auto z = la();
  tariff t;
  t.energy_periods = {single(dollars("0.10")), single(dollars("0.20"))};
  t.energy_weekday = fill(0);
  for (std::size_t m = 5; m < 9; ++m)
    t.energy_weekday[m].fill(1);  // June..September = summer
  t.energy_weekend = t.energy_weekday;
  // 2023-05-31 12:00 local .. 2023-06-01 12:00 local. In UTC, May 31 17:00 local is already June 1.
  const auto from = local(z, 2023, 5, 31, 12);
  const auto to = local(z, 2023, 6, 1, 12);
  const auto data = series(from, to, 3600, [](utc_seconds) { return milli{1'000}; });
  const auto b = compute_bill(data, t, z, {from, to});
  CHECK(find_line(b, line_kind::energy, 0, 0)->quantity == 12'000);
  CHECK(find_line(b, line_kind::energy, 1, 0)->quantity == 12'000);
}

namespace {
/// One local weekday (Wednesday 2023-07-12) of 15-minute data at 40 kW, with 100 kW at 14:00 and
/// 20 kW at 14:15 local.
interval_series spike_day(const time_zone& z) {
  const auto from = local(z, 2023, 7, 12);
  const auto spike = local(z, 2023, 7, 12, 14);
  return series(from, from + hours{24}, 900, [spike](utc_seconds t) {
    if (t == spike) return milli{25'000};
    if (t == spike + std::chrono::minutes{15}) return milli{5'000};
    return milli{10'000};
  });
}
}  // namespace

TEST_CASE(
    "TOU demand prices each period's maximum through its tiers, flat demand the period maximum",
    "[billing][demand]") {
  const auto z = la();
  tariff t;
  t.demand_periods = {single(money{}), rate_period{{rate_tier{50'000, dollars("10"), {}},
                                                    rate_tier{std::nullopt, dollars("20"), {}}}}};
  t.demand_weekday = fill(0);
  for (auto& m : t.demand_weekday)
    for (std::size_t h = 12; h < 18; ++h)
      m[h] = 1;
  t.demand_weekend = fill(0);
  t.flat_demand_periods = {single(dollars("5"))};
  const auto data = spike_day(z);
  const auto from = from_epoch(data.start.front());
  const auto b = compute_bill(data, t, z, {from, from + hours{24}});
  const auto* d0 = find_line(b, line_kind::demand, 1, 0);
  const auto* d1 = find_line(b, line_kind::demand, 1, 1);
  REQUIRE(d0);
  REQUIRE(d1);
  CHECK(d0->quantity == 50'000);
  CHECK(d1->quantity == 50'000);
  CHECK(d0->amount == dollars("500"));
  CHECK(d1->amount == dollars("1000"));
  CHECK(*d1->peak_at == local(z, 2023, 7, 12, 14));
  CHECK(find_line(b, line_kind::demand, 0, 0) ==
        nullptr);  // zero-rate off-peak demand is not billed
  CHECK(find_line(b, line_kind::flat_demand, 0, 0)->quantity == 100'000);
  CHECK(sum_lines(b, line_kind::flat_demand) == dollars("500"));
  CHECK(b.total == dollars("2000"));
  CHECK(b.peak_demand == 100'000);
}

TEST_CASE("a 30-minute demand window averages two 15-minute intervals, a 15-minute window does not",
          "[billing][demand]") {
  const auto z = la();
  tariff t;
  t.flat_demand_periods = {single(dollars("10"))};
  const auto data = spike_day(z);
  const auto from = from_epoch(data.start.front());
  t.demand_window_minutes = 15;
  const auto b15 = compute_bill(data, t, z, {from, from + hours{24}});
  t.demand_window_minutes = 30;
  const auto b30 = compute_bill(data, t, z, {from, from + hours{24}});
  CHECK(b15.peak_demand == 100'000);
  CHECK(b30.peak_demand == 60'000);  // (25 + 5) kWh over half an hour
  CHECK(b15.total == dollars("1000"));
  CHECK(b30.total == dollars("600"));
  CHECK(b30.demand_window_seconds == 1800);
  CHECK(b30.notes.empty());
}

TEST_CASE("hourly data under a 15-minute demand window measures demand hourly and says so",
          "[billing][demand]") {
  const auto z = la();
  tariff t;
  t.flat_demand_periods = {single(dollars("10"))};
  const auto from = local(z, 2023, 7, 12);
  const auto data = series(from, from + hours{24}, 3600, [](utc_seconds) { return milli{50'000}; });
  const auto b = compute_bill(data, t, z, {from, from + hours{24}});
  CHECK(b.demand_window_seconds == 3600);
  CHECK(b.peak_demand == 50'000);
  REQUIRE(b.notes.size() == 1);
  CHECK_THAT(b.notes[0], Catch::Contains("3600-second data interval"));
}

TEST_CASE("flat demand across a season change is charged per season, pro-rated by time in each",
          "[billing][demand]") {
  const auto z = la();
  tariff t;
  t.flat_demand_periods = {single(dollars("10")), single(dollars("20"))};
  for (std::size_t m = 5; m < 12; ++m)
    t.flat_demand_months[m] = 1;
  t.demand_window_minutes = 60;
  const auto from = local(z, 2023, 5, 16);
  const auto june = local(z, 2023, 6, 1);
  const auto to = local(z, 2023, 6, 16);
  const auto data = series(
      from, to, 3600, [june](utc_seconds s) { return s < june ? milli{40'000} : milli{60'000}; });
  const auto b = compute_bill(data, t, z, {from, to});
  const auto* may = find_line(b, line_kind::flat_demand, 0, 0);
  const auto* jun = find_line(b, line_kind::flat_demand, 1, 0);
  REQUIRE(may);
  REQUIRE(jun);
  CHECK(may->quantity == 40'000);
  CHECK(jun->quantity == 60'000);
  CHECK(may->amount == dollars("206.45"));  // 400 x 16/31
  CHECK(jun->amount == dollars("580.65"));  // 1200 x 15/31
}

TEST_CASE("the fixed monthly charge is one month per bill, or pro-rated by time when asked",
          "[billing][fixed]") {
  const auto z = la();
  tariff t = flat_energy_tariff(money{});
  t.fixed_charge = dollars("30");
  const auto from = local(z, 2023, 7, 1);
  const auto to = from + hours{24 * 15};
  const auto data = series(from, to, 3600, [](utc_seconds) { return milli{0}; });
  CHECK(compute_bill(data, t, z, {from, to}).total == dollars("30.00"));
  bill_options prorate;
  prorate.prorate_monthly_charges = true;
  const auto b = compute_bill(data, t, z, {from, to}, prorate);
  CHECK(b.lines.at(0).exact == money::from_micros(14'784'698));  // 30 x 1,296,000 / 2,629,746
  CHECK(b.total == dollars("14.78"));
  bill_options two_meters;
  two_meters.meters = 2;
  CHECK(compute_bill(data, t, z, {from, to}, two_meters).total == dollars("60.00"));
  t.fixed_charge = dollars("1.5");
  t.fixed_charge_unit = charge_unit::per_day;
  CHECK(compute_bill(data, t, z, {from, to}).total == dollars("22.50"));
}

TEST_CASE("a minimum charge tops the bill up only when the other charges fall below it",
          "[billing][fixed]") {
  const auto z = la();
  tariff t = flat_energy_tariff(dollars("0.10"));
  t.fixed_charge = dollars("30");
  t.minimum_charge = dollars("50");
  const auto from = local(z, 2023, 7, 1);
  const auto to = from + hours{100};
  const auto low =
      series(from, to, 3600, [](utc_seconds) { return milli{1'000}; });  // 100 kWh -> $10
  const auto high =
      series(from, to, 3600, [](utc_seconds) { return milli{3'000}; });  // 300 kWh -> $30
  const auto b = compute_bill(low, t, z, {from, to});
  REQUIRE(b.lines.size() == 3);
  CHECK(b.lines.back().kind == line_kind::minimum);
  CHECK(b.lines.back().amount == dollars("10.00"));
  CHECK(b.total == dollars("50.00"));
  const auto b2 = compute_bill(high, t, z, {from, to});
  CHECK(b2.lines.size() == 2);
  CHECK(b2.total == dollars("60.00"));
}

TEST_CASE(
    "a partial billing period counts only intervals starting inside it and reports its coverage",
    "[billing]") {
  const auto z = la();
  const auto day = local(z, 2023, 7, 1);
  auto data = series(day, day + hours{48}, 900, [](utc_seconds) { return milli{100}; });
  // Remove 12 hours of data in the second day.
  const auto gap_from = to_epoch(day + hours{30});
  const auto gap_to = to_epoch(day + hours{42});
  interval_series holed;
  holed.interval_seconds = 900;
  for (std::size_t i = 0; i < data.size(); ++i)
    if (data.start[i] < gap_from || data.start[i] >= gap_to) {
      holed.start.push_back(data.start[i]);
      holed.energy.push_back(data.energy[i]);
    }
  const time_range period{day + hours{6} + std::chrono::minutes{10},
                          day + hours{48}};  // not interval-aligned
  const auto b = compute_bill(holed, flat_energy_tariff(dollars("1")), z, period);
  // Starts from 06:15 to 30:00 (95 intervals) and 42:00..48:00 (24).
  CHECK(b.intervals == 95 + 24);
  CHECK(b.energy == (95 + 24) * 100);
  CHECK(b.coverage() == Approx((119.0 * 900) / (41.0 * 3600 + 50 * 60)));
}

TEST_CASE("bill calculation rejects unsorted data, a null zone and an invalid tariff with a reason",
          "[billing]") {
  const auto z = la();
  const auto from = local(z, 2023, 7, 1);
  interval_series bad;
  bad.interval_seconds = 900;
  bad.start = {to_epoch(from) + 900, to_epoch(from)};
  bad.energy = {1, 2};
  const time_range p{from, from + hours{1}};
  CHECK_THROWS_WITH(compute_bill(bad, flat_energy_tariff(dollars("1")), z, p),
                    Catch::Contains("row 1"));
  interval_series ok;
  tariff t = flat_energy_tariff(dollars("1"));
  t.energy_weekday[6][13] = 3;
  CHECK_THROWS_WITH(compute_bill(ok, t, z, p), Catch::Contains("energy_weekday[6][13] = 3"));
  t = flat_energy_tariff(dollars("1"));
  t.demand_window_minutes = 7;
  CHECK_THROWS_WITH(compute_bill(ok, t, z, p), Catch::Contains("demand_window_minutes"));
}

TEST_CASE("interval_series::from_rows keeps one sensor's rows in time order and rejects duplicates",
          "[billing]") {
  const uuid a = uuid::parse("0190d2a0-0000-7000-8000-000000000001");
  const uuid other = uuid::parse("0190d2a0-0000-7000-8000-000000000002");
  reading_rows rows;
  rows.push_back(a, 1800, 30, quality::estimated);
  rows.push_back(other, 0, 999);
  rows.push_back(a, 0, 10);
  rows.push_back(a, 900, 20);
  const auto s = interval_series::from_rows(rows, a, 900);
  CHECK(s.start == std::vector<epoch_seconds>{0, 900, 1800});
  CHECK(s.energy == std::vector<milli>{10, 20, 30});
  CHECK(s.quality == std::vector<std::uint32_t>{0, 0, quality::estimated});
  rows.push_back(a, 900, 5);
  CHECK_THROWS_WITH(interval_series::from_rows(rows, a, 900), Catch::Contains("two rows"));
}

TEST_CASE(
    "for an untiered tariff, bills of two adjacent periods add up to the bill of their union "
    "(energy)",
    "[billing][property]") {
  const auto z = la();
  tariff t;
  t.energy_periods = {single(dollars("0.0712")), single(dollars("0.09368")),
                      single(dollars("0.1355"))};
  std::mt19937_64 rng(42);
  for (std::size_t m = 0; m < 12; ++m)
    for (std::size_t h = 0; h < 24; ++h) {
      t.energy_weekday[m][h] = static_cast<std::uint8_t>(rng() % 3);
      t.energy_weekend[m][h] = static_cast<std::uint8_t>(rng() % 3);
    }
  const auto from = local(z, 2023, 1, 1);
  const auto to = local(z, 2024, 1, 1);
  std::uniform_int_distribution<milli> wh(0, 50'000);
  const auto data = series(from, to, 900, [&](utc_seconds) { return wh(rng); });
  std::uniform_int_distribution<std::int64_t> cut(to_epoch(from) + 1, to_epoch(to) - 1);
  for (int trial = 0; trial < 20; ++trial) {
    const auto mid = from_epoch(cut(rng));
    const auto whole = compute_bill(data, t, z, {from, to});
    const auto a = compute_bill(data, t, z, {from, mid});
    const auto b = compute_bill(data, t, z, {mid, to});
    CHECK(a.energy + b.energy == whole.energy);
    for (int p = 0; p < 3; ++p) {
      const auto* lw = find_line(whole, line_kind::energy, p, 0);
      const auto* la_ = find_line(a, line_kind::energy, p, 0);
      const auto* lb = find_line(b, line_kind::energy, p, 0);
      const milli qa = la_ ? la_->quantity : 0;
      const milli qb = lb ? lb->quantity : 0;
      CHECK(qa + qb == lw->quantity);
    }
  }
}

TEST_CASE(
    "the hourly cost hook summed over a period equals the bill's energy charges for an untiered "
    "TOU tariff",
    "[billing][property]") {
  const auto z = la();
  tariff t;
  t.energy_periods = {single(dollars("0.066")), single(dollars("0.088")), single(dollars("0.135"))};
  for (std::size_t m = 0; m < 12; ++m)
    for (std::size_t h = 0; h < 24; ++h) {
      t.energy_weekday[m][h] =
          static_cast<std::uint8_t>((h >= 12 && h < 18) ? 2 : (h >= 8 ? 1 : 0));
      t.energy_weekend[m][h] = 0;
    }
  // March including the spring-forward day.
  const auto from = local(z, 2023, 3, 1);
  const auto to = local(z, 2023, 4, 1);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<milli> wh(0, 400'000);
  const auto data = series(from, to, 3600, [&](utc_seconds) { return wh(rng); });
  money hooked;
  for (std::size_t i = 0; i < data.size(); ++i)
    hooked += energy_charge(t, from_epoch(data.start[i]), data.energy[i], z);
  money exact;
  for (const auto& l : compute_bill(data, t, z, {from, to}).lines)
    exact += l.exact;
  CHECK(hooked == exact);  // prices are whole milli-dollars per kWh: no micro rounding per hour
}

TEST_CASE("the hourly cost hook uses the first tier of a tiered period", "[billing]") {
  const auto z = la();
  tariff t;
  t.energy_periods = {rate_period{
      {rate_tier{10'000, dollars("0.10"), {}}, rate_tier{std::nullopt, dollars("0.30"), {}}}}};
  CHECK(energy_charge(t, local(z, 2023, 7, 1, 5), 50'000, z) == dollars("5.00"));
}

TEST_CASE(
    "a series without a stated interval infers it from its starts, hourly data bills hourly "
    "demand",
    "[billing][interval]") {
  const auto z = la();
  tariff t;
  t.demand_periods = {rate_period{{rate_tier{std::nullopt, dollars("10"), {}}}}};  // $10/kW
  const auto from = local(z, 2023, 7, 3);
  auto hourly = series(from, from + hours{24}, 3600, [](utc_seconds) { return milli{5'000}; });
  hourly.interval_seconds = 0;  // the default: inferred
  CHECK(interval_series{}.interval_seconds == 0);
  CHECK(hourly.resolved_interval() == 3600);
  const auto b = compute_bill(hourly, t, z, {from, from + hours{24}});
  CHECK(b.peak_demand == 5'000);  // 5 kWh in an hour is 5 kW, not the 20 kW a 15-minute guess gave
  CHECK(b.coverage() == Approx(1.0));
  CHECK(b.total == dollars("50.00"));
  CHECK(peak_demand(hourly, {from, from + hours{24}}, 3600)->demand == 5'000);
}

TEST_CASE("a stated interval that contradicts the starts is refused, not billed",
          "[billing][interval]") {
  const auto z = la();
  const auto from = local(z, 2023, 7, 3);
  const time_range day{from, from + hours{24}};
  const auto tariff = flat_energy_tariff(dollars("0.10"));
  auto hourly = series(from, from + hours{24}, 3600, [](utc_seconds) { return milli{5'000}; });
  hourly.interval_seconds = 900;  // hourly data said to be 15-minute
  CHECK_THROWS_WITH(compute_bill(hourly, tariff, z, day),
                    Catch::Contains("no two rows are closer than 3600 s"));
  auto quarter = series(from, from + hours{24}, 900, [](utc_seconds) { return milli{1'000}; });
  quarter.interval_seconds = 3600;  // overlapping hours
  CHECK_THROWS_WITH(compute_bill(quarter, tariff, z, day), Catch::Contains("overlap"));
  interval_series one;
  one.start = {to_epoch(from)};
  one.energy = {1'000};
  CHECK_THROWS_WITH(compute_bill(one, tariff, z, day), Catch::Contains("give the interval"));
  one.interval_seconds = 3600;  // stated: one row is fine
  CHECK(compute_bill(one, tariff, z, day).energy == 1'000);
}

TEST_CASE("a tariff without any charge is refused instead of billing 0", "[billing][tariff]") {
  const auto z = la();
  const auto from = local(z, 2023, 7, 3);
  const auto data = series(from, from + hours{24}, 3600, [](utc_seconds) { return milli{5'000}; });
  tariff empty;
  empty.name = "read from an empty file";
  CHECK_THROWS_WITH(compute_bill(data, empty, z, {from, from + hours{24}}),
                    Catch::Contains("has no charges"));
  CHECK_THROWS_AS(empty.validate(), std::invalid_argument);
  tariff fixed_only;
  fixed_only.fixed_charge = dollars("12.00");  // a meter fee alone is a real (if odd) tariff
  CHECK_NOTHROW(fixed_only.validate());
}

TEST_CASE("a 1.14155 kW flat load billed from mWh loses no money to Wh rounding",
          "[billing][precision]") {
  const auto z = la();
  const auto from = local(z, 2023, 6, 1);
  const auto to = local(z, 2023, 7, 1);  // 30 days = 720 hours
  tariff t = flat_energy_tariff(dollars("0.12345"));
  // Whole Wh, as the store keeps it: 1,141.55 Wh per hour is 1,142 Wh.
  const auto wh = series(from, to, 3600, [](utc_seconds) { return milli{1'142}; });
  // The same load in mWh: 1,141,550 mWh per hour.
  auto mwh = series(from, to, 3600, [](utc_seconds) { return milli{1'141'550}; });
  mwh.energy_per_wh = 1000;
  const auto rounded = compute_bill(wh, t, z, {from, to});
  const auto exact = compute_bill(mwh, t, z, {from, to});
  // Hand computation: 1.14155 kW x 720 h = 821.916 kWh x 0.12345 $/kWh = 101.4655302 -> 101.47.
  // From whole Wh: 822.240 kWh x 0.12345 = 101.505528 -> 101.51 (4 cents too much).
  CHECK(exact.lines.at(0).exact == money::from_micros(101'465'530));
  CHECK(exact.total == dollars("101.47"));
  CHECK(rounded.total == dollars("101.51"));
  CHECK(exact.energy == 821'916);  // Wh
  CHECK(exact.lines[0].basis == "821.916000 kWh x 0.123450 $/kWh");
  CHECK(exact.peak_demand == 1'142);  // 1,141.55 W shown to the W (half away from zero)

  // Tier boundaries (Wh) apply to mWh exactly: 500 kWh at 0.10, the rest at 0.20.
  tariff tiers = t;
  tiers.energy_periods[0].tiers = {rate_tier{milli{500'000}, dollars("0.10"), money{}},
                                   rate_tier{std::nullopt, dollars("0.20"), money{}}};
  const auto b = compute_bill(mwh, tiers, z, {from, to});
  // 500 kWh x 0.10 = 50.00; 321.916 kWh x 0.20 = 64.3832 -> 64.38; total 114.38.
  REQUIRE(b.lines.size() == 2);
  CHECK(b.lines[1].exact == money::from_micros(64'383'200));
  CHECK(b.total == dollars("114.38"));

  mwh.energy_per_wh = 10;
  CHECK_THROWS_WITH(compute_bill(mwh, t, z, {from, to}), Catch::Contains("energy_per_wh = 10"));
}
