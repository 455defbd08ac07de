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

#include <energy/anomaly/anomaly.hpp>
#include <energy/anomaly/detectors.hpp>
#include <energy/billing/tariff.hpp>
#include <energy/money.hpp>

/**
 * Efficiency recommendations: rules over a building's interval history that each fire only with
 * evidence (the numbers and periods that triggered it). Each rule states its measure as a
 * modification of the building's own series (the counterfactual); the saving is the difference of
 * the bills of the measured and the modified series under the building's tariff (the library's
 * bill engine, `billing::compute_bill`, per local calendar month). Pure functions, no I/O; safe to
 * call concurrently.
 */
namespace energy::recommend {

/**
 * A building's weather sensitivity as a daily change-point model (CalTRACK family) describes it.
 * The lead fills it from the fitted model; every field is in the units named here.
 * Temperatures in °F; slopes in kWh per day per °F (i.e. kWh per degree-day, °F);
 * degree days and days are for a typical year at the model's own balance points.
 * A model without a heating (cooling) term leaves the heating (cooling) fields empty.
 */
struct weather_sensitivity {
  double base_load_kwh_per_day = 0.0;  ///< the model's intercept, kWh/day
  std::optional<double> heating_slope_kwh_per_degf_day;
  std::optional<double> heating_balance_point_degf;
  std::optional<double> cooling_slope_kwh_per_degf_day;
  std::optional<double> cooling_balance_point_degf;
  double annual_hdd_degf = 0.0;  ///< heating degree-days per year below the heating balance point
  double annual_cdd_degf = 0.0;  ///< cooling degree-days per year above the cooling balance point
  double heating_days_per_year =
      0.0;  ///< days per year with mean temperature below the heating balance point
  double cooling_days_per_year =
      0.0;  ///< days per year with mean temperature above the cooling balance point

  /// One local day's mean outdoor temperature (°F). `local_day`: days since 1970-01-01 of the
  /// building's local calendar. The weather rules price their measure day by day on these.
  struct daily_temperature {
    std::int64_t local_day = 0;
    double mean_degf = 0.0;
  };
  std::vector<daily_temperature> daily;  ///< ascending local_day; empty: weather rules skipped

  /// How well the change-point model fits the building's daily use, by the library's rules.
  struct fit_check {
    bool passes = false;   ///< every rule below holds
    double cv_rmse = 0.0;  ///< ASHRAE Guideline 14 CV(RMSE), fraction (≤ 0.30 to pass)
    double nmbe = 0.0;     ///< ASHRAE Guideline 14 NMBE, fraction (|·| ≤ 0.10 to pass)
    double r_squared = 0.0;
    std::size_t observations = 0;
    std::string rules;    ///< the rules checked, named (for the evidence)
    std::string failure;  ///< empty when `passes`; else which rule failed and by how much
  };
  /// Empty: the fit was not checked (weather_from without the usage periods): the balance-point
  /// rules do not run and say so in `recommend_result::skipped`.
  std::optional<fit_check> fit;
};

/// Flat prices, used only when no tariff is given (the result's `basis` says so). Unset prices and
/// no tariff: savings in kWh only, `priced` false.
struct prices {
  std::optional<money> energy_per_kwh;       ///< $ per kWh
  std::optional<money> demand_per_kw_month;  ///< $ per kW of monthly peak demand
};

/// What a building's history is: the electricity interval series (kWh, milli = Wh) and context.
struct building_history {
  building_history(const anomaly::meter_series& s, time_zone z) : series(s), zone(z) {}

  const anomaly::meter_series& series;
  time_zone zone;                        ///< the building's IANA zone (local days, hours, months)
  std::optional<double> floor_area_ft2;  ///< gross floor area, ft²
  std::string_view primary_use;          ///< e.g. "office", "k-12 school" (see eui_benchmarks())
  std::optional<weather_sensitivity> weather;
  /// The building's tariff: savings are bill differences under it (TOU, tiers, demand windows).
  std::optional<billing::tariff> tariff;
  prices price;  ///< fallback when `tariff` is empty
  /// Known operating hours, if the owner declared them; otherwise the schedule is detected.
  std::optional<anomaly::operating_schedule> declared_schedule;
};

enum class recommendation_kind : std::uint8_t {
  high_baseload,
  after_hours_operation,
  schedule_drift,
  peak_demand,
  weather_sensitivity,
  high_energy_use_intensity,
};
[[nodiscard]] std::string_view to_string(recommendation_kind k) noexcept;

/// One number behind a recommendation, with its unit and (where it has one) the period it covers.
struct evidence_item {
  std::string label;
  double value = 0.0;
  std::string unit;
  std::optional<time_range> period;
};

/// How sure a saving is (how it is computed: docs/recommendations.md, "Uncertainty").
enum class confidence_level : std::uint8_t { low, medium, high };
/// "low", "medium", "high".
[[nodiscard]] std::string_view to_string(confidence_level c) noexcept;

struct recommendation {
  recommendation_kind kind = recommendation_kind::high_baseload;
  std::string title;
  std::string explanation;  ///< what was found and what to do, with the key numbers
  std::string measure;      ///< the counterfactual: how the series was modified to price it
  std::vector<evidence_item> evidence;

  /// Saving over the basis: a year when `per_year`, else the observed period (`coverage_days`).
  milli saving_kwh = 0;  ///< Wh
  money saving;          ///< bill(measured) − bill(modified); zero when not `priced`
  money saving_low;      ///< uncertainty band of `saving` (same basis)
  money saving_high;
  bool per_year = false;       ///< annualised: only from at least 365 days of data
  double coverage_days = 0.0;  ///< days of data the saving was measured over
  bool priced = false;         ///< a tariff or a flat price priced the saving
  std::string basis;           ///< what priced it: "tariff '…'" or "flat price … (no tariff)"
  confidence_level confidence = confidence_level::low;
  std::vector<std::string> caveats;  ///< approximations the number depends on

