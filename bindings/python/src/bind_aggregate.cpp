// SPDX-License-Identifier: Apache-2.0
// aggregate(): local-time hourly / daily / monthly summaries of in-memory readings (no store).
#include "common.hpp"

#include <energy/aggregate/aggregator.hpp>

#include <pybind11/stl.h>

namespace energy::py {

pyb::dict summary_columns(std::vector<summary_row>&& rows);

void bind_aggregate(pyb::module_& m) {
  m.def(
      "aggregate",
      [](const std::vector<building>& buildings, const std::vector<sensor>& sensors, const pyb::handle& sensor_ids,
         const pyb::array& ts, pyb::array_t<std::int64_t, pyb::array::c_style | pyb::array::forcecast> value_milli,
         bool sensor_scope, const pyb::object& sensor_categories) {
        reading_rows rows;
        rows.sensor_id = to_uuids(sensor_ids, sensor_categories, "sensor_id");
        rows.ts = to_epoch_seconds(ts, "ts");
        const auto n = rows.ts.size();
        if (rows.sensor_id.size() != n || static_cast<std::size_t>(value_milli.size()) != n)
          throw std::invalid_argument("aggregate: sensor_id, ts and value_milli must have the same length");
        rows.value.assign(value_milli.data(), value_milli.data() + n);
        rows.quality.assign(n, 0);
        aggregate::aggregation_result result;
        {
          pyb::gil_scoped_release release;
          aggregate::aggregator agg(buildings, sensors, {.sensor_scope = sensor_scope, .building_scope = true});
          agg.add(rows);
          result = agg.finish();
        }
        pyb::dict out;
        out["hour"] = summary_columns(std::move(result.hourly));
        out["day"] = summary_columns(std::move(result.daily));
        out["month"] = summary_columns(std::move(result.monthly));
        return out;
      },
      pyb::arg("buildings"), pyb::arg("sensors"), pyb::arg("sensor_id"), pyb::arg("ts"), pyb::arg("value_milli"),
      pyb::kw_only(), pyb::arg("sensor_scope") = false,
      pyb::arg("sensor_categories") = pyb::none(),
      "Hourly, daily and monthly summaries in each building's local time (DST days have 23/25 hours) of "
      "readings given as columns: value_milli is int64 thousandths of the canonical unit (Wh).");
}

}  // namespace energy::py
