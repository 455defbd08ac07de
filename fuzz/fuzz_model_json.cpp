// SPDX-License-Identifier: Apache-2.0
// Baseline model JSON (TOWT, seasonal, change-point): any input is a model or energy::parse_error;
// a model read back from its own JSON writes the same JSON again (round trip is a fixed point).
#include "fuzz_check.hpp"

#include <energy/error.hpp>
#include <energy/io/model_json.hpp>

#include <string>

using namespace energy;

namespace {

template <class Read>
void round_trip(std::string_view text, Read read) {
  std::string once;
  try {
    once = io::to_json(read(text));
  } catch (const parse_error&) {
    return;
  }
  std::string twice;
  try {
    twice = io::to_json(read(once));
  } catch (const parse_error& e) {
    std::fprintf(stderr, "own JSON not readable: %s\n", e.what());
    std::abort();
  }
  FUZZ_CHECK(once == twice);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  round_trip(text, [](std::string_view t) { return io::towt_model_from_json(t); });
  round_trip(text, [](std::string_view t) { return io::seasonal_model_from_json(t); });
  round_trip(text, [](std::string_view t) { return io::changepoint_model_from_json(t); });
  return 0;
}
