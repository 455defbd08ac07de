// SPDX-License-Identifier: Apache-2.0
// Store: open by URI, metadata, readings and summaries as numpy columns (no copies of the columns).
#include "common.hpp"
#include "store_columns.hpp"
#include "store_handle.hpp"

#include <energy/aggregate/refresh.hpp>
#include <energy/io/stored_tariffs.hpp>
#include <energy/storage/open.hpp>
#include <energy/storage/tariffs.hpp>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <chrono>
#include <limits>
#include <optional>
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

/// A refresh priced as the store's settings say: by its tariff versions once one was added
/// (io::settings_cost_model), by the buildings' flat rates before. Without this a store with
/// tariff versions could not be refreshed from Python at all (the cost model must match).
aggregate::refresh_report refresh_as_configured(storage::store& s,
                                                aggregate::refresh_options options,
                                                const std::optional<uuid>& building,
                                                time_range range) {
  const auto costs = io::settings_cost_model(s);
  if (costs) options.costs = &*costs;
  return building ? aggregate::rebuild_summaries(s, *building, range, options)
                  : aggregate::refresh_summaries(s, options);
}

pyb::dict version_dict(const storage::tariff_version& v) {
  pyb::dict out;
  out["building_id"] = v.building_id.to_string();
  out["effective"] = storage::format_date(v.effective);
  out["revision"] = v.revision;
  out["recorded_at"] = format_utc(v.recorded_at);
  out["source"] = v.source;
  out["json_pointer"] = v.json_pointer;
  out["urdb_json"] = v.urdb_json;
  out["holidays"] = holidays_value(v.holidays);
  return out;
}

