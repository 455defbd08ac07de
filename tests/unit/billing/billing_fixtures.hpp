// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the billing tests: local-time instants and synthetic interval series.
#pragma once

#include <energy/billing/bill.hpp>
#include <energy/billing/tariff.hpp>

#include <functional>

namespace energy::billing::testing {

inline energy::time_zone la() {
  return find_zone("America/Los_Angeles");
}

/// UTC instant of a local wall-clock time (earliest of an ambiguous fall-back time).
inline utc_seconds local(const time_zone& z, int y, unsigned m, unsigned d, int h = 0, int mi = 0) {
  const auto lt =
      std::chrono::local_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}} +
      std::chrono::hours{h} + std::chrono::minutes{mi};
  return z.first_instant(lt);
}

/// Intervals of `step` seconds covering [from, to), energy from `wh(start)`.
inline interval_series series(utc_seconds from, utc_seconds to, std::int32_t step,
                              const std::function<milli(utc_seconds)>& wh) {
  interval_series s;
  s.interval_seconds = step;
  for (auto t = from; t < to; t += std::chrono::seconds{step}) {
    s.start.push_back(to_epoch(t));
    s.energy.push_back(wh(t));
  }
  return s;
}

inline month_hour_schedule fill(std::uint8_t v) {
  month_hour_schedule s{};
  for (auto& m : s)
    m.fill(v);
  return s;
}

inline rate_period single(money price) {
  return rate_period{{rate_tier{std::nullopt, price, money{}}}};
}

inline money dollars(const char* text) {
  return *money::parse(text);
}

inline money sum_lines(const bill& b, line_kind k) {
  money m;
  for (const auto& l : b.lines)
    if (l.kind == k) m += l.amount;
  return m;
}

inline const bill_line* find_line(const bill& b, line_kind k, int period, int tier) {
  for (const auto& l : b.lines)
    if (l.kind == k && l.period == period && l.tier == tier) return &l;
  return nullptr;
}

}  // namespace energy::billing::testing
