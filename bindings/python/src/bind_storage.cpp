// SPDX-License-Identifier: Apache-2.0
// Store: open by URI, metadata, readings and summaries as numpy columns (no copies of the columns).
#include "common.hpp"
#include "store_columns.hpp"
#include "store_handle.hpp"

#include <energy/aggregate/refresh.hpp>
#include <energy/storage/open.hpp>

#include <pybind11/stl.h>

#include <limits>
#include <map>

namespace energy::py {
namespace {

pyb::dict refresh_report_dict(const aggregate::refresh_report& r) {
  pyb::dict out;
  out["marks_claimed"] = r.marks_claimed;
  out["readings_read"] = r.readings_read;
  out["hour_buckets"] = r.hour_buckets;
  out["day_buckets"] = r.day_buckets;
  out["month_buckets"] = r.month_buckets;
  return out;
}

}  // namespace

/// [start, end); an omitted bound is the store's whole span (years 0000 to 9999), so no stored
/// reading is silently left out (rows numpy cannot hold are refused by to_datetime64_ns).
time_range range_of(const pyb::object& start, const pyb::object& end) {
  return {to_instant(start, "start", storage::all_time().start),
          to_instant(end, "end", storage::all_time().end)};
}

storage::summary_query summary_query_of(const pyb::object& subject_id,
                                        const std::string& resolution, const pyb::object& start,
                                        const pyb::object& end, const std::string& scope,
                                        const std::string& type) {
  storage::summary_query q;
  q.subject_id = to_uuid(subject_id, "subject_id");
  q.res = parse_resolution(resolution);
  if (scope != "building" && scope != "sensor")
    throw std::invalid_argument("scope: '" + scope + "' (accepted: building, sensor)");
  q.scope = scope == "building" ? summary_scope::building : summary_scope::sensor;
  q.type = parse_sensor_type(type);
  q.range = range_of(start, end);
  return q;
}

pyb::dict readings_columns(reading_rows&& rows, bool with_sensor) {
  pyb::dict out;
  if (with_sensor) {
    // Sensor ids as categorical codes + categories: a str per row would be a copy per row.
    std::map<uuid, std::int32_t> codes;
    std::vector<std::int32_t> code(rows.size());
    pyb::list categories;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto [it, inserted] =
          codes.try_emplace(rows.sensor_id[i], static_cast<std::int32_t>(codes.size()));
      if (inserted) categories.append(rows.sensor_id[i].to_string());
      code[i] = it->second;
    }
    out["sensor_code"] = to_numpy(std::move(code));
    out["sensor_categories"] = categories;
  }
  out["ts"] = to_datetime64_ns(std::move(rows.ts));
  out["value_milli"] = to_numpy(std::move(rows.value));
  out["quality"] = to_numpy(std::move(rows.quality));
  return out;
}

pyb::dict summary_columns(std::vector<summary_row>&& rows) {
  const auto n = rows.size();
  std::vector<std::int64_t> start(n), end(n), local(n), consumption(n), peak(n), cost(n), count(n);
  for (std::size_t i = 0; i < n; ++i) {
    start[i] = to_epoch(rows[i].period.start);
    end[i] = to_epoch(rows[i].period.end);
    local[i] = rows[i].local_start.time_since_epoch().count();
    consumption[i] = rows[i].consumption;
    peak[i] = rows[i].peak_demand;
    cost[i] = rows[i].cost.micros();
    count[i] = rows[i].reading_count;
  }
  pyb::list subject, scope, type, res;
  for (const auto& r : rows) {
    subject.append(r.subject_id.to_string());
    scope.append(r.scope == summary_scope::building ? "building" : "sensor");
    type.append(std::string(to_string(r.type)));
    res.append(std::string(to_string(r.res)));
  }
  pyb::dict out;
  out["start"] = to_datetime64_ns(std::move(start));
  out["end"] = to_datetime64_ns(std::move(end));
  out["local_start"] = to_datetime64_ns(std::move(local));
  out["consumption_milli"] = to_numpy(std::move(consumption));
  out["peak_demand_milli"] = to_numpy(std::move(peak));
  out["cost_micros"] = to_numpy(std::move(cost));
  out["reading_count"] = to_numpy(std::move(count));
  out["subject_id"] = subject;
  out["scope"] = scope;
  out["type"] = type;
  out["resolution"] = res;
  return out;
}

