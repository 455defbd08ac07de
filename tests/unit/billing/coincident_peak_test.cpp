// SPDX-License-Identifier: Apache-2.0
// Coincident-peak demand charges and the bill's list of charges it could not apply.
#include <catch2/catch.hpp>

#include <energy/billing/bill.hpp>

#include <algorithm>

#include "billing_fixtures.hpp"

using namespace energy;
using namespace energy::billing;
using namespace energy::billing::testing;
using std::chrono::hours;

namespace {

bool mentions(const std::vector<std::string>& list, const std::string& text) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

/// July 2025 in Los Angeles, 15-minute data: 100 kW, 200 kW in the hour from 16:00 on 15 July,
/// 150 kW in the hour from 15:00 on 22 July.
interval_series july_load(const time_zone& z) {
  const auto p1 = local(z, 2025, 7, 15, 16);
  const auto p2 = local(z, 2025, 7, 22, 15);
  return series(local(z, 2025, 7, 1), local(z, 2025, 8, 1), 900, [&](utc_seconds t) {
    if (t >= p1 && t < p1 + hours{1}) return milli{50'000};  // 200 kW x 0.25 h
    if (t >= p2 && t < p2 + hours{1}) return milli{37'500};  // 150 kW x 0.25 h
    return milli{25'000};                                    // 100 kW x 0.25 h
  });
}

tariff with_peaks(const time_zone& z) {
  tariff t = flat_energy_tariff(dollars("0.10"));
  coincident_peak_charge cp;
  cp.name = "transmission 2CP";
  cp.price = dollars("10.00");
  cp.peak_starts = {local_hour_start(z, std::chrono::year{2025} / 7 / 15, 16),
                    local_hour_start(z, std::chrono::year{2025} / 7 / 22, 15),
                    local_hour_start(z, std::chrono::year{2025} / 8 / 5, 14)};
  t.coincident_peaks.push_back(cp);
  return t;
}

}  // namespace

TEST_CASE("local_hour_start turns a published local peak hour into UTC, refusing DST gaps",
          "[billing][coincident]") {
  const auto z = la();
  // 16:00 PDT (UTC-7) is 23:00 UTC.
  CHECK(format_utc(local_hour_start(z, std::chrono::year{2025} / 7 / 15, 16)) ==
        "2025-07-15T23:00:00Z");
  CHECK_THROWS_WITH(local_hour_start(z, std::chrono::year{2025} / 3 / 9, 2),
                    Catch::Contains("does not exist"));
  CHECK_THROWS_WITH(local_hour_start(z, std::chrono::year{2025} / 11 / 2, 1),
                    Catch::Contains("occurs twice"));
  CHECK_THROWS_AS(local_hour_start(z, std::chrono::year{2025} / 7 / 15, 24), std::invalid_argument);
}

TEST_CASE("a coincident-peak charge bills the mean demand of the peak hours in the period",
          "[billing][coincident]") {
  const auto z = la();
  const auto b =
      compute_bill(july_load(z), with_peaks(z), z, {local(z, 2025, 7, 1), local(z, 2025, 8, 1)});
  // Hand computation: peaks in July are 200 kW and 150 kW -> mean 175 kW x 10 $/kW = 1,750.00.
  // Energy: 744 h x 100 kW = 74,400 kWh, plus 100 kWh and 50 kWh in the peak hours = 74,550 kWh
  // x 0.10 = 7,455.00. The 5 August peak is another billing period's.
  const auto* cp = find_line(b, line_kind::coincident_peak, 0, -1);
  REQUIRE(cp != nullptr);
  CHECK(cp->quantity == 175'000);
  CHECK(cp->amount == dollars("1750.00"));
  CHECK(cp->peak_at == local(z, 2025, 7, 15, 16));
  CHECK(sum_lines(b, line_kind::energy) == dollars("7455.00"));
  CHECK(b.total == dollars("9205.00"));
  CHECK(b.unapplied.empty());
  CHECK(is_demand_charge(line_kind::coincident_peak));
}

TEST_CASE("a peak hour without data is named in unapplied, never billed as zero demand",
          "[billing][coincident]") {
  const auto z = la();
  // August: its 5 August peak hour has no data (the series ends with July).
  auto data = july_load(z);
  data.start.push_back(to_epoch(local(z, 2025, 8, 1)));
  data.energy.push_back(25'000);
  const auto b = compute_bill(data, with_peaks(z), z, {local(z, 2025, 8, 1), local(z, 2025, 9, 1)});
  CHECK(find_line(b, line_kind::coincident_peak, 0, -1) == nullptr);
  CHECK(mentions(b.unapplied, "no interval data in the peak window starting 2025-08-05T21:00:00Z"));
}

TEST_CASE("peak windows shorter than the data interval are not charged, and said so",
          "[billing][coincident]") {
  const auto z = la();
  auto t = with_peaks(z);
  t.coincident_peaks[0].window_seconds = 900;
  const auto hourly = series(local(z, 2025, 7, 1), local(z, 2025, 8, 1), 3600,
                             [](utc_seconds) { return milli{100'000}; });
  const auto b = compute_bill(hourly, t, z, {local(z, 2025, 7, 1), local(z, 2025, 8, 1)});
  CHECK(find_line(b, line_kind::coincident_peak, 0, -1) == nullptr);
  CHECK(mentions(b.unapplied, "900-second peak windows cannot be measured from 3600-second data"));
}

TEST_CASE(
    "a coincident-peak charge without its hours, or a tariff's unapplied charges, are "
    "never a silent $0",
    "[billing][coincident]") {
  const auto z = la();
  tariff t = flat_energy_tariff(dollars("0.10"));
  t.coincident_peaks.push_back({"no hours", {}, 3600, dollars("5")});
  CHECK_THROWS_WITH(t.validate(), Catch::Contains("'no hours' has no peak hours"));
  t.coincident_peaks[0].peak_starts = {local(z, 2025, 7, 2), local(z, 2025, 7, 1)};
  CHECK_THROWS_WITH(t.validate(), Catch::Contains("is not after the previous"));

  tariff only_unapplied;
  only_unapplied.unapplied = {"coincidentratestructure: not applied"};
  CHECK_THROWS_WITH(only_unapplied.validate(),
                    Catch::Contains("charges this model cannot apply: coincidentratestructure"));

  tariff partial = flat_energy_tariff(dollars("0.10"));
  partial.unapplied = {"dgrules = 'Net Billing Hourly': not modelled"};
  const auto b =
      compute_bill(july_load(z), partial, z, {local(z, 2025, 7, 1), local(z, 2025, 7, 2)});
  CHECK(b.unapplied == partial.unapplied);
}
