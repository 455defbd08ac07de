// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <energy/decimal.hpp>

#include <cstddef>
#include <span>

namespace energy {

/**
 * A column of canonical-unit doubles (kWh, kW, m³, °C) as milli-units: element i of `out` is
 * exactly `*to_milli(in[i])` (rounded half away from zero), for columns of readings arriving as
 * floats (numpy, Arrow). Two values at a time with SSE2 on x86-64 when the floating-point rounding
 * mode is the default one (checked once per call); any other mode takes the element-by-element
 * path, as do values of 2^51 milli-units or more.
 *
 * @pre out.size() >= in.size().
 * @return in.size() when every element converted; otherwise the index of the first element that
 *   to_milli refuses (NaN, ±inf, |v| > max_milli_input / 1000). Elements before that index are
 *   written; nothing is written from it on.
 * Thread-safety: pure function.
 */
[[nodiscard]] std::size_t to_milli(std::span<const double> in, std::span<milli> out) noexcept;

}  // namespace energy

ENERGY_API_END
