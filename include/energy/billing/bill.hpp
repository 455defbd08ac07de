// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <energy/billing/tariff.hpp>
#include <energy/decimal.hpp>
#include <energy/money.hpp>
#include <energy/readings.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

namespace energy::billing {

/**
 * Interval energy of one meter: struct-of-arrays, `energy[i]` Wh (or mWh, see `energy_per_wh`)
 * consumed in `[start[i], start[i] + interval_seconds)`, UTC. `start` strictly ascending. `quality`
 * is either empty or one `energy::quality` bitmask per row (used by reconciliation to count
 * estimated data). Missing intervals are simply absent (the calculation counts them as coverage,
 * never invents them).
 */
struct interval_series {
  std::vector<epoch_seconds> start;
  std::vector<milli> energy;
  std::vector<std::uint32_t> quality;
  /// Length of every interval. 0 (the default): inferred as the smallest gap between consecutive
  /// starts (`resolved_interval`), never assumed. A stated length must be that smallest gap:
  /// hourly data said to be 15-minute would bill four times its demand, so it is refused.
  std::int32_t interval_seconds = 0;
  /**
   * Units of `energy` per Wh: 1 (Wh, the store's unit, the default) or 1000 (mWh). Whole Wh lose
   * up to 0.5 Wh per interval, and the loss is systematic for a steady load that is not a whole
   * number of Wh per interval (a 1.14155 kW load: 1,141.55 Wh per hour is stored as 1,142):
   * 334.8 Wh over a 744-hour month. Give mWh to bill such data exactly: energy lines are priced
   * from the exact mWh (their `quantity` and `bill::energy` are shown rounded to the Wh), demand
   * is computed from the mWh and rounded to the W.
   */
  std::int32_t energy_per_wh = 1;

  [[nodiscard]] std::size_t size() const noexcept { return start.size(); }

  /**
   * The rows of `sensor` from a store result (which may hold several sensors, in any order),
   * sorted by time. `interval_seconds` 0 infers it (see below). @throws std::invalid_argument if
   * `interval_seconds` < 0 or the sensor has two rows at the same time.
   */
  [[nodiscard]] static interval_series from_rows(const reading_rows& rows, const uuid& sensor,
                                                 std::int32_t interval_seconds);

  /// @throws std::invalid_argument naming the first row that breaks the contract above, when
  /// `interval_seconds` contradicts the starts or cannot be inferred (fewer than two rows), or
  /// when `energy_per_wh` is neither 1 nor 1000.
  void validate() const;

  /// `interval_seconds` when stated, else the smallest gap between consecutive starts.
  /// @throws std::invalid_argument when 0 and there are fewer than two rows.
  [[nodiscard]] std::int32_t resolved_interval() const;
};

enum class line_kind : std::uint8_t {
  fixed,
  energy,
  demand,
  flat_demand,
  minimum,
  coincident_peak
};

/// "fixed", "energy", "demand", "flat_demand", "minimum", "coincident_peak".
[[nodiscard]] std::string_view to_string(line_kind k) noexcept;

/// True for the lines priced per kW of demand: demand, flat_demand and coincident_peak.
[[nodiscard]] constexpr bool is_demand_charge(line_kind k) noexcept {
  return k == line_kind::demand || k == line_kind::flat_demand || k == line_kind::coincident_peak;
}

/**
 * One line of a computed bill, with the inputs it used. `exact` is the amount in micro-dollars
 * before rounding; `amount` is `exact` rounded half away from zero to cents (the rounding rule:
 * every line is rounded to cents, the total is the sum of the rounded lines).
 */
struct bill_line {
  line_kind kind = line_kind::energy;
  int period = -1;     ///< energy/demand/flat-demand period index, coincident-peak charge index;
                       ///< -1 for fixed/minimum
  int tier = -1;       ///< tier index within the period; -1 for fixed/minimum
  milli quantity = 0;  ///< Wh (energy) or W (demand) priced on this line; 0 for fixed/minimum
  money rate;          ///< $/kWh, $/kW, or $/month / $/day for fixed/minimum
  std::optional<utc_seconds>
      peak_at;        ///< demand lines: start of the demand window that set the peak
  std::string basis;  ///< human-readable inputs, e.g. "1234.500 kWh x 0.093680 $/kWh"
  money exact;
  money amount;
};

/// Options of the bill calculation. Defaults are what a regular monthly bill does.
struct bill_options {
  /**
   * Monthly fixed and minimum charges: false (default) charges one full month per billing period
   * whatever its length, as utilities do for regular read cycles; true pro-rates them by the
   * period's length over an average month (30.436875 days = 2,629,746 s), for partial periods
   * (move-in, move-out, tariff change). Per-day charges are always days × rate, days = period
   * length / 86,400 s (a period from local midnight to local midnight across DST counts the
   * 23- or 25-hour day as 23/24 or 25/24 of a day).
   */
  bool prorate_monthly_charges = false;
  /// Number of meters the fixed charge applies to.
  std::int32_t meters = 1;
};

/**
 * A computed bill. `coverage_seconds` is how much of the period the interval data covers
 * (count of intervals starting in the period × interval length), so a caller can see that a bill
 * was computed from incomplete data.
 */
struct bill {
  time_range period;
  std::vector<bill_line> lines;
  money total;            ///< sum of the rounded line amounts
  milli energy = 0;       ///< Wh in the period
  milli peak_demand = 0;  ///< W, highest demand-window average in the period
  std::optional<utc_seconds> peak_at;
  std::int32_t demand_window_seconds = 0;  ///< window actually used for demand
  std::int64_t intervals = 0;              ///< intervals starting in the period
  std::int64_t coverage_seconds = 0;
  std::vector<std::string> notes;  ///< approximations made (e.g. demand on a coarser window)
  /// Charges that apply but are not in `total`, each with the reason: the tariff's own
  /// `tariff::unapplied` list, and coincident-peak windows that the data cannot measure. Empty
  /// means every charge of the tariff was applied; otherwise `total` is incomplete.
  std::vector<std::string> unapplied;

