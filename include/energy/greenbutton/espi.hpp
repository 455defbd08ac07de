// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <energy/billing/utility_bill.hpp>
#include <energy/decimal.hpp>
#include <energy/error.hpp>
#include <energy/readings.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

/**
 * Green Button (NAESB REQ.21 ESPI) XML import.
 *
 * A Green Button file is an Atom feed whose entries each carry one ESPI resource (UsagePoint,
 * MeterReading, ReadingType, IntervalBlock, LocalTimeParameters, ElectricPowerUsageSummary /
 * UsageSummary), linked to each other by Atom `link rel="self" / "up" / "related"` hrefs; or a
 * bare ESPI document whose root is one resource. `parse_buffer` / `parse_file` read either form
 * into a `document`: resources resolved and linked, interval readings as columns, and one
 * `utility_bill` per usage summary. Nothing here names pugixml.
 *
 * Times in ESPI are seconds since the Unix epoch, UTC; they are kept as UTC (`epoch_seconds`).
 * Raw values are kept exactly as written (integers in `uom` × 10^powerOfTenMultiplier);
 * `to_reading_rows` converts them to the library's exact milli-units.
 *
 * Thread-safety: every function is reentrant; documents are plain values.
 */
namespace energy::greenbutton {

/// ESPI UnitSymbolKind codes the importer converts (others are kept raw, see `to_reading_rows`).
namespace uom {
inline constexpr std::int32_t watt = 38;         ///< W (demand)
inline constexpr std::int32_t cubic_metre = 42;  ///< m³
inline constexpr std::int32_t watt_hour = 72;    ///< Wh
inline constexpr std::int32_t cubic_foot = 119;  ///< ft³
inline constexpr std::int32_t therm = 169;       ///< US therm (100,000 Btu_IT)
}  // namespace uom

/// ESPI ServiceCategory kind codes.
namespace service {
inline constexpr std::int32_t electricity = 0;
inline constexpr std::int32_t gas = 1;
inline constexpr std::int32_t water = 2;
}  // namespace service

/// ESPI FlowDirectionKind codes that matter for import.
namespace flow {
inline constexpr std::int32_t forward = 1;   ///< delivered to the customer (consumption)
inline constexpr std::int32_t net = 4;       ///< delivered minus received; values may be negative
inline constexpr std::int32_t reverse = 19;  ///< received from the customer (e.g. PV export)
}  // namespace flow

/// A problem with one part of the file that did not stop the rest from importing.
struct issue {
  std::string
      where;  ///< "file.xml:1234: feed/entry[5]/content/IntervalBlock/IntervalReading[12]/value"
  std::string what;  ///< why it was rejected or how it was interpreted
  friend bool operator==(const issue&, const issue&) = default;
};

/// ESPI ReadingType: what the values of a MeterReading mean.
struct reading_type {
  std::string href;        ///< normalised self link ("" in bare documents)
  std::int32_t uom = 0;    ///< UnitSymbolKind (72 Wh, 42 m³, 169 therm, ...)
  bool uom_stated = true;  ///< false: the file has no <uom> (see meter_reading::assumptions)
  std::int32_t power_of_ten_multiplier = 0;     ///< value × 10^this is in `uom`
  std::optional<std::int32_t> interval_length;  ///< seconds, if stated
  std::int32_t accumulation_behaviour = 0;      ///< 4 = deltaData (interval), 9 = summation, ...
  std::int32_t flow_direction = 0;              ///< see `flow`
  std::int32_t commodity = 0;  ///< 1 electricity (secondary metered), 7 natural gas, ...
  std::int32_t currency = 0;   ///< ISO 4217 numeric (840 USD); costs are 1/100000 of it
  std::int32_t kind = 0;       ///< MeasurementKind (12 = energy)
  friend bool operator==(const reading_type&, const reading_type&) = default;
};

/**
 * ESPI LocalTimeParameters, as stated by the utility. The offsets alone do not identify an IANA
 * zone (-28800 + US DST rules is America/Los_Angeles but also America/Tijuana, and the rules
 * changed over the years), so the library never guesses one: the caller gives the building's
 * zone, and may compare it with these offsets.
 */
struct local_time_parameters {
  std::string href;
  std::int32_t tz_offset = 0;        ///< standard-time offset from UTC, seconds (-28800 = UTC-8)
  std::int32_t dst_offset = 0;       ///< added during DST, seconds (3600)
  std::uint32_t dst_start_rule = 0;  ///< raw ESPI DstRuleType bits (hex in the XML, e.g. 360E2000)
  std::uint32_t dst_end_rule = 0;
  friend bool operator==(const local_time_parameters&, const local_time_parameters&) = default;
};

/**
 * True when the UTC offset of `zone` (the building's IANA zone, which the caller supplies) at
 * instant `at` is tzOffset, plus dstOffset when the zone observes DST at `at`. Use it to catch
 * a file imported for the wrong building; it cannot pick a zone (see local_time_parameters).
 * The DST start/end rules are not compared: they are kept raw.
 */
[[nodiscard]] bool zone_matches(const local_time_parameters& ltp, const time_zone& zone,
                                utc_seconds at);

/**
 * The IntervalReadings of one MeterReading as columns, ordered by start, one row per distinct
 * start (duplicates are dropped and reported). `value` is the raw integer of the XML.
 */
struct interval_series {
  std::vector<epoch_seconds> start;    ///< UTC
  std::vector<std::int32_t> duration;  ///< seconds; 0 when the reading states none
  std::vector<std::int64_t> value;     ///< raw, in uom × 10^power_of_ten_multiplier
  std::vector<std::int64_t> cost;      ///< 1/100000 of the currency; meaningful where has_cost
  std::vector<std::uint8_t> has_cost;
  std::vector<std::uint32_t> quality;      ///< energy::quality flags mapped from ReadingQuality
  std::vector<std::int32_t> espi_quality;  ///< first ReadingQuality code, -1 when none

