// SPDX-License-Identifier: Apache-2.0
#include <energy/ingest/reason.hpp>

#include <array>

namespace energy::ingest {
namespace {

// Indexed by the enum value; the static_assert below keeps the table and the enum in step.
constexpr std::array<std::string_view, reason_count> names{
    "malformed_sensor_id",  "malformed_timestamp",   "malformed_value",    "missing_field",
    "invalid_quality_flag", "unknown_sensor",        "inactive_sensor",    "unsupported_unit",
    "non_finite_value",     "value_out_of_range",    "negative_value",     "above_max_value",
    "future_timestamp",     "before_sensor_created", "duplicate_in_batch", "stale_sample",
    "register_reset",       "gap_too_long",
};
static_assert(names.size() == reason_count);

}  // namespace

std::string_view to_string(reason r) noexcept {
  const auto i = static_cast<std::size_t>(r);
  return i < names.size() ? names[i] : std::string_view{"unknown_reason"};
}

std::optional<reason> parse_reason(std::string_view name) noexcept {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<reason>(i);
  return std::nullopt;
}

reason_counts count_reasons(std::span<const rejection> rejections) noexcept {
  reason_counts c;
  for (const auto& r : rejections) {
    const auto i = static_cast<std::size_t>(r.why);
    if (i < reason_count) ++c.by_reason[i];
  }
  return c;
}

}  // namespace energy::ingest