  /// Coverage of the period by interval data, 0..1 (a statistic: double).
  [[nodiscard]] double coverage() const noexcept;
};

/**
 * Computes the bill for `period` (UTC half-open, any length: billing periods do not follow
 * calendar months) from `data` under tariff `t` in the building's zone `zone`.
 *
 * Rules (see docs/billing.md):
 * - an interval belongs to the period when its start is in `[period.start, period.end)`;
 * - an interval is priced by the local month, weekday/weekend and hour of its start (a 25-hour
 *   fall-back day prices both 01:00 hours with hour 1 of the schedule; a 23-hour spring day has
 *   no hour 2); intervals should not cross a local hour boundary (15/30/60-minute data aligned
 *   to the hour never does);
 * - energy tiers are positions in the cumulative energy of the billing period, counted in time
 *   order across all TOU periods; an interval that crosses a tier boundary is split exactly;
 * - demand is the highest average power over clock-aligned blocks of the tariff's demand window
 *   (energy in the block × 3600 / window seconds), each block assigned to the TOU demand period
 *   of its start; when the data interval is longer than the window, or does not divide it, the
 *   data interval is used and a note says so; missing intervals count as zero in their block;
 * - flat demand: the maximum over the period, priced by the flat period of the local month; when a
 *   billing period spans two flat-demand seasons, each season's maximum is charged pro-rated by
 *   the share of the period's time in that season;
 * - coincident peak: see `coincident_peak_charge` (the data interval must divide the window,
 *   otherwise the charge is listed in `unapplied`, not priced);
 * - fixed and minimum charges: see `bill_options`; the minimum-charge line tops the bill up to the
 *   minimum when the sum of the other rounded lines is below it.
 *
 * @throws std::invalid_argument if the tariff is invalid, `period` is empty, or
 * `data` breaks its contract. Thread-safe (pure function of its inputs).
 */
[[nodiscard]] bill compute_bill(const interval_series& data, const tariff& t, const time_zone& zone,
                                time_range period, const bill_options& options = {});

/// A demand peak: W, and the start of the block that set it.
struct peak {
  milli demand = 0;
  utc_seconds at{};
};

/**
 * Highest demand (W) over clock-aligned blocks of `window_seconds` in `period`, with the start
 * of the block, or nullopt when no interval starts in the period. Used to check which demand
 * interval a utility billed on. @throws std::invalid_argument unless window_seconds is a positive
 * multiple of `data.interval_seconds` (a 15-minute demand cannot be measured from hourly data).
 */
[[nodiscard]] std::optional<peak> peak_demand(const interval_series& data, time_range period,
                                              std::int32_t window_seconds);

/**
 * Cost-model hook for aggregation: the energy charge of `energy_wh` consumed in the local hour
 * starting at `hour_start` under `t`, i.e. energy × the price of that hour's TOU period.
 *
 * Approximation, by necessity: an hour cannot know its position in the billing period's tiers,
 * nor its share of the period's demand or fixed charges, so this uses the period's FIRST tier
 * price (rate + adj) and no demand/fixed/minimum charges. Summed over a period it equals the
 * energy lines of `compute_bill` exactly for untiered tariffs and is a lower/upper bound for
 * inclining/declining block tariffs. Rounded to the micro-dollar, never to cents.
 * The tariff is not re-validated on every call (it is called once per hour bucket): validate it
 * once when it is set. @throws std::invalid_argument if the schedule names a period
 * that does not exist. Thread-safe (pure).
 */
[[nodiscard]] money energy_charge(const tariff& t, utc_seconds hour_start, milli energy_wh,
                                  const time_zone& zone);

}  // namespace energy::billing

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::billing::line_kind>;

ENERGY_API_END
