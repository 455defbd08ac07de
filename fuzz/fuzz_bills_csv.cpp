// SPDX-License-Identifier: Apache-2.0
// Utility bills CSV: any input is bills plus per-row errors (one per bad column, each naming its
// line), or energy::parse_error; a line is a bill or has errors, never both; every bill is a
// non-empty half-open UTC period.
#include "fuzz_check.hpp"

#include <energy/billing/bills_csv.hpp>
#include <energy/error.hpp>
#include <energy/time.hpp>

#include <set>
#include <string>

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
  // "fuzz.csv:LINE" is each bill's source and each error's prefix.
  const auto line_of = [](std::string_view s) {
    const auto colon = s.find(':', s.find(':') + 1);
    return std::string(s.substr(0, colon));
  };
  std::set<std::string> bill_lines, error_lines;
  for (const auto& b : r.bills) {
    FUZZ_CHECK(b.period.start < b.period.end);
    bill_lines.insert(b.source);
  }
  for (const auto& e : r.errors)
    error_lines.insert(line_of(e));
  FUZZ_CHECK(bill_lines.size() == r.bills.size());
  for (const auto& l : error_lines)
    FUZZ_CHECK(!bill_lines.contains(l));
  FUZZ_CHECK(bill_lines.size() + error_lines.size() <= fuzz::count_lines(text));
  return 0;
}
