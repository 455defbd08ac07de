// SPDX-License-Identifier: Apache-2.0
#include <energy/uuid.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <random>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace energy {
namespace {

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<uuid> uuid::try_parse(std::string_view text) noexcept {
  // Hot path of every reading import (one id per reading).
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-')
    return std::nullopt;
  std::array<std::uint8_t, 16> bytes{};
#if defined(__SSE2__)
  // The 32 digits side by side, then all of them at once: sixteen compares tell digits from
  // letters (signed, so bytes >= 0x80 fail both ranges), and each 16-bit lane (two digits)
  // becomes one byte, high digit first.
  std::array<char, 32> digits;
  std::memcpy(digits.data(), text.data(), 8);
  std::memcpy(digits.data() + 8, text.data() + 9, 4);
  std::memcpy(digits.data() + 12, text.data() + 14, 4);
  std::memcpy(digits.data() + 16, text.data() + 19, 4);
  std::memcpy(digits.data() + 20, text.data() + 24, 12);
  const auto values = [](__m128i c, int& valid) {
    const __m128i is_digit = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('0' - 1)),
                                           _mm_cmplt_epi8(c, _mm_set1_epi8('9' + 1)));
    const __m128i lower = _mm_or_si128(c, _mm_set1_epi8(0x20));  // 'A'-'F' -> 'a'-'f'
    const __m128i is_letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                            _mm_cmplt_epi8(lower, _mm_set1_epi8('f' + 1)));
    valid &= _mm_movemask_epi8(_mm_or_si128(is_digit, is_letter));
    return _mm_or_si128(_mm_and_si128(is_digit, _mm_sub_epi8(c, _mm_set1_epi8('0'))),
                        _mm_and_si128(is_letter, _mm_sub_epi8(lower, _mm_set1_epi8('a' - 10))));
  };
  const auto pair_bytes = [](__m128i v) {  // lane = low byte (first digit) | high byte << 8
    return _mm_or_si128(_mm_and_si128(_mm_slli_epi16(v, 4), _mm_set1_epi16(0xF0)),
                        _mm_srli_epi16(v, 8));
  };
  int valid = 0xFFFF;
  __m128i first, second;
  std::memcpy(&first, digits.data(), 16);
  std::memcpy(&second, digits.data() + 16, 16);
  const __m128i packed =
      _mm_packus_epi16(pair_bytes(values(first, valid)), pair_bytes(values(second, valid)));
  if (valid != 0xFFFF) return std::nullopt;
  std::memcpy(bytes.data(), &packed, 16);
#else
  static constexpr auto table = [] {
    std::array<std::int8_t, 256> t{};
    for (int c = 0; c < 256; ++c)
      t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(hex_value(static_cast<char>(c)));
    return t;
  }();
  static constexpr std::array<std::uint8_t, 16> offsets{0,  2,  4,  6,  9,  11, 14, 16,
                                                        19, 21, 24, 26, 28, 30, 32, 34};
  int bad = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    const int hi = table[static_cast<unsigned char>(text[offsets[i]])];
    const int lo = table[static_cast<unsigned char>(text[offsets[i] + 1u])];
    bad |= hi | lo;  // any -1 sets the sign bit
    bytes[i] = static_cast<std::uint8_t>(((hi & 0xF) << 4) | (lo & 0xF));
  }
  if (bad < 0) return std::nullopt;
#endif
  return uuid{bytes};
}

uuid uuid::parse(std::string_view text) {
  if (auto u = try_parse(text)) return *u;
  throw std::invalid_argument("invalid UUID '" + std::string(text.substr(0, 64)) +
                              "': expected 8-4-4-4-12 hexadecimal digits");
}

std::array<char, 36> uuid::to_chars() const noexcept {
  static constexpr char digits[] = "0123456789abcdef";
  std::array<char, 36> out{};
  std::size_t o = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
    out[o++] = digits[bytes_[i] >> 4];
    out[o++] = digits[bytes_[i] & 0xF];
  }
  return out;
}

std::string uuid::to_string() const {
  const auto text = to_chars();
  return {text.data(), text.size()};
}

uuid uuid::v7() {
  // RFC 9562 §6.2 method 1: a 12-bit counter in rand_a keeps ids monotonic inside one millisecond.
  static std::mutex mutex;
  static std::mt19937_64 rng{std::random_device{}()};
  static std::uint64_t last_ms = 0;
  static std::uint16_t counter = 0;

  std::lock_guard lock(mutex);
  auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  if (ms <= last_ms) {
    ms = last_ms;
    if (++counter > 0x0FFF) {  // counter exhausted: borrow the next millisecond
      ++ms;
      counter = 0;
    }
  } else {
    counter = static_cast<std::uint16_t>(rng() & 0x01FF);  // random start leaves room to count
  }
  last_ms = ms;

  std::array<std::uint8_t, 16> b{};
  for (int i = 0; i < 6; ++i)
    b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<std::uint8_t>(0x70 | ((counter >> 8) & 0x0F));
  b[7] = static_cast<std::uint8_t>(counter & 0xFF);
  const std::uint64_t r = rng();
  for (int i = 0; i < 8; ++i)
    b[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(r >> (8 * i));
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));  // RFC 4122 variant
  return uuid{b};
}

}  // namespace energy
