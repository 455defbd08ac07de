// SPDX-License-Identifier: Apache-2.0
// Words as read from a device -> the number they encode, by type and byte order.
#include <bit>
#include <cmath>
#include <cstring>

#include <energy/transport/modbus_map.hpp>

namespace energy::modbus {

namespace {

/// The value's bits, most significant word first, from the words as read.
std::uint64_t assemble(std::span<const std::uint16_t> words, word_order order) noexcept {
  const bool low_word_first = order == word_order::cdab || order == word_order::dcba;
  const bool swap_bytes = order == word_order::badc || order == word_order::dcba;
  std::uint64_t bits = 0;
  const std::size_t n = words.size();
  for (std::size_t i = 0; i < n; ++i) {
    std::uint16_t w = words[low_word_first ? n - 1 - i : i];
    if (swap_bytes) w = static_cast<std::uint16_t>((w << 8) | (w >> 8));
    bits = (bits << 16) | w;
  }
  return bits;
}

constexpr std::uint64_t exact_limit = 1ULL << 53;  // integers above 2^53 lose precision in a double

}  // namespace

decoded_value decode_register(std::span<const std::uint16_t> words,
                              const register_spec& spec) noexcept {
  decoded_value out;
  if (words.size() != register_count(spec.type)) {
    out.error = "expected " + std::to_string(register_count(spec.type)) + " registers for " +
                std::string(to_string(spec.type)) + ", got " + std::to_string(words.size());
    return out;
  }
  const std::uint64_t bits = assemble(words, spec.order);
  double raw = 0.0;
  switch (spec.type) {
    case register_type::uint16:
    case register_type::uint32:
      raw = static_cast<double>(bits);
      break;
    case register_type::int16:
      raw = static_cast<std::int16_t>(static_cast<std::uint16_t>(bits));
      break;
    case register_type::int32:
      raw = static_cast<std::int32_t>(static_cast<std::uint32_t>(bits));
      break;
    case register_type::float32: {
      const float f = std::bit_cast<float>(static_cast<std::uint32_t>(bits));
      if (!std::isfinite(f)) {
        out.error = "float32 register holds " + std::string(std::isnan(f) ? "NaN" : "infinity");
        return out;
      }
      raw = f;
      break;
    }
    case register_type::uint64:
      if (bits > exact_limit) {
        out.error = "uint64 value " + std::to_string(bits) + " is beyond 2^53 (not exact)";
        return out;
      }
      raw = static_cast<double>(bits);
      break;
    case register_type::int64: {
      const auto v = static_cast<std::int64_t>(bits);
      const std::uint64_t magnitude = v < 0 ? ~bits + 1 : bits;  // INT64_MIN stays 2^63
      if (magnitude > exact_limit) {
        out.error = "int64 value " + std::to_string(v) + " is beyond ±2^53 (not exact)";
        return out;
      }
      raw = static_cast<double>(v);
      break;
    }
  }
  out.value = raw * spec.scale;
  return out;
}

}  // namespace energy::modbus
