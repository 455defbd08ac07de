// SPDX-License-Identifier: Apache-2.0
#include <energy/summary.hpp>

#include <stdexcept>
#include <string>

namespace energy {

std::string_view to_string(resolution r) noexcept {
  switch (r) {
    case resolution::hour:
      return "hour";
    case resolution::day:
      return "day";
    case resolution::month:
      return "month";
  }
  return "";
}

resolution parse_resolution(std::string_view s) {
  if (s == "hour") return resolution::hour;
  if (s == "day") return resolution::day;
  if (s == "month") return resolution::month;
  throw std::invalid_argument("unknown resolution '" + std::string(s) +
                              "' (accepted: hour, day, month)");
}

}  // namespace energy
