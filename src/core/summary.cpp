// SPDX-License-Identifier: Apache-2.0
#include <energy/summary.hpp>

#include "core/enum_table.hpp"

namespace energy {
namespace {

constexpr auto resolution_names = detail::make_enum_table<resolution>(
    "resolution",
    {{resolution::hour, "hour"}, {resolution::day, "day"}, {resolution::month, "month"}});
// The `scope` column of the SQLite and PostgreSQL summary tables.
constexpr auto summary_scope_names = detail::make_enum_table<summary_scope>(
    "summary_scope", {{summary_scope::sensor, "sensor"}, {summary_scope::building, "building"}});

}  // namespace

[[maybe_unused]] static constexpr const auto& names_of(resolution) noexcept {
  return resolution_names;
}
[[maybe_unused]] static constexpr const auto& names_of(summary_scope) noexcept {
  return summary_scope_names;
}

std::string_view to_string(resolution r) noexcept {
  return resolution_names.name(r);
}
std::string_view to_string(summary_scope s) noexcept {
  return summary_scope_names.name(s);
}

}  // namespace energy

template struct energy::detail::enum_names<energy::resolution>;
template struct energy::detail::enum_names<energy::summary_scope>;
