// SPDX-License-Identifier: Apache-2.0
#include <energy/decimal.hpp>
#include <energy/money.hpp>

#include <fmt/format.h>

#include <limits>

namespace energy {
namespace {

/// Parses a plain decimal into an integer scaled by 10^scale, rounding half away from zero.
std::optional<std::int64_t> parse_scaled(std::string_view s, int scale) noexcept {
  std::size_t p = 0;
  bool negative = false;
  if (p < s.size() && (s[p] == '-' || s[p] == '+')) negative = s[p++] == '-';
  if (p == s.size()) return std::nullopt;
  constexpr auto limit = std::numeric_limits<std::int64_t>::max() / 10 - 10;
  std::int64_t v = 0;
  bool any_digit = false;
  while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
    if (v > limit) return std::nullopt;
    v = v * 10 + (s[p++] - '0');
    any_digit = true;
  }
  int frac_digits = 0;
  bool round_up = false;
  if (p < s.size() && s[p] == '.') {
    ++p;
    bool first_dropped = true;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      any_digit = true;
      if (frac_digits < scale) {
        if (v > limit) return std::nullopt;
        v = v * 10 + (s[p] - '0');
        ++frac_digits;
      } else if (first_dropped) {
        round_up = s[p] >= '5';
        first_dropped = false;
      }
      ++p;
    }
  }
  if (!any_digit || p != s.size()) return std::nullopt;
  for (; frac_digits < scale; ++frac_digits) {
    if (v > limit) return std::nullopt;
    v *= 10;
  }
  if (round_up) ++v;
  return negative ? -v : v;
}

std::string format_scaled(std::int64_t v, int scale) {
  const bool negative = v < 0;
  // Work in unsigned to survive INT64_MIN.
  std::uint64_t a = negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::uint64_t div = 1;
  for (int i = 0; i < scale; ++i)
    div *= 10;
  return fmt::format("{}{}.{:0{}}", negative ? "-" : "", a / div, a % div, scale);
}

}  // namespace

std::optional<milli> parse_milli(std::string_view text) noexcept {
  return parse_scaled(text, 3);
}

std::string format_milli(milli v) {
  return format_scaled(v, 3);
}

std::optional<money> money::parse(std::string_view text) noexcept {
  if (auto v = parse_scaled(text, 6)) return money{*v};
  return std::nullopt;
}

std::optional<money> money::from_double(double v) noexcept {
  if (!std::isfinite(v) || std::fabs(v) > 9.0e12) return std::nullopt;
  return money{static_cast<std::int64_t>(std::llround(v * 1e6))};
}

money money::round_to_cents() const noexcept {
  const std::int64_t r = micros_ % 10'000;
  std::int64_t base = micros_ - r;
  if (r >= 5'000) base += 10'000;
  if (r <= -5'000) base -= 10'000;
  return money{base};
}

std::string money::to_string() const {
  return format_scaled(round_to_cents().micros_ / 10'000, 2);
}

std::string money::to_exact_string() const {
  return format_scaled(micros_, 6);
}

// GCC/Clang extension; __extension__ keeps -Wpedantic quiet about it.
__extension__ using int128 = __int128;

money price_times(money price_per_unit, milli quantity) noexcept {
  const int128 product = static_cast<int128>(price_per_unit.micros()) * quantity;
  int128 q = product / 1000;
  const int128 r = product % 1000;
  if (r >= 500) ++q;
  if (r <= -500) --q;
  return money::from_micros(static_cast<std::int64_t>(q));
}

}  // namespace energy
