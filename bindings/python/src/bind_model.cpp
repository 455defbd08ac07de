// SPDX-License-Identifier: Apache-2.0
// Tenant, Building, Sensor: the metadata classes, with ids as str and instants as RFC 3339 str
// (UTC).
#include "common.hpp"

#include <energy/model.hpp>

#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include <chrono>

namespace energy::py {
namespace {

utc_seconds now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::optional<money> to_price(const pyb::handle& h) {
  if (h.is_none()) return std::nullopt;
  const auto text =
      pyb::str(h).cast<std::string>();  // str, Decimal or int: exact; a float's repr is too
  if (auto m = money::parse(text)) return m;
  throw pyb::value_error("flat_rate_per_kwh: '" + text + "' is not a decimal price");
}

/// Adds `name` as a property holding a uuid, exposed as str.
template <class T>
void uuid_property(pyb::class_<T>& c, const char* name, uuid T::*member) {
  c.def_property(
      name, [member](const T& self) { return uuid_text(self.*member); },
      [member, name](T& self, const pyb::handle& v) { self.*member = to_uuid(v, name); });
}

template <class T>
void instant_property(pyb::class_<T>& c, const char* name, utc_seconds T::*member) {
  c.def_property(
      name, [member](const T& self) { return format_utc(self.*member); },
      [member, name](T& self, const pyb::handle& v) { self.*member = to_instant(v, name, now()); });
}

}  // namespace

void bind_model(pyb::module_& m) {
  pyb::class_<tenant> t(m, "Tenant", "A property-management company: owner of buildings.");
  t.def(pyb::init([](std::string name, const pyb::object& id, const pyb::object& created_at) {
          return tenant{id.is_none() ? uuid::v7() : to_uuid(id, "id"), std::move(name),
                        to_instant(created_at, "created_at", now())};
        }),
        pyb::arg("name"), pyb::kw_only(), pyb::arg("id") = pyb::none(),
        pyb::arg("created_at") = pyb::none());
  uuid_property(t, "id", &tenant::id);
  t.def_readwrite("name", &tenant::name);
  instant_property(t, "created_at", &tenant::created_at);
  t.def("__repr__", [](const tenant& x) {
    return "Tenant(name='" + x.name + "', id='" + x.id.to_string() + "')";
  });
  t.def(pyb::self == pyb::self);

  pyb::class_<building> b(m, "Building",
                          "A building. `time_zone` (IANA) is the zone its days, months and billing "
                          "periods are cut in.");
  b.def(pyb::init([](const pyb::object& tenant_id, std::string name, std::string time_zone,
                     std::string address, std::optional<std::int64_t> square_footage,
                     std::string primary_use, const pyb::object& flat_rate_per_kwh,
                     const pyb::object& id, const pyb::object& created_at) {
          building x;
          x.id = id.is_none() ? uuid::v7() : to_uuid(id, "id");
          x.tenant_id = to_uuid(tenant_id, "tenant_id");
          x.name = std::move(name);
          x.time_zone = std::move(time_zone);
          (void)find_zone(x.time_zone);  // unknown zone -> ValueError now, not at first use
          x.address = std::move(address);
          x.square_footage = square_footage;
          x.primary_use = std::move(primary_use);
          x.flat_rate_per_kwh = to_price(flat_rate_per_kwh);
          x.created_at = to_instant(created_at, "created_at", now());
          return x;
        }),
        pyb::arg("tenant_id"), pyb::arg("name"), pyb::arg("time_zone"), pyb::kw_only(),
        pyb::arg("address") = "", pyb::arg("square_footage") = pyb::none(),
        pyb::arg("primary_use") = "", pyb::arg("flat_rate_per_kwh") = pyb::none(),
        pyb::arg("id") = pyb::none(), pyb::arg("created_at") = pyb::none());
  uuid_property(b, "id", &building::id);
  uuid_property(b, "tenant_id", &building::tenant_id);
  b.def_readwrite("name", &building::name);
  b.def_readwrite("time_zone", &building::time_zone);
  b.def_readwrite("address", &building::address);
  b.def_readwrite("square_footage", &building::square_footage);
  b.def_readwrite("primary_use", &building::primary_use);
  b.def_property(
      "flat_rate_per_kwh",
      [](const building& x) -> pyb::object {
        if (!x.flat_rate_per_kwh) return pyb::none();
        return pyb::module_::import("decimal").attr("Decimal")(
            x.flat_rate_per_kwh->to_exact_string());
      },
      [](building& x, const pyb::handle& v) { x.flat_rate_per_kwh = to_price(v); });
  instant_property(b, "created_at", &building::created_at);
  b.def("__repr__", [](const building& x) {
    return "Building(name='" + x.name + "', time_zone='" + x.time_zone + "', id='" +
           x.id.to_string() + "')";
  });
  b.def(pyb::self == pyb::self);

  pyb::class_<sensor> s(m, "Sensor", "A meter or sensor of a building.");
  s.def(pyb::init([](const pyb::object& building_id, const std::string& type,
                     const std::string& kind, const std::optional<std::string>& unit,
                     std::int32_t interval_seconds, std::optional<double> max_value,
                     std::optional<double> register_max, std::string location, bool active,
                     const pyb::object& id, const pyb::object& created_at) {
          sensor x;
          x.id = id.is_none() ? uuid::v7() : to_uuid(id, "id");
          x.building_id = to_uuid(building_id, "building_id");
          x.type = enum_arg<sensor_type>(type, "type");
          x.kind = enum_arg<reading_kind>(kind, "kind");
          x.unit = unit ? *unit : std::string(canonical_unit(x.type));
          if (interval_seconds <= 0)
            throw std::invalid_argument("interval_seconds must be positive");
          x.interval_seconds = interval_seconds;
          x.max_value = max_value;
          x.register_max = register_max;
          x.location = std::move(location);
          x.is_active = active;
          x.created_at = to_instant(created_at, "created_at", now());
          return x;
        }),
        pyb::arg("building_id"), pyb::kw_only(), pyb::arg("type") = "electricity",
        pyb::arg("kind") = "interval_energy", pyb::arg("unit") = pyb::none(),
        pyb::arg("interval_seconds") = 900, pyb::arg("max_value") = pyb::none(),
        pyb::arg("register_max") = pyb::none(), pyb::arg("location") = "",
        pyb::arg("active") = true, pyb::arg("id") = pyb::none(),
        pyb::arg("created_at") = pyb::none());
  uuid_property(s, "id", &sensor::id);
  uuid_property(s, "building_id", &sensor::building_id);
  s.def_property(
      "type", [](const sensor& x) { return std::string(to_string(x.type)); },
      [](sensor& x, const std::string& v) { x.type = enum_arg<sensor_type>(v, "type"); });
  s.def_property(
      "kind", [](const sensor& x) { return std::string(to_string(x.kind)); },
      [](sensor& x, const std::string& v) { x.kind = enum_arg<reading_kind>(v, "kind"); });
  s.def_readwrite("unit", &sensor::unit);
  s.def_readwrite("interval_seconds", &sensor::interval_seconds);
  s.def_readwrite("max_value", &sensor::max_value);
  s.def_readwrite("register_max", &sensor::register_max);
  s.def_readwrite("location", &sensor::location);
  s.def_readwrite("active", &sensor::is_active);
  instant_property(s, "created_at", &sensor::created_at);
  s.def("__repr__", [](const sensor& x) {
    return "Sensor(type='" + std::string(to_string(x.type)) + "', kind='" +
           std::string(to_string(x.kind)) + "', id='" + x.id.to_string() + "')";
  });
  s.def(pyb::self == pyb::self);

  m.def(
      "new_id", [] { return uuid::v7().to_string(); },
      "A new time-ordered (version 7) UUID as str.");
}

}  // namespace energy::py
