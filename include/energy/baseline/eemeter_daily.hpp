// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * The daily model of eemeter 4 / OpenDSM (`opendsm.eemeter.DailyModel`), evaluated as the
 * reference evaluates it, so that a model fitted there predicts the same here. Read one with
 * `energy::io::eemeter_daily_model_from_json` (energy/io/eemeter_daily_json.hpp); fitting is not
 * provided.
 *
 * A model is a set of submodels, each for one split of the calendar: a day type (`fw` every
 * day, `wd` weekdays, `we` weekend days) and one or more seasons (`su`, `sh`, `wi`), written as
 * eemeter writes it ("wd-su_sh_wi", "we-su", "fw-sh_wi"). A local day belongs to the submodel
 * whose seasons contain its month's season and whose day type contains its weekday; the months'
 * seasons and the weekend days are the model's settings (eemeter's defaults: summer June to
 * September, shoulder March to May and October, winter November to February; weekend Saturday
 * and Sunday). A day that no submodel covers predicts NaN, as in eemeter.
 *
 * Each submodel predicts use per day (the unit of the meter data it was fitted on, kWh for
 * electricity) from the day's mean outdoor temperature T (°F) with one of eemeter's forms
 * (`eemeter_daily_form`): flat (`tidd`), heating or cooling only with a balance point
 * (`hdd_tidd`, `tidd_cdd`), both (`hdd_tidd_cdd`), and their exponentially smoothed variants
 * (`*_smooth`). The formulas, including eemeter's adjustments of the coefficients by the
 * submodel's fitted temperature range (T_min, T_max, T_min_seg, T_max_seg), are in
 * docs/baselines.md ("eemeter 4 daily models"). The prediction interval is expected +- f_unc
 * (eemeter's `predicted_unc`, at the model's uncertainty_alpha, 0.1 by default); NaN when f_unc
 * is unknown.
 *
 * Days and temperatures: days are the building's local calendar days in `zone` (eemeter indexes
 * daily data at local midnight). A day's temperature is the mean of the temperature samples in
 * it, needing `min_samples_per_day` of them (eemeter keeps a day when more than half of its 24
 * hourly temperatures are present: 13), or a daily mean given directly. Temperatures are in the
 * model's `unit`; celsius is converted to °F as eemeter's degc does (32 + T * 1.8). A missing
 * (NaN) temperature predicts NaN.
 *
 * Thread-safety: models are values; the functions are pure (concurrent calls are safe).
 */

#include <array>
#include <chrono>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <energy/baseline/caltrack_hourly.hpp>  // temperature_unit
#include <energy/baseline/changepoint.hpp>      // usage_period
#include <energy/baseline/series.hpp>
#include <energy/enum_names.hpp>
#include <energy/time.hpp>

