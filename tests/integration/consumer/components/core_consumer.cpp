// SPDX-License-Identifier: Apache-2.0
// Uses energy::core alone: exact money, a UTC timestamp shown in a building's zone, an enum's names
// (instantiated in the library: exported by a shared build), and the version check between the
// headers and the linked library. Prints "ok" when every result is right.
#include <energy/enum_names.hpp>
#include <energy/money.hpp>
#include <energy/summary.hpp>
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
  const auto scopes = energy::enum_values<energy::summary_scope>();
  if (scopes.size() != 2 || energy::parse<energy::summary_scope>("building") != scopes[1] ||
      to_string(scopes[0]) != "sensor" || energy::try_parse<energy::sensor_type>("steam")) {
    std::puts("wrong enum names");
    return 1;
  }
  try {
    (void)energy::parse<energy::resolution>("week");
    std::puts("parsed an unknown resolution");
    return 1;
  } catch (const energy::parse_error&) {
  }
  if (std::string(energy::library_version()) != energy::header_version) {
    std::printf("library %s, headers %s\n", energy::library_version(), energy::header_version);
    return 1;
  }
  std::puts("ok");
  return 0;
}