  [[nodiscard]] std::size_t size() const noexcept { return start.size(); }
  [[nodiscard]] bool empty() const noexcept { return start.empty(); }
};

/// An ESPI MeterReading with its ReadingType and all its IntervalBlocks' readings.
struct meter_reading {
  std::string href;   ///< normalised self link, or a synthetic "#meter-reading-N"
  std::string title;  ///< Atom entry title
  std::optional<std::size_t> usage_point;  ///< index into document::usage_points
  std::optional<reading_type> type;        ///< unset when the file links none (bare IntervalBlocks)
  std::string reading_type_href;  ///< the ReadingType its entry links, even when not in this file
  std::size_t interval_blocks = 0;
  interval_series readings;
  /**
   * What the importer assumed to read this series, one sentence each (also in document::issues):
   * start/duration written with decimal fractions (rounded to the second), a ReadingType without
   * <uom> read as Wh because its context is electricity energy. Empty when nothing was assumed.
   */
  std::vector<std::string> assumptions;
};

/// A quantity of an ESPI SummaryMeasurement.
struct summary_measurement {
  std::int64_t value = 0;
  std::int32_t uom = 0;
  std::int32_t power_of_ten_multiplier = 0;
  std::optional<epoch_seconds> time_stamp;
  friend bool operator==(const summary_measurement&, const summary_measurement&) = default;
};

/// An ESPI ElectricPowerUsageSummary / UsageSummary, raw. Amounts are 1/100000 of `currency`.
struct usage_summary {
  std::string href;
  std::string title;
  std::optional<std::size_t> usage_point;
  std::optional<time_range> billing_period;
  std::optional<std::int64_t> bill_last_period;
  std::optional<std::int64_t> bill_to_date;
  std::optional<std::int64_t> cost_additional_last_period;
  std::int32_t currency = 0;
  std::optional<summary_measurement> overall_consumption_last_period;
  std::optional<summary_measurement> current_billing_period_overall_consumption;
  std::optional<epoch_seconds> status_time_stamp;
  std::optional<std::int32_t> quality_of_reading;
  std::int64_t source_line = 0;
};

/// An ESPI UsagePoint: one metered service (electricity, gas, water) at a premises.
struct usage_point {
  std::string href;  ///< normalised self link, or "#usage-point" when the file has none
  std::string title;
  std::int32_t service_kind = service::electricity;
  std::optional<local_time_parameters> local_time;
  std::vector<std::size_t> meter_readings;  ///< indices into document::meter_readings
  std::vector<std::size_t> summaries;       ///< indices into document::summaries
};

/// One Green Button file, parsed and linked.
struct document {
  std::string source;  ///< file name (or the name given to parse_buffer)
  std::vector<usage_point> usage_points;
  std::vector<meter_reading> meter_readings;
  std::vector<usage_summary> summaries;
  std::vector<reading_type> reading_types;  ///< every ReadingType of the file, linked or not
  /// One bill per usage summary that states a billing period (see docs/greenbutton.md for the
  /// mapping): period = billingPeriod, consumption = overallConsumptionLastPeriod, amount =
  /// billLastPeriod (the total; costAdditionalLastPeriod stays in the summary, not added),
  /// estimated when qualityOfReading is an estimate code. `bills[i]` comes from
  /// `summaries[bill_summary[i]]`.
  std::vector<billing::utility_bill> bills;
  std::vector<std::size_t> bill_summary;
  std::vector<issue> issues;  ///< rejected readings, unlinkable resources, interpretations
  std::vector<std::string> ignored_resources;  ///< ESPI resources not imported (names, e.g.
                                               ///< "ElectricPowerQualitySummary")
};

/**
 * Parses a Green Button Atom feed or bare ESPI document held in memory.
 * `source_name` names it in errors and bills' `source`.
 * @throws energy::parse_error when the XML is malformed ("name:LINE: ... inside <IntervalReading>
 *         opened at line N") or the root is neither an Atom feed/entry nor an ESPI resource.
 * Bad individual readings and unlinkable resources are `issues`, never exceptions.
 * Complexity: linear in the size of the XML (plus a sort of each series if out of order).
 */
[[nodiscard]] document parse_buffer(std::string_view xml, std::string_view source_name);

/// Reads and parses a file. @throws energy::parse_error (also when it cannot be read).
[[nodiscard]] document parse_file(const std::filesystem::path& file);

/// The energy value a raw ESPI integer stands for, in the library's milli-units.
struct converted_unit {
  std::string_view canonical;  ///< "kWh" (milli = Wh) or "m3" (milli = litre)
  bool is_energy = true;       ///< false for volumes
};

/**
 * Which canonical unit an ESPI uom converts to: Wh and therm → kWh, m³ and ft³ → m³.
 * std::nullopt for any other uom (W, VArh, ...), which the importer keeps raw only.
 */
[[nodiscard]] std::optional<converted_unit> canonical_unit_of(std::int32_t espi_uom) noexcept;

/**
 * `raw` × 10^`power_of_ten_multiplier` in `espi_uom`, as milli-units of its canonical unit,
 * computed with exact integer arithmetic (128-bit). Results finer than one milli-unit (a
 * negative multiplier, therms, ft³) are rounded half away from zero and `rounded` is set.
 * std::nullopt for an unconvertible uom, a multiplier outside [-15, 15], or overflow.
 */
[[nodiscard]] std::optional<milli> to_milli_units(std::int64_t raw, std::int32_t espi_uom,
                                                  std::int32_t power_of_ten_multiplier,
                                                  bool* rounded = nullptr) noexcept;

/// Result of converting one meter reading's series for a sensor.
struct rows_result {
  reading_rows rows;
  std::int32_t interval_seconds = 0;  ///< the interval every row covers
  std::vector<issue> rejected;        ///< rows not converted, and why
  std::size_t rounded = 0;            ///< rows whose value had sub-milli precision (rounded)
};

/**
 * Converts a meter reading's intervals to stored rows of `sensor_id`: exact milli-units of the
 * canonical unit (Wh for energy), UTC timestamps, quality flags mapped from ReadingQuality.
 * The interval is the ReadingType's intervalLength, else the most common reading duration;
 * readings of another duration are rejected (a sensor has one interval).
 * @throws std::invalid_argument when the meter reading has no ReadingType, its uom is not
 *         convertible (see canonical_unit_of), or its accumulationBehaviour says the values are
 *         register reads or instantaneous (1, 2, 3, 6, 12) rather than interval consumption (4,
 *         or 0/9 as some utilities write): the caller chose a series that cannot be stored.
 */
[[nodiscard]] rows_result to_reading_rows(const meter_reading& mr, const uuid& sensor_id);

/// "Wh", "m3", "therm", ... or "uom <n>" for codes without a name here.
[[nodiscard]] std::string uom_name(std::int32_t espi_uom);

}  // namespace energy::greenbutton

ENERGY_API_END
