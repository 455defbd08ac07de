// SPDX-License-Identifier: Apache-2.0
#include "metadata_text.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>

namespace energy::storage::detail {

std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const auto continuation = [&](std::size_t i) {
    return i < text.size() && (byte(i) & 0xC0) == 0x80;
  };
  for (std::size_t i = 0; i < text.size();) {
    const std::uint8_t b = byte(i);
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    if (b >= 0xC2 && b <= 0xDF) {
      length = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3;
      // E0 needs A0..BF next (no overlong form); ED needs 80..9F (no UTF-16 surrogate).
      if (!continuation(i + 1) || (b == 0xE0 && byte(i + 1) < 0xA0) ||
          (b == 0xED && byte(i + 1) > 0x9F))
        return i;
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
      // F0 needs 90..BF next (no overlong form); F4 needs 80..8F (nothing above U+10FFFF).
      if (!continuation(i + 1) || (b == 0xF0 && byte(i + 1) < 0x90) ||
          (b == 0xF4 && byte(i + 1) > 0x8F))
        return i;
    } else {
      return i;  // a continuation byte, C0/C1 (overlong) or F5..FF
    }
    for (std::size_t k = 1; k < length; ++k)
      if (!continuation(i + k)) return i;
    i += length;
  }
  return std::nullopt;
}

namespace {

void check_fields(std::string_view what, const uuid& id,
                  std::initializer_list<std::pair<const char*, const std::string*>> fields) {
  for (const auto& [field, value] : fields)
    if (const auto at = first_invalid_utf8(*value))
      throw std::invalid_argument(
          fmt::format("{} {}: {} is not valid UTF-8 (byte {} of {}); nothing stored", what,
                      id.to_string(), field, *at, value->size()));
}

}  // namespace

void check_metadata_text(const tenant& t) {
  check_fields("tenant", t.id, {{"name", &t.name}});
}

void check_metadata_text(const building& b) {
  check_fields("building", b.id,
               {{"name", &b.name}, {"address", &b.address}, {"primary_use", &b.primary_use}});
}

void check_metadata_text(const sensor& s) {
  check_fields("sensor", s.id, {{"location", &s.location}});
}

void check_metadata_text(const alert_config& a) {
  check_fields("alert config", a.id, {{"notification_email", &a.notification_email}});
}

}  // namespace energy::storage::detail
