// SPDX-License-Identifier: Apache-2.0
// summarize(): local-time summaries of reading files (CSV, JSON batches) without a store.
#include "common.hpp"

#include <energy/billing/tariff_cost.hpp>
#include <energy/io/summarize_files.hpp>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace energy::py {

void bind_summarize(pyb::module_& m) {
  m.def(
      "summarize",
      [](const std::vector<std::filesystem::path>& files, const std::vector<building>& buildings,
         const std::vector<sensor>& sensors, bool sensor_scope, const pyb::object& tariffs,
         const pyb::object& now, std::int64_t future_tolerance_seconds,
         const pyb::object& sensor_id) {
        if (future_tolerance_seconds < 0)
          throw std::invalid_argument("summarize: future_tolerance_seconds must be >= 0");
        io::summarize_options options;
        options.sensor_scope = sensor_scope;
        if (!now.is_none()) options.validation.now = to_instant(now, "now", utc_seconds{});
        options.validation.max_future_skew = std::chrono::seconds{future_tolerance_seconds};
        if (!sensor_id.is_none()) options.csv.sensor_id = to_uuid(sensor_id, "sensor_id");
        billing::tariff_cost costs;
        if (!tariffs.is_none()) {
          for (const auto& [id, t] : tariffs.cast<pyb::dict>())
            costs.set_tariff(to_uuid(id, "tariffs key"), t.cast<billing::tariff>());
          options.costs = &costs;
        }
        io::summarize_result r;
        {
          pyb::gil_scoped_release release;
          r = io::summarize_files(files, buildings, sensors, options);
        }
        pyb::dict report;
        report["files"] = r.files;
        report["received"] = r.received;
        report["aggregated"] = r.aggregated;
        report["superseded"] = r.superseded;
        report["duplicates"] = r.duplicates;
        report["rejected"] = r.rejected;
        pyb::list rejections;
        for (const auto& e : r.rejections) {
          pyb::dict d;
          d["file"] = e.file;
          d["source_row"] = e.what.source_row;
          d["reason"] = std::string(ingest::to_string(e.what.why));
          d["detail"] = e.what.detail;
          rejections.append(d);
        }
        report["rejections"] = rejections;
        pyb::dict out;
        out["hour"] = summary_columns(std::move(r.summaries.hourly));
        out["day"] = summary_columns(std::move(r.summaries.daily));
        out["month"] = summary_columns(std::move(r.summaries.monthly));
        out["report"] = report;
        return out;
      },
      pyb::arg("files"), pyb::arg("buildings"), pyb::arg("sensors"), pyb::kw_only(),
      pyb::arg("sensor_scope") = false, pyb::arg("tariffs") = pyb::none(),
      pyb::arg("now") = pyb::none(), pyb::arg("future_tolerance_seconds") = 300,
      pyb::arg("sensor_id") = pyb::none(),
      "Hourly, daily and monthly summaries in each building's local time of reading files (.csv "
      "streamed, .json batches), without a store: validated as an import would, last write wins "
      "(a later row or file corrects an earlier one), so the result equals importing the files in "
      "order and aggregating the store.\n\n"
      "tariffs: {building_id: Tariff} prices electricity hours by TOU period (others: flat "
      "rate).\n"
      "now / future_tolerance_seconds: the clock for future-dated replays (default: now, 300 s).\n"
      "sensor_id: the sensor of single-meter CSV files (timestamp,value).\n"
      "Returns {'hour', 'day', 'month': summary columns, 'report': counts and the first 1000 "
      "rejections/superseded rows}. The GIL is released while reading.");
}

}  // namespace energy::py
