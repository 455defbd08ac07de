// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * JSON and CSV renderings of a report (energy::core; no vendor library). The PDF rendering is in
 * energy/report/pdf.hpp (energy::pdf).
 *
 * JSON: one object with the fields (`report_id`, `generated_at`, `insights`,
 * `recommendations`) and the data behind every number: KPIs, daily series with the baseline band,
 * load profile, monthly peaks, bills with their lines, anomalies, forecast, comparison rows,
 * notes. Exact quantities are decimal strings (`"consumption_kwh": "12345.678"`, money
 * `"1234.56"` plus `"..._exact"` micro-unit strings) next to integer Wh/W; statistics are JSON
 * numbers; a missing value is `null`. Field names state their unit.
 *
 * CSV: one table per call (RFC 4180, header row, `\n` line ends).
 * Thread-safety: pure functions of the report.
 */

#include <string>
#include <string_view>

#include <energy/report/report.hpp>

namespace energy::report {

[[nodiscard]] std::string to_json(const report& r);

enum class csv_table : std::uint8_t {
  daily,            ///< local days: consumption, peak, coverage, expected and band
  monthly,          ///< the 12 months: consumption and peak demand
  anomalies,        ///< detected anomalies
  recommendations,  ///< ranked recommendations
  bills,            ///< bill lines
  comparison,       ///< ranked buildings (comparison reports)
};

/// "daily", "monthly", "anomalies", "recommendations", "bills", "comparison"; parse with
/// `parse<csv_table>` (energy/enum_names.hpp).
[[nodiscard]] std::string_view to_string(csv_table t) noexcept;

[[nodiscard]] std::string to_csv(const report& r, csv_table table);

}  // namespace energy::report

// Name tables: instantiated in the library (energy/enum_names.hpp).
extern template struct energy::detail::enum_names<energy::report::csv_table>;

ENERGY_API_END
