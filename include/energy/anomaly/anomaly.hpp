// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <energy/decimal.hpp>
#include <energy/enum_names.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

namespace energy::anomaly {

/// What an anomaly is about. Each detector reports its own kinds (see detectors.hpp).
enum class anomaly_kind : std::uint8_t {
  threshold_exceeded,  ///< a window total above the building's alert_config threshold
  baseline_deviation,  ///< actual departs from the expected (baseline) series for a sustained time
  flatline,            ///< identical values for far longer than the series normally repeats a value
  spike,               ///< one or a few intervals far from both neighbours
  negative_value,      ///< consumption below zero
  impossible_value,    ///< consumption above the physical bound of the meter
  missing_data,        ///< expected intervals with no reading
  meter_reset,  ///< a cumulative register went backwards (or a row flagged quality::meter_reset)
  after_hours_waste,  ///< consumption in unoccupied hours far above the unoccupied baseline
};

/// How urgent: `info` worth a look, `warning` likely a real problem, `critical` act now.
enum class severity : std::uint8_t { info, warning, critical };

[[nodiscard]] std::string_view to_string(anomaly_kind k) noexcept;
[[nodiscard]] std::string_view to_string(severity s) noexcept;

/**
 * One detected anomaly, as data. `[start, end)` is UTC and half-open and covers whole intervals.
 * `expected` and `actual` are totals over `[start, end)` in milli-units of the sensor's canonical
 * unit (Wh for electricity), except where the kind's detector documents otherwise (threshold:
 * the threshold and the largest window total; spike: the neighbours' mean and the spike value).
 * `score` is the detector's robust score (e.g. |z|), for ranking; `explanation` is one short
 * human sentence with the numbers that triggered it.
 */
struct anomaly {
  uuid building_id;
  std::optional<uuid> sensor_id;
  time_range range;
  anomaly_kind kind = anomaly_kind::baseline_deviation;
  enum severity severity = severity::info;
  double score = 0.0;
  milli expected = 0;
  milli actual = 0;
  std::string explanation;
};

/**
 * A meter's interval series as the detectors read it: one row per interval, `value[i]` is the
 * quantity consumed in `[ts[i], ts[i] + interval_seconds)`, in milli-units (Wh for electricity).
 * `ts` is UTC seconds, strictly increasing; missing intervals are simply absent rows.
 * `quality` is either empty or one flag word per row (energy::quality bits).
 * The spans are views: the caller keeps the data alive during the call.
 */
struct meter_series {
  uuid building_id;
  std::optional<uuid> sensor_id;
  std::int32_t interval_seconds = 900;
  std::span<const epoch_seconds> ts;
  std::span<const milli> value;
  std::span<const std::uint32_t> quality;
  /// Unit of the values (after ÷1000), used only in explanations ("kWh", "m3").
  std::string_view unit = "kWh";

  [[nodiscard]] std::size_t size() const noexcept { return ts.size(); }
  /// @throws std::invalid_argument when the columns differ in length, `interval_seconds` is not
  /// positive, or `ts` is not strictly increasing (naming the first offending row).
  void validate() const;
};

/**
 * Local hour of the week, 0 = Monday 00:00–01:00 local time … 167 = Sunday 23:00–24:00, for each
 * UTC instant, in `zone` (IANA, DST-aware: the repeated fall-back hour maps to the same slot
 * twice, the skipped spring-forward hour to none). O(n) with one tz lookup per DST period.
 */
[[nodiscard]] std::vector<std::uint8_t> hour_of_week(std::span<const epoch_seconds> ts,
                                                     const time_zone& zone);

/// Seconds of the local wall clock since 1970-01-01T00:00 local, for each UTC instant in `zone`:
/// floor-divide by 86400 for the local day number. Same cost as hour_of_week().
[[nodiscard]] std::vector<std::int64_t> local_seconds(std::span<const epoch_seconds> ts,
                                                      const time_zone& zone);

}  // namespace energy::anomaly

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::anomaly::anomaly_kind>;
extern template struct energy::detail::enum_names<energy::anomaly::severity>;

ENERGY_API_END