namespace energy::baseline {

/// eemeter's `ModelType` values (`opendsm/eemeter/models/daily/parameters.py`).
enum class eemeter_daily_form {
  tidd,                ///< intercept only
  hdd_tidd,            ///< heating slope below a balance point
  tidd_cdd,            ///< cooling slope above a balance point
  hdd_tidd_smooth,     ///< hdd_tidd with exponential smoothing (k in °F)
  tidd_cdd_smooth,     ///< tidd_cdd with exponential smoothing (k in °F)
  hdd_tidd_cdd,        ///< heating and cooling slopes, flat between the balance points
  hdd_tidd_cdd_smooth  ///< hdd_tidd_cdd smoothed (k as a fraction of the balance point gap)
};

/// The three seasons of eemeter's season definition.
enum class eemeter_season { summer, shoulder, winter };

/// The enumerator's name (eemeter's spelling); parse with `parse<eemeter_daily_form>`, ...
[[nodiscard]] std::string_view to_string(eemeter_daily_form f) noexcept;
[[nodiscard]] std::string_view to_string(eemeter_season s) noexcept;

inline constexpr double eemeter_absent = std::numeric_limits<double>::quiet_NaN();

/**
 * One submodel as eemeter serializes it (`DailySubmodelParameters`): the coefficients with
 * eemeter's signs and meanings (NaN for those the form lacks). Heating-only forms keep eemeter's
 * negative hdd_beta (the sign of a single slope decides heating or cooling, as in eemeter);
 * hdd_tidd_cdd forms keep positive slopes; hdd_k / cdd_k of hdd_tidd_cdd_smooth are fractions of
 * (cdd_bp - hdd_bp), those of the single-slope smooth forms are in °F.
 */
struct eemeter_daily_submodel {
  std::string split;              ///< eemeter's key, e.g. "wd-su_sh_wi"
  std::array<bool, 3> seasons{};  ///< indexed by eemeter_season
  std::array<bool, 7> days{};     ///< Monday = 0 ... Sunday = 6
  eemeter_daily_form form = eemeter_daily_form::tidd;
  double intercept = 0;  ///< use per day
  double hdd_bp = eemeter_absent;
  double hdd_beta = eemeter_absent;
  double hdd_k = eemeter_absent;
  double cdd_bp = eemeter_absent;
  double cdd_beta = eemeter_absent;
  double cdd_k = eemeter_absent;
  double t_min = 0;  ///< °F, the fitted data's range (temperature_constraints)
  double t_max = 0;
  double t_min_seg = 0;
  double t_max_seg = 0;
  double f_unc = eemeter_absent;  ///< half-width of the prediction interval (use per day)
};

struct eemeter_daily_model {
  std::string zone;  ///< IANA name of the building's zone (its local days are the model's days)
  temperature_unit unit = temperature_unit::unspecified;  ///< of the temperatures predict() takes
  /// Season of January ... December.
  std::array<eemeter_season, 12> month_season = {
      eemeter_season::winter,   eemeter_season::winter,   eemeter_season::shoulder,
      eemeter_season::shoulder, eemeter_season::shoulder, eemeter_season::summer,
      eemeter_season::summer,   eemeter_season::summer,   eemeter_season::summer,
      eemeter_season::shoulder, eemeter_season::winter,   eemeter_season::winter};
  /// Monday = 0 ... Sunday = 6: true for weekend days.
  std::array<bool, 7> weekend = {false, false, false, false, false, true, true};
  std::vector<eemeter_daily_submodel> submodels;
  std::size_t min_samples_per_day = 13;
  /// eemeter's disqualification names (info.disqualification[].qualified_name): eemeter refuses
  /// to predict with such a model unless told to ignore them; this library predicts and reports.
  std::vector<std::string> disqualification;
};

/// What eemeter_daily_submodel_of returns for a day no submodel covers.
inline constexpr std::size_t eemeter_no_submodel = static_cast<std::size_t>(-1);

/// Index of the submodel of the local date `day`, or `eemeter_no_submodel` when none covers it.
[[nodiscard]] std::size_t eemeter_daily_submodel_of(const eemeter_daily_model& model,
                                                    std::chrono::year_month_day day);

/// Use per day of `submodel` at a daily mean temperature in °F (NaN for a non-finite one, which
/// eemeter drops).
[[nodiscard]] double eemeter_daily_evaluate(const eemeter_daily_submodel& submodel,
                                            double temperature_f);

/**
 * Checks a model built by hand. @throws std::invalid_argument for an unknown zone, an unspecified
 * unit, no submodel, a submodel without season or day, two submodels covering the same
 * (season, day), a non-finite coefficient the form needs or temperature constraint, or
 * min_samples_per_day = 0.
 */
void validate(const eemeter_daily_model& model);

/**
 * Predicted use of each local day given by its daily mean temperature: `daily_means.ts[i]` is any
 * instant inside the local day (e.g. its local midnight), `daily_means.value[i]` its mean
 * temperature in `model.unit`. One prediction per entry, in order.
 * @throws std::invalid_argument for a model validate() refuses or ts / value of different sizes.
 */
[[nodiscard]] prediction predict_daily_means(const eemeter_daily_model& model,
                                             const temperature_series& daily_means);

/**
 * Predicted use of each local day `days[i]` (its `kwh` ignored), each exactly one local day
 * [local midnight, next local midnight) of the model's zone, from temperature samples (`samples`
 * ascending; NaN samples are missing): the day's temperature is the mean of its samples, NaN
 * (and so its prediction) with fewer than `model.min_samples_per_day`.
 * @throws std::invalid_argument for a model validate() refuses, a period that is not one local
 * day, or samples out of order or of mismatched sizes.
 */
[[nodiscard]] prediction predict(const eemeter_daily_model& model,
                                 std::span<const usage_period> days,
                                 const temperature_series& samples);

}  // namespace energy::baseline

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::baseline::eemeter_daily_form>;
extern template struct energy::detail::enum_names<energy::baseline::eemeter_season>;

ENERGY_API_END
