// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * Reports: efficiency, forecast and comparison reports over a week, month, quarter or year,
 * computed from the library's own results (stored summaries and readings, baselines, anomaly
 * detectors, recommendations, bills). The model is plain data; renderers turn it into JSON and CSV
 * (energy/report/render.hpp, in energy::core) or PDF (energy/report/pdf.hpp, in energy::pdf).
 *
 * Every number in a report is computed, never canned: insights carry the numbers they state as
 * evidence, and the JSON rendering carries the data behind every chart and table.
 *
 * Units: energy in milli-units (Wh, exact) where it was summed from stored data, demand in W,
 * money in `energy::money` (exact micro-units) in the report's currency; model outputs
 * (baselines, forecasts, EUI, percentages) are doubles, as statistics are. Times are UTC;
 * periods are local calendar days of the building's IANA zone, half-open.
 */

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <energy/anomaly/anomaly.hpp>
#include <energy/billing/bill.hpp>
#include <energy/billing/tariff.hpp>
#include <energy/decimal.hpp>
#include <energy/enum_names.hpp>
#include <energy/model.hpp>
#include <energy/money.hpp>
#include <energy/recommend/recommend.hpp>
#include <energy/storage/store.hpp>
#include <energy/time.hpp>
#include <energy/uuid.hpp>

