// SPDX-License-Identifier: Apache-2.0
#include <energy/ingest/reason.hpp>

#include <array>

#include <fmt/format.h>

namespace energy::ingest {
namespace {

// Indexed by the enum value; the static_assert below keeps the table and the enum in step.
constexpr std::array<std::string_view, reason_count> names{
    "malformed_sensor_id",  "malformed_timestamp",   "malformed_value",    "missing_field",
    "invalid_quality_flag", "unknown_sensor",        "inactive_sensor",    "unsupported_unit",
    "non_finite_value",     "value_out_of_range",    "negative_value",     "above_max_value",
    "future_timestamp",     "before_sensor_created", "duplicate_in_batch", "stale_sample",
    "register_reset",       "gap_too_long",          "line_too_long",
};
static_assert(names.size() == reason_count);

}  // namespace

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", c);
    else
      out += ch;
  }
  return out;
}

std::string shown_value(std::string_view text, std::size_t max_bytes) {
  bool cut = false;
  if (text.size() > max_bytes) {
    std::size_t n = max_bytes;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
      --n;  // text[n] continues a UTF-8 sequence: cut before its first byte
    text = text.substr(0, n);
    cut = true;
  }
  return "\"" + escape_controls(text) + (cut ? "...\"" : "\"");
}

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
