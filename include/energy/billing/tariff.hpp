// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <energy/decimal.hpp>
#include <energy/enum_names.hpp>
#include <energy/money.hpp>
#include <energy/time.hpp>

namespace energy::billing {

/**
 * One tier of a rate period. Tiers of a period are ordered; `max` is the cumulative upper bound
 * of the tier (URDB `max`): for energy, Wh consumed in the billing period (kWh × 1000); for
 * demand, W (kW × 1000). The last tier usually has no `max`; when it has one, quantities beyond
 * it are still priced at the last tier (the URDB convention).
 */
struct rate_tier {
  std::optional<milli> max;  ///< cumulative upper bound of the tier (Wh or W); nullopt = unbounded
  money rate;                ///< $/kWh (energy) or $/kW (demand), exact
  money adj;                 ///< rider adjustment added to `rate` (URDB `adj`), same unit
  [[nodiscard]] money price() const noexcept { return rate + adj; }
  friend bool operator==(const rate_tier&, const rate_tier&) = default;
};

/// A rate period (a TOU period, or the single period of a flat tariff): its tiers in order.
struct rate_period {
  std::vector<rate_tier> tiers;
  friend bool operator==(const rate_period&, const rate_period&) = default;
};

/// `schedule[month 0..11][local hour 0..23]` = index of the rate period (URDB 12 × 24 form).
using month_hour_schedule = std::array<std::array<std::uint8_t, 24>, 12>;

/// How a periodic charge (fixed or minimum) is stated.
enum class charge_unit : std::uint8_t {
  per_month,  ///< $ per meter per month (URDB "$/month")
  per_day,    ///< $ per meter per day (URDB "$/day")
};
/// "per_month", "per_day"; parse with `parse<charge_unit>` (energy/enum_names.hpp).
[[nodiscard]] std::string_view to_string(charge_unit u) noexcept;

/**
 * A coincident-peak demand charge: the utility or grid operator publishes, after the fact, the
 * hours of its system peak (one a month, or e.g. the five of a year), and charges the building's
 * own demand in those hours. For a billing period, the charge is
 *
 *   mean over the peak windows starting in the period of (Wh in the window × 3600 / window s)
 *   × `price` ($/kW),
 *
 * so one listed hour bills the building's demand in that hour, and five listed hours bill the
 * mean of the five (PJM-style 5CP). A billing period in which no listed window starts gets no
 * coincident-peak line. A window without any interval data is left out of the mean and named in
 * `bill::unapplied` (never counted as zero demand).
 */
struct coincident_peak_charge {
  std::string name;                      ///< e.g. "transmission 5CP 2025"
  std::vector<utc_seconds> peak_starts;  ///< start of each peak window, UTC, strictly ascending
  std::int32_t window_seconds = 3'600;   ///< length of each peak window (1..86400)
  money price;                           ///< $/kW
  friend bool operator==(const coincident_peak_charge&, const coincident_peak_charge&) = default;
};

/**
 * The UTC start of local hour `hour` (0..23) of local day `day` in `zone`: how a published
 * "peak hour ending 17:00 on 2025-07-15" (hour 16) becomes an instant.
 * @throws std::invalid_argument if the day is invalid, the hour is outside
 * 0..23, or the local hour does not exist (spring forward) or occurs twice (fall back): give the
 * UTC instant then.
 */
[[nodiscard]] utc_seconds local_hour_start(const time_zone& zone, std::chrono::year_month_day day,
                                           int hour);

/**
 * A commercial electricity tariff: what the bill calculation prices. All times of use are in the
 * building's local time (the zone is given at calculation, not stored here: one tariff serves
 * buildings in several zones of a utility). Weekends are Saturday and Sunday; the utility's
 * holidays, when given in `holidays`, are priced as weekends.
 *
 * Plain value type, no invariants enforced on construction: call `validate()` (the bill
 * calculation does) before pricing.
 */
struct tariff {
  std::string name;  ///< e.g. "TimeofUse,GeneralService,DemandMetered,OptionB:GS-2TOUB,SinglePhase"
  std::string utility;  ///< e.g. "SouthernCaliforniaEdisonCo"
  std::string label;    ///< URDB label, when read from URDB

