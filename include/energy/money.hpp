// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <energy/decimal.hpp>

namespace energy {

/**
 * An amount of money, exact: a signed count of millionths of the currency unit (micro-dollars).
 * Never a double. Tariff prices such as 0.13553 $/kWh are exact in this type; bills round line
 * items to cents explicitly with `round_to_cents()` where the tariff or utility does.
 *
 * Arithmetic overflows only beyond ±9.2e12 currency units.
 */
class money {
 public:
  constexpr money() noexcept = default;
  [[nodiscard]] static constexpr money from_micros(std::int64_t micros) noexcept {
    return money{micros};
  }
  [[nodiscard]] static constexpr money from_cents(std::int64_t cents) noexcept {
    return money{cents * 10'000};
  }
  /// Parses plain decimal text ("259.2", "-0.066120"); digits beyond the sixth decimal are
  /// rounded half away from zero. std::nullopt when it is not a plain decimal number.
  [[nodiscard]] static std::optional<money> parse(std::string_view text) noexcept;
  /// From a double that came from an external format (e.g. URDB JSON numbers): rounded to the
  /// micro. std::nullopt for NaN/inf/out of range. Use only at parse boundaries.
  [[nodiscard]] static std::optional<money> from_double(double v) noexcept;

  [[nodiscard]] constexpr std::int64_t micros() const noexcept { return micros_; }
  /// Rounded half away from zero to whole cents.
  [[nodiscard]] money round_to_cents() const noexcept;
  /// "1234.56" (two decimals, rounded half away from zero) — the form bills show.
  [[nodiscard]] std::string to_string() const;
  /// "1234.567891" (all six decimals) — exact.
  [[nodiscard]] std::string to_exact_string() const;
  [[nodiscard]] double to_double() const noexcept { return static_cast<double>(micros_) / 1e6; }

  constexpr money& operator+=(money o) noexcept {
    micros_ += o.micros_;
    return *this;
  }
  constexpr money& operator-=(money o) noexcept {
    micros_ -= o.micros_;
    return *this;
  }
  friend constexpr money operator+(money a, money b) noexcept {
    return money{a.micros_ + b.micros_};
  }
  friend constexpr money operator-(money a, money b) noexcept {
    return money{a.micros_ - b.micros_};
  }
  friend constexpr money operator-(money a) noexcept { return money{-a.micros_}; }
  friend constexpr money operator*(money a, std::int64_t k) noexcept {
    return money{a.micros_ * k};
  }
  friend constexpr auto operator<=>(money, money) noexcept = default;
  friend constexpr bool operator==(money, money) noexcept = default;

 private:
  constexpr explicit money(std::int64_t micros) noexcept : micros_(micros) {}
  std::int64_t micros_ = 0;
};

/// `price` per unit × `quantity` milli-units (e.g. $/kWh × Wh), rounded half away from zero to
/// the micro. Uses 128-bit intermediates, so no overflow for any realistic quantity.
[[nodiscard]] money price_times(money price_per_unit, milli quantity) noexcept;

}  // namespace energy

ENERGY_API_END