void bind_storage(pyb::module_& m) {
  using guard = std::lock_guard<std::mutex>;
  pyb::class_<store_handle, std::shared_ptr<store_handle>> s(
      m, "Store",
      "Metadata, readings and summaries of one database (memory, SQLite or PostgreSQL). Open with "
      "open_store().");

  m.def(
      "open_store",
      [](const std::string& uri) {
        auto h = std::make_shared<store_handle>();
        pyb::gil_scoped_release release;
        h->store = storage::open_store_uri(uri);
        return h;
      },
      pyb::arg("uri"),
      "Opens a store: 'memory:', 'sqlite:PATH' (or a bare path), "
      "'postgresql://user@host:port/db'.");

  s.def_property_readonly("adapter",
                          [](store_handle& h) { return std::string(h.store->adapter_name()); });
  s.def("put_tenant", [](store_handle& h, const tenant& t) {
    guard g(h.mutex);
    h.store->put_tenant(t);
  });
  s.def("tenant", [](store_handle& h, const pyb::object& id) {
    guard g(h.mutex);
    return h.store->get_tenant(to_uuid(id, "id"));
  });
  s.def("tenants", [](store_handle& h) {
    guard g(h.mutex);
    return h.store->list_tenants();
  });
  s.def("put_building", [](store_handle& h, const building& b) {
    guard g(h.mutex);
    h.store->put_building(b);
  });
  s.def("building", [](store_handle& h, const pyb::object& id) {
    guard g(h.mutex);
    return h.store->get_building(to_uuid(id, "id"));
  });
  s.def("buildings", [](store_handle& h, const pyb::object& tenant_id) {
    guard g(h.mutex);
    return h.store->list_buildings(to_uuid(tenant_id, "tenant_id"));
  });
  s.def("put_sensor", [](store_handle& h, const sensor& x) {
    guard g(h.mutex);
    h.store->put_sensor(x);
  });
  s.def("sensor", [](store_handle& h, const pyb::object& id) {
    guard g(h.mutex);
    return h.store->get_sensor(to_uuid(id, "id"));
  });
  s.def("sensors", [](store_handle& h, const pyb::object& building_id) {
    guard g(h.mutex);
    return h.store->list_sensors(to_uuid(building_id, "building_id"));
  });
  s.def("count_readings", [](store_handle& h) {
    guard g(h.mutex);
    return h.store->count_readings();
  });

  s.def(
      "read_readings",
      [](store_handle& h, const pyb::object& sensor_id, const pyb::object& start,
         const pyb::object& end) {
        const auto id = to_uuid(sensor_id, "sensor_id");
        const auto range = range_of(start, end);
        reading_rows rows;
        {
          pyb::gil_scoped_release release;
          guard g(h.mutex);
          rows = h.store->read_readings(id, range);
        }
        return readings_columns(std::move(rows), false);
      },
      pyb::arg("sensor_id"), pyb::arg("start") = pyb::none(), pyb::arg("end") = pyb::none(),
      "Readings of one sensor with ts in [start, end) as numpy columns: ts (datetime64[ns], UTC), "
      "value_milli (int64, thousandths of the canonical unit: Wh), quality (uint32 flags).");
  s.def(
      "read_building_readings",
      [](store_handle& h, const pyb::object& building_id, const pyb::object& start,
         const pyb::object& end) {
        const auto id = to_uuid(building_id, "building_id");
        const auto range = range_of(start, end);
        reading_rows rows;
        {
          pyb::gil_scoped_release release;
          guard g(h.mutex);
          rows = h.store->read_building_readings(id, range);
        }
        return readings_columns(std::move(rows), true);
      },
      pyb::arg("building_id"), pyb::arg("start") = pyb::none(), pyb::arg("end") = pyb::none(),
      "Readings of every sensor of a building as columns (sensor_code + sensor_categories, ts, "
      "value_milli, quality).");
  s.def(
      "read_summaries",
      [](store_handle& h, const pyb::object& subject_id, const std::string& resolution,
         const pyb::object& start, const pyb::object& end, const std::string& scope,
         const std::string& type) {
        const storage::summary_query q =
            summary_query_of(subject_id, resolution, start, end, scope, type);
        std::vector<summary_row> rows;
        {
          pyb::gil_scoped_release release;
          guard g(h.mutex);
          rows = h.store->read_summaries(q);
        }
        return summary_columns(std::move(rows));
      },
      pyb::arg("subject_id"), pyb::arg("resolution") = "day", pyb::arg("start") = pyb::none(),
      pyb::arg("end") = pyb::none(), pyb::kw_only(), pyb::arg("scope") = "building",
      pyb::arg("type") = "electricity",
      "Stored summaries (buckets whose UTC start is in [start, end)) as columns; consumption_milli "
      "is exact "
      "(Wh), peak_demand_milli in W, cost_micros in millionths of the currency.");
  s.def(
      "refresh_summaries",
      [](store_handle& h, std::optional<bool> sensor_scope) {
        aggregate::refresh_report r;
        aggregate::refresh_options options;
        options.sensor_scope = sensor_scope;
        {
          pyb::gil_scoped_release release;
          guard g(h.mutex);
          r = aggregate::refresh_summaries(*h.store, options);
        }
        return refresh_report_dict(r);
      },
      pyb::kw_only(), pyb::arg("sensor_scope") = pyb::none(),
      "Recomputes the summaries whose readings or metadata changed (incremental, idempotent, one "
      "transaction per round): per building, and per sensor too when the store's settings say so "
      "(summary_settings()). sensor_scope, when given, only checks the store agrees (ValueError "
      "otherwise).");
  s.def(
      "summary_settings",
      [](store_handle& h) {
        storage::summary_settings st;
        {
          pyb::gil_scoped_release release;
          guard g(h.mutex);
          st = h.store->get_summary_settings();
        }
        pyb::dict out;
        out["sensor_scope"] = st.sensor_scope;
        out["cost_model"] = st.cost_model;
        return out;
      },
      "How this database's summaries are computed: {'sensor_scope': bool, 'cost_model': str}.");
  s.def(
      "set_summary_settings",
      [](store_handle& h, bool sensor_scope) {
        pyb::gil_scoped_release release;
        guard g(h.mutex);
        storage::summary_settings st = h.store->get_summary_settings();
        st.sensor_scope = sensor_scope;
        h.store->set_summary_settings(st);
      },
      pyb::kw_only(), pyb::arg("sensor_scope"),
      "Keeps per-sensor summaries (or not) in this database. A change re-marks every building: the "
      "next refresh_summaries() recomputes all summaries with the new setting.");
  s.def(
      "rebuild_summaries",
      [](store_handle& h, const pyb::object& building_id, const pyb::object& start,
         const pyb::object& end) {
        const uuid id = to_uuid(building_id, "building_id");
        const time_range range =
            start.is_none() && end.is_none() ? storage::all_time() : range_of(start, end);
        aggregate::refresh_report r;
        {
          pyb::gil_scoped_release release;
          guard g(h.mutex);
          r = aggregate::rebuild_summaries(*h.store, id, range);
        }
        return refresh_report_dict(r);
      },
      pyb::arg("building_id"), pyb::arg("start") = pyb::none(), pyb::arg("end") = pyb::none(),
      "Recomputes a building's summaries over [start, end) (UTC; default: all of its readings), "
      "then refreshes everything dirty. Buckets overlapping the range are recomputed whole.");
  bind_store_batches(s);
}

}  // namespace energy::py
