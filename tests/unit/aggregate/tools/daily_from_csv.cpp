// SPDX-License-Identifier: Apache-2.0
// Test tool: aggregates a `start,value` hourly kWh CSV (one meter, interval 3600 s) in a given zone
// and prints the local-day building summaries as `date,kwh,count` with exact decimals, for
// check_daily.py to compare against Python's Decimal.

#include <energy/aggregate/aggregator.hpp>

#include "../il_csv.hpp"

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <hourly.csv> <IANA zone>\n", argv[0]);
    return 2;
  }
  try {
    using namespace energy;
    building b;
    b.id = uuid::v7();
    b.time_zone = argv[2];
    sensor s;
    s.id = uuid::v7();
    s.building_id = b.id;
    s.interval_seconds = 3600;
    aggregate::aggregator agg({&b, 1}, {&s, 1}, {false, true, nullptr});
    for (const auto& pt : test::read_start_value_csv(argv[1]))
      if (pt.value) agg.add(s.id, to_epoch(pt.start), *pt.value);
    for (const auto& d : agg.finish().daily) {
      const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(d.local_start)};
      std::printf("%04d-%02u-%02u,%s,%lld\n", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  format_milli(d.consumption).c_str(), static_cast<long long>(d.reading_count));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
