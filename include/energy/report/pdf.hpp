// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

/**
 * The PDF rendering of a report (target energy::pdf; cairo + pango, fonts embedded as subsets).
 *
 * An A4 document: title block, KPI tiles and insights; charts (daily consumption with the baseline
 * band, load-profile heat map by local hour × weekday, monthly peak demand, bill breakdown; the
 * forecast for forecast reports; the EUI ranking for comparison reports); tables of anomalies,
 * recommendations (and buildings); notes; "Page i of n" on every page. Every number is written
 * with energy/report/format.hpp, so the text extracted from the PDF shows the same digits as the
 * JSON rendering. A report without data renders a one-page document that says so.
 *
 * @throws energy::error when cairo fails to produce the document (out of memory, font setup).
 * Thread-safety: independent calls may run concurrently (cairo and pango objects are per call).
 */

#include <string>

#include <energy/report/report.hpp>

namespace energy::report {

/// The PDF bytes of `r`.
[[nodiscard]] std::string to_pdf(const report& r);

}  // namespace energy::report

ENERGY_API_END
