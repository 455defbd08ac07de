// SPDX-License-Identifier: Apache-2.0
// ingest(): columns (numpy / pandas at the Python edge) through validation into a store;
// read_readings_file(): the library's CSV / JSON batch parsers.
#include "common.hpp"
#include "store_handle.hpp"

#include <energy/ingest/ingest.hpp>
#include <energy/io/csv_readings.hpp>
#include <energy/io/json_batch.hpp>

#include <pybind11/stl.h>

namespace energy::py {
namespace {

pyb::dict rejections_columns(const std::vector<ingest::rejection>& rs) {
  std::vector<std::int64_t> index, row;
  pyb::list reason, detail;
  for (const auto& r : rs) {
    index.push_back(r.batch_index);
    row.push_back(r.source_row);
    reason.append(std::string(ingest::to_string(r.why)));
    detail.append(r.detail);
  }
  pyb::dict out;
  out["batch_index"] = to_numpy(std::move(index));
  out["source_row"] = to_numpy(std::move(row));
  out["reason"] = reason;
  out["detail"] = detail;
  return out;
}

pyb::dict report_dict(const ingest::ingest_report& r) {
  pyb::dict out;
  out["received"] = r.received;
  out["accepted"] = r.accepted;
  out["rejected"] = r.rejected;
  out["duplicates"] = r.duplicates;
  out["superseded"] = r.superseded;
  out["rows"] = r.rows;
  out["inserted"] = r.inserted;
  out["unchanged"] = r.unchanged;
  out["replaced"] = r.replaced;
  out["rejections"] = rejections_columns(r.rejections);
  return out;
}

pyb::dict batch_columns(io::parsed_readings&& p) {
  pyb::dict out;
  pyb::list ids;
  for (const auto& u : p.batch.sensor_id)
    ids.append(u.to_string());
  out["sensor_id"] = ids;
  out["ts"] = to_datetime64_ns(std::move(p.batch.ts));
  out["value"] = to_numpy(std::move(p.batch.value));
  out["quality"] = to_numpy(std::move(p.batch.quality));
  out["source_row"] = to_numpy(std::move(p.batch.source_row));
  out["rejections"] = rejections_columns(p.rejections);
  return out;
}

}  // namespace

void bind_ingest(pyb::module_& m) {
  m.def(
      "ingest",
      [](store_handle& h, const pyb::handle& sensor_ids, const pyb::object& ts,
         pyb::array_t<double, pyb::array::c_style | pyb::array::forcecast> values,
         const std::optional<
             pyb::array_t<std::uint32_t, pyb::array::c_style | pyb::array::forcecast>>& quality,
         const std::optional<
             pyb::array_t<std::int64_t, pyb::array::c_style | pyb::array::forcecast>>& source_rows,
         const pyb::object& now, const pyb::object& sensor_categories) {
        reading_batch batch;
        batch.sensor_id = to_uuids(sensor_ids, sensor_categories, "sensor_id");
        batch.ts = to_epoch_seconds(ts, "ts");
        const auto n = batch.ts.size();
        if (batch.sensor_id.size() != n || static_cast<std::size_t>(values.size()) != n ||
            (quality && static_cast<std::size_t>(quality->size()) != n) ||
            (source_rows && static_cast<std::size_t>(source_rows->size()) != n))
          throw std::invalid_argument(
              "ingest: sensor_id, ts, value (and quality, source_row) must have the same length");
        batch.value.assign(values.data(), values.data() + n);
        if (quality)
          batch.quality.assign(quality->data(), quality->data() + n);
        else
          batch.quality.assign(n, 0);
        if (source_rows)
          batch.source_row.assign(source_rows->data(), source_rows->data() + n);
        else {
          batch.source_row.resize(n);
          for (std::size_t i = 0; i < n; ++i)
            batch.source_row[i] = static_cast<std::int64_t>(i);
        }
        ingest::ingest_options options;
        if (!now.is_none()) options.validation.now = to_instant(now, "now", {});
        ingest::ingest_report report;
        {
          pyb::gil_scoped_release release;
          std::lock_guard g(h.mutex);
          report = ingest::ingest_batch(h.open(), batch, options);
        }
        return report_dict(report);
      },
      pyb::arg("store"), pyb::arg("sensor_id"), pyb::arg("ts"), pyb::arg("value"), pyb::kw_only(),
      pyb::arg("quality") = pyb::none(), pyb::arg("source_row") = pyb::none(),
      pyb::arg("now") = pyb::none(), pyb::arg("sensor_categories") = pyb::none(),
      "Validates and stores readings given as columns (ts: datetime64[ns] UTC). Returns counts and "
      "the "
      "rejected rows with reasons; bad rows never stop the good ones. Re-sending is a no-op.");

  m.def(
      "read_readings_file",
      [](const std::string& path, const std::string& format, const pyb::object& sensor_id) {
        io::parsed_readings parsed;
        const bool json = format == "json" || (format.empty() && path.ends_with(".json"));
        const bool csv = format == "csv" || (format.empty() && path.ends_with(".csv"));
        if (!json && !csv)
          throw std::invalid_argument("format: pass 'json' or 'csv' for '" + path + "'");
        io::csv_options options;
        if (!sensor_id.is_none()) options.sensor_id = to_uuid(sensor_id, "sensor_id");
        {
          pyb::gil_scoped_release release;
          parsed =
              json ? io::read_json_batch_file(path) : io::read_csv_readings_file(path, options);
        }
        return batch_columns(std::move(parsed));
      },
      pyb::arg("path"), pyb::arg("format") = "", pyb::arg("sensor_id") = pyb::none(),
      "Parses a readings file (seed JSON batch or CSV) into columns plus the rows it could not "
      "read.");
}

}  // namespace energy::py