  /// Deprecated (kept for source compatibility): `saving_kwh` / `saving` when `per_year`, else 0
  /// — a partial-year saving is never scaled to a year.
  milli annual_saving_kwh = 0;
  money annual_saving;
};

/// A rule that could not run, and why (e.g. "no weather model: change-point fit failed: …").
struct skipped_rule {
  std::string rule;
  std::string reason;
};

/// Everything `analyse` found: the ranked recommendations and the rules that could not run.
struct recommend_result {
  std::vector<recommendation> recommendations;
  std::vector<skipped_rule> skipped;
  std::string basis;           ///< the pricing basis of every saving
  double coverage_days = 0.0;  ///< days of data (rows × interval)
  bool per_year = false;       ///< at least 365 days of data: savings are per year
};

/// Thresholds of the rules (defaults and their reasons: docs/recommendations.md).
struct recommend_options {
  std::int64_t min_history_days = 28;   ///< less history: no recommendations at all
  double max_night_to_day_ratio = 0.5;  ///< high_baseload fires above this
  /// after_hours_operation fires when the events' excess over the unoccupied baseline is at least
  /// this share of the energy used in the schedule's unoccupied hours (the energy the measure acts
  /// on; a share of all energy made two whole Sundays of operation immaterial in a half-year).
  double after_hours_min_share = 0.01;
  std::int64_t recent_days = 28;     ///< schedule drift: recent window
  std::int64_t reference_days = 56;  ///< … against this many days right before it (same season)
  double min_drift_hours_per_week = 2.0;  ///< schedule_drift fires at this many net extra hours
  /// … and only when the load in the drifted hours rose by at least this share of the
  /// occupied-minus-unoccupied step (same weekday and hour, recent vs reference window)
  double min_drift_rise_fraction = 0.3;
  double max_drift_temperature_change_degf = 9.0;  ///< comparable weather (when temps are known)
  double peak_max_shave_hours_per_month = 4.0;  ///< shave only what sits above the load this long
  double min_peak_reduction_fraction = 0.05;  ///< peak_demand fires when the shave is ≥ this share
  double max_load_factor = 0.6;               ///< … and the average load factor is below this
  double max_heating_balance_point_degf = 65.0;
  double min_cooling_balance_point_degf = 60.0;
  double max_heating_slope_per_1000ft2 = 3.0;  ///< kWh/(°F·day) per 1000 ft² (heuristic, see docs)
  double max_cooling_slope_per_1000ft2 = 3.0;  ///< kWh/(°F·day) per 1000 ft² (heuristic, see docs)
  double eui_margin = 1.1;                     ///< high EUI fires above margin × benchmark median
};

/**
 * Runs every rule; returns the recommendations that fired, ranked by realisable money (the low
 * end of the uncertainty band, then the saving, then kWh; largest first), and the rules that
 * could not run with the reason. Savings are per year only from at least 365 days of data,
 * otherwise per observed period. Nothing fires when the history covers fewer than
 * `min_history_days` days (a skipped entry says so).
 * @throws std::invalid_argument when the series is malformed or the tariff is invalid.
 */
[[nodiscard]] recommend_result analyse(const building_history& history,
                                       const recommend_options& options = {});

/**
 * `analyse(history, options).recommendations`.
 * @throws std::invalid_argument when the series is malformed.
 *
 * **Example**:
 * ```cpp
 * energy::recommend::building_history h{series, energy::find_zone("America/Chicago")};
 * h.floor_area_ft2 = 50'000; h.primary_use = "office";
 * h.price.energy_per_kwh = energy::money::parse("0.12");
 * for (const auto& r : energy::recommend::recommend(h)) fmt::print("{}: {}\n", r.title,
 * r.explanation);
 * ```
 */
[[nodiscard]] std::vector<recommendation> recommend(const building_history& history,
                                                    const recommend_options& options = {});

/**
 * Median site energy use intensity of a property type.
 * Source: ENERGY STAR Portfolio Manager Technical Reference "U.S. Energy Use Intensity by
 * Property Type" (EPA, August 2018), as tabulated on energystar.gov
 * ("What is Energy Use Intensity (EUI)?", Median EUIs in the United States, site EUI column).
 */
struct eui_benchmark {
  std::string_view primary_use;    ///< the key matched against building::primary_use (lower case)
  std::string_view property_type;  ///< the Portfolio Manager property type
  double site_kbtu_per_ft2 = 0.0;  ///< median site EUI, kBtu/ft²/yr
  /// kWh/ft²/yr: kBtu ÷ 3.412 (1 kWh = 3.412 kBtu).
  [[nodiscard]] constexpr double site_kwh_per_ft2() const noexcept {
    return site_kbtu_per_ft2 / 3.412;
  }
};

/// The whole table.
[[nodiscard]] std::span<const eui_benchmark> eui_benchmarks() noexcept;
/// The benchmark for a primary use (case-insensitive); std::nullopt when the table has none.
[[nodiscard]] std::optional<eui_benchmark> find_eui_benchmark(
    std::string_view primary_use) noexcept;

}  // namespace energy::recommend

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::recommend::recommendation_kind>;
extern template struct energy::detail::enum_names<energy::recommend::confidence_level>;

ENERGY_API_END
