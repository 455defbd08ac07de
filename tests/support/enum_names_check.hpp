// SPDX-License-Identifier: Apache-2.0
// The checks every named enum passes (energy/enum_names.hpp), shared by the test areas that own
// enums: every value has a distinct name that parses back to it, and any other text is refused.
#pragma once

#include <catch2/catch.hpp>

#include <set>
#include <string>

#include <energy/enum_names.hpp>

namespace energy::testing {

template <named_enum E>
void check_enum_names() {
  const auto values = enum_values<E>();
  REQUIRE_FALSE(values.empty());
  std::set<std::string> names;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const E e = values[i];
    const std::string name{to_string(e)};
    CAPTURE(name);
    // Declaration order: the values are 0, 1, 2, ... (no enum of the library numbers its own).
    CHECK(static_cast<std::size_t>(e) == i);
    CHECK(name != "?");  // what to_string gives a value missing from the table
    CHECK(names.insert(name).second);
    CHECK(parse<E>(name) == e);
    CHECK(try_parse<E>(name) == e);
  }
  const std::string first{to_string(values.front())};
  for (const std::string& bad : {std::string("no such name"), std::string(), " " + first,
                                 first + " ", std::string(1, static_cast<char>(first[0] - 32))}) {
    CAPTURE(bad);
    CHECK_FALSE(try_parse<E>(bad).has_value());
    try {
      (void)parse<E>(bad);
      FAIL("parsed");
    } catch (const parse_error& err) {
      const std::string what = err.what();
      CHECK_THAT(what, Catch::StartsWith("unknown "));
      CHECK_THAT(what, Catch::Contains("'" + bad + "' (accepted: " + first));
      for (const auto v : values)
        CHECK_THAT(what, Catch::Contains(std::string(to_string(v))));
    }
  }
}

}  // namespace energy::testing
