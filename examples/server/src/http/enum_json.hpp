// SPDX-License-Identifier: Apache-2.0
// The names of a library enum as a JSON array: the `enum` of an OpenAPI schema property, so the
// served and linted documents list exactly what the handlers accept (energy::parse).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include <energy/enum_names.hpp>

namespace energy::server {

/// ["name", ...] of every value of `E`, in declaration order.
template <named_enum E>
[[nodiscard]] nlohmann::json enum_names_json() {
  auto names = nlohmann::json::array();
  for (const E e : enum_values<E>())
    names.push_back(std::string(to_string(e)));
  return names;
}

}  // namespace energy::server
