// SPDX-License-Identifier: Apache-2.0
#include <energy/ingest/reason.hpp>

#include <array>

#include <fmt/format.h>

#include "core/enum_table.hpp"

namespace energy::ingest {

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

namespace {
constexpr auto reason_names = energy::detail::make_enum_table<reason>(
    "reason", {{reason::malformed_sensor_id, "malformed_sensor_id"},
               {reason::malformed_timestamp, "malformed_timestamp"},
               {reason::malformed_value, "malformed_value"},
               {reason::missing_field, "missing_field"},
               {reason::invalid_quality_flag, "invalid_quality_flag"},
               {reason::unknown_sensor, "unknown_sensor"},
               {reason::inactive_sensor, "inactive_sensor"},
               {reason::unsupported_unit, "unsupported_unit"},
               {reason::non_finite_value, "non_finite_value"},
               {reason::value_out_of_range, "value_out_of_range"},
               {reason::negative_value, "negative_value"},
               {reason::above_max_value, "above_max_value"},
               {reason::future_timestamp, "future_timestamp"},
               {reason::before_sensor_created, "before_sensor_created"},
               {reason::duplicate_in_batch, "duplicate_in_batch"},
               {reason::stale_sample, "stale_sample"},
               {reason::register_reset, "register_reset"},
               {reason::gap_too_long, "gap_too_long"},
               {reason::line_too_long, "line_too_long"}});
}  // namespace
static_assert(reason_names.values.size() == reason_count);
[[maybe_unused]] static constexpr const auto& names_of(reason) noexcept {
  return reason_names;
}
std::string_view to_string(reason v) noexcept {
  return reason_names.name(v);
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

template struct energy::detail::enum_names<energy::ingest::reason>;
