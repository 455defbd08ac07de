// SPDX-License-Identifier: Apache-2.0
// Utility bills CSV: any input is bills plus per-row errors, or energy::parse_error; at most one
// outcome per line; every bill is a non-empty half-open UTC period.
#include "fuzz_check.hpp"

#include <energy/billing/bills_csv.hpp>
#include <energy/error.hpp>
#include <energy/time.hpp>

using namespace energy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  billing::bills_csv_options opt;
  opt.zone = find_zone("America/New_York");
  if (size > 0 && data[0] % 2 == 1) opt.end = billing::end_date::inclusive;
  billing::bills_csv_result r;
  try {
    r = billing::parse_bills_csv(text, "fuzz.csv", opt);
  } catch (const parse_error&) {
    return 0;
  }
  FUZZ_CHECK(r.bills.size() + r.errors.size() <= fuzz::count_lines(text));
  for (const auto& b : r.bills)
    FUZZ_CHECK(b.period.start < b.period.end);
  return 0;
}
