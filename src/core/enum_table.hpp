// SPDX-License-Identifier: Apache-2.0
// The name table behind energy/enum_names.hpp. Each enum's table lives beside its other code:
//
//   namespace energy {
//   namespace {
//   constexpr auto resolution_names = detail::make_enum_table<resolution>(
//       "resolution", {{resolution::hour, "hour"}, {resolution::day, "day"}, ...});
//   }
//   [[maybe_unused]] static constexpr const auto& names_of(resolution) noexcept {
//     return resolution_names;
//   }
//   std::string_view to_string(resolution r) noexcept { return resolution_names.name(r); }
//   }  // namespace energy
//   template struct energy::detail::enum_names<energy::resolution>;
//
// `names_of` is how the explicit instantiation finds the table (argument-dependent lookup in the
// enum's namespace); the instantiation is what the library exports to its users. The enum's public
// header declares it (`extern template struct energy::detail::enum_names<...>;`), so that no other
// translation unit, even one that includes this file, instantiates the members itself.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string_view>

#include <energy/enum_names.hpp>

namespace energy::detail {

template <class E>
struct enum_entry {
  E value{};
  std::string_view name;
};

template <class E, std::size_t N>
struct enum_table {
  std::string_view type_name;
  std::array<enum_entry<E>, N> entries{};
  std::array<E, N> values{};

  /// The name of `e`; "?" for a value outside the enum (a cast from a bad integer): never a name,
  /// which are non-empty lowercase snake_case (`meter_health::unknown` is "unknown").
  [[nodiscard]] constexpr std::string_view name(E e) const noexcept {
    if (const auto i = static_cast<std::size_t>(e); i < N && entries[i].value == e)
      return entries[i].name;  // tables list the values in declaration order
    for (const auto& entry : entries)
      if (entry.value == e) return entry.name;
    return "?";
  }
};

/// Builds a table at compile time; a duplicate value or name, or an empty or non-lowercase
/// name, stops the compilation (the throw is not a constant expression).
template <class E, std::size_t N>
[[nodiscard]] consteval enum_table<E, N> make_enum_table(std::string_view type_name,
                                                         const enum_entry<E> (&entries)[N]) {
  enum_table<E, N> t{type_name};
  for (std::size_t i = 0; i < N; ++i) {
    if (entries[i].name.empty()) throw std::logic_error("empty enum name");
    for (const char c : entries[i].name)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
        throw std::logic_error("enum names are lowercase snake_case");
    for (std::size_t j = 0; j < i; ++j)
      if (entries[j].value == entries[i].value || entries[j].name == entries[i].name)
        throw std::logic_error("duplicate enum value or name");
    t.entries[i] = entries[i];
    t.values[i] = entries[i].value;
  }
  return t;
}

template <class E>
std::span<const E> enum_names<E>::values() noexcept {
  return names_of(E{}).values;
}

template <class E>
std::string_view enum_names<E>::type_name() noexcept {
  return names_of(E{}).type_name;
}

}  // namespace energy::detail
