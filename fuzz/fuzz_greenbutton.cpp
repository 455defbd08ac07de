// SPDX-License-Identifier: Apache-2.0
// Green Button (ESPI) XML: any input is a document or energy::parse_error; every link points inside
// the document; converting each meter reading gives exact rows or a documented
// std::invalid_argument (an unstorable series), with rows + rejected never above the readings.
#include "fuzz_check.hpp"

#include <energy/error.hpp>
#include <energy/greenbutton/espi.hpp>

#include <stdexcept>

using namespace energy;
namespace gb = energy::greenbutton;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  gb::document doc;
  try {
    doc = gb::parse_buffer(text, "fuzz.xml");
  } catch (const parse_error&) {
    return 0;
  }
  for (const auto& up : doc.usage_points) {
    for (const auto i : up.meter_readings)
      FUZZ_CHECK(i < doc.meter_readings.size());
    for (const auto i : up.summaries)
      FUZZ_CHECK(i < doc.summaries.size());
  }
  FUZZ_CHECK(doc.bills.size() == doc.bill_summary.size());
  for (const auto i : doc.bill_summary)
    FUZZ_CHECK(i < doc.summaries.size());
  const uuid sensor = uuid::parse("0190a5d2-7c3e-7b21-9d4f-3c2a1b0e9f88");
  for (const auto& mr : doc.meter_readings) {
    if (mr.usage_point) FUZZ_CHECK(*mr.usage_point < doc.usage_points.size());
    try {
      const auto rows = gb::to_reading_rows(mr, sensor);
      FUZZ_CHECK(rows.rows.ts.size() == rows.rows.value.size());
      FUZZ_CHECK(rows.rows.size() + rows.rejected.size() <= mr.readings.size());
      FUZZ_CHECK(rows.rounded <= rows.rows.size());
    } catch (const std::invalid_argument&) {
    }
  }
  return 0;
}
