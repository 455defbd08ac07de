// SPDX-License-Identifier: Apache-2.0
// SCE GS-2 TOU B (URDB 55fc81d7682bea28da64f9ae, reopt_incentives.json, Apache-2.0, NREL/REopt.jl)
// priced on the DOE large-office San Francisco load (reopt_loads_kw_largeoffice_sanfran.csv),
// month by month. Expected totals come from sce_gs2_reference.py, an independent Python
// implementation of the same rules (decimal + zoneinfo), not from this library.
#include <catch2/catch.hpp>

#include <energy/billing/bill.hpp>
#include <energy/billing/bill_periods.hpp>
#include <energy/io/urdb.hpp>

#include <filesystem>
#include <fstream>

using namespace energy;
using namespace energy::billing;

namespace {
const std::filesystem::path data_dir{ENERGY_TEST_DATA_DIR};

/// Hour i = 2015-01-01 00:00 America/Los_Angeles + i real hours; kW averaged over the hour = Wh.
interval_series sanfran_load(const time_zone& z) {
  std::ifstream in(data_dir / "tariffs" / "reopt_loads_kw_largeoffice_sanfran.csv");
  interval_series s;
  s.interval_seconds = 3600;
  const auto start =
      to_epoch(z.first_instant(std::chrono::local_days{std::chrono::year{2015} / 1 / 1}));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    s.start.push_back(start + static_cast<epoch_seconds>(s.start.size()) * 3600);
    s.energy.push_back(parse_milli(line).value());
  }
  return s;
}

utc_seconds month_start(const time_zone& z, int y, unsigned m) {
  return z.first_instant(
      std::chrono::local_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{1}});
}

struct expected {
  unsigned month;
  const char* kwh;
  const char* peak_kw;
  const char* total;
};
/// From sce_gs2_reference.py (independent implementation), one row per local month of 2015.
const expected months[] = {
    {1, "396574.372", "1116.502", "47426.26"},  {2, "369601.883", "1193.540", "46299.72"},
    {3, "421778.626", "1148.352", "50104.87"},  {4, "397889.264", "1184.627", "48692.98"},
    {5, "432404.017", "1219.484", "51582.39"},  {6, "430549.731", "1250.098", "84740.33"},
    {7, "428644.231", "1280.732", "85975.49"},  {8, "460488.529", "1230.861", "85329.70"},
    {9, "429995.443", "1366.406", "88663.31"},  {10, "432962.155", "1241.372", "52140.51"},
    {11, "409921.148", "1173.501", "49267.70"}, {12, "389191.131", "1104.616", "46856.86"}};
}  // namespace

TEST_CASE(
    "SCE GS-2 TOU B monthly bills for the San Francisco large office match the independent "
    "reference to the cent",
    "[billing][reference]") {
  const auto tariff_file = data_dir / "tariffs" / "reopt_incentives.json";
  if (!std::filesystem::exists(tariff_file)) {
    WARN("shared data absent");
    return;
  }
  const auto t = io::read_urdb_file(tariff_file).tariff;
  const auto z = find_zone("America/Los_Angeles");
  const auto load = sanfran_load(z);
  REQUIRE(load.size() == 8760);
  milli year_energy = 0;
  for (const auto& e : months) {
    const time_range p{month_start(z, 2015, e.month),
                       e.month == 12 ? month_start(z, 2016, 1) : month_start(z, 2015, e.month + 1)};
    const auto b = compute_bill(load, t, z, p);
    INFO("month " << e.month);
    CHECK(format_milli(b.energy) == e.kwh);
    CHECK(format_milli(b.peak_demand) == e.peak_kw);
    CHECK(b.total.to_string() == e.total);
    CHECK(b.demand_window_seconds == 3600);  // hourly data: the 15-minute window cannot be formed
    CHECK(b.coverage() == Approx(1.0));
    year_energy += b.energy;
  }
  milli all = 0;
  for (const auto v : load.energy)
    all += v;
  CHECK(year_energy == all);  // monthly local periods tile the year
}

TEST_CASE(
    "a year of data gives twelve calendar-month bills in one call, equal to the independent "
    "reference, and the same as billing cycles read on the month starts",
    "[billing][reference][periods]") {
  const auto tariff_file = data_dir / "tariffs" / "reopt_incentives.json";
  if (!std::filesystem::exists(tariff_file)) {
    WARN("shared data absent");
    return;
  }
  const auto t = io::read_urdb_file(tariff_file).tariff;
  const auto z = find_zone("America/Los_Angeles");
  const auto load = sanfran_load(z);
  const time_range year{month_start(z, 2015, 1), month_start(z, 2016, 1)};
  const auto bills = compute_monthly_bills(load, t, z, year);
  REQUIRE(bills.size() == 12);
  std::vector<utc_seconds> reads;
  for (unsigned m = 1; m <= 12; ++m)
    reads.push_back(month_start(z, 2015, m));
  reads.push_back(month_start(z, 2016, 1));
  const auto cycles = compute_bills(load, t, z, billing_cycles(reads));
  REQUIRE(cycles.size() == 12);
  for (std::size_t i = 0; i < 12; ++i) {
    INFO("month " << months[i].month);
    CHECK(bills[i].period.start == reads[i]);
    CHECK(format_milli(bills[i].energy) == months[i].kwh);
    CHECK(bills[i].total.to_string() == months[i].total);
    CHECK(cycles[i].total.to_string() == months[i].total);
    CHECK(bills[i].lines.size() >= 3);  // fixed, energy and demand line items
  }
}

TEST_CASE("calendar-month bills pro-rate the monthly charges of a partial first month only",
          "[billing][periods]") {
  const auto tariff_file = data_dir / "tariffs" / "reopt_incentives.json";
  if (!std::filesystem::exists(tariff_file)) {
    WARN("shared data absent");
    return;
  }
  const auto t = io::read_urdb_file(tariff_file).tariff;
  const auto z = find_zone("America/Los_Angeles");
  const auto load = sanfran_load(z);
  const auto jan15 = z.first_instant(std::chrono::local_days{std::chrono::year{2015} / 1 / 15});
  const auto bills = compute_monthly_bills(load, t, z, {jan15, month_start(z, 2015, 3)});
  REQUIRE(bills.size() == 2);
  CHECK(bills[0].period.end == month_start(z, 2015, 2));
  // 17 days of January: 259.20 $/month x 1,468,800 s / 2,629,746 s = 144.7717... -> 144.77.
  REQUIRE(bills[0].lines.at(0).kind == line_kind::fixed);
  CHECK(bills[0].lines[0].amount.to_string() == "144.77");
  CHECK(bills[1].lines.at(0).amount.to_string() == "259.20");
  CHECK(bills[1].total.to_string() == months[1].total);  // February whole: as the reference
  CHECK_THROWS_WITH(billing_cycles({jan15, jan15}), Catch::Contains("is not after read 0"));
}