namespace energy::report {

enum class report_type : std::uint8_t { efficiency, forecast, comparison };
enum class period_length : std::uint8_t { week, month, quarter, year };

/// "efficiency", "forecast", "comparison"; parse with `parse<report_type>` (energy/enum_names.hpp).
[[nodiscard]] std::string_view to_string(report_type t) noexcept;
/// "week", "month", "quarter", "year"; parse with `parse<period_length>`.
[[nodiscard]] std::string_view to_string(period_length p) noexcept;

/// The building or tenant a report is asked for does not exist (a server maps it to 404).
class subject_not_found : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A tariff and the local date from which it applies to the building (until the next one's).
struct tariff_assignment {
  std::chrono::local_days effective_from{};
  billing::tariff tariff;
  /// ISO 4217 code of the tariff's prices. URDB tariffs are US utilities' tariffs: "USD".
  std::string currency;
};

/**
 * What to report on.
 *
 * Period: `end` is the exclusive local date that ends the analysed history. The report period is
 * `[end - 1 period, end)` in local calendar days (a week is 7 days, a month, quarter or year the
 * calendar months before `end`). Without `end`, it is the start of the current calendar period at
 * `now` (Monday of the current week; the 1st of the current month, quarter, year), so the report
 * covers the last complete week/month/quarter/year. A forecast report analyses the same period
 * and forecasts the following one, `[end, end + 1 period)`.
 */
struct report_request {
  report_type type = report_type::efficiency;
  period_length period = period_length::month;
  /// efficiency/forecast: the building. comparison: a building of the tenant to rank (or unset
  /// when `tenant_id` is given).
  uuid building_id;
  /// comparison: the tenant whose buildings are ranked (default: the building's tenant).
  std::optional<uuid> tenant_id;
  std::optional<std::chrono::local_days> end;
  /// The report's clock: `generated_at` and the default `end`. No clock is read inside.
  utc_seconds now{};
  /// The building's tariffs by effective date. Empty: costs from stored summaries (flat rate).
  std::vector<tariff_assignment> tariffs;
  /// Currency of the building's flat rate when costs come from summaries; empty = not stated.
  std::string currency;
};

/// A report period: local days `[first_day, end_day)` and the UTC range they cover.
struct period_window {
  std::chrono::local_days first_day{};
  std::chrono::local_days end_day{};
  time_range range;
  std::string label;  ///< "2017-05", "2017-Q2", "2017", "2017-05-08/2017-05-15"
  [[nodiscard]] std::int64_t days() const noexcept { return (end_day - first_day).count(); }
};

/// The report period for `length` ending at local date `end` in `zone` (see report_request).
[[nodiscard]] period_window make_window(period_length length, std::chrono::local_days end,
                                        const time_zone& zone);
/// The default `end` at `now`: the start of the calendar period containing `now`'s local date.
[[nodiscard]] std::chrono::local_days default_end(period_length length, utc_seconds now,
                                                  const time_zone& zone);

/// Consumption compared with a reference period (previous period, same period last year).
struct change {
  period_window reference;
  milli reference_consumption = 0;  ///< Wh
  double reference_coverage = 0;    ///< share of expected readings present, 0..1
  /// (current - reference) / reference × 100; unset when the two are not comparable.
  std::optional<double> percent;
  std::string unavailable_reason;  ///< why `percent` is unset
};

/// One local day of the report period.
struct day_point {
  std::chrono::local_days day{};
  time_range range;
  milli consumption = 0;  ///< Wh
  milli peak_demand = 0;  ///< W, highest 15-minute average
  money cost;             ///< stored summary cost (flat-rate estimate)
  double coverage = 0;    ///< readings present / expected, 0..1
  /// Baseline (or forecast) for the day, kWh, and its band; unset where the model has none.
  std::optional<double> expected_kwh;
  std::optional<double> lower_kwh;
  std::optional<double> upper_kwh;
};

/// One local month (the 12 months ending with the report period's last month).
struct month_point {
  std::chrono::year_month month{};
  time_range range;
  milli consumption = 0;  ///< Wh
  milli peak_demand = 0;  ///< W
  bool has_data = false;
};

/// Mean kWh per local hour (24) of each local weekday (Monday first) over the report period.
/// `samples` counts the hour buckets averaged; a cell with none has mean 0 and is not drawn.
struct load_profile {
  std::array<std::array<double, 24>, 7> mean_kwh{};
  std::array<std::array<std::int32_t, 24>, 7> samples{};
};

/// The baseline (expected consumption) of the report period.
struct baseline_result {
  std::string model;  ///< "towt" (time-of-week-and-temperature) or "seasonal" (weather-free)
  bool weather_normalised = false;
  time_range fit_range;
  std::size_t fit_hours = 0;
  double cv_rmse = 0;  ///< hourly, in-sample (ASHRAE Guideline 14 definition)
  double nmbe = 0;
  bool passes_guideline14 = false;
  double interval_level = 0.90;
  std::int64_t days_compared = 0;  ///< days with complete data and a prediction
  double actual_kwh = 0;           ///< over the compared days
  double expected_kwh = 0;
  double lower_kwh = 0;
  double upper_kwh = 0;
  double deviation_percent = 0;  ///< (actual - expected) / expected × 100
};

/// The forecast of the period after the report period.
struct forecast_result {
  period_window horizon;
  std::string model;
  bool weather_normalised = false;
  std::string temperature_assumption;
  double interval_level = 0.90;
  double expected_kwh = 0;
  double lower_kwh = 0;
  double upper_kwh = 0;
  std::int64_t days_predicted = 0;
  /// Bill of the expected hourly load under the tariffs WITHOUT demand charges (a mean forecast
  /// understates peaks, so its demand charge would be biased low): energy, fixed, minimum.
  std::optional<money> expected_cost;
  milli actual_so_far = 0;  ///< Wh already recorded in the horizon (up to `now`)
  std::vector<day_point> days;
};

/// The bill of one sub-period (a local calendar month or its part under one tariff).
struct bill_part {
  std::string tariff_name;
  std::string currency;
  billing::bill bill;
};

/// The headline numbers of a building's report period.
struct kpis {
  milli consumption = 0;  ///< Wh
  milli peak_demand = 0;  ///< W
  /// The averaging window of peak demand: 15 minutes, or the meter interval when it is longer.
  std::int32_t demand_window_minutes = 15;
  std::optional<std::chrono::local_days> peak_day;
  std::optional<money> cost;
  std::string cost_basis;                      ///< how `cost` was computed, or why it is missing
  std::optional<double> eui_kwh_per_ft2_year;  ///< electricity, annualised from the period
  std::optional<double> eui_kbtu_per_ft2_year;
  std::optional<recommend::eui_benchmark> benchmark;
  double coverage = 0;  ///< readings present / expected in the period, 0..1
  std::int64_t readings = 0;
  std::int64_t expected_readings = 0;
  change previous_period;
  change same_period_last_year;
};

/// A statement with the numbers it rests on.
struct insight {
  std::string topic;  ///< "consumption", "peak", "baseline", "anomaly", "coverage", "ranking", ...
  std::string text;
  std::vector<recommend::evidence_item> evidence;
};

/// One building of a comparison report, ranked by EUI (highest first).
struct comparison_row {
  int rank = 0;  ///< 1-based among buildings with an EUI; 0 = not ranked (no area or no data)
  uuid building_id;
  std::string name;
  std::optional<std::int64_t> square_footage;
  milli consumption = 0;  ///< Wh in the period
  double coverage = 0;
  std::optional<double> kwh_per_ft2;  ///< consumption per area in the period
  std::optional<double> eui_kwh_per_ft2_year;
  std::optional<double> change_percent;  ///< vs the previous period
  std::string note;                      ///< why a value is missing
};

struct report {
  std::string report_id;
  utc_seconds generated_at{};
  report_type type = report_type::efficiency;
  period_length length = period_length::month;
  std::optional<building> subject;  ///< efficiency / forecast
  std::optional<tenant> owner;      ///< the tenant (comparison)
  std::string time_zone;
  period_window window;
  std::string currency;  ///< ISO 4217 of every money amount; empty = not stated
  /// False when the period holds no electricity data: the report says so and has no sections.
  bool has_data = false;
  kpis headline;
  std::vector<day_point> daily;
  load_profile profile;
  std::vector<month_point> monthly;
  std::optional<baseline_result> baseline;
  std::optional<forecast_result> forecast;
  std::vector<bill_part> bills;
  std::vector<anomaly::anomaly> anomalies;                 ///< most severe first, then by score
  std::vector<recommend::recommendation> recommendations;  ///< ranked by annual saving
  std::vector<comparison_row> comparison;
  std::vector<insight> insights;
  std::vector<std::string> notes;  ///< assumptions, and the reason for every missing section
};

/**
 * Builds the report `req` asks for from `db`.
 * @throws subject_not_found when the building (or tenant) does not exist;
 *         std::invalid_argument for an impossible request (e.g. a tariff that does not validate);
 *         storage_error from the store.
 * Thread-safety: uses `db` from the calling thread only (a store belongs to one thread).
 */
[[nodiscard]] report build_report(storage::store& db, const report_request& req);

}  // namespace energy::report

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::report::report_type>;
extern template struct energy::detail::enum_names<energy::report::period_length>;

ENERGY_API_END