/// Releases the store now (file or connection), not when Python collects the handle; idempotent.
void close_handle(store_handle& h) {
  std::unique_ptr<storage::store> closing;
  {
    std::lock_guard<std::mutex> g(h.mutex);
    closing = std::move(h.store);
  }
  pyb::gil_scoped_release release;
  closing.reset();
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
  q.res = enum_arg<energy::resolution>(resolution, "resolution");
  q.scope = enum_arg<summary_scope>(scope, "scope");
  q.type = enum_arg<sensor_type>(type, "type");
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
  // The text columns hold a handful of distinct values (rows come grouped by subject): each list
  // item refers to one str object per value instead of a new str per row, which cost ~2 ms of
  // the 10^4-sensor aggregate call (four strings for each of ~2 × 10^4 rows).
  pyb::list subject(n), scope(n), type(n), res(n);
  uuid last_subject;
  pyb::str subject_text;
  std::map<std::string_view, pyb::str> names;
  const auto name = [&](std::string_view text) -> const pyb::str& {
    auto it = names.find(text);
    if (it == names.end()) it = names.emplace(text, pyb::str(text.data(), text.size())).first;
    return it->second;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const summary_row& r = rows[i];
    if (i == 0 || r.subject_id != last_subject) {
      last_subject = r.subject_id;
      subject_text = uuid_text(r.subject_id);
    }
    subject[i] = subject_text;
    scope[i] = name(to_string(r.scope));
    type[i] = name(to_string(r.type));
    res[i] = name(to_string(r.res));
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

  s.def_property_readonly("adapter", [](store_handle& h) {
    guard g(h.mutex);
    return std::string(h.open().adapter_name());
  });
  s.def("close", &close_handle,
        "Closes the store (its file or connection) now. Idempotent; any other call afterwards "
        "raises ValueError. `with energy.open_store(uri) as store:` closes it at the end.");
  s.def_property_readonly(
      "closed",
      [](store_handle& h) {
        guard g(h.mutex);
        return !h.store;
      },
      "True after close().");
  s.def("__enter__", [](std::shared_ptr<store_handle> h) {
    {
      guard g(h->mutex);
      h->open();  // entering a closed store is the same mistake as using one
    }
    return h;
  });
  s.def("__exit__", [](store_handle& h, const pyb::args&) {
    close_handle(h);
    return false;  // exceptions raised inside the with block propagate
  });
  s.def("__repr__", [](store_handle& h) {
    guard g(h.mutex);
    return h.store ? fmt::format("<Store {}>", h.store->adapter_name()) : "<Store closed>";
  });
  s.def("put_tenant", [](store_handle& h, const tenant& t) {
    guard g(h.mutex);
    h.open().put_tenant(t);
  });
  s.def("tenant", [](store_handle& h, const pyb::object& id) {
    guard g(h.mutex);
    return h.open().get_tenant(to_uuid(id, "id"));
  });
  s.def("tenants", [](store_handle& h) {
    guard g(h.mutex);
    return h.open().list_tenants();
  });
  s.def("put_building", [](store_handle& h, const building& b) {
    guard g(h.mutex);
    h.open().put_building(b);
  });
  s.def("building", [](store_handle& h, const pyb::object& id) {
    guard g(h.mutex);
    return h.open().get_building(to_uuid(id, "id"));
  });
  s.def("buildings", [](store_handle& h, const pyb::object& tenant_id) {
    guard g(h.mutex);
    return h.open().list_buildings(to_uuid(tenant_id, "tenant_id"));
  });
  s.def("put_sensor", [](store_handle& h, const sensor& x) {
    guard g(h.mutex);
    h.open().put_sensor(x);
  });
  s.def("sensor", [](store_handle& h, const pyb::object& id) {
    guard g(h.mutex);
    return h.open().get_sensor(to_uuid(id, "id"));
  });
  s.def("sensors", [](store_handle& h, const pyb::object& building_id) {
    guard g(h.mutex);
    return h.open().list_sensors(to_uuid(building_id, "building_id"));
  });
  s.def("count_readings", [](store_handle& h) {
    guard g(h.mutex);
    return h.open().count_readings();
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
          rows = h.open().read_readings(id, range);
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
          rows = h.open().read_building_readings(id, range);
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
          rows = h.open().read_summaries(q);
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
          r = refresh_as_configured(h.open(), options, std::nullopt, {});
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
          st = h.open().get_summary_settings();
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
        storage::summary_settings st = h.open().get_summary_settings();
        st.sensor_scope = sensor_scope;
        h.open().set_summary_settings(st);
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
          r = refresh_as_configured(h.open(), {}, id, range);
        }
        return refresh_report_dict(r);
      },
      pyb::arg("building_id"), pyb::arg("start") = pyb::none(), pyb::arg("end") = pyb::none(),
      "Recomputes a building's summaries over [start, end) (UTC; default: all of its readings), "
      "then refreshes everything dirty. Buckets overlapping the range are recomputed whole.");

  s.def(
      "add_tariff_version",
      [](store_handle& h, const pyb::object& building_id, const std::string& urdb_json,
         const pyb::object& effective, const std::string& source, const std::string& json_pointer,
         const pyb::object& recorded_at, const pyb::object& holidays) {
        storage::tariff_version v;
        v.holidays = holidays_of(holidays);
        v.building_id = to_uuid(building_id, "building_id");
        v.effective = date_of(effective, "effective");
        v.recorded_at =
            recorded_at.is_none()
                ? std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())
                : to_instant(recorded_at, "recorded_at", {});
        v.source = source;
        v.json_pointer = json_pointer;
        v.urdb_json = urdb_json;
        io::added_tariff_version added;
        {
          pyb::gil_scoped_release release;
          guard g(h.mutex);
          added = io::add_tariff_version(h.open(), v);
        }
        pyb::dict out;
        out["revision"] = added.revision;
        out["urdb"] = added.urdb;
        out["previous_cost_model"] = added.previous_cost_model.empty()
                                         ? pyb::object(pyb::none())
                                         : pyb::object(pyb::str(added.previous_cost_model));
        return out;
      },
      pyb::arg("building_id"), pyb::arg("urdb_json"), pyb::kw_only(), pyb::arg("effective"),
      pyb::arg("source") = "", pyb::arg("json_pointer") = "", pyb::arg("recorded_at") = pyb::none(),
      pyb::arg("holidays") = pyb::none(),
      "Stores a URDB tariff document (the JSON text) as the building's newest tariff version, in "
      "effect from the local date `effective` ('YYYY-MM-DD' or datetime.date, the building's "
      "zone) until a later version's date, with the utility's TOU `holidays` (local dates priced "
      "with the weekend schedules; None: not known, []: none), which URDB documents do not "
      "carry. The document must read as a priceable tariff with them "
      "(ParseError / ValueError otherwise, nothing stored). From then on the store's summaries are "
      "priced by its tariff versions (the first add re-marks every building) and the next "
      "refresh_summaries() reprices the days the version covers. Returns {'revision': int, "
      "'urdb': UrdbTariff (show its `unsupported`), 'previous_cost_model': str or None}. C++: "
      "energy::io::add_tariff_version over storage::tariff_port.");
  s.def(
      "tariff_versions",
      [](store_handle& h, const pyb::object& building_id) {
        const auto id = to_uuid(building_id, "building_id");
        std::vector<storage::tariff_version> versions;
        {
          pyb::gil_scoped_release release;
          guard g(h.mutex);
          auto* port = storage::tariffs_of(h.open());
          if (!port)
            throw std::invalid_argument(
                fmt::format("the {} store keeps no tariff versions", h.open().adapter_name()));
          versions = port->list_tariff_versions(id);
        }
        pyb::list out;
        for (const auto& v : versions)
          out.append(version_dict(v));
        return out;
      },
      pyb::arg("building_id"),
      "Every tariff version of the building ordered by (effective, revision), as dicts: "
      "building_id, effective ('YYYY-MM-DD', local), revision, recorded_at (RFC 3339 UTC), source, "
      "json_pointer, urdb_json, holidays (None or 'YYYY-MM-DD' strings). Empty when it has none. "
      "energy.tariff_versions_frame makes a "
      "DataFrame.");
  s.def(
      "tariff_in_effect",
      [](store_handle& h, const pyb::object& building_id, const pyb::object& on) -> pyb::object {
        const auto id = to_uuid(building_id, "building_id");
        const auto day = date_of(on, "on");
        std::vector<storage::tariff_version> versions;
        {
          pyb::gil_scoped_release release;
          guard g(h.mutex);
          if (auto* port = storage::tariffs_of(h.open())) versions = port->list_tariff_versions(id);
        }
        const auto* v = storage::version_in_effect(versions, day);
        if (!v) return pyb::none();
        return pyb::cast(io::read_tariff_version(*v));
      },
      pyb::arg("building_id"), pyb::arg("on"),
      "The UrdbTariff of the version in effect on local date `on` (the latest effective date not "
      "after it, highest revision), or None when no version covers that date.");
  bind_store_batches(s);
}

}  // namespace energy::py
