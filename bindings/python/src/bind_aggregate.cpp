// SPDX-License-Identifier: Apache-2.0
// aggregate(): local-time hourly / daily / monthly summaries of in-memory readings (no store).
#include "common.hpp"

#include <energy/aggregate/aggregator.hpp>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <algorithm>

namespace energy::py {

void bind_aggregate(pyb::module_& m) {
  m.def(
      "aggregate",
      [](const std::vector<building>& buildings, const std::vector<sensor>& sensors,
         const pyb::handle& sensor_ids, const pyb::array& ts,
         pyb::array_t<std::int64_t, pyb::array::c_style | pyb::array::forcecast> value_milli,
         bool sensor_scope, const pyb::object& sensor_categories) {
        // Columns are read in chunks straight from the numpy buffers: no full-size copies of ids,
        // timestamps or values, and each chunk stays in cache while the aggregator consumes it.
        const auto ts_ns = ns_values(ts, "ts");
        const auto n = static_cast<std::size_t>(ts_ns.size());
        if (static_cast<std::size_t>(value_milli.size()) != n)
          throw std::invalid_argument(
              "aggregate: sensor_id, ts and value_milli must have the same length");
        std::vector<uuid> categories;
        pyb::array_t<std::int64_t, pyb::array::c_style | pyb::array::forcecast> codes;
        std::vector<uuid> ids;
        if (sensor_categories.is_none()) {
          ids = to_uuids(sensor_ids, "sensor_id");
          if (ids.size() != n)
            throw std::invalid_argument(
                "aggregate: sensor_id, ts and value_milli must have the same length");
        } else {
          categories = to_uuids(sensor_categories, "sensor_categories");
          codes = pyb::array_t<std::int64_t, pyb::array::c_style | pyb::array::forcecast>::ensure(
              sensor_ids);
          if (!codes || codes.ndim() != 1)
            throw pyb::type_error("sensor_id: expected a 1-D integer array of codes");
          if (static_cast<std::size_t>(codes.size()) != n)
            throw std::invalid_argument(
                "aggregate: sensor_id, ts and value_milli must have the same length");
        }
        const auto* t = ts_ns.data();
        const auto* v = value_milli.data();
        const auto* c = ids.empty() ? codes.data() : nullptr;
        aggregate::aggregation_result result;
        {
          pyb::gil_scoped_release release;
          aggregate::aggregator agg(buildings, sensors,
                                    {.sensor_scope = sensor_scope, .building_scope = true});
          constexpr std::size_t chunk = 1 << 16;
          reading_rows rows;
          for (std::size_t begin = 0; begin < n; begin += chunk) {
            const auto end = std::min(n, begin + chunk);
            rows.sensor_id.resize(end - begin);
            rows.ts.resize(end - begin);
            rows.value.assign(v + begin, v + end);
            rows.quality.assign(end - begin, 0);
            for (std::size_t i = begin; i < end; ++i) {
              rows.ts[i - begin] = ns_to_seconds(t[i], "ts", i);
              if (c == nullptr) {
                rows.sensor_id[i - begin] = ids[i];
              } else {
                if (c[i] < 0 || static_cast<std::size_t>(c[i]) >= categories.size())
                  throw std::invalid_argument(fmt::format(
                      "sensor_id[{}]: code {} has no category (missing sensor id?)", i, c[i]));
                rows.sensor_id[i - begin] = categories[static_cast<std::size_t>(c[i])];
              }
            }
            agg.add(rows);
          }
          result = agg.finish();
        }
        pyb::dict out;
        out["hour"] = summary_columns(std::move(result.hourly));
        out["day"] = summary_columns(std::move(result.daily));
        out["month"] = summary_columns(std::move(result.monthly));
        return out;
      },
      pyb::arg("buildings"), pyb::arg("sensors"), pyb::arg("sensor_id"), pyb::arg("ts"),
      pyb::arg("value_milli"), pyb::kw_only(), pyb::arg("sensor_scope") = false,
      pyb::arg("sensor_categories") = pyb::none(),
      "Hourly, daily and monthly summaries in each building's local time (DST days have 23/25 "
      "hours) of "
      "readings given as columns: value_milli is int64 thousandths of the canonical unit (Wh).");
}

}  // namespace energy::py
