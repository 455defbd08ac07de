// SPDX-License-Identifier: Apache-2.0
#include <energy/greenbutton/store_import.hpp>

#include <stdexcept>

#include <fmt/format.h>

namespace energy::greenbutton {
namespace {

sensor_type type_for(std::int32_t service_kind, const converted_unit& unit) {
  if (!unit.is_energy)
    return service_kind == service::water ? sensor_type::water : sensor_type::gas;
  return service_kind == service::electricity ? sensor_type::electricity : sensor_type::thermal;
}

}  // namespace

store_import_result store_meter_reading(storage::store& store, const uuid& building_id,
                                        const meter_reading& mr, std::int32_t service_kind,
                                        const store_import_options& options) {
  if (!store.get_building(building_id))
    throw std::invalid_argument(
        fmt::format("store_meter_reading: unknown building {}", building_id.to_string()));
  const auto unit = canonical_unit_of(mr.type ? mr.type->uom : 0);
  const std::string key =
      options.location_key.empty() ? "greenbutton:" + mr.href : options.location_key;

  std::optional<sensor> existing;
  if (options.sensor_id) {
    existing = store.get_sensor(*options.sensor_id);
    if (existing && existing->building_id != building_id)
      throw std::invalid_argument(
          fmt::format("sensor {} belongs to another building", options.sensor_id->to_string()));
  } else {
    for (auto& s : store.list_sensors(building_id))
      if (s.location == key) {
        existing = std::move(s);
        break;
      }
  }

  store_import_result out;
  const uuid id = existing ? existing->id : options.sensor_id.value_or(uuid::v7());
  // Converts (and so validates the ReadingType, throwing std::invalid_argument) before any sensor
  // is created: `unit` is known to be set below.
  rows_result rows = to_reading_rows(mr, id);
  const sensor_type type = type_for(service_kind, *unit);
  if (existing) {
    if (existing->interval_seconds != rows.interval_seconds || existing->type != type ||
        existing->kind != reading_kind::interval_energy)
      throw std::invalid_argument(fmt::format(
          "sensor {} ({}, {}, {} s) does not match MeterReading {} ({}, interval_energy, {} s)",
          id.to_string(), to_string(existing->type), to_string(existing->kind),
          existing->interval_seconds, mr.href, to_string(type), rows.interval_seconds));
    out.meter = *existing;
  } else {
    sensor s;
    s.id = id;
    s.building_id = building_id;
    s.type = type;
    s.kind = reading_kind::interval_energy;
    s.unit = std::string(unit->canonical);
    s.location = key;
    s.interval_seconds = rows.interval_seconds;
    store.put_sensor(s);
    out.meter = s;
    out.created = true;
  }
  if (!rows.rows.empty()) out.written = store.write_readings(rows.rows);
  out.rejected = std::move(rows.rejected);
  out.rounded = rows.rounded;
  return out;
}

}  // namespace energy::greenbutton
