// SPDX-License-Identifier: Apache-2.0
// URDB tariff JSON: any input is a tariff or energy::parse_error, nothing else (no JSON library
// exception crosses the API); parsing is deterministic.
#include "fuzz_check.hpp"

#include <energy/error.hpp>
#include <energy/io/urdb.hpp>

#include <optional>

using namespace energy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  std::optional<std::string> first, second;
  for (auto* out : {&first, &second}) {
    try {
      const auto t = io::read_urdb(text, "fuzz.json");
      *out = t.tariff.name + "/" + std::to_string(t.unsupported.size());
    } catch (const parse_error&) {
      *out = "parse_error";
    }
  }
  FUZZ_CHECK(first == second);
  return 0;
}
