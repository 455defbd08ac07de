// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * eemeter 4 / OpenDSM daily models (`DailyModel.to_json()` of
 * `opendsm/eemeter/models/daily/model.py`, openeemeter/eemeter, Apache-2.0) read as
 * `energy::baseline::eemeter_daily_model` (energy/baseline/eemeter_daily.hpp), so that a model
 * fitted there predicts the same here (energy::io target; no JSON library in this header).
 *
 * Layout read (pydantic `DailyModelParameters.model_dump()` written with json.dumps):
 * - `submodels`: an object keyed by split ("fw-su_sh_wi", "wd-su", "we-sh_wi", ...; day type
 *   fw / wd / we, then seasons su / sh / wi joined by "_"), each with
 *   `coefficients` {model_type, intercept, hdd_bp, hdd_beta, hdd_k, cdd_bp, cdd_beta, cdd_k}
 *   (null for those the form lacks), `temperature_constraints` {T_min, T_max, T_min_seg,
 *   T_max_seg} (°F) and `f_unc`;
 * - `settings` (optional; eemeter's defaults when absent): `season` {january ... december:
 *   summer / shoulder / winter} and `weekday_weekend` {monday ... sunday: weekday / weekend};
 * - `info` (optional): `baseline_timezone` and `disqualification[].qualified_name`.
 * Python's bare NaN / Infinity tokens are read as null (an infinite f_unc: no interval).
 *
 * The file names the baseline's zone (`info.baseline_timezone`); the caller still names the
 * building's zone, and a file whose zone is a known IANA name resolving to another zone is
 * refused (eemeter refuses to predict across zones). Temperatures given to predict() are in
 * `unit` (eemeter's coefficients are °F; celsius is converted).
 *
 * Refused with energy::parse_error naming the field: invalid JSON, a missing or non-numeric
 * coefficient the form needs, an unknown model_type (named, with the accepted ones), an unknown
 * coefficient name, a split key eemeter does not write, two submodels covering the same day, a
 * season or day-type value other than eemeter's, a zone mismatch. std::invalid_argument for an
 * unspecified unit. Thread-safe: a pure function.
 */

#include <string_view>

#include <energy/baseline/eemeter_daily.hpp>
#include <energy/time.hpp>

namespace energy::io {

[[nodiscard]] baseline::eemeter_daily_model eemeter_daily_model_from_json(
    std::string_view json, const time_zone& zone, baseline::temperature_unit unit);

}  // namespace energy::io

ENERGY_API_END
