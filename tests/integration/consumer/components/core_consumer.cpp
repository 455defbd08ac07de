// SPDX-License-Identifier: Apache-2.0
// Uses energy::core alone: exact money, a UTC timestamp shown in a building's zone, and the version
// check between the headers and the linked library. Prints "ok" when every result is right.
#include <energy/money.hpp>
#include <energy/time.hpp>
#include <energy/version.hpp>

#include <cstdio>
#include <string>

int main() {
  const auto price = energy::money::parse("0.13553");
  const auto t = energy::parse_utc_timestamp("2024-03-10T12:00:00Z");
  const energy::time_zone zone = energy::find_zone("America/New_York");  // throws when unknown
  if (!price || !t) {
    std::puts("parse failed");
    return 1;
  }
  const std::string local = energy::format_local(*t, zone);
  if (local.rfind("2024-03-10T08:00:00", 0) != 0) {  // EDT began at 07:00 UTC that day
    std::printf("wrong local time %s\n", local.c_str());
    return 1;
  }
  if (std::string(energy::library_version()) != energy::header_version) {
    std::printf("library %s, headers %s\n", energy::library_version(), energy::header_version);
    return 1;
  }
  std::puts("ok");
  return 0;
}