  money fixed_charge;  ///< per meter, see `fixed_charge_unit`
  charge_unit fixed_charge_unit = charge_unit::per_month;
  money minimum_charge;  ///< bill floor, see `minimum_charge_unit`
  charge_unit minimum_charge_unit = charge_unit::per_month;

  /// Energy: periods with tiers ($/kWh), selected by local month and hour.
  std::vector<rate_period> energy_periods;
  month_hour_schedule energy_weekday{};
  month_hour_schedule energy_weekend{};

  /// Time-of-use demand: periods with tiers ($/kW of the maximum demand within each period).
  std::vector<rate_period> demand_periods;
  month_hour_schedule demand_weekday{};
  month_hour_schedule demand_weekend{};

  /// Flat (monthly maximum) demand: periods with tiers ($/kW of the maximum demand of the
  /// billing period), the period selected by local month (URDB `flatdemandmonths`).
  std::vector<rate_period> flat_demand_periods;
  std::array<std::uint8_t, 12> flat_demand_months{};

  /// Demand is the highest average power over a block of this many minutes (URDB `demandwindow`).
  std::int32_t demand_window_minutes = 15;

  /**
   * Local dates (the building's calendar) that the utility prices with the weekend schedules,
   * energy and TOU demand alike: the holidays of its time-of-use rules (for many US utilities
   * New Year's Day, Presidents' Day, Memorial Day, Independence Day, Labor Day, Veterans Day,
   * Thanksgiving and Christmas, some moved to a Monday or Friday). URDB records do not carry
   * them: the caller gives them from the tariff sheet, in any order.
   * - nullopt (the default): not known. Every Monday to Friday is priced as a weekday and, when
   *   the weekday and weekend schedules differ, every bill says so in `bill::notes` (a holiday
   *   in the period would be priced at weekday rates).
   * - an empty list: the utility has no TOU holidays; no note.
   */
  std::optional<std::vector<std::chrono::year_month_day>> holidays;

  /// Coincident-peak demand charges (see `coincident_peak_charge`); each needs its peak hours.
  std::vector<coincident_peak_charge> coincident_peaks;

  /**
   * Charges of the source this model cannot apply (e.g. from URDB: coincident demand without
   * its peak hours, net-billing export credits, ratchets, free-text adjustments), each with the
   * reason. The bill calculation prices the rest and copies this list into every
   * `bill::unapplied`, so a bill never looks complete when it is not.
   */
  std::vector<std::string> unapplied;

  /**
   * Checks the tariff is priceable: every schedule index names an existing period, every period
   * has at least one tier, tier maxima increase, demand window in 1..1440 minutes and a divisor
   * of a day, every coincident-peak charge has its peak hours (ascending) and a window of
   * 1..86400 s, every holiday a valid date given once, and at least one charge (energy, demand,
   * flat-demand or coincident-peak, fixed or minimum charge: an empty tariff would bill 0). @throws
   * std::invalid_argument naming the first problem
   * ("energy_weekday[6][13] = 5, but there are 5 energy periods").
   */
  void validate() const;

  /// Whether holidays change the price: the tariff has energy (or TOU demand) charges whose
  /// weekday and weekend schedules differ. Bills note unknown holidays only then.
  [[nodiscard]] bool weekend_priced_differently() const noexcept;

  friend bool operator==(const tariff&, const tariff&) = default;
};

/// A single-period flat energy tariff ($/kWh for every hour), no demand or fixed charge.
[[nodiscard]] tariff flat_energy_tariff(money price_per_kwh);

}  // namespace energy::billing

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::billing::charge_unit>;

ENERGY_API_END
