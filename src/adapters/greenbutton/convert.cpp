// SPDX-License-Identifier: Apache-2.0
// Raw ESPI integers -> exact milli-units, and meter readings -> reading_rows.
#include <energy/greenbutton/espi.hpp>

#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "core/time/native_zone.hpp"

namespace energy::greenbutton {
namespace {

__extension__ using i128 = __int128;  // exact rational scaling; GCC/Clang builtin

/// Milli-units of the canonical unit per one raw unit, as an exact fraction.
struct factor {
  i128 num = 1;
  i128 den = 1;
};

std::optional<factor> factor_of(std::int32_t espi_uom) noexcept {
  switch (espi_uom) {
    case uom::watt_hour:
      return factor{1, 1};  // 1 Wh = 1 milli-kWh
    case uom::therm:
      return factor{105'505'585'262, 3'600'000};  // 105,505,585.262 J / 3600 J/Wh
    case uom::cubic_metre:
      return factor{1000, 1};  // 1 m³ = 1000 L
    case uom::cubic_foot:
      return factor{28'316'846'592, 1'000'000'000};  // 0.3048³ m³, exact
    default:
      return std::nullopt;
  }
}

i128 pow10(int e) noexcept {
  i128 p = 1;
  for (int i = 0; i < e; ++i)
    p *= 10;
  return p;
}

}  // namespace

std::optional<converted_unit> canonical_unit_of(std::int32_t espi_uom) noexcept {
  switch (espi_uom) {
    case uom::watt_hour:
    case uom::therm:
      return converted_unit{"kWh", true};
    case uom::cubic_metre:
    case uom::cubic_foot:
      return converted_unit{"m3", false};
    default:
      return std::nullopt;
  }
}

std::optional<milli> to_milli_units(std::int64_t raw, std::int32_t espi_uom,
                                    std::int32_t power_of_ten_multiplier, bool* rounded) noexcept {
  if (rounded != nullptr) *rounded = false;
  const auto f = factor_of(espi_uom);
  if (!f || power_of_ten_multiplier < -15 || power_of_ten_multiplier > 15) return std::nullopt;
  i128 num = static_cast<i128>(raw) * f->num;  // |raw| < 2^63, num < 2^37: fits
  i128 den = f->den;
  if (power_of_ten_multiplier >= 0) {
    const i128 p = pow10(power_of_ten_multiplier);
    const i128 limit = (static_cast<i128>(1) << 120) / p;
    if (num > limit || num < -limit) return std::nullopt;
    num *= p;
  } else {
    den *= pow10(-power_of_ten_multiplier);
  }
  i128 q = num / den;
  const i128 r = num % den;
  if (r != 0) {
    if (rounded != nullptr) *rounded = true;
    const i128 twice = r < 0 ? -2 * r : 2 * r;
    if (twice >= den) q += num < 0 ? -1 : 1;
  }
  const auto bound = static_cast<i128>(max_milli_input);
  if (q > bound || q < -bound) return std::nullopt;
  return static_cast<milli>(q);
}

bool zone_matches(const local_time_parameters& ltp, const time_zone& zone, utc_seconds at) {
  // With the OS tz database (USE_OS_TZDB) sys_info::save is only reliable as "DST or not", not as
  // an amount, so compare the zone's total offset at `at` with what the parameters predict.
  const auto info = energy::detail::native(zone).get_info(at);
  const bool dst = info.save != std::chrono::minutes{0};
  return info.offset.count() ==
         static_cast<std::int64_t>(ltp.tz_offset) + (dst ? ltp.dst_offset : 0);
}

std::string uom_name(std::int32_t espi_uom) {
  switch (espi_uom) {
    case uom::watt:
      return "W";
    case uom::cubic_metre:
      return "m3";
    case 61:
      return "VA";
    case 63:
      return "VAr";
    case 71:
      return "VAh";
    case uom::watt_hour:
      return "Wh";
    case 73:
      return "VArh";
    case uom::cubic_foot:
      return "ft3";
    case uom::therm:
      return "therm";
    default:
      return fmt::format("uom {}", espi_uom);
  }
}

rows_result to_reading_rows(const meter_reading& mr, const uuid& sensor_id) {
  if (!mr.type)
    throw std::invalid_argument(
        fmt::format("MeterReading {} has no ReadingType: its values have no unit; set "
                    "meter_reading::type before converting",
                    mr.href));
  const reading_type& t = *mr.type;
  if (!canonical_unit_of(t.uom))
    throw std::invalid_argument(
        fmt::format("MeterReading {}: ReadingType uom {} ({}) is not an energy or volume unit "
                    "the library stores (Wh, therm, m3, ft3)",
                    mr.href, t.uom, uom_name(t.uom)));
  // Register reads and instantaneous values are not the quantity consumed in an interval: storing
  // them as interval energy would count every register total as consumption.
  switch (t.accumulation_behaviour) {
    case 1:
    case 2:
    case 3:
    case 6:
    case 12:
      throw std::invalid_argument(
          fmt::format("MeterReading {}: accumulationBehaviour {} (register or instantaneous "
                      "values) is not interval "
                      "consumption (4 deltaData)",
                      mr.href, t.accumulation_behaviour));
    default:
      break;
  }
  const auto& s = mr.readings;
  rows_result out;
  if (t.interval_length) {
    out.interval_seconds = *t.interval_length;
  } else {
    std::map<std::int32_t, std::size_t> count;
    for (auto d : s.duration)
      if (d > 0) ++count[d];
    for (const auto& [d, n] : count)
      if (out.interval_seconds == 0 || n > count[out.interval_seconds]) out.interval_seconds = d;
    if (out.interval_seconds == 0)
      throw std::invalid_argument(
          fmt::format("MeterReading {}: neither the ReadingType nor any reading states an "
                      "interval length",
                      mr.href));
  }
  out.rows.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const std::int32_t d = s.duration[i] == 0 ? out.interval_seconds : s.duration[i];
    if (d != out.interval_seconds) {
      out.rejected.push_back(
          {fmt::format("MeterReading {} at {}", mr.href, format_utc(from_epoch(s.start[i]))),
           fmt::format("duration {} s differs from the meter's interval {} s: not stored", d,
                       out.interval_seconds)});
      continue;
    }
    bool rounded = false;
    const auto v = to_milli_units(s.value[i], t.uom, t.power_of_ten_multiplier, &rounded);
    if (!v) {
      out.rejected.push_back(
          {fmt::format("MeterReading {} at {}", mr.href, format_utc(from_epoch(s.start[i]))),
           fmt::format("value {} × 10^{} {} is out of range", s.value[i], t.power_of_ten_multiplier,
                       uom_name(t.uom))});
      continue;
    }
    if (rounded) ++out.rounded;
    out.rows.push_back(sensor_id, s.start[i], *v, s.quality[i]);
  }
  return out;
}

}  // namespace energy::greenbutton
